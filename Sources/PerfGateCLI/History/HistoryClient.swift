import PerfGateCore
import PerfGateEngine
import PerfGateSources

/// The calls `perfgate history` makes to a perfgate server's store API.
struct HistoryClient {
    var server: String
    var apiKey: String?
    var http: any HTTPClient

    var shown: String { URLText.redacted(server) }

    /// `GET path?query` as JSON.
    func get(_ path: String, query: [(String, String?)] = [], accept: String = "application/json") async throws -> HTTPResponse {
        let parameters = query.compactMap { name, value in value.map { "\(name)=\(PercentEncoding.encoded($0))" } }
        return try await send("GET", path + (parameters.isEmpty ? "" : "?" + parameters.joined(separator: "&")), body: nil, accept: accept)
    }

    /// A JSON answer, or the error `perfgate` ends with: 64 for a refused request or key, 65 for
    /// what does not exist, 2 for a server that cannot answer.
    func json(_ method: String, _ path: String, query: [(String, String?)] = [], body: Node? = nil) async throws -> Node {
        let response = method == "GET" ? try await get(path, query: query) : try await send(method, path, body: body)
        let root = try? JSONParser.parse(response.body)
        let message = root?["message"]?.stringValue ?? response.bodyPreview()
        switch response.status {
        case 200:
            guard let root else { throw GateError(.unavailable, "the perfgate server at \(shown) answered without JSON: \(response.bodyPreview())") }
            return root
        case 401:
            throw GateError(.usage, "the perfgate server at \(shown) refused the API key (401): set PERFGATE_API_KEY or pass --server-api-key-file")
        case 403:
            throw GateError(.usage, "the perfgate server at \(shown) refused: \(message)")
        case 404:
            throw GateError(.invalidInput, "the perfgate server at \(shown) answered 404: \(message)")
        case 400, 405, 413, 415:
            throw GateError(.usage, "the perfgate server at \(shown) refused the request (\(response.status)): \(message)")
        default:
            throw GateError(.unavailable, "the perfgate server at \(shown) could not answer (\(response.status)): \(message)")
        }
    }

    func send(_ method: String, _ path: String, body: Node?, accept: String = "application/json") async throws -> HTTPResponse {
        var base = server
        while base.hasSuffix("/") { base.removeLast() }
        var headers = [(name: "Accept", value: accept)]
        if body != nil { headers.append((name: "Content-Type", value: "application/json")) }
        if let apiKey { headers.append((name: "Authorization", value: "Bearer " + apiKey)) }
        let request = HTTPRequest(method: method, url: base + path, headers: headers, body: body.map { Array(JSONWriter.write($0).utf8) })
        do {
            return try await http.send(request)
        } catch {
            throw GateError(.unavailable, "cannot reach the perfgate server at \(shown): \(error)")
        }
    }

    /// A path segment, percent-encoded (`-` for an empty one, as the baselines' paths take it).
    static func segment(_ text: String) -> String { text.isEmpty ? "-" : PercentEncoding.encoded(text) }
}
