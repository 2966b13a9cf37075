import PerfGateCore

/// Dynatrace: Pitometer's timeseries and smartscape queries, and Metrics API v2 selectors.
///
/// Configuration: the spec's `sources.dynatrace.url`, `--dynatrace-url`, `DYNATRACE_URL` (or
/// Pitometer's `DYNATRACE_BASEURL`): the environment's URL, e.g. `https://abc123.live.dynatrace.com`
/// or `https://host/e/ENV-ID`. The token comes from `DYNATRACE_API_TOKEN` (or `DYNATRACE_APITOKEN`)
/// or `--dynatrace-token-file`, and is sent as `Authorization: Api-Token …`.
package struct DynatraceSource: SLIProvider, SeriesSource, DeclaredSource {
    package let name = "dynatrace"
    /// Its settings and credentials' variables; the flags, the redactor and the CI mask list derive from this.
    package static let declaration = SourceDeclaration(
        name: "dynatrace",
        settings: [
            SourceSetting(
                .url, flag: "dynatrace-url", help: "Dynatrace environment URL (else DYNATRACE_URL).",
                valueName: "url", variables: ["DYNATRACE_URL", "DYNATRACE_BASEURL"], specKey: "url"),
            SourceSetting(
                .tokenFile, flag: "dynatrace-token-file", help: "A file holding the Dynatrace API token (else DYNATRACE_API_TOKEN).",
                valueName: "file")
        ],
        secrets: SecretDeclaration(
            variables: ["DYNATRACE_API_TOKEN", "DYNATRACE_APITOKEN"], urlVariables: ["DYNATRACE_URL", "DYNATRACE_BASEURL"]))
    static var secrets: SecretDeclaration { declaration.secrets }
    static let url = declaration.setting(.url)!
    static let tokenFile = declaration.setting(.tokenFile)!
    let configuration: SourceConfiguration

    package init(configuration: SourceConfiguration = SourceConfiguration()) {
        self.configuration = configuration
    }

    /// One of the three forms; its placeholders must have values, and it needs a window.
    package func parse(_ query: Node, at path: SpecPath, context: ValidationContext) -> ParsedQuery<DynatraceQuery> {
        switch DynatraceQuery.parse(query) {
        case .failure(let problem):
            let problemPath = problem.key.map { path.appending($0) } ?? path
            return .failed([.error(problemPath, problem.key.flatMap { query[$0]?.location } ?? query.location, problem.message)])
        case .success(let parsed):
            var diagnostics = parsed.texts.flatMap { Placeholders.diagnostics($0, at: path, location: query.location, context: context) }
            if context.hasWindow == false {
                diagnostics.append(.error(path, query.location, "a Dynatrace query needs the load test's window: give --start (and --end)"))
            }
            return ParsedQuery(parsed, diagnostics: diagnostics)
        }
    }

    package func answer(_ query: DynatraceQuery, context: SourceContext) async throws -> SourceAnswer {
        try await fetch(query, context: context, step: nil)
    }

    /// `--series`: Metrics v2 at a resolution of the step in whole minutes (Dynatrace's finest is
    /// 1m), Timeseries v1 with `queryMode=SERIES`. Smartscape counts have no curve.
    package func series(_ query: DynatraceQuery, context: SourceContext, step: Double) async throws -> [Measurement] {
        try await fetch(query, context: context, step: step).measurements
    }

    func fetch(_ query: DynatraceQuery, context: SourceContext, step: Double?) async throws -> SourceAnswer {
        var parsed = query
        guard let window = context.window else {
            throw SourceError("dynatrace: a query needs the load test's window: give --start (and --end)")
        }
        var series = false
        if let step {
            switch parsed {
            case .smartscape: throw SourceError("dynatrace: a smartscape count has no curve over time")
            case let .metrics(selector, entitySelector, _, mzSelector):
                let minutes = max(1, Int(CheckedNumber.clamped((step / 60).rounded(.up), to: 1...525_600)))
                parsed = .metrics(selector: selector, entitySelector: entitySelector, resolution: "\(minutes)m", mzSelector: mzSelector)
            case .timeseries: series = true
            }
        }
        let filled =
            context.placeholdersFilled
            ? parsed
            : try parsed.filled { (text) throws(SourceError) in
                try Placeholders.fill(text, variables: context.variables, window: window)
            }
        let backend = try backend(context)
        let (path, query) = filled.pathAndQuery(window: window, series: series)
        let url = backend.url.url(path, query: query)
        guard let token = try configuration.secret(file: Self.tokenFile, variables: Self.secrets.variables, source: name) else {
            throw SourceError("dynatrace: no API token: set DYNATRACE_API_TOKEN or pass --dynatrace-token-file")
        }
        guard backend.mayReceiveCredentials else {
            throw SourceError(
                "dynatrace: the token was not sent to \(backend.url.shown), which only the spec names; pass --trust-spec-urls (or give the same URL with --dynatrace-url) to send it"
            )
        }
        let headers = [("Accept", "application/json"), ("Authorization", "Api-Token " + token)]
        var page = try await get(url, headers: headers, filled, allPoints: series)
        var answer = page.answer
        // Metrics v2 pages: follow nextPageKey (alone, as the API wants it), a bounded number of times.
        var pages = 1
        while let key = page.nextPageKey {
            guard pages < Self.maxPages else {
                throw SourceError("dynatrace: the answer has more than \(Self.maxPages) pages; narrow the metricSelector or entitySelector")
            }
            try Task.checkCancellation()
            page = try await get(
                backend.url.url("/api/v2/metrics/query", query: URLText.formEncoded([("nextPageKey", key)])), headers: headers, filled,
                allPoints: series)
            answer.measurements += page.answer.measurements
            answer.warnings += page.answer.warnings.filter { !answer.warnings.contains($0) }
            pages += 1
        }
        return answer
    }

    /// The most Metrics v2 pages one query reads.
    static let maxPages = 50

    func get(_ url: String, headers: [(String, String)], _ query: DynatraceQuery, allPoints: Bool) async throws(SourceError) -> (
        answer: SourceAnswer, nextPageKey: String?
    ) {
        let response: HTTPResponse
        do {
            response = try await configuration.http.send(HTTPRequest(url: url, headers: headers))
        } catch {
            throw SourceError("dynatrace: \(error.message)")
        }
        return try DynatraceResponse.page(response, for: query, request: "dynatrace: GET \(URLText.redacted(url))", allPoints: allPoints)
    }

    /// The request: `GET` and the URL, placeholders filled, credentials masked.
    package func resolved(_ parsed: DynatraceQuery, context: SourceContext) -> String? {
        guard let window = context.window else { return nil }
        let filled =
            context.placeholdersFilled
            ? parsed
            : try? parsed.filled { (text) throws(SourceError) in
                try Placeholders.fill(text, variables: context.variables, window: window)
            }
        guard let filled, let backend = try? backend(context) else { return nil }
        let (path, query) = filled.pathAndQuery(window: window)
        return "GET " + URLText.redacted(backend.url.url(path, query: query))
    }

    package func sliQuery(_ text: String) -> Result<DynatraceQuery, SourceError> {
        DynatraceQuery.sliQuery(text)
    }

    /// The environment from whichever setting is present.
    func backend(_ context: SourceContext) throws(SourceError) -> Backend {
        guard let backend = try configuration.backend(Self.url, spec: context.sourceSettings, source: name) else {
            throw SourceError("dynatrace: no environment configured: set sources.dynatrace.url in the spec, --dynatrace-url, or DYNATRACE_URL")
        }
        return backend
    }
}
