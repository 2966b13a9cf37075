import ArgumentParser
import PerfGateCore
import PerfGateEngine
import PerfGateSources

/// The server every `perfgate history` subcommand talks to, and how.
struct HistoryServerOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The perfgate server with the store (else PERFGATE_SERVER).", valueName: "url"))
    var server: String?

    @Option(
        name: .long,
        help: ArgumentHelp("A file holding the server's API key (else PERFGATE_API_KEY); sent as 'Authorization: Bearer'.", valueName: "file"))
    var serverApiKeyFile: String?

    @Option(name: .long, help: ArgumentHelp("A PEM file of CA certificates to trust for an https:// server.", valueName: "file"))
    var caFile: String?

    /// The client, with the key registered as a secret before anything is printed.
    func client(environment: [String: String]) throws -> HistoryClient {
        guard let url = ServerOptions.url(flag: server, environment: environment) else {
            throw GateError(.usage, "perfgate history needs the server with the store: give --server URL or set PERFGATE_SERVER")
        }
        guard URLText.isHTTP(url) else { throw GateError(.usage, "--server must be an http:// or https:// URL, not '\(URLText.redacted(url))'") }
        let key = try ServerOptions.apiKey(file: serverApiKeyFile, environment: environment)
        Invocation.current.secrets.register((key.map { [$0] } ?? []) + URLText.credentials(url))
        var settings = HTTPSettings()
        settings.caFile = caFile
        return HistoryClient(server: url, apiKey: key, http: CurlHTTPClient(settings: settings))
    }
}

/// Which runs: a project, stage and service (each else PERFGATE_<NAME>, else KEPTN_<NAME>), and a branch.
struct RunKeyOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The project (else PERFGATE_PROJECT, else KEPTN_PROJECT).", valueName: "name"))
    var project: String?
    @Option(name: .long, help: ArgumentHelp("The stage (else PERFGATE_STAGE, else KEPTN_STAGE).", valueName: "name"))
    var stage: String?
    @Option(name: .long, help: ArgumentHelp("The service (else PERFGATE_SERVICE, else KEPTN_SERVICE).", valueName: "name"))
    var service: String?

    /// project, stage and service, from the flags or the environment; nil where neither says.
    func key(environment: [String: String]) -> (project: String?, stage: String?, service: String?) {
        let variables = ["PROJECT": project, "STAGE": stage, "SERVICE": service].compactMapValues { $0 }
        return (
            RunContext.value("PROJECT", variables: variables, environment: environment),
            RunContext.value("STAGE", variables: variables, environment: environment),
            RunContext.value("SERVICE", variables: variables, environment: environment)
        )
    }
}

/// Runs a history subcommand's body; its errors end the process with their exit code.
func historyCommand(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as GateError {
        throw ExitCode.explain(error).0
    }
}
