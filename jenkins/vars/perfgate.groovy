// perfgate for Jenkins: a shared library step that runs the perfgate binary.
// All logic lives in the binary; this maps arguments to flags and the result to the build status.
// Every user value reaches the shell through withEnv and is referenced as "$VAR" inside a
// single-quoted script: nothing user-controlled is ever interpolated into script text by Groovy.

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
        error("perfgate validate: ${meaning(status)}")
    }
    return status
}

/**
 * Evaluates the spec and sets the build's result. Returns [result:, score:, json:, junit:, markdown:].
 * Options: spec (or slo, sli, sliProvider for a Keptn quality gate), history (a JSON Lines file of earlier runs,
 * kept in the workspace or stashed/archived between builds), start, end, windowFile, failOn ('fail'|'warning'), onWarning ('unstable'|'failure'|'success'),
 * reportDir (default '.perfgate'), binary (default 'perfgate'), variables (a Map for --var), args (a List of more flags).
 */
def evaluate(Map args = [:]) {
    def options = [:] + args
    options.reportDir = options.reportDir ?: '.perfgate'
    if (options.onWarning == 'failure') {
        options.failOn = 'warning'
    }
    def status = run('evaluate', options, [spec: '--spec', slo: '--slo', sli: '--sli', sliProvider: '--sli-provider',
                                           history: '--history', start: '--start', end: '--end', windowFile: '--window-file',
                                           failOn: '--fail-on', reportDir: '--report-dir'])
    def gate = readGateProperties("${options.reportDir}/perfgate.properties")
    if (gate.junit) {
        junit(testResults: "${options.reportDir}/perfgate-junit.xml", skipMarkingBuildUnstable: true, allowEmptyResults: true)
        archiveArtifacts(artifacts: "${options.reportDir}/perfgate-*", allowEmptyArchive: true)
    }
    def summary = "perfgate: ${gate.result ?: 'no result'}, score ${gate.score ?: '?'}"
    if (status == 0 && gate.result == 'warning' && (options.onWarning ?: 'unstable') == 'unstable') {
        unstable("${summary} (a warning)")
    } else if (status != 0) {
        error("${summary}: ${meaning(status)}")
    }
    return [result: gate.result, score: gate.score, json: gate.json, junit: gate.junit, markdown: gate.markdown, status: status]
}

def mark(String edge, Map args) {
    def status = run("mark ${edge}", args, [at: '--at', windowFile: '--window-file'])
    if (status != 0) {
        error("perfgate mark ${edge}: ${meaning(status)}")
    }
    return status
}

// Runs the binary with the flags present in `args`. `command` and the flag names are ours; every
// value goes through the environment.
def run(String command, Map args, Map flags) {
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
    def status = 0
    withEnv(environment) {
        status = sh(returnStatus: true, script: script)
    }
    return status
}

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

def meaning(int status) {
    switch (status) {
        case 1: return 'the performance gate failed'
        case 2: return 'an indicator could not be measured'
        case 64: return 'a usage error (see the log)'
        case 65: return 'the spec or its input is invalid (see the log)'
        case 127: return 'the perfgate binary was not found (set binary: or put perfgate on PATH)'
        default: return "perfgate stopped with exit code ${status}"
    }
}
