import PerfGateCore

/// Reads a JSON API's answer into a document, and turns its failures into messages that say what
/// the backend said: the status, the backend's own error text, the rate limit it reported, and a
/// hint for the status (the credentials to check).
package struct JSONAnswer {
    /// The request as messages name it: `datadog: GET https://…`.
    var request: String
    /// The backend's error text in a failure's body, when it has one.
    var errorText: (Node) -> String?
    /// What to check for a status, such as "check DD_API_KEY" for 403; "" for none.
    var hint: (Int) -> String = { _ in "" }

    /// The body as a document when the status is 2xx; else an error with the backend's message.
    func document(_ response: HTTPResponse) throws(SourceError) -> Node {
        try document(response, parsed: parse(response))
    }

    /// The body parsed once: the document, or why it is not JSON.
    func parse(_ response: HTTPResponse) -> Result<Node, DocumentError> {
        do {
            return .success(try JSONParser.parse(response.body))
        } catch {
            return .failure(error)
        }
    }

    /// `document` for a body already parsed (a backend whose errors come with HTTP 200 reads it first).
    func document(_ response: HTTPResponse, parsed: Result<Node, DocumentError>) throws(SourceError) -> Node {
        guard (200..<300).contains(response.status) else { throw failure(response, parsed: try? parsed.get()) }
        switch parsed {
        case .success(let document): return document
        case .failure(let error):
            throw SourceError(
                "\(request): the answer is not valid JSON (\(error.description)): \(JSONWriter.quoted(response.bodyPreview()))"
                    + NonAPIAnswer.hint(response, request: request))
        }
    }

    /// The error for a non-2xx answer.
    func failure(_ response: HTTPResponse, parsed: Node?) -> SourceError {
        let said = parsed.flatMap(errorText).map { Excerpt.of($0, limit: 500) } ?? JSONWriter.quoted(response.bodyPreview())
        var message =
            "\(request): HTTP \(response.status): \(said)" + (parsed == nil ? NonAPIAnswer.hint(response, request: request, always: false) : "")
        if response.status == 429 { message += Self.rateLimit(response.headers) }
        return SourceError(message + hint(response.status))
    }

    /// What a 429's headers said about the limit, after the retries gave up.
    static func rateLimit(_ headers: [String: String]) -> String {
        let named = ["x-ratelimit-name", "x-ratelimit-limit", "x-ratelimit-period", "x-ratelimit-remaining", "x-ratelimit-reset", "retry-after"]
        let said = named.compactMap { name in headers[name].map { "\(name)=\(Excerpt.of($0, limit: 40))" } }
        return
            " (rate limited\(said.isEmpty ? "" : ": " + said.joined(separator: ", ")); perfgate retried with --attempts, lower --concurrency or retry later)"
    }

    /// A value as a result's key shows it: a string as is, a number as perfgate writes numbers,
    /// anything else as JSON (New Relic's facets, Log Analytics' cells, `web` keys).
    static func text(_ node: Node) -> String {
        node.stringValue ?? node.numberValue.map(JSONWriter.format) ?? JSONWriter.write(node)
    }

    /// Strings in a list or one string (`{"errors": ["…"]}` or `{"error": "…"}`), joined.
    static func texts(_ node: Node?) -> String? {
        guard let node else { return nil }
        if let text = node.stringValue { return text }
        let texts = node.items?.compactMap { $0.stringValue ?? $0["message"]?.stringValue } ?? []
        return texts.isEmpty ? nil : texts.joined(separator: "; ")
    }
}
