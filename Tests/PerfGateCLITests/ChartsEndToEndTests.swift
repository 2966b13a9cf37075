import Foundation
import PerfGateCore
import PerfGateTestSupport
import Testing

/// `--series` and `--history` through the binary against the real Prometheus and the fake
/// Dynatrace: the curves and trends appear in the HTML report, and nothing about them changes
/// a grade.
@Suite(.enabled(if: PrometheusServer.isAvailable, "prometheus is not installed (CI sets PERFGATE_REQUIRE_PROMETHEUS=1)"))
struct ChartsEndToEndTests {
    static let window = ["--start", "2024-05-01T12:00:00Z", "--end", "2024-05-01T12:10:00Z"]

    static func spec(dynatraceSelector: String = "builtin:service.response.time:percentile(95)") -> String {
        """
        indicators:
          - id: checkout_p95_seconds
            source: prometheus
            query: http_request_duration_seconds{service="checkout"}
            grading: {type: Threshold, thresholds: {upperWarning: 0.25, upperSevere: 0.4}, metricScore: 40}
          - id: service_response_time_us
            source: dynatrace
            query: {metricSelector: "\(dynatraceSelector)", entitySelector: "type(SERVICE)"}
            grading: {type: Threshold, thresholds: {upperSevere: 300000}, metricScore: 20, ignoreEmpty: true}
          - id: response_time_v1
            source: dynatrace
            query: {timeseriesId: "com.dynatrace.builtin:service.responsetime", aggregation: avg}
            grading: {type: Threshold, thresholds: {upperSevere: 9000000}, metricScore: 20, ignoreEmpty: true}
          - id: dry_run
            source: static
            query: 1
            grading: {type: Threshold, thresholds: {upperSevere: 2}, metricScore: 20}
        objectives: {pass: 100, warning: 50}
        """
    }

    struct Run {
        var output: PerfGateBinary.Output
        var json: Node?
        var html: String
    }

    /// - Parameter binary: run the binary rather than in-process, for a bound in wall-clock time
    ///   (a curve's range query has one: --series-timeout).
    func evaluate(_ spec: String, _ extra: [String], binary: Bool = false) async throws -> Run {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(spec, to: folder + "/perfspec.yaml")
        let arguments =
            [
                "evaluate", "--spec", folder + "/perfspec.yaml", "--prometheus-url", try PrometheusServer.shared.get().url,
                "--dynatrace-url", FakeBackend.shared.url, "--json", folder + "/r.json", "--html", folder + "/r.html"
            ] + Self.window + extra
        let environment = ["DYNATRACE_API_TOKEN": FakeBackend.dynatraceToken]
        let output =
            binary
            ? try PerfGateBinary.run(arguments, environment: environment, in: folder)
            : try await InProcess.run(arguments, environment: environment, in: folder)
        return Run(
            output: output, json: try? JSONParser.parse(Fixtures.read(folder + "/r.json")), html: (try? Fixtures.read(folder + "/r.html")) ?? "")
    }

    /// What grading decided: every indicator's score, verdict and values, and the total.
    func grades(_ json: Node?) -> [String] {
        (json?["indicatorResults"]?.items ?? []).map {
            JSONWriter.write($0["score"] ?? .null) + ($0["verdict"]?.stringValue ?? "") + JSONWriter.write($0["values"] ?? .null)
        }
            + [json?["result"]?.stringValue ?? "", JSONWriter.write(json?["totalScore"] ?? .null)]
    }

