import PerfGateCore

/// A `web` query: an HTTP request perfgate sends, and where the numbers are in its JSON answer.
///
/// ```
/// "query": {
///   "url": "/api/v1/query?from=$START&to=$END&query=avg:trace.http.request.duration{*}by{resource_name}",
///   "headers": {"DD-API-KEY": {"secret": "DD_API"}, "DD-APPLICATION-KEY": {"secret": "DD_APP"}},
///   "results": "/series", "key": "/scope", "value": "/pointlist/*/1", "timestamp": "/pointlist/*/0", "stat": "max"
/// }
/// ```
/// The URL is absolute, or a path under the pipeline's `--web-url`. Placeholders in it are
/// percent-encoded; in a body object's strings they are JSON text; a body string is filled as is.
/// In a body, a `$name` that has no value stays as written (GraphQL's `$accountId`).
/// A header's value is text, or `{"secret": "NAME", "prefix": "Bearer "}`: the variable
/// `PERFGATE_WEB_SECRET_NAME`, else the first line of the file `PERFGATE_WEB_SECRET_NAME_FILE` names.
package struct WebQuery: Sendable, Equatable {
    package enum HeaderValue: Sendable, Equatable {
        case text(String)
        case secret(name: String, prefix: String)
    }

    var url: String
    var method: String
    /// A body string, or a JSON document whose strings are filled.
    var body: Node?
    var headers: [(name: String, value: HeaderValue)]
    /// The list (or object) of results; nil: the whole answer is one result.
    var results: WebPath?
    var value: WebPath
    /// Pointers to the parts of a result's key, joined with `,`; none: the member name or index.
    var key: [WebPath]
    var timestamp: WebPath?
    var stat: PointStat

    static let example = #"{"url": "https://api.example.com/metrics?from=$START&to=$END", "results": "/series", "key": "/name", "value": "/value"}"#
    static let known = ["url", "method", "body", "headers", "results", "value", "key", "timestamp", "stat"]
    /// Filled by this source besides the common ones: the window in milliseconds and RFC 3339,
    /// and the step (the window when grading).
    static let ownPlaceholders = ["START_MS", "END_MS", "START_RFC3339", "END_RFC3339", "STEP_SECONDS"]

    package static func == (lhs: WebQuery, rhs: WebQuery) -> Bool {
        lhs.url == rhs.url && lhs.method == rhs.method && lhs.body == rhs.body && lhs.headers.map(\.name) == rhs.headers.map(\.name)
            && lhs.headers.map(\.value) == rhs.headers.map(\.value) && lhs.results == rhs.results && lhs.value == rhs.value && lhs.key == rhs.key
            && lhs.timestamp == rhs.timestamp && lhs.stat == rhs.stat
    }

    static func parse(_ query: Node, at path: SpecPath, context: ValidationContext) -> ParsedQuery<WebQuery> {
        var diagnostics: [Diagnostic] = []
        guard query.members != nil, let reader = MemberReader(query, at: path, known: known, into: &diagnostics) else {
            return .failed(
                diagnostics.hasErrors
                    ? diagnostics : [.error(path, query.location, "a web query must be an object such as \(example), found \(query.typeName)")])
        }
        let url = reader.string("url", required: true, "the URL to ask, e.g. \(example)", into: &diagnostics) ?? ""
        if !url.isEmpty, !url.hasPrefix("/"), !url.lowercased().hasPrefix("http://"), !url.lowercased().hasPrefix("https://") {
            diagnostics.append(
                .error(path.appending("url"), reader["url"]?.location, "the URL must be http(s)://… or a path under --web-url starting with /"))
        }
        if url.contains("#") { diagnostics.append(.error(path.appending("url"), reader["url"]?.location, "the URL must not have a fragment (#…)")) }
        let body = reader["body"]
        let method = (reader.string("method", required: false, "", into: &diagnostics) ?? (body == nil ? "GET" : "POST")).uppercased()
        if !["GET", "POST"].contains(method) {
            diagnostics.append(.error(path.appending("method"), reader["method"]?.location, "the method must be GET or POST, found '\(method)'"))
        }
        if body != nil, method == "GET" {
            diagnostics.append(.error(path.appending("body"), body?.location, "a GET request has no body: use \"method\": \"POST\""))
        }
        let headers = headers(reader["headers"], at: path.appending("headers"), into: &diagnostics)
        func pointer(_ key: String, required: Bool) -> WebPath? {
            guard let text = reader.string(key, required: required, "a JSON Pointer such as /data/0/value (see \(example))", into: &diagnostics)
            else { return nil }
            guard let parsed = WebPath(text) else {
                diagnostics.append(
                    .error(path.appending(key), reader[key]?.location, "'\(text)' is not a JSON Pointer: it must be empty or start with /"))
                return nil
            }
            return parsed
        }
        var keys: [WebPath] = []
        if let node = reader["key"] {
            let texts = node.stringValue.map { [$0] } ?? node.items?.compactMap(\.stringValue) ?? []
            if texts.isEmpty || (node.items != nil && texts.count != node.items?.count) {
                diagnostics.append(.error(path.appending("key"), node.location, "'key' must be a JSON Pointer or a list of them"))
            }
            for text in texts {
                if let parsed = WebPath(text) {
                    keys.append(parsed)
                } else {
                    diagnostics.append(
                        .error(path.appending("key"), node.location, "'\(text)' is not a JSON Pointer: it must be empty or start with /"))
                }
            }
        }
        let results = pointer("results", required: false)
        let value = pointer("value", required: true)
        let timestamp = pointer("timestamp", required: false)
        if let value, value.steps.filter({ $0 == .every }).count > 1 {
            diagnostics.append(.error(path.appending("value"), reader["value"]?.location, "'value' may have one * (the points of a result)"))
        }
        if let timestamp, timestamp.hasWildcard != (value?.hasWildcard ?? false) {
            diagnostics.append(
                .error(path.appending("timestamp"), reader["timestamp"]?.location, "'timestamp' must have a * where 'value' has one, and only then"))
        }
        if context.hasWindow == false,
            Placeholders.names(in: url + (body.map { JSONWriter.write($0) } ?? "")).contains(where: ownPlaceholders.contains)
        {
            diagnostics.append(
                .error(
                    path, query.location,
                    "$START_MS, $END_MS, $START_RFC3339, $END_RFC3339 and $STEP_SECONDS need the load test's window: give --start (and --end)"))
        }
        let stat = PointStat.read(reader, at: path, into: &diagnostics)
        guard !diagnostics.hasErrors, let value else { return .failed(diagnostics) }
        let parsed = WebQuery(
            url: url, method: method, body: body, headers: headers, results: results, value: value, key: keys, timestamp: timestamp, stat: stat)
        var withOwn = context
        withOwn.variables.formUnion(ownPlaceholders)
        for text in parsed.templates { diagnostics += Placeholders.diagnostics(text, at: path, location: query.location, context: withOwn) }
        return ParsedQuery(parsed, diagnostics: diagnostics)
    }

    static func headers(_ node: Node?, at path: SpecPath, into diagnostics: inout [Diagnostic]) -> [(name: String, value: HeaderValue)] {
        guard let node else { return [] }
        guard let members = node.members else {
            diagnostics.append(.error(path, node.location, "'headers' must map header names to values"))
            return []
        }
        var headers: [(name: String, value: HeaderValue)] = []
        for member in members {
            let name = member.key
            let token =
                !name.isEmpty
                && name.unicodeScalars.allSatisfy {
                    $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "!#$%&'*+-.^_`|~".unicodeScalars.contains($0))
                }
            if !token { diagnostics.append(.error(path.appending(name), member.keyLocation, "'\(name)' is not a header name")) }
            if ["host", "content-length", "transfer-encoding", "connection"].contains(name.lowercased()) {
                diagnostics.append(.error(path.appending(name), member.keyLocation, "perfgate sets '\(name)' itself"))
            }
            if let text = member.value.stringValue {
                if text.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) {
                    diagnostics.append(.error(path.appending(name), member.value.location, "a header value must be one line"))
                }
                headers.append((name, .text(text)))
            } else if let secret = member.value["secret"]?.stringValue {
                if secret.isEmpty
                    || !secret.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") })
                {
                    diagnostics.append(
                        .error(path.appending(name).appending("secret"), member.value.location, "a secret's name has only letters, digits and _"))
                }
                let prefix = member.value["prefix"]?.stringValue ?? ""
                headers.append((name, .secret(name: secret.uppercased(), prefix: prefix)))
            } else {
                diagnostics.append(
                    .error(path.appending(name), member.value.location, "a header's value is text or {\"secret\": \"NAME\", \"prefix\": \"Bearer \"}")
                )
            }
        }
        return headers
    }

    /// The texts whose placeholders must all have values: the URL and the headers' text. A
    /// body's `$name` without a value is its own text (a GraphQL variable) and stays.
    var templates: [String] {
        [url] + headers.compactMap { if case .text(let text) = $0.value { return text } else { return nil } }
    }
}
