import PerfGateCore

/// Prometheus: the query is a PromQL string, as in Pitometer specs.
///
/// This version validates Prometheus indicators; querying a server arrives with the libcurl
/// HTTP client, so evaluating one reports an indicator error that says so.
public struct PrometheusSource: MetricSource {
    public let name = "prometheus"
    public init() {}

    public func validate(_ query: Node, at path: SpecPath) -> [Diagnostic] {
        guard let promql = query.stringValue else {
            return [.error(path, query.location, "a Prometheus query must be a PromQL string, found \(query.typeName)")]
        }
        if promql.trimmingSpaces().isEmpty { return [.error(path, query.location, "the PromQL query is empty")] }
        return []
    }

    public func fetch(_ query: Node, context: SourceContext) async throws -> [Measurement] {
        throw SourceError("querying Prometheus is not available in this build of perfgate yet")
    }
}
