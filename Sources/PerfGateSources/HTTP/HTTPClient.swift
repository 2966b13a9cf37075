import PerfGateCore
/// One HTTP request. Header values named in `secretHeaders` are credentials: they are never
/// logged, and they are dropped when a redirect leads to another host.
package struct HTTPRequest: Sendable {
    package var method: String
    package var url: String
    package var headers: [(name: String, value: String)]
    package var body: [UInt8]?
    package var secretHeaders: Set<String>
    /// At most this many seconds for this request, redirects included (what is left of a budget);
    /// nil leaves the client's own timeout.
    package var timeout: Double?

    package init(
        method: String = "GET", url: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil,
        secretHeaders: Set<String> = ["authorization"]
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.secretHeaders = secretHeaders
    }

    package func header(_ name: String) -> String? {
        headers.last { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// A response, with header names in lower case.
package struct HTTPResponse: Sendable {
    package var status: Int
    package var headers: [String: String]
    package var body: [UInt8]
    /// The URL that answered, after redirects.
    package var url: String
    /// The share of the run's response budget this body holds, given back when the response is gone.
    var hold: ResponseBudget.Hold?

    package init(status: Int, headers: [String: String] = [:], body: [UInt8] = [], url: String = "") {
        self.status = status
        self.headers = headers
        self.body = body
        self.url = url
    }

    /// The first bytes of the body as text, for error messages about bodies that are not JSON.
    /// The start of the body for a message: redacted (before it is cut) and at most `limit` characters.
    package func bodyPreview(_ limit: Int = 200) -> String {
        // Redact a little more than is shown, so a secret on the cut is still found whole.
        Excerpt.of(String(decoding: body.prefix(limit + 4096), as: UTF8.self), limit: limit)
    }
}

/// Why a request got no response. Messages name the URL without its credentials.
package struct HTTPError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Kind: Sendable, Equatable {
        /// Refused, reset, DNS failure: worth retrying.
        case connection
        case timeout
        case tls
        case tooLarge
        case tooManyRedirects
        case other
    }

    package var kind: Kind
    package var message: String

    package init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    package var description: String { message }
    package var isRetryable: Bool { kind == .connection || kind == .timeout }
}

/// The transport seam: production uses libcurl; tests inject a stub.
package protocol HTTPClient: Sendable {
    func send(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse
}

/// Limits and trust for every request perfgate makes.
package struct HTTPSettings: Sendable {
    package var connectTimeout: Double = 10
    package var totalTimeout: Double = 30
    package var maxResponseBytes = 64 << 20
    /// The bytes all responses may hold at once, across concurrent requests (nil: no budget).
    package var budget: ResponseBudget?
    package var maxRedirects = 5
    /// A CA bundle trusted besides the system's.
    package var caFile: String?
    /// Turns off TLS peer and host verification.
    package var insecure = false
    /// The most connections open to one host at once; further requests to it wait for one.
    package var maxHostConnections = 64

    package init() {}
}
