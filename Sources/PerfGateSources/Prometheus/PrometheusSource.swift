import PerfGateCore

/// Prometheus: the query is a PromQL string, as in Pitometer specs.
///
/// perfgate sends an instant query (`POST /api/v1/query`, form-encoded) at the **end of the
/// window**. Pitometer sent `start` and `end`, which that endpoint ignores, so its results were
/// always "now". Without a window the query runs at the server's current time.
///
/// Configuration, highest priority first: the spec's `sources.prometheus.url`, `--prometheus-url`,
/// `PROMETHEUS_URL`; a base URL or the full `/api/v1/query` URL. Credentials: a bearer token from
/// `PROMETHEUS_TOKEN` or `--prometheus-token-file`, else Basic auth from `PROMETHEUS_USERNAME` and
/// `PROMETHEUS_PASSWORD`. Credentials go to a URL that only the spec names only with
/// `--trust-spec-urls`, or when it is the same server as the flag's or the variable's.
package struct PrometheusSource: SLIProvider, SeriesSource, DeclaredSource {
    package let name = "prometheus"
    /// Its settings and credentials' variables; the flags, the redactor and the CI mask list derive from this.
    package static let declaration = SourceDeclaration(
        name: "prometheus",
        settings: [
            SourceSetting(
                .url, flag: "prometheus-url", help: "Prometheus base URL or /api/v1/query URL (else PROMETHEUS_URL).",
                valueName: "url", variables: ["PROMETHEUS_URL"], specKey: "url"),
            SourceSetting(
                .tokenFile, flag: "prometheus-token-file", help: "A file holding the Prometheus bearer token (else PROMETHEUS_TOKEN).",
                valueName: "file")
        ],
        secrets: SecretDeclaration(
            variables: ["PROMETHEUS_TOKEN", "PROMETHEUS_PASSWORD"], urlVariables: ["PROMETHEUS_URL"],
            basicAuth: (user: "PROMETHEUS_USERNAME", password: "PROMETHEUS_PASSWORD")))
    static var secrets: SecretDeclaration { declaration.secrets }
    static let url = declaration.setting(.url)!
    static let tokenFile = declaration.setting(.tokenFile)!
    let configuration: SourceConfiguration

    package init(configuration: SourceConfiguration = SourceConfiguration()) {
        self.configuration = configuration
    }

    /// The PromQL string; its placeholders must have values.
    package func parse(_ query: Node, at path: SpecPath, context: ValidationContext) -> ParsedQuery<String> {
        guard let promql = query.stringValue else {
            return .failed([.error(path, query.location, "a Prometheus query must be a PromQL string, found \(query.typeName)")])
        }
        if promql.trimmingSpaces().isEmpty { return .failed([.error(path, query.location, "the PromQL query is empty")]) }
        return ParsedQuery(promql, diagnostics: Placeholders.diagnostics(promql, at: path, location: query.location, context: context))
    }

    package func answer(_ text: String, context: SourceContext) async throws -> SourceAnswer {
        let promql = context.placeholdersFilled ? text : try Placeholders.fill(text, variables: context.variables, window: context.window)
        var form = [("query", promql)]
        if let window = context.window { form.append(("time", JSONWriter.format(window.end))) }
        return try await post(form, to: "/api/v1/query", context)
    }

    /// `--series`: the same PromQL as a range query (`POST /api/v1/query_range`) over the window.
    package func series(_ text: String, context: SourceContext, step: Double) async throws -> [Measurement] {
        guard let window = context.window else { throw SourceError("prometheus: a range query needs the window") }
        let promql = context.placeholdersFilled ? text : try Placeholders.fill(text, variables: context.variables, window: window)
        let form = [
            ("query", promql), ("start", JSONWriter.format(window.start)), ("end", JSONWriter.format(window.end)), ("step", JSONWriter.format(step))
        ]
        return try await post(form, to: "/api/v1/query_range", context).measurements
    }

    /// Sends a form to one of the API's paths on the configured server, with the credentials when
    /// the server may have them.
    func post(_ form: [(String, String)], to path: String, _ context: SourceContext) async throws(SourceError) -> SourceAnswer {
        let sent = try await configuration.postForm(form, to: path, on: try backend(context), authorization: try authorization(), source: name)
        var answer = try PrometheusResponse.measurements(sent.response, request: sent.request)
        answer.warnings += sent.warnings
        return answer
    }

    /// The PromQL with its placeholders filled.
    package func resolved(_ text: String, context: SourceContext) -> String? {
        context.placeholdersFilled ? text : try? Placeholders.fill(text, variables: context.variables, window: context.window)
    }

    package func sliQuery(_ text: String) -> Result<String, SourceError> {
        .success(text)
    }

    /// The server from whichever setting is present: a base URL, or the full `/api/v1/query` URL.
    func backend(_ context: SourceContext) throws(SourceError) -> Backend {
        guard let backend = try configuration.backend(Self.url, spec: context.sourceSettings, source: name, apiSuffix: "/api/v1/query") else {
            throw SourceError("prometheus: no server configured: set sources.prometheus.url in the spec, --prometheus-url, or PROMETHEUS_URL")
        }
        return backend
    }

    func authorization() throws(SourceError) -> String? {
        try configuration.tokenOrBasic(Self.declaration, scheme: "Bearer", tokenFile: Self.tokenFile)
    }
}
