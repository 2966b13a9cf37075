import PerfGateCore

/// `web`: any HTTP API that answers JSON, as Argo Rollouts' `web` provider: a request built from
/// the query (URL, method, headers, body, with placeholders), and JSON Pointers to the results,
/// each result's key, its value or points, and their times.
///
/// Where: an absolute URL in the query, or a path under `--web-url` (`PERFGATE_WEB_URL`, or the
/// spec's `sources.web.url`). Secret headers (`{"secret": "NAME"}`) come from
/// `PERFGATE_WEB_SECRET_NAME` or the file `PERFGATE_WEB_SECRET_NAME_FILE` names; every such
/// variable is masked and redacted. They go only to URLs under the pipeline's `--web-url`, or
/// anywhere with `--trust-spec-urls`, as other sources' credentials.
package struct WebSource: SeriesSource, SampleSource, DeclaredSource {
    package let name = "web"
    /// Its settings and credentials' variables; the flags, the redactor and the CI mask list derive from this.
    package static let declaration = SourceDeclaration(
        name: "web",
        settings: [
            SourceSetting(
                .url, flag: "web-url",
                help: "The base URL of web queries' relative URLs, and where their secret headers may go (else PERFGATE_WEB_URL).",
                valueName: "url", variables: ["PERFGATE_WEB_URL"], specKey: "url")
        ],
        secrets: SecretDeclaration(variables: [], urlVariables: ["PERFGATE_WEB_URL"], prefixes: [secretPrefix]))
    static let secretPrefix = "PERFGATE_WEB_SECRET_"
    let configuration: SourceConfiguration

    package init(configuration: SourceConfiguration = SourceConfiguration()) {
        self.configuration = configuration
    }

    package func parse(_ query: Node, at path: SpecPath, context: ValidationContext) -> ParsedQuery<WebQuery> {
        WebQuery.parse(query, at: path, context: context)
    }

    /// Each result graded as the query's stat of its points (its one value, without `*`).
    package func answer(_ query: WebQuery, context: SourceContext) async throws -> SourceAnswer {
        let (results, warnings) = try await fetch(query, context: context, step: nil)
        let measurements = results.map { key, points in
            Measurement(
                key: key, value: query.stat.value(of: points.compactMap(\.value)), timestamp: points.last(where: { $0.value != nil })?.timestamp)
        }
        return SourceAnswer(measurements, warnings: warnings)
    }

    /// `--series`: every point of every result, `$STEP_SECONDS` at the step.
    package func series(_ query: WebQuery, context: SourceContext, step: Double) async throws -> [Measurement] {
        try await fetch(query, context: context, step: step).results.flatMap(\.points)
    }

    package func samples(_ query: WebQuery, context: SourceContext, step: Double) async throws -> [Double?] {
        try await seriesSamples(query, context: context, step: step)
    }

    /// The request as sent: method and URL, placeholders filled (secrets are never in it).
    package func resolved(_ query: WebQuery, context: SourceContext) -> String? {
        guard let url = try? fill(query.url, context: context, step: nil, encode: { PercentEncoding.encoded($0) }) else { return nil }
        return query.method + " " + (url.hasPrefix("/") ? url : URLText.redacted(url))
    }

    func variables(_ context: SourceContext, step: Double?) -> [String: String] {
        var variables = context.variables
        if let window = context.window {
            variables["START_MS"] = String(CheckedNumber.clamped((window.start * 1000).rounded(.down), to: DynatraceQuery.millisecondRange))
            variables["END_MS"] = String(CheckedNumber.clamped((window.end * 1000).rounded(.up), to: DynatraceQuery.millisecondRange))
            variables["START_RFC3339"] = CivilDate.rfc3339(window.start)
            variables["END_RFC3339"] = CivilDate.rfc3339(window.end)
            variables["STEP_SECONDS"] = String(CheckedNumber.clamped((step ?? window.duration).rounded(.up), to: 1...3_153_600_000))
        }
        return variables
    }

    func fill(_ text: String, context: SourceContext, step: Double?, encode: (String) -> String = { $0 }) throws(SourceError) -> String {
        try Placeholders.fill(text, variables: variables(context, step: step), window: context.window, encode: encode)
    }

    func fetch(_ query: WebQuery, context: SourceContext, step: Double?) async throws(SourceError) -> (
        results: [(key: String, points: [Measurement])], warnings: [String]
    ) {
        let url = WebRequest.queryEscaped(try fill(query.url, context: context, step: step, encode: { PercentEncoding.encoded($0) }))
        let (backend, address) = try target(url, context: context)
        var request = HTTPRequest(method: query.method, url: address, headers: [("Accept", "application/json")])
        if let body = query.body {
            if let text = body.stringValue {
                request.body = Array(fillKnown(text, context: context, step: step).utf8)
            } else {
                request.body = Array(JSONWriter.write(try filled(body, context: context, step: step)).utf8)
            }
            if !query.headers.contains(where: { $0.name.lowercased() == "content-type" }) {
                request.headers.append(("Content-Type", "application/json"))
            }
        }
        var credentials: [(name: String, value: String)] = []
        for header in query.headers {
            switch header.value {
            case .text(let text):
                let value = try fill(text, context: context, step: step)
                guard !value.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) else {
                    throw SourceError("web: the header \(header.name) would span lines once its placeholders are filled")
                }
                request.headers.append((header.name, value))
            case .secret(let secret, let prefix):
                credentials.append((header.name, prefix + (try self.secret(secret))))
            }
        }
        let sent = try await configuration.send(request, on: backend, credentials: credentials, source: name)
        let document = try JSONAnswer(
            request: sent.request, errorText: { JSONAnswer.texts($0["errors"]) ?? JSONAnswer.texts($0["error"]) ?? $0["message"]?.stringValue }
        )
        .document(sent.response)
        return (try WebRequest.results(document, query: query, request: sent.request), sent.warnings)
    }

    /// A body's text with the placeholders that have values filled; any other `$name` is the
    /// body's own (a GraphQL variable) and stays as written.
    func fillKnown(_ text: String, context: SourceContext, step: Double?) -> String {
        let values = Placeholders.values(variables(context, step: step), window: context.window)
        return Placeholders.scan(text) { values[$0] }
    }

    /// The body document with its strings' placeholders filled.
    func filled(_ node: Node, context: SourceContext, step: Double?) throws(SourceError) -> Node {
        switch node.value {
        case .string(let text): return .string(fillKnown(text, context: context, step: step))
        case .array(let items):
            var filled: [Node] = []
            for item in items { filled.append(try self.filled(item, context: context, step: step)) }
            return .array(filled)
        case .object(let members):
            var filled: [(String, Node)] = []
            for member in members {
                filled.append((fillKnown(member.key, context: context, step: step), try self.filled(member.value, context: context, step: step)))
            }
            return .object(filled)
        default: return node
        }
    }

    /// `PERFGATE_WEB_SECRET_<NAME>`, else the first line of the file `…_FILE` names.
    func secret(_ name: String) throws(SourceError) -> String {
        let variable = Self.secretPrefix + name
        if let value = configuration.environment[variable]?.trimmingSpaces(), !value.isEmpty { return value }
        if let path = configuration.environment[variable + "_FILE"]?.trimmingSpaces(), !path.isEmpty {
            let bytes: [UInt8]
            do {
                bytes = try configuration.files.read(path, limit: 1 << 20)
            } catch {
                throw SourceError("web: cannot read \(variable)_FILE: \(error)")
            }
            if let line = String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline).first.map({ String($0).trimmingSpaces() }),
                !line.isEmpty
            {
                return line
            }
            throw SourceError("web: the file in \(variable)_FILE is empty")
        }
        throw SourceError("web: the secret \(name) is not set: set \(variable), or \(variable)_FILE to a file holding it")
    }

    /// Where the request goes, and whether secret headers may go there.
    func target(_ url: String, context: SourceContext) throws(SourceError) -> (Backend, String) {
        let (location, query) = WebRequest.split(url)
        let setting = Self.declaration.setting(.url)!
        if location.hasPrefix("/") {
            guard let base = try configuration.backend(setting, spec: context.sourceSettings, source: name) else {
                throw SourceError(
                    "web: the URL \(Excerpt.quoted(location)) is a path: set --web-url, PERFGATE_WEB_URL or sources.web.url to the server's base URL")
            }
            if let problem = BackendURL.problem(inPath: location) { throw SourceError("web: the path of the URL \(problem)") }
            return (base, base.url.url(location, query: query))
        }
        let parsed = try BackendURL(parsing: location, source: name)
        let pipeline = configuration.outsideSetting(setting).flatMap { try? BackendURL(parsing: $0, source: name) }
        let ours = pipeline?.holds(parsed) ?? false
        if configuration.refuseSpecURLs, !ours {
            throw SourceError("web: the query names a server (\(parsed.shown)) outside this service's --web-url; use a path under it")
        }
        return (Backend(url: parsed, mayReceiveCredentials: ours || configuration.trustSpecURLs), parsed.url("", query: query))
    }
}
