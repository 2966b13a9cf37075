// Tests of vars/perfgate.groovy with the pipeline steps stubbed and the real perfgate binary run
// through the stubbed `sh`. Run: groovy jenkins/test/PerfgateTest.groovy (JAVA_HOME set).
import java.nio.file.Files
import groovy.transform.Field

// Every folder and file the tests make is under this one, removed at the end: a run leaves nothing
// in the temporary folder.
@Field File scratch = Files.createTempDirectory('perfgate-jenkins-').toFile()

def here = new File(getClass().protectionDomain.codeSource.location.path).parentFile
def library = new File(here, '../vars/perfgate.groovy').canonicalFile
def root = library.parentFile.parentFile.parentFile
def binary = System.getenv('PERFGATE_BIN') ?: new File(root, '.build/debug/perfgate').path
int failures = 0
int passed = 0

/** A fresh library instance in a fresh workspace, with every step it calls recorded. */
def harness(File library, String binary, File root, File reuse = null, boolean unix = true) {
    // A reused workspace is the next build on the same agent: nothing deleted in between (§3.2).
    def workspace = reuse ?: Files.createTempDirectory(scratch.toPath(), 'workspace-').toFile()
    if (reuse) return harnessIn(library, workspace, unix)
    new File(workspace, 'perf').mkdirs()
    new File(workspace, 'perf').mkdirs()
    ['jmeter', 'k6', 'locust'].each { name ->
        def from = new File(root, "Examples/${name}")
        def to = new File(workspace, "perf/${name}")
        to.mkdirs()
        from.eachFile { file -> Files.copy(file.toPath(), new File(to, file.name).toPath()) }
    }
    Files.copy(new File(root, 'Examples/perfspec-warning.yaml').toPath(), new File(workspace, 'perf/checkout.perfspec.yaml').toPath())
    return harnessIn(library, workspace, unix)
}

def harnessIn(File library, File workspace, boolean unix) {
    def calls = []
    def environmentStack = [[:]]
    def script = new GroovyShell().parse(library)
    script.metaClass.withEnv = { List variables, Closure body ->
        def layer = [:] + environmentStack.last()
        variables.each { String entry -> int equals = entry.indexOf('='); layer[entry.substring(0, equals)] = entry.substring(equals + 1) }
        environmentStack << layer
        try { body() } finally { environmentStack.remove(environmentStack.size() - 1) }
    }
    script.metaClass.isUnix = { -> unix }
    script.metaClass.getEnv = { -> [WORKSPACE: workspace.canonicalPath] }
    script.metaClass.string = { Map options -> [credentialsId: options.credentialsId, variable: options.variable] }
    // The Azure Credentials plugin's binding: one credential, four variables.
    script.metaClass.azureServicePrincipal = { Map options -> [credentialsId: options.credentialsId,
        variables: [options.subscriptionIdVariable, options.clientIdVariable, options.clientSecretVariable, options.tenantIdVariable]] }
    script.metaClass.withCredentials = { List bindings, Closure body ->
        calls << [step: 'withCredentials', bindings: bindings]
        def layer = [:] + environmentStack.last()
        bindings.each { binding -> (binding.variables ?: [binding.variable]).each { layer[it] = "secret-of-${binding.credentialsId}".toString() } }
        environmentStack << layer
        try { body() } finally { environmentStack.remove(environmentStack.size() - 1) }
    }
    script.metaClass.sh = { Map options ->
        calls << [step: 'sh', script: options.script, env: environmentStack.last()]
        // As the durable-task plugin runs it: `sh -xe script` in the workspace (§3.1).
        def file = File.createTempFile('script', '.sh', scratch)
        file.text = options.script
        def builder = new ProcessBuilder(['sh', '-xe', file.path]).directory(workspace).redirectErrorStream(true)
        builder.environment().putAll(['JENKINS_URL': 'http://jenkins.example/', 'WORKSPACE': workspace.path])
        builder.environment().remove('GITHUB_ACTIONS')
        builder.environment().remove('TF_BUILD')
        builder.environment().putAll(environmentStack.last())
        def process = builder.start()
        def output = process.inputStream.text
        int status = process.waitFor()
        calls.last().output = output
        return status
    }
    script.metaClass.readFile = { String path -> new File(workspace, path).text }
    script.metaClass.fileExists = { String path -> new File(workspace, path).exists() }
    // junit (§3.3): Ant patterns relative to the workspace; no match aborts unless allowEmptyResults;
    // stale files are parsed like new ones (skipOldReports is false by default).
    script.metaClass.junit = { Map options ->
        def files = options.testResults.split(',')*.trim().collect { new File(workspace, it) }.findAll { it.isFile() }
        if (files.isEmpty() && !options.allowEmptyResults) throw new IllegalStateException('No test report files were found. Configuration error?')
        calls << [step: 'junit', options: options, files: files*.text]
    }
    script.metaClass.archiveArtifacts = { Map options -> calls << [step: 'archiveArtifacts', options: options] }
    // Without the HTML Publisher plugin, as CPS reports a step that is not installed.
    script.metaClass.publishHTML = { Map options -> throw new NoSuchMethodError("No such DSL method 'publishHTML' found among steps [archiveArtifacts, junit, sh]") }
    script.metaClass.unstable = { String message -> calls << [step: 'unstable', message: message] }
    script.metaClass.error = { String message -> calls << [step: 'error', message: message]; throw new IllegalStateException(message) }
    return [script: script, calls: calls, workspace: workspace]
}

