import PerfGateCore

/// Graphite: the render API (`/render`, `format=json`), one result per series the target gives.
///
/// perfgate sends `POST /render` with a form body: `target`, `from` and `until` from the window
/// (Graphite's window is `(from, until]`, so `from` is a second before the start), `format=json`.
/// A series' points in the window are graded as its `stat`: the last non-null point by default,
/// or `max`, `min`, `avg`, `sum`, `count`; null points are left out, never read as 0.
///
/// Configuration: the spec's `sources.graphite.url`, `--graphite-url`, `GRAPHITE_URL`.
/// Credentials, for a Graphite behind a proxy that asks for them: a bearer token from
/// `GRAPHITE_TOKEN` or `--graphite-token-file`, else Basic auth from `GRAPHITE_USERNAME` and
/// `GRAPHITE_PASSWORD`; only for the pipeline's own server, as for Prometheus.
package struct GraphiteSource: SeriesSource, SampleSource, DeclaredSource {
    package let name = "graphite"
    /// Its settings and credentials' variables; the flags, the redactor and the CI mask list derive from this.
    package static let declaration = SourceDeclaration(
        name: "graphite",
        settings: [
            SourceSetting(
                .url, flag: "graphite-url", help: "Graphite base URL (else GRAPHITE_URL).", valueName: "url", variables: ["GRAPHITE_URL"],
                specKey: "url"),
            SourceSetting(
                .tokenFile, flag: "graphite-token-file", help: "A file holding a Graphite bearer token (else GRAPHITE_TOKEN).", valueName: "file")
        ],
        secrets: SecretDeclaration(
            variables: ["GRAPHITE_TOKEN", "GRAPHITE_PASSWORD"], urlVariables: ["GRAPHITE_URL"],
            basicAuth: (user: "GRAPHITE_USERNAME", password: "GRAPHITE_PASSWORD")))
    static let url = declaration.setting(.url)!
    static let tokenFile = declaration.setting(.tokenFile)!
    let configuration: SourceConfiguration

    package init(configuration: SourceConfiguration = SourceConfiguration()) {
        self.configuration = configuration
    }

    package func parse(_ query: Node, at path: SpecPath, context: ValidationContext) -> ParsedQuery<GraphiteQuery> {
        GraphiteQuery.parse(query, at: path, context: context)
    }

    /// Each series graded as the query's stat of its points, at its last point's time.
    package func answer(_ query: GraphiteQuery, context: SourceContext) async throws -> SourceAnswer {
        let (series, warnings) = try await render(query, context: context)
        let measurements = series.map { target, points in
            let values = points.compactMap(\.value)
            return Measurement(key: target, value: query.stat.value(of: values), timestamp: points.last(where: { $0.value != nil })?.timestamp)
        }
        return SourceAnswer(measurements, warnings: warnings)
    }

    /// `--series`: every point of every series (Graphite's own resolution).
    package func series(_ query: GraphiteQuery, context: SourceContext, step: Double) async throws -> [Measurement] {
        try await render(query, context: context).series.flatMap(\.points)
    }

    /// A canary's samples: the points of the one series the target gives (null ones missing).
    package func samples(_ query: GraphiteQuery, context: SourceContext, step: Double) async throws -> [Double?] {
        try await seriesSamples(query, context: context, step: step)
    }

    /// The target as sent, placeholders filled.
    package func resolved(_ query: GraphiteQuery, context: SourceContext) -> String? {
        context.placeholdersFilled ? query.target : try? Placeholders.fill(query.target, variables: context.variables, window: context.window)
    }

    func render(_ query: GraphiteQuery, context: SourceContext) async throws(SourceError) -> (
        series: [(target: String, points: [Measurement])], warnings: [String]
    ) {
        let target =
            context.placeholdersFilled ? query.target : try Placeholders.fill(query.target, variables: context.variables, window: context.window)
        var form = [("target", target), ("format", "json")]
        if let window = context.window {
            form.append(("from", String(CheckedNumber.clamped(window.start.rounded(.down) - 1, to: 0...253_402_300_799))))
            form.append(("until", String(CheckedNumber.clamped(window.end.rounded(.up), to: 0...253_402_300_799))))
        }
        guard let backend = try configuration.backend(Self.url, spec: context.sourceSettings, source: name, apiSuffix: "/render") else {
            throw SourceError("graphite: no server configured: set sources.graphite.url in the spec, --graphite-url, or GRAPHITE_URL")
        }
        let authorization = try configuration.tokenOrBasic(Self.declaration, scheme: "Bearer", tokenFile: Self.tokenFile)
        let sent = try await configuration.postForm(form, to: "/render", on: backend, authorization: authorization, source: name)
        return (try GraphiteResponse.series(sent.response, request: sent.request), sent.warnings)
    }
}
