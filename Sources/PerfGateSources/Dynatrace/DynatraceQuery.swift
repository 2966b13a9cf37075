import PerfGateCore

/// The three query forms a Dynatrace indicator may use.
enum DynatraceQuery: Equatable {
    /// Pitometer's form: Timeseries API v1, one aggregated point per entity.
    case timeseries(id: String, aggregation: String, percentile: String?, entityIds: [String], tags: [String])
    /// Pitometer's architecture metrics: how many entities an entity relates to.
    case smartscape(entityPath: String, relationship: String, relation: String, tags: [String])
    /// Metrics API v2.
    case metrics(selector: String, entitySelector: String?, resolution: String)

    static let example = #"{"metricSelector": "builtin:service.response.time:percentile(95)", "entitySelector": "type(SERVICE)"}"#
    static let entityPaths = ["service": "services", "application": "applications", "process": "infrastructure/processes"]
    static let aggregations = ["avg", "max", "min", "count", "sum", "median"]

    /// Parses a query node; the messages are validation errors, each with the key it is about.
    static func parse(_ query: Node) -> Result<DynatraceQuery, QueryProblem> {
        guard query.members != nil else {
            return .failure(QueryProblem(key: nil, "a Dynatrace query must be an object such as \(example), found \(query.typeName)"))
        }
        if let selector = query["metricSelector"] {
            guard let text = selector.stringValue, !text.isEmpty else { return .failure(QueryProblem(key: "metricSelector", "'metricSelector' must be a non-empty string")) }
            let entitySelector = query["entitySelector"]?.stringValue
            let resolution = query["resolution"]?.stringValue ?? "Inf"
            return .success(.metrics(selector: text, entitySelector: entitySelector, resolution: resolution))
        }
        if let id = query["timeseriesId"] {
            guard let text = id.stringValue, !text.isEmpty else { return .failure(QueryProblem(key: "timeseriesId", "'timeseriesId' must be a non-empty string")) }
            guard let aggregation = query["aggregation"]?.stringValue else {
                return .failure(QueryProblem(key: nil, "a timeseries query needs 'aggregation': avg, max, min, count, sum, median or pNN"))
            }
            let lower = aggregation.lowercased()
            var percentile: String?
            if lower.hasPrefix("p"), let number = Int(lower.dropFirst()), (1...99).contains(number) {
                percentile = String(number)
            } else if !aggregations.contains(lower) {
                return .failure(QueryProblem(key: "aggregation", "unknown aggregation '\(aggregation)'; use avg, max, min, count, sum, median or p1 to p99"))
            }
            let entityIds = (query["entityIds"]?.items ?? []).compactMap(\.stringValue)
            return tags(query).map { .timeseries(id: text, aggregation: percentile == nil ? lower.uppercased() : "PERCENTILE", percentile: percentile, entityIds: entityIds, tags: $0) }
        }
        if let smartscape = query["smartscape"] {
            guard let text = smartscape.stringValue, let colon = text.firstIndex(of: ":") else {
                return .failure(QueryProblem(key: "smartscape", "'smartscape' must be \"<relationships>:<relation>\", e.g. \"toRelationships:calls\""))
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
            return tags(query).map { .smartscape(entityPath: path, relationship: relationship, relation: String(text[text.index(after: colon)...]), tags: $0) }
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
        case let .metrics(selector, entitySelector, resolution): return [selector, entitySelector ?? "", resolution]
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
        case let .metrics(selector, entitySelector, resolution):
            return .metrics(selector: try fill(selector), entitySelector: try entitySelector.map { (text) throws(SourceError) in try fill(text) }, resolution: try fill(resolution))
        }
    }

    /// The request path and query string for a window in Unix seconds.
    func pathAndQuery(window: Window) -> String {
        let from = String(Int64((window.start * 1000).rounded()))
        let to = String(Int64((window.end * 1000).rounded()))
        switch self {
        case let .timeseries(id, aggregation, percentile, entityIds, tags):
            var pairs = [("includeData", "true"), ("aggregationType", aggregation)]
            if let percentile { pairs.append(("percentile", percentile)) }
            pairs += [("startTimestamp", from), ("endTimestamp", to), ("queryMode", "TOTAL")]
            pairs += entityIds.map { ("entity", $0) } + tags.map { ("tag", $0) }
            return "/api/v1/timeseries/" + URLText.pathSegment(id) + "?" + URLText.formEncoded(pairs)
        case let .smartscape(path, _, _, tags):
            let pairs = [("startTimestamp", from), ("endTimestamp", to)] + tags.map { ("tag", $0) }
            return "/api/v1/entity/" + path + "?" + URLText.formEncoded(pairs)
        case let .metrics(selector, entitySelector, resolution):
            var pairs = [("metricSelector", selector)]
            if let entitySelector { pairs.append(("entitySelector", entitySelector)) }
            pairs += [("resolution", resolution), ("from", from), ("to", to)]
            return "/api/v2/metrics/query?" + URLText.formEncoded(pairs)
        }
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
