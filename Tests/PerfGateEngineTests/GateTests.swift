import PerfGateCore
import PerfGateEngine
import PerfGateSources
import PerfGateTestSupport
import Synchronization
import Testing

/// Files in memory, for specs a test (or a server) holds without writing them anywhere.
struct MemoryFiles: Files {
    var files: [String: String]
    func read(_ path: String, limit: Int) throws(FileError) -> [UInt8] {
        guard let text = files[path] else { throw FileError(path: path, reason: "no such file or directory") }
        return Array(text.utf8)
    }
    func exists(_ path: String) -> Bool { files[path] != nil }
}

/// A Prometheus that answers every query with one series, and keeps the requests it got.
final class FakePrometheus: HTTPClient {
    let requests = Mutex<[HTTPRequest]>([])
    let value: String
    init(value: String) { self.value = value }

    func send(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        requests.withLock { $0.append(request) }
        let body = #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"job":"shop"},"value":[1714564800,"\#(value)"]}]}}"#
        return HTTPResponse(status: 200, headers: ["content-type": "application/json"], body: Array(body.utf8), url: request.url)
    }
}

@Suite struct GateTests {
    static let clock: @Sendable () -> Double = { 1_714_565_000 }
    static let window = Window(start: 1_714_564_800, end: 1_714_565_400)

    static let perfSpec = """
        spec_version: '1.0'
        indicators:
          - id: p95
            source: Prometheus
            query: histogram_quantile(0.95, rate(http_duration_bucket{job="$JOB"}[5m]))
            grading: {type: Threshold, metricScore: 100, thresholds: {upperWarning: 300, upperSevere: 500}}
        objectives: {pass: 90, warning: 75}
        """

    func gate(_ files: [String: String], http: any HTTPClient, variables: [String: String] = [:]) -> (Gate, CollectedDiagnostics) {
        let diagnostics = CollectedDiagnostics()
        let environment = GateEnvironment(
            now: Self.clock, variables: variables, http: http, files: MemoryFiles(files: files), diagnostics: diagnostics)
        return (Gate(environment: environment), diagnostics)
    }