    @Test func seriesDrawCurvesAndNeverChangeAGrade() async throws {
        let plain = try await evaluate(Self.spec(), [])
        let drawn = try await evaluate(Self.spec(), ["--series"], binary: true)
        #expect(drawn.output.status == plain.output.status)
        #expect(grades(drawn.json) == grades(plain.json) && !grades(plain.json).isEmpty)
        #expect(!plain.html.contains("<figure class=\"series\">"))
        // Prometheus: a range query at a 5 s step (10 min / 200, rounded up) gives 121 points from 12:00:00 to 12:10:00.
        #expect(
            drawn.html.contains(
                "<figure class=\"series\">\n<figcaption>Over the window (UTC): checkout_p95_seconds over the window, 1 series</figcaption>"))
        #expect(drawn.html.contains("121 points, min 0.2, max 0.29, last 0.2"))
        #expect(drawn.html.contains(">12:00:00</text>") && drawn.html.contains(">12:10:00</text>"))
        // The limits are drawn across the curve.
        #expect(drawn.html.contains("<title>upperWarning 0.25</title></line>"))
        // Dynatrace v1 with queryMode=SERIES: a point a minute, 11 of them, for the entity that has values.
        #expect(drawn.html.contains("SERVICE-BAB018A09DA36B75</span>: 11 points"))
        // Metrics v2 asked at a resolution of whole minutes; the fake's answer has one point per series.
        #expect(drawn.html.contains("service_response_time_us over the window"))
        // The static source has no range query: said so, not drawn.
        #expect(drawn.html.contains("no curve: the static source has no range query"))
    }

    @Test func aSlowRangeQueryTimesOutAloneAndTheGradeStands() async throws {
        // The fake answers selectors starting with "slow" after 5 s: the graded query waits, the range query does not.
        let plain = try await evaluate(Self.spec(dynatraceSelector: "slow:x"), [])
        let started = Date()
        let drawn = try await evaluate(Self.spec(dynatraceSelector: "slow:x"), ["--series", "--series-timeout", "1"], binary: true)
        #expect(Date().timeIntervalSince(started) < 8.5)
        #expect(grades(drawn.json) == grades(plain.json))
        #expect(drawn.html.contains("no curve: the range query did not finish within its 1 s (--series-timeout) or the run&#39;s deadline"))
        #expect(drawn.html.contains("checkout_p95_seconds over the window"))
    }

    @Test func aKeptnGateDrawsItsCriteriaTrendAndCurve() async throws {
        let folder = try Fixtures.temporaryFolder()
        let history = folder + "/history.jsonl"
        try FileManager.default.copyItem(atPath: Fixtures.packageRoot + "/Examples/keptn/history.jsonl", toPath: history)
        let prometheus = try PrometheusServer.shared.get()
        // The binary: the curve's range query has a timeout in wall-clock time (--series-timeout).
        let output = try PerfGateBinary.run(
            [
                "evaluate", "--slo", Fixtures.packageRoot + "/Examples/keptn/slo.yaml", "--history", history, "--prometheus-url", prometheus.url,
                "--html", folder + "/r.html", "--markdown", folder + "/r.md", "--series", "--summary-charts", "mermaid"
            ] + Self.window, in: folder)
        #expect(output.status == 0, "\(output.stderr)")
        let html = try Fixtures.read(folder + "/r.html")
        // response_time_p95: 200 against pass <=+10% (206.25 from the history) and <600, warning <=800.
        #expect(
            html.contains("<title id=\"chart-1-1\">response_time_p95: 200 against pass &lt;=+10% (206.25), pass &lt;600, warning &lt;=800</title>"))
        #expect(html.contains("class=\"band-ok\"") && html.contains("class=\"band-warning\"") && html.contains("class=\"band-severe\""))
        // The trend: the example's three earlier runs and this one, the relative target drawn at this run only.
        #expect(html.contains("Trend of response_time_p95 over the last 3 runs and this one"))
        #expect(html.contains("<title>pass &lt;=+10% = 206.25</title></line>"))
        #expect(html.contains("class=\"current-ring\""))
        #expect(html.contains("<figure class=\"series\">"))
        let markdown = try Fixtures.read(folder + "/r.md")
        #expect(
            markdown.contains(
                "```mermaid\nxychart-beta\n    title \"response_time_p95, the last 3 runs and this one (flat lines: pass ‹600, warning ‹=800)\""))
    }
}
