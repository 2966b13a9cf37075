import Foundation
import PerfGateCore
import PerfGateTestSupport
import Testing

/// `dryRun: true` indicators and `scoring.groupWeights`, end to end: a dry run that fails or
/// errs is reported everywhere as a dry run and changes nothing; group scores are the total.
@Suite struct DryRunAndGroupsTests {
    static let spec = """
        indicators:
          - {id: p95, source: static, query: 250, group: latency, grading: {type: Threshold, thresholds: {upperSevere: 300}, metricScore: 10}}
          - {id: p99, source: static, query: 900, group: latency, grading: {type: Threshold, thresholds: {upperSevere: 800}, metricScore: 10}}
          - {id: errors, source: static, query: 0.001, group: errors, grading: {type: Threshold, thresholds: {upperSevere: 0.01}, metricScore: 10}}
          - {id: new_query, source: static, query: 5000, dryRun: true, grading: {type: Threshold, thresholds: {upperSevere: 1}, metricScore: 10}}
          - {id: flaky, source: static, query: {error: backend down}, dryRun: true, grading: {type: Threshold, thresholds: {upperSevere: 1}, metricScore: 10}}
        """

    @Test func aDryRunIsReportedEverywhereAndCountsNowhere() async throws {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(Self.spec + "\nobjectives: {pass: 20, warning: 10}\n", to: folder + "/perfspec.yaml")
        for file in ["output", "env", "summary"] { try Fixtures.write("", to: folder + "/gh-" + file) }
        let github = [
            "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": folder, "GITHUB_OUTPUT": folder + "/gh-output", "GITHUB_ENV": folder + "/gh-env",
            "GITHUB_STEP_SUMMARY": folder + "/gh-summary"
        ]
        let run = try await InProcess.run(
            ["evaluate", "--spec", "perfspec.yaml", "--json", "r.json", "--junit", "r.xml", "--markdown", "r.md", "--html", "r.html"],
            environment: github, in: folder)
        // p95 and errors pass (20 of 30): a pass, though a dry run failed and another could not be measured.
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let report = try JSONParser.parse(Fixtures.read(folder + "/r.json"))
        #expect(report["result"]?.stringValue == "pass" && report["totalScore"]?.numberValue == 20)
        let byId = Dictionary(uniqueKeysWithValues: (report["indicatorResults"]?.items ?? []).map { ($0["id"]?.stringValue ?? "", $0) })
        #expect(byId["new_query"]?["dryRun"]?.boolValue == true && byId["new_query"]?["verdict"]?.stringValue == "fail")
        #expect(byId["flaky"]?["dryRun"]?.boolValue == true && byId["flaky"]?["error"] != nil)
        #expect(byId["p95"]?["dryRun"] == nil)
        #expect(run.stdout.contains("(dry run, not counted)"))
        #expect(run.stdout.contains("::warning title=perfgate dry run%2C fail%3A new_query::"), "\(run.stdout)")
        #expect(!run.stdout.contains("::error title=perfgate fail%3A new_query"))
        let junit = try Fixtures.read(folder + "/r.xml")
        #expect(junit.contains("testcase name=\"new_query (dry run: fail, not counted)\""))
        #expect(junit.contains("failures=\"1\" errors=\"0\""), "\(junit.prefix(400))")  // p99 alone
        #expect(try Fixtures.read(folder + "/r.md").contains("❌ fail (dry run, not counted)"))
        #expect(try Fixtures.read(folder + "/r.html").contains("dry run, not counted"))
        #expect(try Fixtures.read(folder + "/r.md").contains("score 20 of 30"))
    }

    @Test func groupWeightsMakeTheTotalKayentasSummaryScore() async throws {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(
            Self.spec + "\nscoring: {groupWeights: {latency: 70, errors: 30}}\nobjectives: {pass: 95, warning: 60}\n", to: folder + "/perfspec.yaml")
        let run = try await InProcess.run(["evaluate", "--spec", "perfspec.yaml", "--json", "r.json"], in: folder)
        // latency 1 of 2 → 50 × 70% = 35; errors 100 × 30% = 30: 65, a warning.
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("total score 65 of 100 by group (latency 50 × 70%, errors 100 × 30%)"), "\(run.stdout)")
        let report = try JSONParser.parse(Fixtures.read(folder + "/r.json"))
        #expect(report["totalScore"]?.numberValue == 65 && report["result"]?.stringValue == "warning")
        #expect(report["groupScores"]?.items?.map { $0["group"]?.stringValue ?? "" } == ["latency", "errors"])
    }

    @Test func anIndicatorWithoutAGroupAndAStringDryRunAreInvalid() async throws {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(
            """
            indicators:
              - {id: p95, source: static, query: 1, dryRun: "yes", grading: {type: Threshold, thresholds: {upperSevere: 3}, metricScore: 1}}
            scoring: {groupWeights: {latncy: 100}}
            objectives: {pass: 1, warning: 0}
            """, to: folder + "/perfspec.yaml")
        let run = try await InProcess.run(["validate", "--spec", "perfspec.yaml"], in: folder)
        #expect(run.status == 65)
        #expect(run.stderr.contains("indicators[0].dryRun"), "\(run.stderr)")
        #expect(run.stderr.contains("'p95' has no group; with scoring.groupWeights every counted indicator names one"), "\(run.stderr)")
        #expect(run.stderr.contains("no indicator is in group 'latncy'"), "\(run.stderr)")
    }
}
