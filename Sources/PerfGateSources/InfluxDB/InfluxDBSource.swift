import PerfGateCore

/// InfluxDB: InfluxQL through the v1 `/query` API, which InfluxDB 1.x serves, and 2.x, 3.x and
/// Cloud serve for compatibility. k6's `--out influxdb` writes there: a measurement per metric,
/// k6's tags as tags, the sample in the field `value`.
///
/// perfgate sends `POST /query` with a form body (`q`, `db`, `rp`, `epoch=ms`). `$timeFilter` in
/// the statement is the window (`time >= …ms AND time <= …ms`, both ends included) and
/// `$interval` the width of a `GROUP BY time(…)` bucket: the whole window when grading, the
/// step for curves and a canary's samples.
///
/// Configuration: the spec's `sources.influxdb.url`, `--influxdb-url`, `INFLUXDB_URL`; the
/// database from the query, the spec's `sources.influxdb.database` or `INFLUXDB_DATABASE`.
/// Credentials: a token from `INFLUXDB_TOKEN` or `--influxdb-token-file`, sent as
/// `Authorization: Token …` (1.8 and later, 2.x and 3.x); else Basic auth from `INFLUXDB_USERNAME`
/// and `INFLUXDB_PASSWORD` (1.x). They go only to the pipeline's own server, as for Prometheus.
package struct InfluxDBSource: SeriesSource, SampleSource, DeclaredSource {
    package let name = "influxdb"
    /// Its settings and credentials' variables; the flags, the redactor and the CI mask list derive from this.
    package static let declaration = SourceDeclaration(
        name: "influxdb",
        settings: [
            SourceSetting(
                .url, flag: "influxdb-url", help: "InfluxDB base URL (else INFLUXDB_URL).", valueName: "url", variables: ["INFLUXDB_URL"],
                specKey: "url"),
            SourceSetting(
                .tokenFile, flag: "influxdb-token-file", help: "A file holding the InfluxDB token (else INFLUXDB_TOKEN).", valueName: "file")
        ],
        secrets: SecretDeclaration(
            variables: ["INFLUXDB_TOKEN", "INFLUXDB_PASSWORD"], urlVariables: ["INFLUXDB_URL"],
            basicAuth: (user: "INFLUXDB_USERNAME", password: "INFLUXDB_PASSWORD")))
    static var secrets: SecretDeclaration { declaration.secrets }
    static let url = declaration.setting(.url)!
    static let tokenFile = declaration.setting(.tokenFile)!
    let configuration: SourceConfiguration

    package init(configuration: SourceConfiguration = SourceConfiguration()) {
        self.configuration = configuration
    }

    package func parse(_ query: Node, at path: SpecPath, context: ValidationContext) -> ParsedQuery<InfluxDBQuery> {
        InfluxDBQuery.parse(query, at: path, context: context)
    }

    package func answer(_ query: InfluxDBQuery, context: SourceContext) async throws -> SourceAnswer {
        try await ask(query, context: context, interval: nil)
    }

    /// `--series`: the same statement with `$interval` at the step; every row is a point.
    package func series(_ query: InfluxDBQuery, context: SourceContext, step: Double) async throws -> [Measurement] {
        try await ask(query, context: context, interval: step).measurements
    }

    /// A canary's samples: the rows of the one series the statement gives, `$interval` at the step.
    package func samples(_ query: InfluxDBQuery, context: SourceContext, step: Double) async throws -> [Double?] {
        try await seriesSamples(query, context: context, step: step)
    }

    /// The statement as sent, placeholders filled.
    package func resolved(_ query: InfluxDBQuery, context: SourceContext) -> String? {
        try? query.filled(context: context, interval: nil)
    }

    func ask(_ query: InfluxDBQuery, context: SourceContext, interval: Double?) async throws(SourceError) -> SourceAnswer {
        let statement = try query.filled(context: context, interval: interval)
        let backend = try backend(context)
        var form = [("q", statement), ("epoch", "ms")]
        let database =
            query.database ?? context.sourceSettings?[name]?["database"]?.stringValue ?? configuration.environment["INFLUXDB_DATABASE"]
        if let database, !database.isEmpty { form.append(("db", database)) }
        if let policy = query.retentionPolicy { form.append(("rp", policy)) }
        let sent = try await configuration.postForm(form, to: "/query", on: backend, authorization: try authorization(), source: name)
        var answer = try InfluxDBResponse.answer(sent.response, column: query.column, request: sent.request)
        answer.warnings += sent.warnings
        return answer
    }

    func backend(_ context: SourceContext) throws(SourceError) -> Backend {
        guard let backend = try configuration.backend(Self.url, spec: context.sourceSettings, source: name, apiSuffix: "/query") else {
            throw SourceError("influxdb: no server configured: set sources.influxdb.url in the spec, --influxdb-url, or INFLUXDB_URL")
        }
        return backend
    }

    func authorization() throws(SourceError) -> String? {
        try configuration.tokenOrBasic(Self.declaration, scheme: "Token", tokenFile: Self.tokenFile)
    }
}
