import PerfGateCore
import PerfGateServer
import PerfGateSources
import Synchronization

/// A Prometheus that answers every query with one series per key, and keeps what it was sent. It
/// can wait before answering (to fill the evaluation slots) and echo the token back in an error.
final class ScriptedPrometheus: HTTPClient {
    let requests = Mutex<[HTTPRequest]>([])
    let values: [(String, String)]
    let delay: Duration
    let echoToken: Bool

    init(values: [(String, String)] = [("shop", "120")], delay: Duration = .zero, echoToken: Bool = false) {
        self.values = values
        self.delay = delay
        self.echoToken = echoToken
    }

    func send(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        requests.withLock { $0.append(request) }
        if delay > .zero { try? await Task.sleep(for: delay) }
        if echoToken {
            let body = #"{"status":"error","errorType":"bad_data","error":"token \#(request.header("authorization") ?? "") rejected"}"#
            return HTTPResponse(status: 400, headers: ["content-type": "application/json"], body: Array(body.utf8), url: request.url)
        }
        let series = values.map { #"{"metric":{"job":"\#($0.0)"},"value":[1714564800,"\#($0.1)"]}"# }.joined(separator: ",")
        let body = #"{"status":"success","data":{"resultType":"vector","result":[\#(series)]}}"#
        return HTTPResponse(status: 200, headers: ["content-type": "application/json"], body: Array(body.utf8), url: request.url)
    }
}

/// Lines kept in order.
final class LineLog: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}

/// The service's routes in-process, over a scripted backend, with the access log kept.
struct ServiceHarness {
    static let now: @Sendable () -> Double = { 1_714_565_500 }
    static let token = "prom-token-4f9a2c7e"

    let routes: ServiceRoutes
    let log: LineLog
    let backend: ScriptedPrometheus

    init(
        backend: ScriptedPrometheus = ScriptedPrometheus(), keys: [String] = [], functionMode: Bool = false, limits: ServiceLimits = ServiceLimits(),
        refuseSpecURLs: Bool = false, apiKeys: APIKeys? = nil, store: StoreSettings? = nil
    ) {
        let log = LineLog()
        let service = EvaluationService(
            settings: .init(
                variables: ["PROMETHEUS_URL": "http://prometheus.test:9090", "PROMETHEUS_TOKEN": Self.token], http: backend, flags: [:],
                limits: limits, now: Self.now, refuseSpecURLs: refuseSpecURLs, redactor: Redactor([Self.token] + keys + (apiKeys?.values ?? [])),
                store: store),
            metrics: ServiceMetrics())
        self.routes = ServiceRoutes(
            service: service, keys: apiKeys ?? APIKeys(keys), functionMode: functionMode,
            accessLog: AccessLog(now: Self.now) { line in log.append(line) })
        self.log = log
        self.backend = backend
    }

    func send(_ method: String, _ path: String, body: String = "", headers: [String: String] = [:]) async -> (
        status: Int, body: String, headers: [(String, String)]
    ) {
        var all = ["content-type": "application/json"]
        all.merge(headers) { _, new in new }
        let response = await routes.respond(
            to: ServiceRequest(method: method, target: path, headers: all.map { ($0.key, $0.value) }, body: Array(body.utf8)))
        return (response.status, String(decoding: response.body, as: UTF8.self), response.headers)
    }

    var logLines: [String] { log.all }

    /// A PerfSpec over Prometheus, as JSON: one indicator per id, thresholds at 100 (warning) and 200 (severe).
    static func perfSpec(ids: [String] = ["p95"], extraObjective: String = "") -> String {
        let indicators = ids.map { id in
            #"{"id":"\#(id)","source":"Prometheus","query":"histogram_quantile(0.95, rate(x[5m]))","grading":{"type":"Threshold","thresholds":{"upperWarning":100,"upperSevere":200},"metricScore":100}}"#
        }
        return #"{"spec_version":"1.0","indicators":[\#(indicators.joined(separator: ","))],"objectives":{"pass":90,"warning":40\#(extraObjective)}}"#
    }

    static func pitometerBody(spec: String = perfSpec(), start: String = "1714564800", end: String = "1714565400") -> String {
        #"{"timeStart":\#(start),"timeEnd":\#(end),"perfSpec":\#(spec)}"#
    }
}