def check = { String name, Closure body ->
    try {
        body()
        passed++
        println "ok - ${name}"
    } catch (Throwable failure) {
        failures++
        println "not ok - ${name}: ${failure}"
    }
}

def steps = { List calls, String step -> calls.findAll { it.step == step } }

check('markStart and markStop record the window in the workspace') {
    def h = harness(library, binary, root)
    h.script.markStart(binary: binary, at: '2024-05-01T12:00:00Z')
    h.script.markStop(binary: binary, at: '2024-05-01T12:10:00Z')
    def window = new File(h.workspace, '.perfgate/window.json').text
    assert window.contains('"start": "2024-05-01T12:00:00Z"') && window.contains('"end": "2024-05-01T12:10:00Z"')
}

check('a warning marks the build unstable, publishes JUnit and archives the reports') {
    def h = harness(library, binary, root)
    h.script.markStart(binary: binary, at: '2024-05-01T12:00:00Z')
    h.script.markStop(binary: binary, at: '2024-05-01T12:10:00Z')
    def gate = h.script.evaluate(binary: binary, spec: 'perf/checkout.perfspec.yaml')
    assert gate.result == 'warning' && gate.score == '85' && gate.status == 0
    assert gate.junit == new File(h.workspace, '.perfgate/perfgate-junit.xml').canonicalPath
    assert steps(h.calls, 'junit')*.options == [[testResults: '.perfgate/perfgate-junit.xml', skipMarkingBuildUnstable: true, allowEmptyResults: true]]
    // Without the HTML Publisher plugin the page is archived with the reports.
    assert steps(h.calls, 'archiveArtifacts')*.options == [[artifacts: '.perfgate/perfgate-*', allowEmptyArchive: true],
                                                          [artifacts: '.perfgate/perfgate.html', allowEmptyArchive: true]]
    assert new File(h.workspace, '.perfgate/perfgate.html').text.startsWith('<!DOCTYPE html>')
    assert steps(h.calls, 'unstable')*.message == ['perfgate: result warning (exit 0, with issues; --fail-on warning would fail)']
    assert steps(h.calls, 'error').isEmpty()
}

