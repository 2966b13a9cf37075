import PerfGateCore

/// An Azure Monitor query: a platform metric of one resource, or a Log Analytics (KQL) query of
/// a workspace, where workspace-based Application Insights keeps its requests.
///
/// ```
/// "query": {"resource": "/subscriptions/…/resourceGroups/shop/providers/Microsoft.Web/sites/checkout",
///           "metric": "HttpResponseTime", "aggregation": "Average", "filter": "Instance eq '*'"}
/// "query": {"workspace": "00000000-0000-0000-0000-000000000000",
///           "kql": "AppRequests | summarize p95 = percentile(DurationMs, 95) by Name", "value": "p95", "key": ["Name"]}
/// ```
package struct AzureMonitorQuery: Sendable, Equatable {
    package enum Form: Sendable, Equatable {
        case metric(Metric)
        case logs(Logs)
    }

    /// `…/providers/microsoft.insights/metrics` of one resource.
    package struct Metric: Sendable, Equatable {
        /// The resource id, `/subscriptions/…`.
        var resource: String
        var name: String
        /// `Average`, `Minimum`, `Maximum`, `Total` or `Count`.
        var aggregation: String
        /// The dimension filter (`$filter`), one result per time series it gives.
        var filter: String?
        var namespace: String?
        var top: Int?
        /// nil: `FULL`, one point for the whole window; else the grain, and `stat` grades the points.
        var interval: String?
        var stat: PointStat
    }

    /// `POST /v1/workspaces/{id}/query` with the window as `timespan`.
    package struct Logs: Sendable, Equatable {
        var workspace: String
        var kql: String
        /// The graded column; nil: the one numeric column that is not a key.
        var value: String?
        /// The columns whose values make a row's key; nil: its text columns.
        var key: [String]?
    }

    package var form: Form

    static let metricExample =
        #"{"resource": "/subscriptions/…/providers/Microsoft.Web/sites/checkout", "metric": "HttpResponseTime", "aggregation": "Average"}"#
    static let logsExample = #"{"workspace": "…", "kql": "AppRequests | summarize p95 = percentile(DurationMs, 95) by Name"}"#
    static let aggregations = ["Average", "Minimum", "Maximum", "Total", "Count"]
    /// The grains Azure Monitor keeps metrics at.
    static let grains: [(seconds: Double, text: String)] = [
        (60, "PT1M"), (300, "PT5M"), (900, "PT15M"), (1800, "PT30M"), (3600, "PT1H"), (21600, "PT6H"), (43200, "PT12H"), (86400, "P1D")
    ]
    /// The placeholder a KQL `bin(…)` takes: the whole window when grading, the step for curves.
    static let ownPlaceholders = ["INTERVAL"]

    static func parse(_ query: Node, at path: SpecPath, context: ValidationContext) -> ParsedQuery<AzureMonitorQuery> {
        var diagnostics: [Diagnostic] = []
        let known = ["resource", "metric", "aggregation", "filter", "namespace", "top", "interval", "stat", "workspace", "kql", "value", "key"]
        guard query.members != nil, let reader = MemberReader(query, at: path, known: known, into: &diagnostics) else {
            return .failed(
                diagnostics.hasErrors
                    ? diagnostics
                    : [
                        .error(
                            path, query.location,
                            "an Azure Monitor query must be an object such as \(metricExample) or \(logsExample), found \(query.typeName)")
                    ])
        }
        let parsed: AzureMonitorQuery
        if reader["workspace"] != nil || reader["kql"] != nil {
            parsed = AzureMonitorQuery(form: .logs(logs(reader, at: path, into: &diagnostics)))
        } else {
            parsed = AzureMonitorQuery(form: .metric(metric(reader, at: path, into: &diagnostics)))
        }
        if context.hasWindow == false {
            diagnostics.append(.error(path, query.location, "an Azure Monitor query needs the load test's window: give --start (and --end)"))
        }
        guard !diagnostics.hasErrors else { return .failed(diagnostics) }
        var withOwn = context
        withOwn.variables.formUnion(ownPlaceholders)
        for text in parsed.texts { diagnostics += Placeholders.diagnostics(text, at: path, location: query.location, context: withOwn) }
        return ParsedQuery(parsed, diagnostics: diagnostics)
    }

    static func metric(_ reader: MemberReader, at path: SpecPath, into diagnostics: inout [Diagnostic]) -> Metric {
        let resource = reader.string("resource", required: true, "the resource id, e.g. \(metricExample)", into: &diagnostics) ?? ""
        if !resource.isEmpty, let problem = resourceProblem(resource) {
            diagnostics.append(.error(path.appending("resource"), reader["resource"]?.location, problem))
        }
        let name = reader.string("metric", required: true, "the metric's name, e.g. \(metricExample)", into: &diagnostics) ?? ""
        var aggregation = reader.string("aggregation", required: false, "", into: &diagnostics) ?? "Average"
        if let known = aggregations.first(where: { $0.lowercased() == aggregation.lowercased() }) {
            aggregation = known
        } else {
            diagnostics.append(
                .error(
                    path.appending("aggregation"), reader["aggregation"]?.location,
                    "unknown aggregation '\(aggregation)'\(Suggestion.hint(for: aggregation, in: aggregations)); use one of \(aggregations.joined(separator: ", "))"
                ))
        }
        var top: Int?
        if let number = reader.number("top", required: false, "", into: &diagnostics) {
            if (1...1000).contains(number), number.rounded() == number {
                top = Int(number)
            } else {
                diagnostics.append(.error(path.appending("top"), reader["top"]?.location, "'top' must be a whole number of series from 1 to 1000"))
            }
        }
        let interval = reader.string("interval", required: false, "", into: &diagnostics)
        if let interval, !grains.contains(where: { $0.text == interval.uppercased() }) {
            diagnostics.append(
                .error(
                    path.appending("interval"), reader["interval"]?.location,
                    "unknown interval '\(interval)'; use one of \(grains.map(\.text).joined(separator: ", ")), or leave it out for one value over the window"
                ))
        }
        return Metric(
            resource: resource, name: name, aggregation: aggregation, filter: reader.string("filter", required: false, "", into: &diagnostics),
            namespace: reader.string("namespace", required: false, "", into: &diagnostics), top: top, interval: interval?.uppercased(),
            stat: PointStat.read(reader, at: path, into: &diagnostics))
    }

    static func logs(_ reader: MemberReader, at path: SpecPath, into diagnostics: inout [Diagnostic]) -> Logs {
        let workspace = reader.string("workspace", required: true, "the Log Analytics workspace id, e.g. \(logsExample)", into: &diagnostics) ?? ""
        if !workspace.isEmpty, !workspace.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) {
            diagnostics.append(.error(path.appending("workspace"), reader["workspace"]?.location, "a workspace id has only letters, digits and '-'"))
        }
        let kql = reader.string("kql", required: true, "the KQL query, e.g. \(logsExample)", into: &diagnostics) ?? ""
        if reader["kql"] != nil, kql.trimmingSpaces().isEmpty {
            diagnostics.append(.error(path.appending("kql"), reader["kql"]?.location, "the KQL query is empty"))
        }
        var key: [String]?
        if let node = reader["key"] {
            if let one = node.stringValue {
                key = [one]
            } else if let items = node.items, items.allSatisfy({ $0.stringValue != nil }) {
                key = items.compactMap(\.stringValue)
            } else {
                diagnostics.append(.error(path.appending("key"), node.location, "'key' must be a column name or a list of them"))
            }
        }
        return Logs(workspace: workspace, kql: kql, value: reader.string("value", required: false, "", into: &diagnostics), key: key)
    }

    /// Why a resource id cannot be one: perfgate builds the request's path from it, so it must be
    /// plain `/subscriptions/…` segments.
    static func resourceProblem(_ resource: String) -> String? {
        guard resource.lowercased().hasPrefix("/subscriptions/") else {
            return "a resource id starts with /subscriptions/, such as /subscriptions/SUB/resourceGroups/RG/providers/Microsoft.Web/sites/NAME"
        }
        if resource.contains("%") || resource.contains("//") { return "the resource id has '%' or an empty segment" }
        if let problem = BackendURL.problem(inPath: resource) { return "the resource id \(problem)" }
        return nil
    }

    var texts: [String] {
        switch form {
        case .metric(let metric): return [metric.resource, metric.name] + [metric.filter].compactMap { $0 }
        case .logs(let logs): return [logs.kql]
        }
    }

    /// The grain for `step` seconds: the finest Azure keeps that is at least the step.
    static func grain(for step: Double) -> String { grains.first { $0.seconds >= step }?.text ?? "P1D" }

    /// The same query with every placeholder filled; `interval` is `$INTERVAL` in seconds.
    func filled(_ context: SourceContext, interval: Double) throws(SourceError) -> AzureMonitorQuery {
        if context.placeholdersFilled { return self }
        var variables = context.variables
        variables["INTERVAL"] = "\(CheckedNumber.clamped(interval.rounded(.up), to: 1...3_153_600_000))s"
        func fill(_ text: String) throws(SourceError) -> String { try Placeholders.fill(text, variables: variables, window: context.window) }
        switch form {
        case .metric(var metric):
            metric.resource = try fill(metric.resource)
            metric.name = try fill(metric.name)
            metric.filter = try metric.filter.map { (text) throws(SourceError) in try fill(text) }
            if let problem = Self.resourceProblem(metric.resource) { throw SourceError("azure-monitor: \(problem)") }
            return AzureMonitorQuery(form: .metric(metric))
        case .logs(var logs):
            logs.kql = try fill(logs.kql)
            return AzureMonitorQuery(form: .logs(logs))
        }
    }

    var shown: String {
        switch form {
        case .metric(let metric):
            return "\(metric.aggregation) of \(metric.name) on \(metric.resource)" + (metric.filter.map { " where \($0)" } ?? "")
        case .logs(let logs): return logs.kql
        }
    }
}
