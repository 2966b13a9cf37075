import PerfGateCore

/// An InfluxQL query as a spec writes it: the statement alone, or an object with the database,
/// the retention policy and the column to grade.
///
/// ```
/// "query": "SELECT percentile(\"value\", 95) FROM \"http_req_duration\" WHERE $timeFilter GROUP BY \"name\""
/// "query": {"query": "SELECT …", "database": "k6", "retentionPolicy": "autogen", "column": "p95"}
/// ```
package struct InfluxDBQuery: Sendable, Equatable {
    package var statement: String
    /// nil: the spec's `sources.influxdb.database`, else `INFLUXDB_DATABASE`, else none (the
    /// statement names it, as `FROM "k6"."autogen"."http_req_duration"`).
    package var database: String?
    package var retentionPolicy: String?
    /// The column graded; nil when each series has one column besides `time`.
    package var column: String?

    static let example =
        #"{"query": "SELECT percentile(\"value\", 95) FROM \"http_req_duration\" WHERE $timeFilter GROUP BY \"name\"", "database": "k6"}"#
    /// The placeholders this source fills besides the common ones: the window as an InfluxQL time
    /// condition, and the width of a `GROUP BY time(…)` bucket.
    static let ownPlaceholders = ["timeFilter", "interval"]

    static func parse(_ query: Node, at path: SpecPath, context: ValidationContext) -> ParsedQuery<InfluxDBQuery> {
        var diagnostics: [Diagnostic] = []
        var parsed: InfluxDBQuery
        if let text = query.stringValue {
            parsed = InfluxDBQuery(statement: text)
        } else if query.members != nil,
            let reader = MemberReader(query, at: path, known: ["query", "database", "retentionPolicy", "column"], into: &diagnostics)
        {
            let statement = reader.string("query", required: true, "the InfluxQL statement, e.g. \(example)", into: &diagnostics)
            parsed = InfluxDBQuery(
                statement: statement ?? "", database: reader.string("database", required: false, "", into: &diagnostics),
                retentionPolicy: reader.string("retentionPolicy", required: false, "", into: &diagnostics),
                column: reader.string("column", required: false, "", into: &diagnostics))
        } else {
            return .failed([
                .error(path, query.location, "an InfluxDB query must be an InfluxQL string or an object such as \(example), found \(query.typeName)")
            ])
        }
        let statementPath = query.stringValue == nil ? path.appending("query") : path
        if parsed.statement.trimmingSpaces().isEmpty, !diagnostics.hasErrors {
            diagnostics.append(.error(statementPath, query.location, "the InfluxQL statement is empty"))
        }
        guard !diagnostics.hasErrors else { return .failed(diagnostics) }
        // Placeholders depend on the run: the query stands, and the loader refuses what has no value.
        var known = context
        known.variables.formUnion(ownPlaceholders)
        diagnostics += Placeholders.diagnostics(parsed.statement, at: statementPath, location: query.location, context: known)
        if context.hasWindow == false, Placeholders.names(in: parsed.statement).contains(where: ownPlaceholders.contains) {
            diagnostics.append(
                .error(statementPath, query.location, "$timeFilter and $interval need the load test's window: give --start (and --end)"))
        }
        return ParsedQuery(parsed, diagnostics: diagnostics)
    }

    /// The statement with every placeholder filled: `$timeFilter` is the window in epoch
    /// milliseconds, both ends included; `$interval` is `interval` seconds.
    func filled(context: SourceContext, interval: Double?) throws(SourceError) -> String {
        if context.placeholdersFilled { return statement }
        var variables = context.variables
        if let window = context.window {
            let start = CheckedNumber.clamped((window.start * 1000).rounded(.down), to: DynatraceQuery.millisecondRange)
            let end = CheckedNumber.clamped((window.end * 1000).rounded(.up), to: DynatraceQuery.millisecondRange)
            variables["timeFilter"] = "time >= \(start)ms AND time <= \(end)ms"
            let seconds = CheckedNumber.clamped((interval ?? window.duration).rounded(.up), to: 1...3_153_600_000)
            variables["interval"] = "\(seconds)s"
        }
        return try Placeholders.fill(statement, variables: variables, window: context.window)
    }
}
