import PerfGateCore

/// The three query forms a Dynatrace indicator may use.
package enum DynatraceQuery: Equatable, Sendable {
    /// Pitometer's form: Timeseries API v1, one aggregated point per entity.
    case timeseries(id: String, aggregation: String, percentile: String?, entityIds: [String], tags: [String])
    /// Pitometer's architecture metrics: how many entities an entity relates to.
    case smartscape(entityPath: String, relationship: String, relation: String, tags: [String])
    /// Metrics API v2.
    case metrics(selector: String, entitySelector: String?, resolution: String, mzSelector: String? = nil)

    /// Epoch milliseconds of the years 1 to 9999, the range every window is checked against.
    static let millisecondRange = -62_135_596_800_000...253_402_300_799_999
    static let example = #"{"metricSelector": "builtin:service.response.time:percentile(95)", "entitySelector": "type(SERVICE)"}"#
    static let entityPaths = ["service": "services", "application": "applications", "process": "infrastructure/processes"]
    static let aggregations = ["avg", "max", "min", "count", "sum", "median"]

    /// Parses a query node; the messages are validation errors, each with the key it is about.
    static func parse(_ query: Node) -> Result<DynatraceQuery, QueryProblem> {
        guard query.members != nil else {
            return .failure(QueryProblem(key: nil, "a Dynatrace query must be an object such as \(example), found \(query.typeName)"))
        }
        if let selector = query["metricSelector"] {
            guard let text = selector.stringValue, !text.isEmpty else {
                return .failure(QueryProblem(key: "metricSelector", "'metricSelector' must be a non-empty string"))
            }
            let entitySelector = query["entitySelector"]?.stringValue
            let resolution = query["resolution"]?.stringValue ?? "Inf"
            let mzSelector = query["mzSelector"]?.stringValue
            return .success(.metrics(selector: text, entitySelector: entitySelector, resolution: resolution, mzSelector: mzSelector))
        }
        if let id = query["timeseriesId"] {
            guard let text = id.stringValue, !text.isEmpty else {
                return .failure(QueryProblem(key: "timeseriesId", "'timeseriesId' must be a non-empty string"))
            }
            guard let aggregation = query["aggregation"]?.stringValue else {
                return .failure(QueryProblem(key: nil, "a timeseries query needs 'aggregation': avg, max, min, count, sum, median or pNN"))
            }
            let lower = aggregation.lowercased()
            var percentile: String?
            if lower.hasPrefix("p"), let number = Int(lower.dropFirst()), (1...99).contains(number) {
                percentile = String(number)
            } else if !aggregations.contains(lower) {
                return .failure(
                    QueryProblem(key: "aggregation", "unknown aggregation '\(aggregation)'; use avg, max, min, count, sum, median or p1 to p99"))
            }
            let entityIds = (query["entityIds"]?.items ?? []).compactMap(\.stringValue)
            return tags(query).map {
                .timeseries(
                    id: text, aggregation: percentile == nil ? lower.uppercased() : "PERCENTILE", percentile: percentile, entityIds: entityIds,
                    tags: $0)
            }
        }
        if let smartscape = query["smartscape"] {
            guard let text = smartscape.stringValue, let colon = text.firstIndex(of: ":") else {
                return .failure(
                    QueryProblem(key: "smartscape", "'smartscape' must be \"<relationships>:<relation>\", e.g. \"toRelationships:calls\""))
            }
            let relationship = String(text[..<colon])
            guard relationship == "toRelationships" || relationship == "fromRelationships" else {
                return .failure(QueryProblem(key: "smartscape", "'smartscape' must start with toRelationships: or fromRelationships:"))
            }
            let type = query["entityType"]?.stringValue ?? ""
            guard let path = entityPaths[type.lowercased()] else {
                return .failure(QueryProblem(key: "entityType", "'entityType' must be Service, Application or Process"))
            }
            let aggregation = query["aggregation"]?.stringValue ?? "count"
            guard aggregation.lowercased() == "count" else {
                return .failure(QueryProblem(key: "aggregation", "unsupported aggregation for smartscape: \(aggregation); only count is"))
            }
            return tags(query).map {
                .smartscape(entityPath: path, relationship: relationship, relation: String(text[text.index(after: colon)...]), tags: $0)
            }
        }
        return .failure(QueryProblem(key: nil, "a Dynatrace query needs 'metricSelector', 'timeseriesId' or 'smartscape'"))
    }

    /// Tags as the v1 API takes them: `key:value`, or `[CONTEXT]key:value` for a non-default context.
    static func tags(_ query: Node) -> Result<[String], QueryProblem> {
        var tags: [String] = []
        for tag in query["tags"]?.items ?? [] {
            if let text = tag.stringValue {
                tags.append(text)
            } else if let key = tag["key"]?.stringValue {
                let context = tag["context"]?.stringValue ?? "CONTEXTLESS"
                let value = tag["value"]?.stringValue.map { ":" + $0 } ?? ""
                tags.append((context == "CONTEXTLESS" ? "" : "[\(context)]") + key + value)
            } else {
                return .failure(QueryProblem(key: "tags", "each tag must be a string or {\"context\", \"key\", \"value\"}"))
            }
        }
        return .success(tags)
    }

    /// Every string a placeholder may stand in.
    var texts: [String] {
        switch self {
        case let .timeseries(id, _, _, entityIds, tags): return [id] + entityIds + tags
        case let .smartscape(_, _, _, tags): return tags
        case let .metrics(selector, entitySelector, resolution, mzSelector): return [selector, entitySelector ?? "", resolution, mzSelector ?? ""]
        }
    }

    /// The same query with every placeholder filled.
    func filled(_ fill: (String) throws(SourceError) -> String) throws(SourceError) -> DynatraceQuery {
        switch self {
        case let .timeseries(id, aggregation, percentile, entityIds, tags):
            var ids: [String] = []
            for entity in entityIds { ids.append(try fill(entity)) }
            var filledTags: [String] = []
            for tag in tags { filledTags.append(try fill(tag)) }
            return .timeseries(id: try fill(id), aggregation: aggregation, percentile: percentile, entityIds: ids, tags: filledTags)
        case let .smartscape(path, relationship, relation, tags):
            var filledTags: [String] = []
            for tag in tags { filledTags.append(try fill(tag)) }
            return .smartscape(entityPath: path, relationship: relationship, relation: relation, tags: filledTags)
        case let .metrics(selector, entitySelector, resolution, mzSelector):
            var filledEntities: String?
            if let entitySelector { filledEntities = try fill(entitySelector) }
            var filledZone: String?
            if let mzSelector { filledZone = try fill(mzSelector) }
            return .metrics(selector: try fill(selector), entitySelector: filledEntities, resolution: try fill(resolution), mzSelector: filledZone)
        }
    }

    /// The request path and query string for a window in Unix seconds; `series` asks Timeseries
    /// v1 for every point (`queryMode=SERIES`) instead of one per entity.
    package func pathAndQuery(window: Window, series: Bool = false) -> (path: String, query: String) {
        let from = String(CheckedNumber.clamped((window.start * 1000).rounded(), to: Self.millisecondRange))
        let to = String(CheckedNumber.clamped((window.end * 1000).rounded(), to: Self.millisecondRange))
        switch self {
        case let .timeseries(id, aggregation, percentile, entityIds, tags):
            var pairs = [("includeData", "true"), ("aggregationType", aggregation)]
            if let percentile { pairs.append(("percentile", percentile)) }
            pairs += [("startTimestamp", from), ("endTimestamp", to), ("queryMode", series ? "SERIES" : "TOTAL")]
            pairs += entityIds.map { ("entity", $0) } + tags.map { ("tag", $0) }
            return ("/api/v1/timeseries/" + URLText.pathSegment(id), URLText.formEncoded(pairs))
        case let .smartscape(path, _, _, tags):
            let pairs = [("startTimestamp", from), ("endTimestamp", to)] + tags.map { ("tag", $0) }
            return ("/api/v1/entity/" + path, URLText.formEncoded(pairs))
        case let .metrics(selector, entitySelector, resolution, mzSelector):
            var pairs = [("metricSelector", selector)]
            if let entitySelector { pairs.append(("entitySelector", entitySelector)) }
            if let mzSelector { pairs.append(("mzSelector", mzSelector)) }
            pairs += [("resolution", resolution), ("from", from), ("to", to)]
            return ("/api/v2/metrics/query", URLText.formEncoded(pairs))
        }
    }
}

