// perfgate for Jenkins: a shared library step that runs the perfgate binary.
// All logic lives in the binary; this maps arguments to flags and the result to the build status.
// Every user value reaches the shell through withEnv and is referenced as "$VAR" inside a
// single-quoted script: nothing user-controlled is ever interpolated into script text by Groovy.

/**
 * The declarative step: `perfgate command: 'evaluate', spec: 'perf/checkout.perfspec.yaml'` directly in `steps {}`
 * (Declarative rejects `perfgate.evaluate(...)` outside `script {}`). command: markStart, markStop, validate or
 * evaluate (the default); the other options are those of the method of the same name.
 */
def call(Map args = [:]) {
    def options = [:] + args
    def command = options.remove('command') ?: 'evaluate'
    switch (command) {
        case 'markStart': return markStart(options)
        case 'markStop': return markStop(options)
        case 'validate': return validate(options)
        case 'evaluate': return evaluate(options)
        default: error("perfgate: unknown command '${command}': use markStart, markStop, validate or evaluate")
    }
}

def markStart(Map args = [:]) {
    return mark('start', args)
}

def markStop(Map args = [:]) {
    return mark('stop', args)
}

def validate(Map args = [:]) {
    def status = run('validate', args, [spec: '--spec', slo: '--slo', sli: '--sli', sliProvider: '--sli-provider',
                                        artifactName: '--artifact-name'])
    if (status != 0) {
        error("perfgate validate: ${notRun(status) ?: "exit ${status} (see the log above)"}")
    }
    return status
}

/**
 * Evaluates the spec and sets the build's result. Returns [result:, score:, exit:, json:, junit:, markdown:].
 * Options: spec (or slo, sli, sliProvider for a Keptn quality gate), history (a JSON Lines file of earlier runs,
 * kept in the workspace or stashed/archived between builds), start, end, windowFile, failOn ('fail'|'warning'),
 * onWarning ('unstable'|'failure'|'success'), reportDir (default '.perfgate'), binary (default 'perfgate'),
 * prometheusCredentialsId / dynatraceCredentialsId / influxdbCredentialsId (a Secret text credential, bound as
 * PROMETHEUS_TOKEN / DYNATRACE_API_TOKEN / INFLUXDB_TOKEN for this step only; credentialsId is the Prometheus one),
 * prometheusUrl, dynatraceUrl, influxdbUrl (its database from the query, the spec or an INFLUXDB_DATABASE variable),
 * graphiteUrl (graphiteCredentialsId: a Secret text bound as GRAPHITE_TOKEN, for a Graphite behind a proxy),
 * datadogSite with datadogApiKeyCredentialsId and datadogAppKeyCredentialsId (Secret texts bound as DD_API_KEY and
 * DD_APP_KEY), newrelicAccountId and newrelicRegion with newrelicCredentialsId (a User key bound as NEW_RELIC_API_KEY),
 * azureCredentialsId (an Azure Service Principal credential of the Azure Credentials plugin, bound as AZURE_CLIENT_ID,
 * AZURE_CLIENT_SECRET and AZURE_TENANT_ID), webUrl with webCredentials (a Map of a web query's secret names to Secret
 * text credential ids, each bound as PERFGATE_WEB_SECRET_<NAME>),
 * strict (true: every warning about the spec is an error, --strict), variables (a Map for --var), args (a List of more flags); server (a perfgate server that evaluates instead: the
 * build then needs no backend token) with serverCredentialsId (a Secret text credential holding its API key, bound
 * as PERFGATE_API_KEY for this step only).
 * comment ('auto'|'github'|'gitlab'|'azure'|'none', default 'none'): in a multibranch pull request build, keep one
 * comment per spec on the change CHANGE_URL names (GitHub Branch Source, GitLab Branch Source, Azure DevOps), posted
 * with commentCredentialsId (a Secret text token bound as PERFGATE_COMMENT_TOKEN); slackCredentialsId and
 * teamsCredentialsId (Secret texts holding a webhook URL, bound as PERFGATE_SLACK_WEBHOOK_URL and
 * PERFGATE_TEAMS_WEBHOOK_URL) post the verdict on a failure, or on a warning too with notifyOn: 'warning'.
 * The binary decides the outcome (perfgate.properties: buildResult, message); this only applies it.
 */