check('with the HTML Publisher plugin the page is published on the build, kept per build') {
    def h = harness(library, binary, root)
    h.script.metaClass.publishHTML = { Map options -> h.calls << [step: 'publishHTML', options: options] }
    h.script.evaluate(binary: binary, start: '2024-05-01T12:00:00Z', end: '2024-05-01T12:10:00Z')
    assert steps(h.calls, 'publishHTML')*.options == [[target: [reportDir: '.perfgate', reportFiles: 'perfgate.html', reportName: 'perfgate',
                                                                reportTitles: 'perfgate', keepAll: true, alwaysLinkToLastBuild: true, allowMissing: false]]]
    assert steps(h.calls, 'archiveArtifacts')*.options == [[artifacts: '.perfgate/perfgate-*', allowEmptyArchive: true]]
}

check('failOn warning fails the build with the reason; onWarning success leaves it green') {
    def h = harness(library, binary, root)
    def window = [binary: binary, start: '2024-05-01T12:00:00Z', end: '2024-05-01T12:10:00Z']
    try {
        h.script.evaluate(window + [failOn: 'warning'])
        assert false : 'expected error()'
    } catch (IllegalStateException expected) {
        assert expected.message == 'perfgate: result warning (exit 1: --fail-on warning)'
    }
    def quiet = harness(library, binary, root)
    def gate = quiet.script.evaluate(window + [onWarning: 'success'])
    assert gate.result == 'warning'
    assert steps(quiet.calls, 'unstable').isEmpty() && steps(quiet.calls, 'error').isEmpty()
}

check('a hostile spec value stays a value: no injection, a clear error') {
    def h = harness(library, binary, root)
    def hostile = "x'; touch pwned; '"
    try {
        h.script.evaluate(binary: binary, spec: hostile, start: 'now-1m')
        assert false : 'expected error()'
    } catch (IllegalStateException expected) {
        assert expected.message.startsWith('perfgate: invalid spec or input (exit 65)')
    }
    assert !new File(h.workspace, 'pwned').exists()
    def sh = steps(h.calls, 'sh')[0]
    assert !sh.script.contains('pwned') && !sh.script.contains("'")
    assert sh.env.values().contains(hostile)
    assert sh.output.contains("cannot read the spec: ${hostile}")
}

check('variables and extra flags travel through the environment too') {
    def h = harness(library, binary, root)
    h.script.validate(binary: binary, spec: 'perf/checkout.perfspec.yaml', variables: [SERVICE: '$(id)'], args: ['--artifact-name', 'a b'])
    def sh = steps(h.calls, 'sh')[0]
    // The command line itself, between the step's missing-binary and loader checks.
    assert sh.script.contains('; "$PERFGATE_BIN" validate --ci jenkins --spec "$PERFGATE_ARG_0" --var "$PERFGATE_ARG_1" "$PERFGATE_ARG_2" "$PERFGATE_ARG_3" || status=$?;')
    assert sh.env.PERFGATE_ARG_1 == 'SERVICE=$(id)'
    assert sh.output.contains('the spec to archive (archiveArtifacts)')
}

check('a Keptn quality gate maps slo, sli and sliProvider') {
    def h = harness(library, binary, root)
    h.script.validate(binary: binary, slo: "${root}/Examples/keptn/slo.yaml", sliProvider: 'prometheus')
    def sh = steps(h.calls, 'sh')[0]
    assert sh.script.contains('; "$PERFGATE_BIN" validate --ci jenkins --slo "$PERFGATE_ARG_0" --sli-provider "$PERFGATE_ARG_1" || status=$?;')
    assert sh.output.contains('valid Keptn quality gate: 4 objectives')
}

check('the declarative step: perfgate command: ..., with named options') {
    def h = harness(library, binary, root)
    h.script.call(command: 'markStart', binary: binary, at: '2024-05-01T12:00:00Z')
    h.script.call(command: 'markStop', binary: binary, at: '2024-05-01T12:10:00Z')
    def gate = h.script.call(binary: binary, spec: 'perf/checkout.perfspec.yaml')
    assert gate.result == 'warning' && gate.exit == 0
    assert steps(h.calls, 'unstable').size() == 1
    try {
        h.script.call(command: 'deploy')
        assert false : 'expected error()'
    } catch (IllegalStateException expected) {
        assert expected.message.contains("unknown command 'deploy'")
    }
}

