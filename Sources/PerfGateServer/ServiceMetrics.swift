import PerfGateCore
import PerfGateSources
import Synchronization

/// The service's own metrics, in Prometheus' text format for `GET /metrics`. Every label value
/// comes from a fixed set (routes, status codes, verdicts, source names): nothing from a request
/// becomes a label, so a hostile id cannot create series.
package final class ServiceMetrics: Sendable {
    /// The routes the service has; any other path counts as `other`.
    package static let routes = [
        "/api/pitometer", "/api/v1/evaluate", "/health", "/api", "/metrics", "/api/v1/runs", "/api/v1/runs/{id}", "/api/v1/baselines/{key}",
        "/api/v1/trends", "/", "/dashboard"
    ]
    static let verdicts = ["pass", "warning", "fail", "error", "invalid"]
    /// Evaluation durations' bucket bounds, in seconds.
    static let buckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120]

    private struct State {
        var requests: [String: Int] = [:]
        var verdicts: [String: Int] = [:]
        var backendErrors: [String: Int] = [:]
        var durationCounts = [Int](repeating: 0, count: ServiceMetrics.buckets.count)
        var durationSum = 0.0
        var durationCount = 0
        var inFlight = 0
        var connections = 0
        var rejectedConnections = 0
        var storeRecords: [String: Int] = [:]
        var storeFailures: [String: Int] = [:]
    }

    private let state = Mutex(State())
    private let sources: [String]

    package init() { sources = SourceRegistry.all().map(\.name) }

    /// The route label of a path.
    package static func route(_ path: String) -> String {
        if routes.contains(path) { return path }
        if path.hasPrefix("/api/v1/runs/") { return "/api/v1/runs/{id}" }
        if path.hasPrefix("/api/v1/baselines/") { return "/api/v1/baselines/{key}" }
        return "other"
    }

    package func request(route: String, method: String, status: Int) {
        let method = ["GET", "POST", "HEAD"].contains(method) ? method : "other"
        let key = "route=\"\(Self.route(route))\",method=\"\(method)\",status=\"\(status)\""
        state.withLock { $0.requests[key, default: 0] += 1 }
    }

    /// One evaluation that ran: its verdict, how long it took, and which indicators' sources failed.
    package func evaluation(_ result: EvaluationResult?, seconds: Double) {
        state.withLock { state in
            let verdict = result?.verdict.rawValue ?? "invalid"
            state.verdicts[verdict, default: 0] += 1
            for (index, bound) in Self.buckets.enumerated() where seconds <= bound { state.durationCounts[index] += 1 }
            state.durationSum += seconds
            state.durationCount += 1
            for indicator in result?.indicatorResults ?? [] where indicator.error != nil {
                let source = sources.contains(indicator.source.lowercased()) ? indicator.source.lowercased() : "other"
                state.backendErrors[source, default: 0] += 1
            }
        }
    }

    package func evaluationStarted() { state.withLock { $0.inFlight += 1 } }
    package func evaluationEnded() { state.withLock { $0.inFlight -= 1 } }
    package func connectionOpened() { state.withLock { $0.connections += 1 } }
    package func connectionClosed() { state.withLock { $0.connections -= 1 } }
    package func connectionRejected() { state.withLock { $0.rejectedConnections += 1 } }
    /// A run recorded (`recorded`) or found recorded already (`duplicate`).
    func storeRecord(_ outcome: String) { state.withLock { $0.storeRecords[outcome, default: 0] += 1 } }
    /// The store failed to `read` earlier runs or to `write` a run.
    func storeFailure(_ operation: String) { state.withLock { $0.storeFailures[operation, default: 0] += 1 } }

    /// The exposition text.
    package func render() -> String {
        state.withLock { state in
            var text = ""
            func family(_ name: String, _ type: String, _ help: String) { text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n" }
            family("perfgate_http_requests_total", "counter", "HTTP requests answered, by route, method and status.")
            for key in state.requests.keys.sorted() { text += "perfgate_http_requests_total{\(key)} \(state.requests[key]!)\n" }
            family("perfgate_evaluations_total", "counter", "Evaluations run, by result (invalid: the spec or the request was).")
            for verdict in Self.verdicts { text += "perfgate_evaluations_total{result=\"\(verdict)\"} \(state.verdicts[verdict, default: 0])\n" }
            family("perfgate_evaluation_duration_seconds", "histogram", "How long evaluations took, measuring included.")
            for (index, bound) in Self.buckets.enumerated() {
                text += "perfgate_evaluation_duration_seconds_bucket{le=\"\(NumberText.format(bound))\"} \(state.durationCounts[index])\n"
            }
            text += "perfgate_evaluation_duration_seconds_bucket{le=\"+Inf\"} \(state.durationCount)\n"
            text += "perfgate_evaluation_duration_seconds_sum \(NumberText.precise(state.durationSum))\n"
            text += "perfgate_evaluation_duration_seconds_count \(state.durationCount)\n"
            family("perfgate_evaluations_in_flight", "gauge", "Evaluations running now.")
            text += "perfgate_evaluations_in_flight \(state.inFlight)\n"
            family("perfgate_backend_errors_total", "counter", "Indicators a metric source could not measure, by source.")
            for source in sources + ["other"] {
                text += "perfgate_backend_errors_total{source=\"\(source)\"} \(state.backendErrors[source, default: 0])\n"
            }
            family("perfgate_connections_open", "gauge", "Client connections open now.")
            text += "perfgate_connections_open \(state.connections)\n"
            family("perfgate_connections_rejected_total", "counter", "Connections refused because --max-connections were open.")
            text += "perfgate_connections_rejected_total \(state.rejectedConnections)\n"
            family("perfgate_store_runs_total", "counter", "Evaluations the results store recorded, or had recorded already (a retried step).")
            for outcome in ["recorded", "duplicate"] {
                text += "perfgate_store_runs_total{outcome=\"\(outcome)\"} \(state.storeRecords[outcome, default: 0])\n"
            }
            family("perfgate_store_failures_total", "counter", "Results store operations that failed: reading earlier runs, writing a run.")
            for operation in ["read", "write"] {
                text += "perfgate_store_failures_total{operation=\"\(operation)\"} \(state.storeFailures[operation, default: 0])\n"
            }
            return text
        }
    }
}