def evaluate(Map args = [:]) {
    def options = [:] + args
    options.reportDir = options.reportDir ?: '.perfgate'
    options.onWarning = [unstable: 'issues', failure: 'failed', success: 'succeeded'][options.onWarning ?: 'unstable'] ?: options.onWarning
    def status = withTokens(options) {
        run('evaluate', options, [spec: '--spec', slo: '--slo', sli: '--sli', sliProvider: '--sli-provider',
                                  history: '--history', start: '--start', end: '--end', windowFile: '--window-file',
                                  failOn: '--fail-on', onWarning: '--on-warning', reportDir: '--report-dir',
                                  prometheusUrl: '--prometheus-url', dynatraceUrl: '--dynatrace-url', influxdbUrl: '--influxdb-url',
                                  graphiteUrl: '--graphite-url', datadogSite: '--datadog-site', newrelicAccountId: '--newrelic-account-id',
                                  newrelicRegion: '--newrelic-region', webUrl: '--web-url', server: '--server',
                                  comment: '--comment', notifyOn: '--notify-on'])
    }
    def missing = notRun(status)
    if (missing) {
        // No run, so no report of this build: whatever the folder holds is an earlier build's.
        error("perfgate: ${missing}")
    }
    // The binary replaced (or removed) every report it owns before running: what is here is this build's.
    def gate = readGateProperties("${options.reportDir}/perfgate.properties")
    if (!gate.buildResult) {
        error("perfgate: exit ${status} and no ${options.reportDir}/perfgate.properties (see the log above)")
    }
    if (gate.junit) {
        junit(testResults: relative(gate.junit), skipMarkingBuildUnstable: true, allowEmptyResults: true)
        archiveArtifacts(artifacts: "${options.reportDir}/perfgate-*", allowEmptyArchive: true)
        publishPage(options.reportDir)
    }
    if (gate.buildResult == 'UNSTABLE') {
        unstable(gate.message)
    } else if (gate.buildResult != 'SUCCESS') {
        error(gate.message)
    }
    return [result: gate.result, score: gate.score, exit: status, json: gate.json, junit: gate.junit, markdown: gate.markdown, status: status]
}

// The HTML report (perfgate.html, self-contained): a link on the build's page through the HTML
// Publisher plugin when it is installed; otherwise an archived artifact. Pipeline says a step is
// missing with NoSuchMethodError ("No such DSL method 'publishHTML'"). Jenkins serves such pages
// under a Content-Security-Policy without inline styles; the charts keep their colours without them.
def publishPage(String reportDir) {
    if (!fileExists("${reportDir}/perfgate.html")) {
        return
    }
    try {
        publishHTML(target: [reportDir: reportDir, reportFiles: 'perfgate.html', reportName: 'perfgate', reportTitles: 'perfgate',
                             keepAll: true, alwaysLinkToLastBuild: true, allowMissing: false])
    } catch (NoSuchMethodError missing) {
        archiveArtifacts(artifacts: "${reportDir}/perfgate.html", allowEmptyArchive: true)
    }
}

// Binds the Secret text credentials the options name (withCredentials masks them in the log).
def withTokens(Map options, Closure body) {
    def bindings = []
    def prometheus = options.prometheusCredentialsId ?: options.credentialsId
    if (prometheus) bindings << string(credentialsId: prometheus, variable: 'PROMETHEUS_TOKEN')
    if (options.dynatraceCredentialsId) bindings << string(credentialsId: options.dynatraceCredentialsId, variable: 'DYNATRACE_API_TOKEN')
    if (options.influxdbCredentialsId) bindings << string(credentialsId: options.influxdbCredentialsId, variable: 'INFLUXDB_TOKEN')
    if (options.graphiteCredentialsId) bindings << string(credentialsId: options.graphiteCredentialsId, variable: 'GRAPHITE_TOKEN')
    if (options.datadogApiKeyCredentialsId) bindings << string(credentialsId: options.datadogApiKeyCredentialsId, variable: 'DD_API_KEY')
    if (options.datadogAppKeyCredentialsId) bindings << string(credentialsId: options.datadogAppKeyCredentialsId, variable: 'DD_APP_KEY')
    if (options.newrelicCredentialsId) bindings << string(credentialsId: options.newrelicCredentialsId, variable: 'NEW_RELIC_API_KEY')
    if (options.azureCredentialsId) {
        bindings << azureServicePrincipal(credentialsId: options.azureCredentialsId, subscriptionIdVariable: 'AZURE_SUBSCRIPTION_ID',
                                          clientIdVariable: 'AZURE_CLIENT_ID', clientSecretVariable: 'AZURE_CLIENT_SECRET', tenantIdVariable: 'AZURE_TENANT_ID')
    }
    (options.webCredentials ?: [:]).each { name, id ->
        if (!(name ==~ /[A-Za-z0-9_]+/)) error("perfgate: webCredentials: '${name}' is no secret name (letters, digits and _)")
        bindings << string(credentialsId: id, variable: "PERFGATE_WEB_SECRET_${name.toUpperCase()}".toString())
    }
    if (options.serverCredentialsId) bindings << string(credentialsId: options.serverCredentialsId, variable: 'PERFGATE_API_KEY')
    if (options.commentCredentialsId) bindings << string(credentialsId: options.commentCredentialsId, variable: 'PERFGATE_COMMENT_TOKEN')
    if (options.slackCredentialsId) bindings << string(credentialsId: options.slackCredentialsId, variable: 'PERFGATE_SLACK_WEBHOOK_URL')
    if (options.teamsCredentialsId) bindings << string(credentialsId: options.teamsCredentialsId, variable: 'PERFGATE_TEAMS_WEBHOOK_URL')
    if (bindings.isEmpty()) return body()
    def result = null
    withCredentials(bindings) { result = body() }
    return result
}

