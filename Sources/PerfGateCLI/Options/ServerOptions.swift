import ArgumentParser
import PerfGateCore
import PerfGateEngine
import PerfGateSources

/// `evaluate --server`: a perfgate server evaluates; this run sends the spec and the window,
/// then reports, publishes and exits as a local run would. The pipeline holds no backend token.
struct ServerOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "A perfgate server ('perfgate serve') to evaluate on, e.g. https://perfgate.example.com (else PERFGATE_SERVER); it holds the backends' tokens.",
            valueName: "url"))
    var server: String?

    @Option(
        name: .long,
        help: ArgumentHelp("A file holding the server's API key (else PERFGATE_API_KEY); sent as 'Authorization: Bearer'.", valueName: "file"))
    var serverApiKeyFile: String?

    /// The flag, else PERFGATE_SERVER.
    func url(environment: [String: String]) -> String? { Self.url(flag: server, environment: environment) }

    static func url(flag server: String?, environment: [String: String]) -> String? {
        if let server, !server.isEmpty { return server }
        return environment["PERFGATE_SERVER"].flatMap { $0.isEmpty ? nil : $0 }
    }

    func check(environment: [String: String]) throws {
        guard let url = url(environment: environment) else {
            if serverApiKeyFile != nil { throw ValidationError("--server-api-key-file needs --server (or PERFGATE_SERVER)") }
            return
        }
        guard URLText.isHTTP(url) else { throw ValidationError("--server must be an http:// or https:// URL, not '\(URLText.redacted(url))'") }
        if let serverApiKeyFile, !FileSystem.exists(serverApiKeyFile) {
            throw ValidationError("--server-api-key-file: \(serverApiKeyFile) does not exist")
        }
    }

    /// The API key: the file's first line, else PERFGATE_API_KEY; nil when neither is set.
    func apiKey(environment: [String: String]) throws -> String? { try Self.apiKey(file: serverApiKeyFile, environment: environment) }

    static func apiKey(file serverApiKeyFile: String?, environment: [String: String]) throws -> String? {
        if let serverApiKeyFile {
            let bytes: [UInt8]
            do {
                bytes = try FileSystem.read(serverApiKeyFile, limit: 1 << 16)
            } catch {
                throw GateError(.usage, "cannot read the server's API key: \(error)")
            }
            let key = String(decoding: bytes, as: UTF8.self).split(separator: "\n").first.map { String($0).trimmingSpaces() } ?? ""
            guard !key.isEmpty else { throw GateError(.usage, "\(serverApiKeyFile) is empty: put the server's API key on its first line") }
            return key
        }
        return environment["PERFGATE_API_KEY"].flatMap { $0.isEmpty ? nil : $0 }
    }
}
