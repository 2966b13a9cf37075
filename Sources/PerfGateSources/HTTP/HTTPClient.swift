import PerfGateCore
/// One HTTP request. Header values named in `secretHeaders` are credentials: they are never
/// logged, and they are dropped when a redirect leads to another host.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]?
    public var secretHeaders: Set<String>
    /// At most this many seconds for this request, redirects included (what is left of a budget);
    /// nil leaves the client's own timeout.
    public var timeout: Double?

    public init(
        method: String = "GET", url: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil,
        secretHeaders: Set<String> = ["authorization"]
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.secretHeaders = secretHeaders
    }

    public func header(_ name: String) -> String? {
        headers.last { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// A response, with header names in lower case.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: [UInt8]
    /// The URL that answered, after redirects.
    public var url: String
    /// The share of the run's response budget this body holds, given back when the response is gone.
    var hold: ResponseBudget.Hold?

    public init(status: Int, headers: [String: String] = [:], body: [UInt8] = [], url: String = "") {
        self.status = status
        self.headers = headers
        self.body = body
        self.url = url
    }

    /// The first bytes of the body as text, for error messages about bodies that are not JSON.
    /// The start of the body for a message: redacted (before it is cut) and at most `limit` characters.
    public func bodyPreview(_ limit: Int = 200) -> String {
        // Redact a little more than is shown, so a secret on the cut is still found whole.
        Excerpt.of(String(decoding: body.prefix(limit + 4096), as: UTF8.self), limit: limit)
    }
}

/// Why a request got no response. Messages name the URL without its credentials.
public struct HTTPError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Refused, reset, DNS failure: worth retrying.
        case connection
        case timeout
        case tls
        case tooLarge
        case tooManyRedirects
        case other
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
    public var isRetryable: Bool { kind == .connection || kind == .timeout }
}

/// The transport seam: production uses libcurl; tests inject a stub.
public protocol HTTPClient: Sendable {
    func send(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse
}

/// Limits and trust for every request perfgate makes.
public struct HTTPSettings: Sendable {
    public var connectTimeout: Double = 10
    public var totalTimeout: Double = 30
    public var maxResponseBytes = 64 << 20
    /// The bytes all responses may hold at once, across concurrent requests (nil: no budget).
    public var budget: ResponseBudget?
    public var maxRedirects = 5
    /// A CA bundle trusted besides the system's.
    public var caFile: String?
    /// Turns off TLS peer and host verification.
    public var insecure = false

    public init() {}
}