check('a reused workspace never republishes the last build: an invalid spec reports itself') {
    def first = harness(library, binary, root)
    first.script.evaluate(binary: binary, spec: 'perf/checkout.perfspec.yaml', start: '2024-05-01T12:00:00Z', end: '2024-05-01T12:10:00Z')
    assert steps(first.calls, 'unstable').size() == 1
    new File(first.workspace, 'perf/broken.json').text = '{"indicators": 3}'
    def second = harness(library, binary, root, first.workspace)
    try {
        second.script.evaluate(binary: binary, spec: 'perf/broken.json')
        assert false : 'expected error()'
    } catch (IllegalStateException expected) {
        assert expected.message.startsWith('perfgate: invalid spec or input (exit 65)') : expected.message
    }
    assert steps(second.calls, 'unstable').isEmpty()
    def published = steps(second.calls, 'junit')
    assert published.size() == 1 && published[0].files[0].contains('the run stopped') && !published[0].files[0].contains('checkout_p95')
    // A usage error is this build's too.
    def third = harness(library, binary, root, first.workspace)
    try {
        third.script.evaluate(binary: binary, spec: 'perf/checkout.perfspec.yaml', start: 'yesterday')
        assert false : 'expected error()'
    } catch (IllegalStateException expected) {
        assert expected.message.startsWith('perfgate: usage error (exit 64)') : expected.message
    }
}

check('junit gets the path the run reported, relative to the workspace, in any report folder') {
    def h = harness(library, binary, root)
    h.script.evaluate(binary: binary, spec: 'perf/checkout.perfspec.yaml', reportDir: 'perf reports', start: '2024-05-01T12:00:00Z', end: '2024-05-01T12:10:00Z')
    assert steps(h.calls, 'junit')*.options*.testResults == ['perf reports/perfgate-junit.xml']
    assert steps(h.calls, 'junit')[0].files[0].contains('classname="perfgate.checkout_perfspec_yaml"')
}

check('credentialsId binds the token for the step only, through withCredentials') {
    def h = harness(library, binary, root)
    h.script.evaluate(binary: binary, spec: 'perf/checkout.perfspec.yaml', start: '2024-05-01T12:00:00Z', end: '2024-05-01T12:10:00Z',
                      credentialsId: 'prom-token', dynatraceCredentialsId: 'dt-token', influxdbCredentialsId: 'influx-token',
                      influxdbUrl: 'http://127.0.0.1:9', graphiteUrl: 'http://127.0.0.1:9', graphiteCredentialsId: 'graphite-token')
    assert steps(h.calls, 'withCredentials')*.bindings == [[[credentialsId: 'prom-token', variable: 'PROMETHEUS_TOKEN'], [credentialsId: 'dt-token', variable: 'DYNATRACE_API_TOKEN'],
                                                            [credentialsId: 'influx-token', variable: 'INFLUXDB_TOKEN'], [credentialsId: 'graphite-token', variable: 'GRAPHITE_TOKEN']]]
    def sh = steps(h.calls, 'sh')[0]
    assert sh.env.PROMETHEUS_TOKEN == 'secret-of-prom-token' && sh.env.INFLUXDB_TOKEN == 'secret-of-influx-token' && !sh.script.contains('secret-of')
    assert sh.script.contains('--influxdb-url') && sh.script.contains('--graphite-url') : sh.script
    assert steps(h.calls, 'error').isEmpty() : steps(h.calls, 'error')
}

