import PerfGateCore

/// Datadog: metric queries through the v1 query API (`GET /api/v1/query`, one result per series,
/// keyed by its group's tags) and formulas through the v2 scalar API (`POST /api/v2/query/scalar`,
/// one result per group). Curves and a canary's samples use v1's points, or v2's time-series API
/// for a formula.
///
/// Where: `https://api.<site>` for the site in `--datadog-site` or `DD_SITE` (`datadoghq.com` by
/// default; `us3.datadoghq.com`, `us5.datadoghq.com`, `datadoghq.eu`, `ap1.datadoghq.com`,
/// `ap2.datadoghq.com`, `ddog-gov.com`, `us2.ddog-gov.com`), or a proxy's URL from
/// `--datadog-url` or `DATADOG_URL` (a spec's `sources.datadog.url` follows the trust rule).
/// Credentials: `DD_API_KEY` and `DD_APP_KEY` (or `DD_APPLICATION_KEY`), or the files in
/// `--datadog-api-key-file` and `--datadog-app-key-file`, sent as `DD-API-KEY` and
/// `DD-APPLICATION-KEY`.
///
/// Datadog's data arrives late: a window that ended less than the settle time ago
/// (`--datadog-settle`, 60 s by default, as Keptn's provider waited) may miss its last points.
/// perfgate warns, or waits for them with `--datadog-wait SECONDS` (at most that long).
package struct DatadogSource: SLIProvider, SeriesSource, SampleSource, DeclaredSource {
    package let name = "datadog"
    /// Its settings and credentials' variables; the flags, the redactor and the CI mask list derive from this.
    package static let declaration = SourceDeclaration(
        name: "datadog",
        settings: [
            SourceSetting(
                .value, flag: "datadog-site", help: "The Datadog site, such as datadoghq.eu (else DD_SITE; datadoghq.com by default).",
                valueName: "site", variables: ["DD_SITE"]),
            SourceSetting(
                .url, flag: "datadog-url", help: "A Datadog API base URL to use instead of the site's, such as a proxy (else DATADOG_URL).",
                valueName: "url", variables: ["DATADOG_URL"], specKey: "url"),
            SourceSetting(
                .tokenFile, flag: "datadog-api-key-file", help: "A file holding the Datadog API key (else DD_API_KEY).", valueName: "file"),
            SourceSetting(
                .tokenFile, flag: "datadog-app-key-file", help: "A file holding the Datadog application key (else DD_APP_KEY).",
                valueName: "file"),
            SourceSetting(
                .value, flag: "datadog-settle",
                help: "Seconds Datadog takes to settle a point: a window that ended more recently warns (else DATADOG_SETTLE_SECONDS; 60).",
                valueName: "seconds", variables: ["DATADOG_SETTLE_SECONDS"]),
            SourceSetting(
                .value, flag: "datadog-wait",
                help: "Wait at most this many seconds for a recent window's points to settle, instead of warning (else DATADOG_WAIT_SECONDS; 0).",
                valueName: "seconds", variables: ["DATADOG_WAIT_SECONDS"])
        ],
        secrets: SecretDeclaration(variables: ["DD_API_KEY", "DD_APP_KEY", "DD_APPLICATION_KEY"], urlVariables: ["DATADOG_URL"]))
    /// Datadog's sites (docs: "Getting Started with Datadog Sites").
    static let sites = [
        "datadoghq.com", "us3.datadoghq.com", "us5.datadoghq.com", "datadoghq.eu", "ap1.datadoghq.com", "ap2.datadoghq.com", "ddog-gov.com",
        "us2.ddog-gov.com"
    ]
    static let defaultSettle = 60.0
    let configuration: SourceConfiguration

    package init(configuration: SourceConfiguration = SourceConfiguration()) {
        self.configuration = configuration
    }

    package func parse(_ query: Node, at path: SpecPath, context: ValidationContext) -> ParsedQuery<DatadogQuery> {
        DatadogQuery.parse(query, at: path, context: context)
    }

    /// v1: each series graded as the query's stat of its points; v2: each group's scalar.
    package func answer(_ query: DatadogQuery, context: SourceContext) async throws -> SourceAnswer {
        let (window, notes) = try await settled(context)
        let filled = try query.filled(context)
        switch filled.form {
        case .metric(let text, let stat):
            let sent = try await send(v1: text, window: window, context: context)
            let series = try DatadogResponse.series(sent.response, request: sent.request)
            let measurements = series.map { key, points in
                Measurement(
                    key: key, value: stat.value(of: points.compactMap(\.value)), timestamp: points.last(where: { $0.value != nil })?.timestamp)
            }
            return SourceAnswer(measurements, warnings: notes + sent.warnings)
        case .formula:
            let sent = try await send(v2: "/api/v2/query/scalar", filled, window: window, interval: nil, context: context)
            return SourceAnswer(try DatadogResponse.scalar(sent.response, request: sent.request, at: window.end), warnings: notes + sent.warnings)
        }
    }

    /// `--series`: v1's points as Datadog rolls them up, or v2's time series at the step.
    package func series(_ query: DatadogQuery, context: SourceContext, step: Double) async throws -> [Measurement] {
        let (window, _) = try await settled(context)
        let filled = try query.filled(context)
        switch filled.form {
        case .metric(let text, _):
            let sent = try await send(v1: text, window: window, context: context)
            return try DatadogResponse.series(sent.response, request: sent.request).flatMap(\.points)
        case .formula:
            let sent = try await send(v2: "/api/v2/query/timeseries", filled, window: window, interval: step, context: context)
            return try DatadogResponse.timeseries(sent.response, request: sent.request)
        }
    }

    /// A canary's samples: the points of the one series (or group) the query gives.
    package func samples(_ query: DatadogQuery, context: SourceContext, step: Double) async throws -> [Double?] {
        try await seriesSamples(query, context: context, step: step)
    }

    package func resolved(_ query: DatadogQuery, context: SourceContext) -> String? {
        (try? query.filled(context))?.shown
    }

    /// Keptn's Datadog SLI provider took metric queries.
    package func sliQuery(_ text: String) -> Result<DatadogQuery, SourceError> {
        .success(DatadogQuery(form: .metric(text, stat: .last)))
    }

    func send(v1 query: String, window: Window, context: SourceContext) async throws(SourceError) -> (
        response: HTTPResponse, request: String, warnings: [String]
    ) {
        let backend = try backend(context)
        let parameters = [
            ("from", String(CheckedNumber.clamped(window.start.rounded(.down), to: 0...253_402_300_799))),
            ("to", String(CheckedNumber.clamped(window.end.rounded(.up), to: 0...253_402_300_799))), ("query", query)
        ]
        let request = HTTPRequest(
            url: backend.url.url("/api/v1/query", query: URLText.formEncoded(parameters)), headers: [("Accept", "application/json")])
        return try await configuration.send(request, on: backend, credentials: try keys(), source: name)
    }

    func send(v2 path: String, _ query: DatadogQuery, window: Window, interval: Double?, context: SourceContext) async throws(SourceError) -> (
        response: HTTPResponse, request: String, warnings: [String]
    ) {
        guard case .formula(let formula, let queries, let aggregator) = query.form else { throw SourceError("datadog: not a formula") }
        let milliseconds = DynatraceQuery.millisecondRange
        var attributes: [(String, Node)] = [
            ("formulas", .array([.object([("formula", .string(formula))])])),
            ("from", .number(Double(CheckedNumber.clamped((window.start * 1000).rounded(.down), to: milliseconds)))),
            ("to", .number(Double(CheckedNumber.clamped((window.end * 1000).rounded(.up), to: milliseconds)))),
            (
                "queries",
                .array(
                    queries.map { named in
                        .object([
                            ("aggregator", .string(aggregator)), ("data_source", .string("metrics")), ("name", .string(named.name)),
                            ("query", .string(named.query))
                        ])
                    })
            )
        ]
        if let interval {
            attributes.append(("interval", .number(Double(CheckedNumber.clamped((interval * 1000).rounded(.up), to: 1000...86_400_000)))))
        }
        let type = interval == nil ? "scalar_request" : "timeseries_request"
        let body = Node.object([("data", .object([("attributes", .object(attributes)), ("type", .string(type))]))])
        let backend = try backend(context)
        let request = HTTPRequest(
            method: "POST", url: backend.url.url(path), headers: [("Accept", "application/json"), ("Content-Type", "application/json")],
            body: Array(JSONWriter.write(body).utf8))
        return try await configuration.send(request, on: backend, credentials: try keys(), source: name)
    }

    /// The window, after waiting for it to settle when asked to, and a warning when it has not.
    func settled(_ context: SourceContext) async throws(SourceError) -> (Window, [String]) {
        guard let window = context.window else {
            throw SourceError("datadog: a Datadog query needs the load test's window: give --start (and --end)")
        }
        let settle = try seconds("datadog-settle") ?? Self.defaultSettle
        let wait = try seconds("datadog-wait") ?? 0
        let left = window.end + settle - configuration.now()
        guard left > 0 else { return (window, []) }
        if wait >= left {
            await configuration.sleep(left)
            return (window, [])
        }
        let ended = configuration.now() - window.end
        let when = ended >= 0 ? "ended \(Int(ended.rounded())) s ago" : "ends \(Int((-ended).rounded())) s from now"
        return (
            window,
            [
                "datadog: the window \(when), and Datadog's points take about \(Int(settle)) s to settle: the last ones may be missing or partial; end the window earlier, or pass --datadog-wait \(Int(left.rounded(.up))) to wait for them"
            ]
        )
    }

    func seconds(_ flag: String) throws(SourceError) -> Double? {
        guard let setting = Self.declaration.setting(flag: flag), let text = configuration.value(setting) else { return nil }
        guard let seconds = Double(text), seconds.isFinite, (0...3600).contains(seconds) else {
            throw SourceError("datadog: --\(flag) must be seconds from 0 to 3600, found '\(Excerpt.of(text, limit: 40))'")
        }
        return seconds
    }

    /// The pipeline's proxy URL, else the site's API.
    func backend(_ context: SourceContext) throws(SourceError) -> Backend {
        if let backend = try configuration.backend(Self.declaration.setting(.url)!, spec: context.sourceSettings, source: name) { return backend }
        let site = configuration.value(Self.declaration.setting(flag: "datadog-site")!)?.lowercased() ?? "datadoghq.com"
        let host = site.hasPrefix("api.") ? String(site.dropFirst(4)) : site
        guard Self.sites.contains(host) else {
            throw SourceError(
                "datadog: unknown site '\(Excerpt.of(site, limit: 60))'\(Suggestion.hint(for: host, in: Self.sites)); use one of \(Self.sites.joined(separator: ", ")), or --datadog-url for a proxy"
            )
        }
        return Backend(url: try BackendURL(parsing: "https://api." + host, source: name), mayReceiveCredentials: true)
    }

    /// `DD-API-KEY` and `DD-APPLICATION-KEY`; both are needed to query.
    func keys() throws(SourceError) -> [(name: String, value: String)] {
        let api = try configuration.secret(file: Self.declaration.setting(flag: "datadog-api-key-file")!, variables: ["DD_API_KEY"], source: name)
        let app = try configuration.secret(
            file: Self.declaration.setting(flag: "datadog-app-key-file")!, variables: ["DD_APP_KEY", "DD_APPLICATION_KEY"], source: name)
        guard let api, let app else {
            let missing = [
                api == nil ? "the API key (DD_API_KEY or --datadog-api-key-file)" : nil,
                app == nil ? "the application key (DD_APP_KEY or --datadog-app-key-file)" : nil
            ]
            throw SourceError("datadog: set \(missing.compactMap { $0 }.joined(separator: " and ")): querying metrics needs both keys")
        }
        return [("DD-API-KEY", api), ("DD-APPLICATION-KEY", app)]
    }
}
