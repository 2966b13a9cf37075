import ArgumentParser
import PerfGateCore
import PerfGateServer

/// Where `serve` listens, who may call it, and what one client may take.
struct ServeOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The address to listen on; 0.0.0.0 for every interface (needs --api-key-file or --allow-unauthenticated).", valueName: "address"))
    var host = "127.0.0.1"

    @Option(
        name: .long,
        help: ArgumentHelp("The port (default: FUNCTIONS_CUSTOMHANDLER_PORT, else PORT, else 8080; 0 picks a free one).", valueName: "port"))
    var port: Int?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "A file of API keys, one per line (at least 16 characters each); clients send 'Authorization: Bearer <key>'.", valueName: "file"))
    var apiKeyFile: String?

    @Flag(name: .long, help: "Serve without API keys on an address other than loopback (something in front of the service authenticates).")
    var allowUnauthenticated = false

    @Flag(
        name: .long,
        help: "Answer /api/pitometer as Pitometer's Azure Function did ({\"telemetryResult\": ...}); on when FUNCTIONS_CUSTOMHANDLER_PORT is set.")
    var azureFunction = false

    @Option(name: .long, help: ArgumentHelp("The largest request body, in KiB (413 past it).", valueName: "kib"))
    var maxBodyKib = 1024

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Evaluations at once; past it, 429 with Retry-After (each holds about 240 KiB for 5 indicators, up to about 3 MiB at --max-values).",
            valueName: "count"))
    var maxEvaluations = ServiceLimits.defaultMaxEvaluations

    @Option(name: .long, help: ArgumentHelp("Open connections; past it, a new one gets 503 and is closed.", valueName: "count"))
    var maxConnections = 512

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Connections to one backend host, a pool shared by every evaluation and kept alive; requests past it wait for one (halved while the host answers 429 or 503).",
            valueName: "count"))
    var backendConnections = ServiceLimits.defaultBackendConnections

    @Option(name: .long, help: ArgumentHelp("The most a request's headers may take to arrive, once it starts.", valueName: "duration"))
    var headerTimeout = "10s"

    @Option(name: .long, help: ArgumentHelp("The most a request's body may take to arrive, after its headers.", valueName: "duration"))
    var bodyTimeout = "30s"

    @Option(name: .long, help: ArgumentHelp("How long a kept-alive connection may idle between requests.", valueName: "duration"))
    var idleTimeout = "60s"

    @Option(
        name: .long, help: ArgumentHelp("The most an answer may take to be written; a client that stops reading is cut off.", valueName: "duration"))
    var writeTimeout = "30s"

    @Option(
        name: .long,
        help: ArgumentHelp("The most values (measurements and canary samples) one request may have graded; past it, 422.", valueName: "count"))
    var maxValues = 20_000

    @Flag(
        name: .long,
        help: "Refuse requests whose spec names a server (sources.<name>.url): only this service's flags and environment say where queries go.")
    var noSpecUrls = false

    @Option(name: .long, help: ArgumentHelp("After SIGTERM, how long requests in flight have to finish.", valueName: "duration"))
    var gracePeriod = "30s"

    func check() throws {
        if let port, !(0...65535).contains(port) { throw ValidationError("--port must be from 0 to 65535") }
        guard (1...1_048_576).contains(maxBodyKib) else { throw ValidationError("--max-body-kib must be from 1 to 1048576") }
        guard (1...4096).contains(maxEvaluations) else { throw ValidationError("--max-evaluations must be from 1 to 4096") }
        guard (1...1_000_000).contains(maxConnections) else { throw ValidationError("--max-connections must be from 1 to 1000000") }
        guard (1...4096).contains(backendConnections) else { throw ValidationError("--backend-connections must be from 1 to 4096") }
        guard (1...10_000_000).contains(maxValues) else { throw ValidationError("--max-values must be from 1 to 10000000") }
        _ = try limits()
    }

    func limits() throws -> ServiceLimits {
        var limits = ServiceLimits()
        limits.maxBodyBytes = maxBodyKib << 10
        limits.maxEvaluations = maxEvaluations
        limits.maxConnections = maxConnections
        limits.headerTimeout = try ConnectionOptions.seconds(headerTimeout, flag: "--header-timeout")
        limits.bodyTimeout = try ConnectionOptions.seconds(bodyTimeout, flag: "--body-timeout")
        limits.idleTimeout = try ConnectionOptions.seconds(idleTimeout, flag: "--idle-timeout")
        limits.writeTimeout = try ConnectionOptions.seconds(writeTimeout, flag: "--write-timeout")
        limits.maxValues = maxValues
        limits.gracePeriod = try ConnectionOptions.seconds(gracePeriod, flag: "--grace-period")
        return limits
    }

    func keys() throws(ServiceSetupError) -> APIKeys {
        guard let apiKeyFile else { return APIKeys([]) }
        return try APIKeys.load(apiKeyFile)
    }

    /// The flag, else the platform's variable (Azure Functions', then the container platforms' PORT).
    func port(environment: [String: String]) throws(ServiceSetupError) -> Int {
        if let port { return port }
        for name in ["FUNCTIONS_CUSTOMHANDLER_PORT", "PORT"] {
            guard let text = environment[name], !text.isEmpty else { continue }
            guard let port = Int(text), (1...65535).contains(port) else {
                throw ServiceSetupError("\(name) is '\(text)', not a port (1 to 65535)")
            }
            return port
        }
        return 8080
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }
}
