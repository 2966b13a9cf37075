import Foundation
import PerfGateCore
import PerfGateTestSupport
import Testing

/// Canary indicators through the binary against the real Prometheus (backfilled with promtool):
/// a clearly slower canary is High and fails, a canary like the baseline passes.
@Suite(.enabled(if: PrometheusServer.isAvailable, "prometheus is not installed (CI sets PERFGATE_REQUIRE_PROMETHEUS=1)"))
struct CanaryEndToEndTests {
    static let spec = """
        indicators:
          - id: latency_same
            source: prometheus
            query: canary_request_seconds{version="canary-same"}
            baseline: canary_request_seconds{version="stable"}
            grading: {type: Canary, metricScore: 50, direction: increase, minimumPoints: 40}
          - id: latency_slow
            source: prometheus
            query: canary_request_seconds{version="canary-slow"}
            baseline: canary_request_seconds{version="stable"}
            grading: {type: Canary, metricScore: 50, direction: increase, critical: true, effectSize: {allowedIncrease: 1.1}}
          - id: stable_p95
            source: prometheus
            query: max_over_time(canary_request_seconds{version="stable"}[10m])
            grading: {type: Threshold, metricScore: 10, thresholds: {upperSevere: 1}}
        objectives: {pass: 110, warning: 50}
        """

    @Test func aSlowerCanaryIsHighAndALikeOnePasses() async throws {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(Self.spec, to: folder + "/perfspec.yaml")
        let output = try await InProcess.run(
            [
                "evaluate", "--spec", folder + "/perfspec.yaml", "--prometheus-url", try PrometheusServer.shared.get().url,
                "--start", "2024-05-01T12:00:00Z", "--end", "2024-05-01T12:10:00Z", "--json", folder + "/r.json", "--junit", folder + "/r.xml",
                "--markdown", folder + "/r.md", "--html", folder + "/r.html"
            ], in: folder)
        // The slow canary is critical: the gate fails whatever the score.
        #expect(output.status == 1, "\(output.stdout)\(output.stderr)")
        let json = try JSONParser.parse(Fixtures.read(folder + "/r.json"))
        let indicators = try #require(json["indicatorResults"]?.items)
        let same = try #require(indicators[0]["canary"]), slow = try #require(indicators[1]["canary"])
        #expect(same["classification"]?.stringValue == "Pass", "\(same["reason"]?.stringValue ?? "")")
        #expect(slow["classification"]?.stringValue == "High" && slow["critical"]?.boolValue == true, "\(slow["reason"]?.stringValue ?? "")")
        // The default step for a 10-minute window is 15 s: 41 points a side, from the range query.
        #expect(same["baseline"]?["count"]?.numberValue == 41 && same["canary"]?["count"]?.numberValue == 41)
        #expect(slow["interval"]?["lower"]?.numberValue ?? 0 > 0.05)
        // Threshold indicators grade beside them as ever.
        #expect(indicators[2]["verdict"]?.stringValue == "pass" && indicators[2]["canary"] == nil)
        #expect(json["result"]?.stringValue == "fail" && json["totalScore"]?.numberValue == 60)
        // Fewer than the default 50 points is warned about; 40 (minimumPoints) is not.
        #expect(indicators[1]["warnings"]?.items?.first?.stringValue?.hasPrefix("few points: baseline 41, canary 41, under minimumPoints 50") == true)
        #expect(indicators[0]["warnings"] == nil)
        #expect(
            indicators[1]["query"]?.stringValue
                == "canary: canary_request_seconds{version=\"canary-slow\"}; baseline: canary_request_seconds{version=\"stable\"}")
        // Every report says it.
        #expect(output.stdout.contains("FAIL  latency_slow  prometheus  0/50       High (critical): canary mean"))
        #expect(try Fixtures.read(folder + "/r.xml").contains("type=\"canary High (critical)\""))
        #expect(try Fixtures.read(folder + "/r.md").contains("### Canary judgements"))
        #expect(try Fixtures.read(folder + "/r.html").contains("<svg class=\"chart distributions\""))
    }
}