check('strict: true passes --strict, and a misspelt threshold then stops the build before anything is queried') {
    def h = harness(library, binary, root)
    new File(h.workspace, 'perf/typo.json').text = '{"indicators": [{"id": "p95", "source": "static", "query": 5, "grading": {"type": "Threshold", "thresholds": {"upperWarnng": 1}, "metricScore": 10}}], "objectives": {"pass": 9, "warning": 5}}'
    try { h.script.validate(binary: binary, spec: 'perf/typo.json', strict: true) } catch (ignored) { }
    assert steps(h.calls, 'sh')[0].script.contains(' --strict')
    assert !steps(h.calls, 'error').isEmpty() : 'a strict validate of a spec that can never fail must stop the build'
}

check('the hosted backends: Datadog, New Relic and web keys, and an Azure service principal, bound for the step only') {
    def h = harness(library, binary, root)
    h.script.evaluate(binary: binary, spec: 'perf/checkout.perfspec.yaml', start: '2024-05-01T12:00:00Z', end: '2024-05-01T12:10:00Z',
                      datadogSite: 'datadoghq.eu', datadogApiKeyCredentialsId: 'dd-api', datadogAppKeyCredentialsId: 'dd-app',
                      newrelicAccountId: '1234567', newrelicRegion: 'eu', newrelicCredentialsId: 'nr-key', azureCredentialsId: 'azure-sp',
                      webUrl: 'http://127.0.0.1:9', webCredentials: [es_key: 'elastic-key'])
    def bindings = steps(h.calls, 'withCredentials')[0].bindings
    assert bindings*.credentialsId == ['dd-api', 'dd-app', 'nr-key', 'azure-sp', 'elastic-key']
    assert bindings[3].variables == ['AZURE_SUBSCRIPTION_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET', 'AZURE_TENANT_ID']
    assert bindings[4].variable == 'PERFGATE_WEB_SECRET_ES_KEY'
    def sh = steps(h.calls, 'sh')[0]
    assert sh.env.DD_API_KEY == 'secret-of-dd-api' && sh.env.AZURE_CLIENT_SECRET == 'secret-of-azure-sp' && !sh.script.contains('secret-of')
    ['--datadog-site', '--newrelic-account-id', '--newrelic-region', '--web-url'].each { assert sh.script.contains(it) : sh.script }
    assert steps(h.calls, 'error').isEmpty() : steps(h.calls, 'error')
}

check('comment keeps one comment on the pull request CHANGE_URL names, with the credential bound for the step only') {
    def dir = Files.createTempDirectory(scratch.toPath(), 'review-').toFile()
    def starter = new ProcessBuilder(['bash', new File(root, 'scripts/test-review-api').path, 'start', dir.path]).redirectErrorStream(true)
    starter.environment().put('FAKE_REVIEW_TOKENS', 'secret-of-github-comments')
    def start = starter.start()
    def startOutput = start.inputStream.text
    assert start.waitFor() == 0 : startOutput
    try {
        def url = new File(dir, 'url').text.trim()
        def h = harness(library, binary, root)
        // As GitHub Branch Source sets them for a pull request build.
        def change = ['CHANGE_ID=21', 'CHANGE_URL=https://github.com/acme/jenkins-lib/pull/21', "PERFGATE_COMMENT_API_URL=${url}/github".toString(),
                      'BUILD_URL=https://ci.example.com/job/shop/PR-21/1/']
        2.times {
            h.script.withEnv(change) {
                h.script.evaluate(binary: binary, spec: 'perf/checkout.perfspec.yaml', comment: 'auto', commentCredentialsId: 'github-comments')
            }
        }
        assert steps(h.calls, 'withCredentials')*.bindings.flatten().unique() == [[credentialsId: 'github-comments', variable: 'PERFGATE_COMMENT_TOKEN']]
        def sh = steps(h.calls, 'sh')[0]
        assert sh.script.contains('--comment') && !sh.script.contains('secret-of') && !sh.output.contains('secret-of-github-comments')
        def state = new ProcessBuilder(['bash', new File(root, 'scripts/test-review-api').path, 'state', dir.path, 'github', 'acme/jenkins-lib#21']).start()
        assert state.inputStream.text.trim() == '1 1'
    } finally {
        new ProcessBuilder(['bash', new File(root, 'scripts/test-review-api').path, 'stop', dir.path]).start().waitFor()
    }
}

