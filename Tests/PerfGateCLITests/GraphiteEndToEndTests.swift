import PerfGateCore
import PerfGateTestSupport
import Testing

/// `perfgate evaluate` with a Graphite indicator against the real carbon and graphite-web.
@Suite(.enabled(if: GraphiteServer.isAvailable, "graphite-carbon is not installed (CI sets PERFGATE_REQUIRE_SERVERS=1)"))
struct GraphiteEndToEndTests {
    @Test func aRunGradesEachTargetAndDrawsTheCurve() async throws {
        let folder = try Fixtures.temporaryFolder()
        let server = try GraphiteServer.shared.get()
        try Fixtures.write(
            """
            indicators:
              - {id: p95_max, source: graphite, query: {target: 'aliasByNode(app.{checkout,slow}.p95, 1)', stat: max}, grading: {type: Threshold, thresholds: {upperWarning: 250, upperSevere: 500}, metricScore: 1}}
            objectives: {pass: 1, warning: 0.5}
            """, to: folder + "/perfspec.yaml")
        let output = try await InProcess.run(
            [
                "evaluate", "--spec", "perfspec.yaml", "--start", String(server.window.start), "--end", String(server.window.end), "--graphite-url",
                server.url, "--json", "result.json", "--html", "result.html", "--series"
            ], in: folder)
        // slow's largest, 390, crosses the warning: half the points.
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        let result = try JSONParser.parse(Fixtures.read(folder + "/result.json"))
        #expect(result["result"]?.stringValue == "warning")
        let values = result["indicatorResults"]?.items?.first?["values"]?.items ?? []
        #expect(values.map { $0["key"]?.stringValue } == ["checkout", "slow"] && values.map { $0["value"]?.numberValue } == [190, 390])
        #expect(try Fixtures.read(folder + "/result.html").contains("61 points, min 300, max 390"))
    }
}
