import PerfGateCore

/// What the HTTP sources need from outside the spec: the client, and settings from flags and the
/// environment. Secrets come from the environment or from files, never from arguments.
public struct SourceConfiguration: Sendable {
    public var http: any HTTPClient
    public var environment: [String: String]
    public var prometheusURL: String?
    public var prometheusTokenFile: String?
    public var dynatraceURL: String?
    public var dynatraceTokenFile: String?
    /// Send credentials to a server that only the spec names. Off by default: a spec from an
    /// untrusted pull request must not be able to send the pipeline's tokens to a host of its choosing.
    public var trustSpecURLs: Bool

    public init(
        http: any HTTPClient = CurlHTTPClient(), environment: [String: String] = [:], prometheusURL: String? = nil,
        prometheusTokenFile: String? = nil, dynatraceURL: String? = nil, dynatraceTokenFile: String? = nil, trustSpecURLs: Bool = false
    ) {
        self.http = http
        self.environment = environment
        self.prometheusURL = prometheusURL
        self.prometheusTokenFile = prometheusTokenFile
        self.dynatraceURL = dynatraceURL
        self.dynatraceTokenFile = dynatraceTokenFile
        self.trustSpecURLs = trustSpecURLs
    }

    /// The first non-empty setting: the spec's `sources.<name>.url`, then the flag, then each variable.
    func setting(spec: Node?, source: String, key: String, flag: String?, variables: [String]) -> String? {
        if let value = spec?[source]?[key]?.stringValue?.trimmingSpaces(), !value.isEmpty { return value }
        return outsideSetting(flag: flag, variables: variables)
    }

    /// The flag, else the first environment variable set: what the pipeline (not the spec) says.
    func outsideSetting(flag: String?, variables: [String]) -> String? {
        if let flag, !flag.isEmpty { return flag }
        for name in variables {
            if let value = environment[name]?.trimmingSpaces(), !value.isEmpty { return value }
        }
        return nil
    }

    /// Whether credentials may go to `url`: it is the pipeline's own server (same origin as the flag
    /// or variable), or the spec's URLs are trusted.
    func mayReceiveCredentials(_ url: String, flag: String?, variables: [String]) -> Bool {
        if trustSpecURLs { return true }
        guard let outside = outsideSetting(flag: flag, variables: variables) else { return false }
        return URLText.origin(outside) == URLText.origin(url)
    }

    /// A secret from the environment or from a file (its first line, trimmed); nil when neither is set.
    func secret(file: String?, variables: [String], source: String) throws(SourceError) -> String? {
        if let file {
            let bytes: [UInt8]
            do {
                bytes = try FileSystem.read(file, limit: 1 << 20)
            } catch {
                throw SourceError("\(source): cannot read the token file: \(error)")
            }
            let firstLine = String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init)
            guard let token = firstLine?.trimmingSpaces(), !token.isEmpty else {
                throw SourceError("\(source): the token file \(file) is empty")
            }
            return token
        }
        for name in variables {
            if let value = environment[name]?.trimmingSpaces(), !value.isEmpty { return value }
        }
        return nil
    }
}