    @Test func evaluatesAPerfSpecWithEverythingInjected() async throws {
        let prometheus = FakePrometheus(value: "420")
        let (gate, diagnostics) = gate(
            ["/specs/perfspec.yaml": Self.perfSpec], http: prometheus,
            variables: ["PROMETHEUS_URL": "http://prometheus.test:9090", "PROMETHEUS_TOKEN": "s3cr3t-token"])
        let outcome = try await gate.evaluate(GateRequest(specPath: "/specs/perfspec.yaml", window: Self.window, variables: ["JOB": "shop"]))
        #expect(outcome.result.verdict == .fail)  // 420 breaches the warning threshold: 0 of 100 points
        #expect(outcome.result.evaluatedAt == 1_714_565_000)
        #expect(
            outcome.result.indicatorResults.first?.measurements == [Measurement(key: "job=\"shop\"", value: 420, timestamp: 1_714_564_800)]
                || outcome.result.indicatorResults.first?.measurements.first?.value == 420)
        #expect(outcome.record.specKind == "perfspec" && outcome.record.values.first?.value == 420)
        // The environment's variables reached the source: its URL and its token.
        let sent = prometheus.requests.withLock { $0 }
        #expect(sent.count == 1)
        #expect(sent.first?.url.hasPrefix("http://prometheus.test:9090/api/v1/query") == true)
        #expect(sent.first.map { String(decoding: $0.body ?? [], as: UTF8.self) }?.contains("shop") == true)
        #expect(sent.first?.header("authorization") == "Bearer s3cr3t-token")
        #expect(diagnostics.lines.isEmpty)
        // What was sent is in the result, placeholders filled.
        #expect(outcome.result.indicatorResults.first?.resolvedQuery == #"histogram_quantile(0.95, rate(http_duration_bucket{job="shop"}[5m]))"#)
    }

    @Test func theResolvedQueryNamesTheFileReadAndTheSLISent() async throws {
        let spec = """
            indicators:
              - {id: j, source: jmeter, query: {file: r.jtl, stat: p95}, grading: {type: Threshold, metricScore: 1, thresholds: {}}}
            objectives: {pass: 1, warning: 0}
            """
        let (gate, _) = gate(["/s/perfspec.yaml": spec], http: FakePrometheus(value: "1"))
        let outcome = try await gate.evaluate(GateRequest(specPath: "/s/perfspec.yaml", resultFiles: ["jmeter": "/runs/42.jtl"]))
        #expect(outcome.result.indicatorResults.first?.resolvedQuery == "/runs/42.jtl")
        let (keptn, _) = self.gate(["/gate/slo.yaml": Self.slo, "/gate/prometheus/sli.yaml": Self.sli], http: FakePrometheus(value: "1"))
        let gated = try await keptn.evaluate(
            GateRequest(specPath: "/gate/slo.yaml", window: Self.window, connections: .init(flags: ["prometheus-url": "http://p.test"])))
        #expect(
            gated.result.indicatorResults.first?.resolvedQuery
                == #"histogram_quantile(0.95, sum(rate(http_duration_bucket{service="checkout"}[600s])) by (le))"#)
    }

    @Test func anInvalidSpecStopsWithItsProblemsSaid() async {
        let (gate, diagnostics) = gate(["/s.yaml": "indicators: []\nobjectives: {pass: 90}\n"], http: FakePrometheus(value: "1"))
        do {
            _ = try await gate.evaluate(GateRequest(specPath: "/s.yaml"))
            Issue.record("an invalid spec was evaluated")
        } catch {
            #expect(error.kind == .invalidInput && error.reported)
        }
        let lines = diagnostics.lines.map(\.text)
        #expect(lines.contains { $0.hasPrefix("/s.yaml:2:") && $0.contains("missing 'warning'") }, "\(lines)")
        #expect(lines.last?.hasPrefix("/s.yaml is not a valid spec (") == true, "\(lines)")
    }

    @Test func aMissingSpecIsSaidByTheSink() async {
        let (gate, diagnostics) = gate([:], http: FakePrometheus(value: "1"))
        await #expect(throws: GateError.self) { _ = try await gate.evaluate(GateRequest(specPath: "/none.yaml")) }
        #expect(diagnostics.lines.map(\.text) == ["cannot read the spec: /none.yaml: no such file or directory"])
    }

    @Test func relativeThresholdsWithoutHistoryWarn() async throws {
        let spec = Self.perfSpec.replacingOccurrences(of: "upperSevere: 500}", with: "upperSevere: 500, upperSeverePerc: 10}")
        let (gate, diagnostics) = gate(["/p.yaml": spec], http: FakePrometheus(value: "100"))
        let outcome = try await gate.evaluate(
            GateRequest(
                specPath: "/p.yaml", window: Self.window, variables: ["JOB": "a"],
                connections: .init(flags: ["prometheus-url": "http://p.test"])))
        #expect(outcome.result.verdict == .pass)
        #expect(diagnostics.lines.map(\.kind) == [.warning])
        #expect(diagnostics.lines.first?.text.hasPrefix("relative thresholds") == true)
    }

    static let slo = """
        spec_version: "1.0"
        filter: {service: checkout}
        objectives:
          - sli: response_time_p95
            pass: [{criteria: ["<600"]}]
            warning: [{criteria: ["<=800"]}]
        total_score: {pass: "90%", warning: "50%"}
        """
    static let sli = """
        spec_version: '1.0'
        indicators:
          response_time_p95: histogram_quantile(0.95, sum(rate(http_duration_bucket{service="$SERVICE"}[$DURATION_SECONDS])) by (le))
        """

    @Test func evaluatesAKeptnGateFromMemory() async throws {
        let prometheus = FakePrometheus(value: "700")
        let (gate, diagnostics) = gate(["/gate/slo.yaml": Self.slo, "/gate/prometheus/sli.yaml": Self.sli], http: prometheus)
        let request = GateRequest(specPath: "/gate/slo.yaml", window: Self.window, connections: .init(flags: ["prometheus-url": "http://p.test"]))
        let outcome = try await gate.evaluate(request)
        #expect(outcome.result.verdict == .warning)
        #expect(outcome.record.specKind == "slo" && outcome.record.context == ["service": "checkout"])
        // $DURATION_SECONDS is the window's length.
        #expect(prometheus.requests.withLock { $0 }.first.map { String(decoding: $0.body ?? [], as: UTF8.self) }?.contains("600s") == true)
        #expect(diagnostics.lines.map(\.text) == ["Keptn quality gate /gate/slo.yaml with /gate/prometheus/sli.yaml (prometheus)"])
    }

    @Test func aKeptnGateNeedsAWindowOfAMinute() async {
        let (gate, _) = gate(["/gate/slo.yaml": Self.slo, "/gate/sli.yaml": Self.sli], http: FakePrometheus(value: "1"))
        for window in [nil, Window(start: 0, end: 59)] {
            do {
                _ = try await gate.evaluate(GateRequest(specPath: "/gate/slo.yaml", window: window))
                Issue.record("evaluated without a usable window")
            } catch {
                #expect(error.kind == .usage && !error.reported, "\(error)")
            }
        }
    }
}
