import ArgumentParser
import PerfGateCore
import PerfGateServer
import PerfGateSources

/// `perfgate serve`: the gate as an HTTP service, a drop-in for Pitometer's web service and
/// Azure Function, with perfgate's own API beside them. Only the service holds backend tokens.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve evaluations over HTTP: Pitometer's POST /api/pitometer, perfgate's POST /api/v1/evaluate, /health and /metrics.",
        discussion: """
            The backends are configured as for 'evaluate' (flags and environment); requests never carry credentials, and a request's spec that names another server gets no token. Requests' specs may use the sources that read no files here (\(SourceRegistry.servableInOrder.joined(separator: ", "))): the service reads no files for them.

            Every evaluation of POST /api/v1/evaluate is recorded in the results store (SQLite's perfgate.db in --data-dir by default; --store none for none), and relative criteria compare with the stored runs of the same project, stage, service and branch, or with a pinned baseline. GET /api/v1/runs lists them; 'perfgate history' reads, pins, invalidates, exports and imports them.

            Bound to an address other than loopback, the service needs --api-key-file (clients send 'Authorization: Bearer <key>') or --allow-unauthenticated. SIGTERM stops accepting, lets the requests in flight finish within --grace-period, and exits 0. Access logs go to standard output, one JSON line per request.

            Under Azure Functions (FUNCTIONS_CUSTOMHANDLER_PORT set) it listens on that port and answers /api/pitometer as Pitometer's Function did, wrapped in {"telemetryResult": ...}.

            Examples:
              perfgate serve --prometheus-url http://prometheus:9090
              perfgate serve --host 0.0.0.0 --api-key-file /run/secrets/perfgate-keys

            Source settings (each also from its environment variable; tokens never as flags):
            """ + "\n" + ConnectionOptions.sourceSettingsHelp
    )

    @OptionGroup var options: ServeOptions
    @OptionGroup(title: "Results store") var storeOptions: StoreOptions
    @OptionGroup(title: "Sources") var connectionOptions: ConnectionOptions

    func validate() throws {
        try connectionOptions.checkArguments(of: Self.self)
        try options.check()
        try storeOptions.check()
        try connectionOptions.check()
        if connectionOptions.trustSpecUrls {
            throw ValidationError(
                "--trust-spec-urls cannot be used with serve: a request's spec would get the service's tokens for any server it names")
        }
    }

    func run() async throws {
        let environment = Console.environment()
        Invocation.current.secrets.register(connectionOptions.secrets(environment: environment))
        do {
            let keys = try options.keys()
            Invocation.current.secrets.register(keys.values)
            let host = options.host
            if keys.isEmpty && !ServeOptions.isLoopback(host) && !options.allowUnauthenticated {
                throw ServiceSetupError(
                    "--host \(host) lets other machines in, and no --api-key-file is given: give one (clients then send 'Authorization: Bearer <key>'), or --allow-unauthenticated when something in front of the service authenticates"
                )
            }
            if connectionOptions.insecure {
                Console.diagnostics.warning("--insecure: TLS certificates are not verified; anyone on the network path can forge answers")
            }
            var limits = try options.limits()
            // Clients, pooled backend connections (a few hosts), the store and the log.
            if let warning = DescriptorLimit.raise(toFit: limits.maxConnections + 2 * options.backendConnections + 64) {
                Console.diagnostics.warning("\(warning)")
            }
            limits.evaluationDeadline = try connectionOptions.deadlineSeconds()
            let store = try storeOptions.open(environment: environment)
            if let store { Console.diagnostics.note("recording runs in \(store.store.description)") }
            let metrics = ServiceMetrics()
            let service = EvaluationService(
                settings: .init(
                    variables: environment, http: try connectionOptions.httpClient(concurrency: options.backendConnections),
                    flags: connectionOptions.flags, limits: limits,
                    now: Console.now,
                    refuseSpecURLs: options.noSpecUrls, redactor: Invocation.current.redactor, store: store),
                metrics: metrics)
            let functionMode = options.azureFunction || environment["FUNCTIONS_CUSTOMHANDLER_PORT"] != nil
            let routes = ServiceRoutes(
                service: service, keys: keys, functionMode: functionMode,
                accessLog: AccessLog(now: Console.now) { line in Console.out(.report(line)) })
            let server = HTTPServer(routes: routes, limits: limits, host: host, port: try options.port(environment: environment))
            try server.run()
        } catch let error as ServiceSetupError {
            Console.err("perfgate: error: \(error.message)")
            throw ExitCode.usage.exit
        }
    }
}
