import Foundation
@testable import PerfGateCI
import PerfGateCore
import PerfGateReports
import PerfGateTestSupport
import Testing

/// GitLab CI/CD as its runner presents a job (gitlab-ci.md §1, §7, §8).
@Suite struct GitLabCITests {
    static let environment = [
        "GITLAB_CI": "true", "CI": "true", "CI_PROJECT_DIR": "/builds/group/project", "CI_PIPELINE_ID": "4711", "CI_JOB_ID": "90210",
        "CI_JOB_URL": "https://gitlab.example.com/group/project/-/jobs/90210", "GITLAB_ENV": "/builds/group/project.tmp/gitlab_runner_env"
    ]

    static let hostile = "p95 \u{1B}[0Ksection_end:1:x\r\u{1B}[0K::error::boom #x ##vso[task.complete]"

    static func result(id: String = hostile) -> EvaluationResult {
        EvaluationResult(
            verdict: .warning, totalScore: 70, objectives: Objectives(pass: 90, warning: 60),
            indicatorResults: [
                IndicatorResult(
                    id: id, source: "static", score: 30, metricScore: 60,
                    violations: [Violation(breach: .upperWarning, key: "checkout \"x\" #1", value: 950, threshold: 800)],
                    measurements: [Measurement(key: "checkout \"x\" #1", value: 950), Measurement(key: "home", value: 120.5)],
                    thresholds: Thresholds(upperSevere: 1200, upperWarning: 800)),
                IndicatorResult(
                    id: "errors", source: "static", score: 40, metricScore: 40, violations: [],
                    measurements: [Measurement(key: "value", value: 0.1)], thresholds: Thresholds(upperSevere: 1))
            ])
    }

    @Test func isDetectedFromItsVariablesAndKnowsItsJob() {
        #expect(GitLabCI.detect(Self.environment))
        #expect(!GitLabCI.detect(["CI": "true"]))
        let platform = CIPlatforms.resolve("auto", environment: Self.environment, output: RecordingOutput())
        #expect(platform.name == "gitlab")
        #expect(platform.workspace == "/builds/group/project")
        // mark start, the load test and evaluate are jobs of one pipeline: the window file is the pipeline's.
        #expect(platform.runIdentifier == "gitlab-4711")
        #expect(platform.issuesExitCode == 3)
    }

