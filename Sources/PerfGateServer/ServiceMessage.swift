import PerfGateCore

/// One HTTP request as the service's routes see it: the head parsed, the body whole (the
/// connection handler has applied the body cap).
package struct ServiceRequest: Sendable {
    package var method: String
    /// The path without the query string.
    package var path: String
    /// The query string's parameters, percent-decoded, in order.
    package var query: [(name: String, value: String)] = []
    /// Header names in lower case; a repeated header keeps its last value.
    package var headers: [String: String]
    /// The names (lower case) of headers the request has more than once.
    package var repeatedHeaders: Set<String> = []
    package var body: [UInt8]

    package init(method: String, path: String, headers: [String: String] = [:], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
    }

    /// The target as the request line gives it, split at the query.
    package init(method: String, target: String, headers: [(String, String)], body: [UInt8]) {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = parts.first.map(String.init) ?? target
        var lowered: [String: String] = [:]
        var repeated: Set<String> = []
        for (name, value) in headers {
            let key = name.lowercased()
            if lowered.updateValue(value, forKey: key) != nil { repeated.insert(key) }
        }
        self.init(method: method, path: path, headers: lowered, body: body)
        repeatedHeaders = repeated
        if parts.count > 1 { query = QueryString.parse(String(parts[1])) }
    }

    /// A query parameter's last value.
    package func parameter(_ name: String) -> String? { query.last { $0.name == name }?.value }
}

/// One answer. `outcome` is what the access log and the metrics record besides the status: the
/// verdict of an evaluation, or why it did not run.
package struct ServiceResponse: Sendable, Error {
    package var status: Int
    package var headers: [(String, String)]
    package var body: [UInt8]
    package var outcome: String?

    package init(status: Int, contentType: String, body: String, headers: [(String, String)] = [], outcome: String? = nil) {
        self.status = status
        self.headers = [("Content-Type", contentType)] + headers
        self.body = Array(body.utf8)
        self.outcome = outcome
    }

    /// A JSON body.
    package static func json(_ status: Int, _ node: Node, headers: [(String, String)] = [], outcome: String? = nil) -> ServiceResponse {
        ServiceResponse(
            status: status, contentType: "application/json; charset=utf-8", body: JSONWriter.write(node), headers: headers, outcome: outcome)
    }

    /// The Pitometer web service's error shape, `{"result":"error","message":…}`, with perfgate's
    /// detail (the spec's problems, one line each) after it when there is some.
    package static func error(_ status: Int, _ message: String, details: [String] = [], headers: [(String, String)] = [], outcome: String? = nil)
        -> ServiceResponse
    {
        var pairs: [(String, Node)] = [("result", .string("error")), ("message", .string(message))]
        if !details.isEmpty { pairs.append(("details", .array(details.map(Node.string)))) }
        return .json(status, .object(pairs), headers: headers, outcome: outcome ?? "error")
    }

    package var reason: String { Self.reasons[status] ?? "Unknown" }

    static let reasons: [Int: String] = [
        200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 406: "Not Acceptable",
        408: "Request Timeout", 413: "Content Too Large", 415: "Unsupported Media Type", 422: "Unprocessable Content", 429: "Too Many Requests",
        431: "Request Header Fields Too Large", 500: "Internal Server Error", 503: "Service Unavailable"
    ]
}
