import PerfGateCore

/// Dynatrace: Pitometer's timeseries and smartscape queries, and Metrics API v2 selectors.
///
/// This version validates Dynatrace indicators; querying a tenant arrives with the libcurl HTTP
/// client, so evaluating one reports an indicator error that says so.
public struct DynatraceSource: MetricSource {
    public let name = "dynatrace"
    public init() {}

    public func validate(_ query: Node, at path: SpecPath) -> [Diagnostic] {
        guard query.members != nil else {
            return [.error(path, query.location, "a Dynatrace query must be an object with 'timeseriesId', 'smartscape' or 'metricSelector', found \(query.typeName)")]
        }
        if query["timeseriesId"] == nil, query["smartscape"] == nil, query["metricSelector"] == nil {
            return [.error(path, query.location, "a Dynatrace query needs 'timeseriesId', 'smartscape' or 'metricSelector'")]
        }
        if query["timeseriesId"] != nil, query["aggregation"] == nil {
            return [.error(path, query.location, "a Dynatrace timeseries query needs 'aggregation' (avg, max, min, count, sum, median or pNN)")]
        }
        return []
    }

    public func fetch(_ query: Node, context: SourceContext) async throws -> [Measurement] {
        throw SourceError("querying Dynatrace is not available in this build of perfgate yet")
    }
}
