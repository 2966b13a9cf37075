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

    public init(
        http: any HTTPClient = CurlHTTPClient(), environment: [String: String] = [:], prometheusURL: String? = nil,
        prometheusTokenFile: String? = nil, dynatraceURL: String? = nil, dynatraceTokenFile: String? = nil
    ) {
        self.http = http
        self.environment = environment
        self.prometheusURL = prometheusURL
        self.prometheusTokenFile = prometheusTokenFile
        self.dynatraceURL = dynatraceURL
        self.dynatraceTokenFile = dynatraceTokenFile
    }

    /// The first non-empty setting: the spec's `sources.<name>.url`, then the flag, then each variable.
    func setting(spec: Node?, source: String, key: String, flag: String?, variables: [String]) -> String? {
        if let value = spec?[source]?[key]?.stringValue?.trimmingSpaces(), !value.isEmpty { return value }
        if let flag, !flag.isEmpty { return flag }
        for name in variables {
            if let value = environment[name]?.trimmingSpaces(), !value.isEmpty { return value }
        }
        return nil
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