check('slackCredentialsId and teamsCredentialsId bind the webhook URLs and add --notify, never the URL') {
    def h = harness(library, binary, root)
    h.script.evaluate(binary: binary, spec: 'perf/checkout.perfspec.yaml', slackCredentialsId: 'slack-hook', teamsCredentialsId: 'teams-hook', notifyOn: 'warning')
    assert steps(h.calls, 'withCredentials')*.bindings == [[[credentialsId: 'slack-hook', variable: 'PERFGATE_SLACK_WEBHOOK_URL'],
                                                            [credentialsId: 'teams-hook', variable: 'PERFGATE_TEAMS_WEBHOOK_URL']]]
    def sh = steps(h.calls, 'sh')[0]
    assert sh.script.contains(' --notify slack --notify teams') && sh.script.contains('--notify-on') && !sh.script.contains('secret-of')
}

check('server evaluates on a perfgate server, its key bound through withCredentials for the step only') {
    def dir = Files.createTempDirectory(scratch.toPath(), 'server-').toFile()
    def starter = new ProcessBuilder(['bash', new File(root, 'scripts/test-server').path, 'start', dir.path, binary]).redirectErrorStream(true)
    starter.environment().put('PERFGATE_TEST_KEY', 'secret-of-perfgate-server-key')
    def start = starter.start()
    def startOutput = start.inputStream.text
    assert start.waitFor() == 0 : startOutput
    try {
        def url = new File(dir, 'url').text.trim()
        def h = harness(library, binary, root)
        new File(h.workspace, 'perf/remote.perfspec.yaml').text = new File(root, 'Examples/perfspec-static.yaml').text
        def gate = h.script.evaluate(binary: binary, spec: 'perf/remote.perfspec.yaml', start: '2024-05-01T12:00:00Z', end: '2024-05-01T12:10:00Z',
                                     server: url, serverCredentialsId: 'perfgate-server-key')
        assert gate.result == 'warning' && gate.score == '70'
        assert steps(h.calls, 'withCredentials')*.bindings == [[[credentialsId: 'perfgate-server-key', variable: 'PERFGATE_API_KEY']]]
        def sh = steps(h.calls, 'sh')[0]
        assert sh.env.PERFGATE_API_KEY == 'secret-of-perfgate-server-key' && !sh.script.contains('secret-of') && !sh.output.contains('secret-of')
        assert steps(h.calls, 'unstable')*.message == ['perfgate: result warning (exit 0, with issues; --fail-on warning would fail)']
        assert new File(dir, 'access.log').text.contains('"method":"POST","route":"/api/v1/evaluate","status":200')
        // Without the key, the server refuses: the build fails with the reason.
        def refused = harness(library, binary, root, h.workspace)
        try {
            refused.script.evaluate(binary: binary, spec: 'perf/remote.perfspec.yaml', start: '2024-05-01T12:00:00Z', server: url)
            assert false : 'the build should have failed'
        } catch (IllegalStateException expected) {
            assert expected.message.contains('PERFGATE_API_KEY')
        }
    } finally {
        new ProcessBuilder(['bash', new File(root, 'scripts/test-server').path, 'stop', dir.path]).start().waitFor()
    }
}

check('a Windows agent stops with one line that says why') {
    def h = harness(library, binary, root, null, false)
    try {
        h.script.call(command: 'evaluate', binary: binary)
        assert false : 'expected error()'
    } catch (IllegalStateException expected) {
        assert expected.message.contains('Linux agents only')
    }
}

