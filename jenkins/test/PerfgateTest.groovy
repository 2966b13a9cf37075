// Tests of vars/perfgate.groovy with the pipeline steps stubbed and the real perfgate binary run
// through the stubbed `sh`. Run: groovy jenkins/test/PerfgateTest.groovy (JAVA_HOME set).
import java.nio.file.Files

def here = new File(getClass().protectionDomain.codeSource.location.path).parentFile
def library = new File(here, '../vars/perfgate.groovy').canonicalFile
def root = library.parentFile.parentFile.parentFile
def binary = System.getenv('PERFGATE_BIN') ?: new File(root, '.build/debug/perfgate').path
int failures = 0
int passed = 0

/** A fresh library instance in a fresh workspace, with every step it calls recorded. */
def harness(File library, String binary, File root) {
    def workspace = Files.createTempDirectory('perfgate-jenkins-').toFile()
    new File(workspace, 'perf').mkdirs()
    ['jmeter', 'k6', 'locust'].each { name ->
        def from = new File(root, "Examples/${name}")
        def to = new File(workspace, "perf/${name}")
        to.mkdirs()
        from.eachFile { file -> Files.copy(file.toPath(), new File(to, file.name).toPath()) }
    }
    Files.copy(new File(root, 'Examples/perfspec-warning.yaml').toPath(), new File(workspace, 'perf/checkout.perfspec.yaml').toPath())
    def calls = []
    def environmentStack = [[:]]
    def script = new GroovyShell().parse(library)
    script.metaClass.withEnv = { List variables, Closure body ->
        def layer = [:] + environmentStack.last()
        variables.each { String entry -> int equals = entry.indexOf('='); layer[entry.substring(0, equals)] = entry.substring(equals + 1) }
        environmentStack << layer
        try { body() } finally { environmentStack.remove(environmentStack.size() - 1) }
    }
    script.metaClass.sh = { Map options ->
        calls << [step: 'sh', script: options.script, env: environmentStack.last()]
        def builder = new ProcessBuilder(['bash', '-c', options.script]).directory(workspace).redirectErrorStream(true)
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
    script.metaClass.junit = { Map options -> calls << [step: 'junit', options: options] }
    script.metaClass.archiveArtifacts = { Map options -> calls << [step: 'archiveArtifacts', options: options] }
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
    assert steps(h.calls, 'archiveArtifacts')*.options == [[artifacts: '.perfgate/perfgate-*', allowEmptyArchive: true]]
    assert steps(h.calls, 'unstable')*.message == ['perfgate: warning, score 85 (a warning)']
    assert steps(h.calls, 'error').isEmpty()
}

check('failOn warning fails the build with the reason; onWarning success leaves it green') {
    def h = harness(library, binary, root)
    def window = [binary: binary, start: '2024-05-01T12:00:00Z', end: '2024-05-01T12:10:00Z']
    try {
        h.script.evaluate(window + [failOn: 'warning'])
        assert false : 'expected error()'
    } catch (IllegalStateException expected) {
        assert expected.message == 'perfgate: warning, score 85: the performance gate failed'
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
        assert expected.message.endsWith('the spec or its input is invalid (see the log)')
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
    assert sh.script == '"$PERFGATE_BIN" validate --ci jenkins --spec "$PERFGATE_ARG_0" --var "$PERFGATE_ARG_1" "$PERFGATE_ARG_2" "$PERFGATE_ARG_3"'
    assert sh.env.PERFGATE_ARG_1 == 'SERVICE=$(id)'
    assert sh.output.contains('the spec to archive (archiveArtifacts)')
}

check('a Keptn quality gate maps slo, sli and sliProvider') {
    def h = harness(library, binary, root)
    h.script.validate(binary: binary, slo: "${root}/Examples/keptn/slo.yaml", sliProvider: 'prometheus')
    def sh = steps(h.calls, 'sh')[0]
    assert sh.script == '"$PERFGATE_BIN" validate --ci jenkins --slo "$PERFGATE_ARG_0" --sli-provider "$PERFGATE_ARG_1"'
    assert sh.output.contains('valid Keptn quality gate: 4 objectives')
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

println "jenkins: ${passed} passed, ${failures} failed"
System.exit(failures == 0 ? 0 : 1)