    @Test func theHTMLReportIsLinkedOnTheJobPageOnlyFromTheProjectAndAPlainJobURL() throws {
        let folder = try Fixtures.temporaryFolder()
        let html = folder + "/perf report (1)/perfgate.html"
        let environment = Self.environment.merging(["CI_PROJECT_DIR": folder]) { $1 }
        let platform = GitLabCI(environment: environment, output: RecordingOutput())
        let reports = ReportPaths(files: ["html": html], folder: folder + "/perf report (1)")
        #expect(
            platform.htmlLink(reports)?.url
                == "https://gitlab.example.com/group/project/-/jobs/90210/artifacts/file/perf%20report%20%281%29/perfgate.html")
        try FileManager.default.createDirectory(atPath: folder + "/perf report (1)", withIntermediateDirectories: true)
        try platform.publish(
            Self.result(), presentation: Presentation(), reports: reports,
            conclusion: Conclusion(verdict: .warning, exitCode: 3, onWarning: .issues, issuesExitCode: 3))
        let annotations = try JSONParser.parse(Fixtures.read(folder + "/perf report (1)/annotations.json"))
        #expect(annotations["perfgate"]?.items?.first?["external_link"]?["url"]?.stringValue == platform.htmlLink(reports)?.url)
        // Outside the project (artifacts cannot hold it), or a job URL that is not plain: no link.
        #expect(platform.htmlLink(ReportPaths(files: ["html": "/elsewhere/perfgate.html"], folder: "/elsewhere")) == nil)
        let odd = GitLabCI(environment: environment.merging(["CI_JOB_URL": "javascript:alert(1)"]) { $1 }, output: RecordingOutput())
        #expect(odd.htmlLink(reports) == nil)
    }

    @Test func exportsGoToTheJobsEnvironmentFile() throws {
        let output = RecordingOutput()
        let platform = GitLabCI(environment: Self.environment, output: output)
        try platform.export("PERFGATE_START", value: "2024-05-01T12:00:00Z")
        #expect(output.file("/builds/group/project.tmp/gitlab_runner_env") == "PERFGATE_START=2024-05-01T12:00:00Z\n")
        // Nothing can add a mask at run time; nothing is printed for one either.
        try platform.mask(["s3cret-token"])
        #expect(output.lines.isEmpty)
    }

    @Test func publishWritesMetricsAndCollapsibleSectionsNoLabelCanForge() throws {
        let folder = try Fixtures.temporaryFolder()
        let output = RecordingOutput()
        let platform = GitLabCI(environment: Self.environment, output: output)
        let conclusion = Conclusion(verdict: .warning, exitCode: 3, onWarning: .issues, issuesExitCode: 3)
        try platform.publish(Self.result(), presentation: Presentation(), reports: ReportPaths(folder: folder), conclusion: conclusion)
        let log = output.lines.joined(separator: "\n")
        // Two sections, each opened and closed by perfgate's own markers; the passing one collapsed.
        #expect(log.components(separatedBy: "section_start:").count == 3)
        #expect(log.contains("section_start:") && log.contains(":perfgate_indicator_2[collapsed=true]\r\u{1B}[0K"))
        // The hostile id's escape and carriage return are inert text: the only raw ones are the
        // four markers' own, so its "section_end" cannot close anything.
        #expect(log.components(separatedBy: "\r\u{1B}[0K").count - 1 == 4)
        #expect(log.components(separatedBy: "\u{1B}").count - 1 == 8)
        #expect(!log.contains("##vso["))
        let metrics = try Fixtures.read(folder + "/metrics.txt")
        #expect(metrics.hasSuffix("# EOF\n"))
        #expect(metrics.contains("\nperfgate_score 70\n") && metrics.contains("\nperfgate_result 1\n"))
        #expect(metrics.contains("\nperfgate_value_errors 0.1\n"))
        // Every sample line is a safe name and a number: GitLab's parser cuts at '#' and splits at spaces.
        for line in metrics.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            #expect(parts.count == 2, "\(line)")
            #expect(parts[0].allSatisfy { $0.isLetter && $0.isLowercase || $0.isNumber || $0 == "_" }, "\(line)")
            #expect(Double(parts[1]) != nil)
        }
    }

    @Test func aWarningExitsWithItsOwnCodeOnlyOnGitLab() {
        #expect(Conclusion.exitCode(for: .warning, onWarning: .issues, issuesExitCode: 3) == 3)
        #expect(Conclusion.exitCode(for: .warning, onWarning: .succeeded, issuesExitCode: 3) == 0)
        #expect(Conclusion.exitCode(for: .warning, onWarning: .failed, issuesExitCode: 3) == 1)
        #expect(Conclusion.exitCode(for: .warning, onWarning: .issues) == 0)
        #expect(Conclusion.exitCode(for: .fail, onWarning: .issues, issuesExitCode: 3) == 1)
        let conclusion = Conclusion(verdict: .warning, exitCode: 3, onWarning: .issues, issuesExitCode: 3)
        #expect(conclusion.line.plain.contains("list 3 under allow_failure: exit_codes"))
    }

    @Test func metricNamesStayInGitLabsSyntaxWhateverTheId() {
        let text = OpenMetricsReport.render(Self.result(id: "###\u{1B}\"'\\ {le=\"+Inf\"} ## p95 ✓"))
        #expect(!text.contains("\u{1B}") && !text.contains("\"") && !text.contains("'"))
        #expect(text.contains("perfgate_indicator_score_le_inf_p95 30"))
        // Two ids that read the same get distinct names.
        let twice = OpenMetricsReport.render(Self.result(id: "errors"))
        #expect(twice.contains("perfgate_indicator_score_errors 30") && twice.contains("perfgate_indicator_score_errors_2 40"))
    }
}
