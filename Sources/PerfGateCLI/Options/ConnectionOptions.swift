import ArgumentParser
import PerfGateCore
import PerfGateEngine
import PerfGateSources

/// How perfgate reaches metric backends. Tokens are never flags: they come from the environment
/// or from a file.
struct ConnectionOptions: ParsableArguments {
    /// The sources' declared settings (`--prometheus-url URL`, `--influxdb-token-file=FILE`, …).
    /// Argument Parser needs a property per flag, which would make every new source edit this
    /// file; so it hands over the arguments it does not know, and the sources' declarations read
    /// them. Anything else there is a usage error. `--help` lists them from the declarations.
    @Argument(parsing: .allUnrecognized, help: ArgumentHelp(visibility: .private))
    var sourceSettingArguments: [String] = []

    /// The declared settings' flags as given, by flag name (the last of a repeated flag).
    var flags: [String: String] { (try? Self.sourceFlags(sourceSettingArguments)) ?? [:] }

    /// Checks the arguments Argument Parser left: a misspelt option is said with the closest of
    /// the command's own options, as Argument Parser says it.
    func checkArguments(of command: any ParsableCommand.Type) throws {
        _ = try Self.sourceFlags(sourceSettingArguments) { Self.options(of: command) }
    }

    /// The `--` options a command's help names.
    static func options(of command: any ParsableCommand.Type) -> [String] {
        command.helpMessage(includeHidden: true, columns: 10_000).split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "," })
            .filter { $0.hasPrefix("--") && $0.count > 2 }.map { String($0.prefix { $0 != "=" && $0 != "<" }) }
    }

    /// Reads `--flag VALUE` and `--flag=VALUE` for every declared setting; throws for anything
    /// else, with the closest of `candidates` (every option there is) for a misspelt one.
    static func sourceFlags(_ arguments: [String], candidates: () -> [String] = { [] }) throws -> [String: String] {
        let known = SourceRegistry.settings.map(\.flag)
        var flags: [String: String] = [:]
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            guard argument.hasPrefix("--") else {
                throw ValidationError("unexpected argument '\(argument)'; options start with --, see --help")
            }
            let body = argument.dropFirst(2)
            let name = String(body.prefix { $0 != "=" })
            guard known.contains(name) else {
                let options = Array(Set(known.map { "--" + $0 } + candidates())).sorted()
                throw ValidationError("unknown option '--\(name)'\(Suggestion.hint(for: "--" + name, in: options)); see --help")
            }
            if let equals = body.firstIndex(of: "=") {
                flags[name] = String(body[body.index(after: equals)...])
            } else {
                guard index + 1 < arguments.count, !arguments[index + 1].hasPrefix("-") else {
                    throw ValidationError(
                        "missing value for '--\(name) <\(SourceRegistry.settings.first { $0.flag == name }?.valueName ?? "value")>'")
                }
                index += 1
                flags[name] = arguments[index]
            }
            index += 1
        }
        return flags
    }

    /// The declared settings as `--help` lists them: the flag, and its help on the next line
    /// (Argument Parser wraps a discussion's long lines and would break a column).
    static var sourceSettingsHelp: String {
        SourceRegistry.settings.map { "  --\($0.flag) <\($0.valueName)>\n" + wrapped($0.help, indent: "      ") }.joined(separator: "\n")
    }

    /// Words in lines of at most 78 columns, each after `indent`: Argument Parser's own wrapping
    /// of a discussion would start the rest of a long line at column 0.
    static func wrapped(_ text: String, indent: String, width: Int = 78) -> String {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty, indent.count + line.count + 1 + word.count > width {
                lines.append(indent + line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(indent + line) }
        return lines.joined(separator: "\n")
    }

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The most one indicator's queries may take, retries included: seconds or a duration such as 45s or 2m (connecting gets at most 10 s of it).",
            valueName: "duration"))
    var timeout: String = "30"

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The most the whole run may spend measuring: seconds or a duration such as 90s or 5m. Indicators still unmeasured then are errors (exit 2); the reports are still written.",
            valueName: "duration"))
    var deadline: String = "5m"

    @Option(name: .long, help: ArgumentHelp("The largest answer a backend may send, in MiB.", valueName: "mib"))
    var maxResponseMib: Int = 64

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The most response bytes all indicators may hold at once, in MiB (default 256, or --max-response-mib if larger).", valueName: "mib"))
    var maxBufferedMib: Int?

    /// The run's response budget in MiB.
    var bufferedMib: Int { maxBufferedMib ?? max(256, maxResponseMib) }

    @Option(
        name: .long,
        help: ArgumentHelp("Tries per request, the first included; connection errors, 429, 502, 503 and 504 are retried.", valueName: "count"))
    var attempts: Int = 3

    @Option(name: .long, help: ArgumentHelp("A CA bundle (PEM) to trust besides the system's.", valueName: "file"))
    var caFile: String?

    @Flag(name: .long, help: "Do not verify TLS certificates (a warning is printed on every run).")
    var insecure = false

    @Flag(name: .long, help: "Send credentials to servers that only the spec names (sources.*.url); only for specs you trust.")
    var trustSpecUrls = false

    func check() throws {
        _ = try timeoutSeconds()
        _ = try deadlineSeconds()
        guard attempts >= 1 else { throw ValidationError("--attempts must be at least 1") }
        guard (1...4096).contains(maxResponseMib) else { throw ValidationError("--max-response-mib must be from 1 to 4096") }
        guard (maxResponseMib...65536).contains(bufferedMib) else {
            throw ValidationError("--max-buffered-mib must be at least --max-response-mib (\(maxResponseMib)) and at most 65536")
        }
        if let caFile, !FileSystem.exists(caFile) { throw ValidationError("--ca-file: \(caFile) does not exist") }
    }

    func timeoutSeconds() throws -> Double { try Self.seconds(timeout, flag: "--timeout") }

    func deadlineSeconds() throws -> Double { try Self.seconds(deadline, flag: "--deadline") }

    /// Seconds, or a duration such as `45s` or `2m`: more than 0 and at most a day.
    static func seconds(_ text: String, flag: String) throws -> Double {
        let seconds: Double
        if let plain = Double(text) {
            seconds = plain
        } else {
            do {
                seconds = try TimeParser.parseDuration(text)
            } catch {
                throw ValidationError("\(flag): \(error.message)")
            }
        }
        guard seconds > 0, seconds <= 86_400 else { throw ValidationError("\(flag) must be more than 0 seconds and at most a day (86400 s)") }
        return seconds
    }

    /// Every secret perfgate may read: the tokens and passwords in the environment and token files.
    func secrets(environment: [String: String]) -> [String] {
        let flags = flags
        let settings = SourceRegistry.settings
        return Secrets.values(
            environment: environment, tokenFiles: settings.filter { $0.kind == .tokenFile }.compactMap { flags[$0.flag] },
            urls: settings.filter { $0.kind == .url }.compactMap { flags[$0.flag] })
    }

    /// A retrying libcurl client with these settings: at most `concurrency` requests and
    /// connections at once to one host, fewer while the host answers 429 or 503.
    func httpClient(concurrency: Int = GateRequest.defaultConcurrency) throws -> any HTTPClient {
        var settings = HTTPSettings()
        settings.totalTimeout = try timeoutSeconds()
        settings.connectTimeout = min(settings.connectTimeout, settings.totalTimeout)
        settings.caFile = caFile
        settings.insecure = insecure
        settings.maxResponseBytes = maxResponseMib << 20
        settings.budget = ResponseBudget(limit: bufferedMib << 20)
        settings.maxHostConnections = concurrency
        return RetryingHTTPClient(
            base: CurlHTTPClient(settings: settings), policy: RetryPolicy(attempts: attempts, budget: settings.totalTimeout),
            now: Console.now, hostConcurrency: concurrency)
    }

    /// Where the backends are, as the flags say (the engine reads the environment's variables too).
    var connections: GateRequest.Connections { GateRequest.Connections(flags: flags, trustSpecURLs: trustSpecUrls) }
}