// The junit step's pattern is relative to the workspace; the binary reports absolute paths.
def relative(String path) {
    def workspace = env.WORKSPACE ?: ''
    return workspace && path.startsWith(workspace + '/') ? path.substring(workspace.length() + 1) : path
}

def mark(String edge, Map args) {
    def status = run("mark ${edge}", args, [at: '--at', windowFile: '--window-file'])
    if (status != 0) {
        error("perfgate mark ${edge}: ${notRun(status) ?: "exit ${status} (see the log above)"}")
    }
    return status
}

// Runs the binary with the flags present in `args`. `command` and the flag names are ours; every
// value goes through the environment.
def run(String command, Map args, Map flags) {
    if (!isUnix()) {
        error("perfgate: the step runs on Linux agents only (the binary is a Linux program); ${ELSEWHERE}")
    }
    def environment = ["PERFGATE_BIN=${args.binary ?: 'perfgate'}"]
    def script = '"$PERFGATE_BIN" ' + command + ' --ci jenkins'
    int index = 0
    flags.each { key, flag ->
        if (args[key] != null && "${args[key]}" != '') {
            environment << "PERFGATE_ARG_${index}=${args[key]}"
            script += " ${flag} \"\$PERFGATE_ARG_${index}\""
            index++
        }
    }
    // --strict: every warning about the spec is an error (PERFGATE_STRICT on the agent does the same).
    if (args.strict == true || "${args.strict}" == 'true') script += ' --strict'
    // --notify for each webhook credential bound (its URL is in the environment, never here).
    if (args.slackCredentialsId) script += ' --notify slack'
    if (args.teamsCredentialsId) script += ' --notify teams'
    (args.variables ?: [:]).each { name, value ->
        environment << "PERFGATE_ARG_${index}=${name}=${value}"
        script += " --var \"\$PERFGATE_ARG_${index}\""
        index++
    }
    (args.args ?: []).each { word ->
        environment << "PERFGATE_ARG_${index}=${word}"
        script += " \"\$PERFGATE_ARG_${index}\""
        index++
    }
    // The shell says 127 both when the binary is missing and when the dynamic loader cannot start
    // it (a glibc or libcurl too old): a missing one is found first, and a loader's 127 becomes
    // CANNOT_START, which perfgate itself never exits with. `sh` runs with -e: hence `|| status=$?`.
    script = 'command -v "$PERFGATE_BIN" > /dev/null || exit 127; status=0; ' + script +
        ' || status=$?; if [ "$status" -eq 127 ]; then exit ' + CANNOT_START + '; fi; exit "$status"'
    def status = 0
    withEnv(environment) {
        status = sh(returnStatus: true, script: script)
    }
    return status
}

// What the binary needs of an agent (the README's "Install"), and where else the step can run.
@groovy.transform.Field final String ELSEWHERE = 'use a Linux agent with glibc 2.17 and libcurl 7.61 or newer, or a docker agent with ghcr.io/OWNER/perfgate'
@groovy.transform.Field final int CANNOT_START = 125

// perfgate.properties: key=value lines as the binary writes them (\\, \n and \r escaped).
def readGateProperties(String path) {
    def values = [:]
    if (!fileExists(path)) {
        return values
    }
    readFile(path).split('\n').each { line ->
        if (line && !line.startsWith('#') && line.contains('=')) {
            int equals = line.indexOf('=')
            def value = line.substring(equals + 1).replace('\\n', '\n').replace('\\r', '\r').replace('\\\\', '\\')
            values[line.substring(0, equals)] = value
        }
    }
    return values
}

// Only the case where the binary never ran has no words of its own: the rest it says itself.
def notRun(int status) {
    switch (status) {
        case 126: return 'the perfgate binary could not be run (is it executable?)'
        case 127: return 'the perfgate binary was not found (set binary: or put perfgate on PATH)'
        case CANNOT_START: return "this agent cannot start the perfgate binary (the loader's message is in the log above); ${ELSEWHERE}"
        default: return null
    }
}