check('every documented steps {} block is valid Declarative: no method calls on objects outside script {}') {
    // The model parser's rule (§3.6): a statement in steps {} is a call on `this`; `perfgate.x()` needs script {}.
    def documents = [new File(library.parentFile, 'perfgate.txt'), new File(library.parentFile.parentFile, 'README.md'), new File(root, 'README.md'),
                     new File(root, 'docs/ci-platforms.md')]
    int blocks = 0
    documents.each { document ->
        def lines = document.readLines()
        int depth = 0
        int scriptDepth = -1
        int stepsDepth = -1
        lines.eachWithIndex { line, index ->
            def code = line.replaceAll(/\/\/.*$/, '')
            if (code =~ /\bsteps\s*\{/) { stepsDepth = depth; blocks++ }
            if (code =~ /\bscript\s*\{/) scriptDepth = depth
            if (stepsDepth >= 0 && scriptDepth < 0) {
                assert !(code =~ /\bperfgate\.[a-zA-Z]+\s*\(/) : "${document.name}:${index + 1}: ${line.trim()}"
                assert !(code =~ /^\s*def\s/) : "${document.name}:${index + 1}: ${line.trim()}"
            }
            depth += code.count('{') - code.count('}')
            if (scriptDepth >= 0 && depth <= scriptDepth) scriptDepth = -1
            if (stepsDepth >= 0 && depth <= stepsDepth) stepsDepth = -1
        }
    }
    assert blocks >= 3
}

check("the documented raw-sh snippet, run as written in a reused workspace, reads only this build's result") {
    // The script {} body of docs/ci-platforms.md's "Use in Jenkins" pipeline, with the simulator's steps.
    def readme = new File(root, 'docs/ci-platforms.md').text
    def matcher = readme =~ /(?s)stage\('Release'\) \{.*?script \{\n(.*?)\n    \}\n/
    assert matcher.find()
    def body = matcher.group(1)
    def first = harness(library, binary, root)
    first.script.evaluate(binary: binary, spec: 'perf/checkout.perfspec.yaml', start: '2024-05-01T12:00:00Z', end: '2024-05-01T12:10:00Z')
    new File(first.workspace, 'perf/broken.perfspec.json').text = '{"indicators": 3}'
    def second = harness(library, binary, root, first.workspace)
    def shell = new GroovyShell(new Binding([
        sh: { Map options -> second.script.sh(options + [script: options.script.replaceFirst(/^perfgate /, "'${binary}' ")]) },
        junit: { Map options -> second.script.junit(options) },
        error: { String message -> second.script.error(message) },
    ]))
    try {
        shell.evaluate(body)
        assert false : 'expected error()'
    } catch (IllegalStateException expected) {
        assert expected.message == 'perfgate: exit 65 (see the log)' : expected.message
    }
    def published = steps(second.calls, 'junit')
    assert published.size() == 1 && published[0].files[0].contains('the run stopped')
}

check('a missing binary is an error that says so') {
    def h = harness(library, binary, root)
    try {
        h.script.markStart(binary: '/nonexistent/perfgate')
        assert false : 'expected error()'
    } catch (IllegalStateException expected) {
        assert expected.message == 'perfgate mark start: the perfgate binary was not found (set binary: or put perfgate on PATH)'
    }
}

check('a binary this agent cannot start says what the binary needs') {
    def h = harness(library, binary, root)
    // As the dynamic loader fails on a too-old glibc: its message, then exit 127.
    def fake = new File(h.workspace, 'old-agent-perfgate')
    fake.text = "#!/bin/sh\necho \"\$0: /lib64/libc.so.6: version 'GLIBC_2.17' not found\" >&2\nexit 127\n"
    fake.setExecutable(true)
    try {
        h.script.markStart(binary: fake.path)
        assert false : 'expected error()'
    } catch (IllegalStateException expected) {
        assert expected.message.startsWith('perfgate mark start: this agent cannot start the perfgate binary')
        assert expected.message.contains('glibc 2.17 and libcurl 7.61 or newer')
    }
}

println "jenkins: ${passed} passed, ${failures} failed"
scratch.deleteDir()
System.exit(failures == 0 ? 0 : 1)