extension DynatraceQuery {
    /// A Keptn `dynatrace/sli.yaml` query as a query object: the Metrics v2 form
    /// `metricSelector=…&entitySelector=…[&resolution=…][&mzSelector=…]`. Keptn's other forms
    /// (`SLO;`, `PV2;`, `SECPV2;`, `USQL;`, `MV2;`) are refused with a message.
    package static func sliQuery(_ text: String) -> Result<DynatraceQuery, SourceError> {
        let trimmed = text.trimmingSpaces()
        if let semicolon = trimmed.firstIndex(of: ";"), !trimmed[..<semicolon].contains("="), !trimmed[..<semicolon].isEmpty {
            let prefix = String(trimmed[..<semicolon])
            let hint = prefix == "MV2" ? "; convert units in the selector instead, e.g. :toUnit(MicroSecond,MilliSecond)" : ""
            return .failure(SourceError("dynatrace: the SLI form '\(prefix);' is not supported; use metricSelector=…&entitySelector=…\(hint)"))
        }
        let known = ["metricSelector", "entitySelector", "resolution", "mzSelector"]
        var pairs: [(String, Node)] = []
        for part in trimmed.split(separator: "&", omittingEmptySubsequences: true) {
            guard let equals = part.firstIndex(of: "=") else {
                return .failure(SourceError("dynatrace: '\(part)' is not key=value; an SLI query looks like metricSelector=…&entitySelector=…"))
            }
            let key = String(part[..<equals]).trimmingSpaces()
            guard known.contains(key) else {
                return .failure(
                    SourceError(
                        "dynatrace: unknown SLI query parameter '\(key)'; use \(known.joined(separator: ", "))\(Suggestion.hint(for: key, in: known))"
                    ))
            }
            guard !pairs.contains(where: { $0.0 == key }) else { return .failure(SourceError("dynatrace: '\(key)' is given twice")) }
            pairs.append((key, .string(String(part[part.index(after: equals)...]))))
        }
        guard pairs.contains(where: { $0.0 == "metricSelector" }) else {
            return .failure(SourceError("dynatrace: an SLI query needs metricSelector=…"))
        }
        return parse(.object(pairs)).mapError { SourceError("dynatrace: \($0.message)") }
    }
}

/// A problem with a query, and the key it is about (nil for the query as a whole).
struct QueryProblem: Error, Equatable {
    var key: String?
    var message: String
    init(key: String?, _ message: String) {
        self.key = key
        self.message = message
    }
}
