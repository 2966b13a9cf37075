import PerfGateCI
import PerfGateCore
import PerfGateReports
import Testing

@Suite struct GitHubActionsTests {
    let output = RecordingOutput()
    var platform: GitHubActions {
        GitHubActions(
            environment: ["GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": "/ws", "GITHUB_ENV": "/env", "GITHUB_OUTPUT": "/out"], output: output)
    }

    @Test func annotatesWithEscapedTitlesAndMessages() throws {
        try platform.publish(Samples.result, presentation: Presentation(), reports: ReportPaths(folder: "/w"), conclusion: Samples.conclusion)
        #expect(
            output.lines == [
                "::error title=perfgate error%3A down::down could not be measured: HTTP 503\\n#\u{266F}vso[task.setvariable variable=X]1",
                "::warning title=perfgate warning%3A evil%250A\\n%3A%3Aerror%3A%3Ax #\u{266F}vso[task.complete result=Succeeded];]::evil%250A\\n::error::x #\u{266F}vso[task.complete result=Succeeded];]: evil%250A\\n::error::x #\u{266F}vso[task.complete result=Succeeded];]: 5 >= upperWarning 4 (score 10 of 20)"
            ])
        for line in output.lines { #expect(line.split(separator: "\n").count == 1) }
    }

    /// The job summary is rendered for the platform, not read back from a report file: with
    /// --markdown - (or no Markdown file at all) there is still one.
    @Test func writesTheJobSummaryWithoutAMarkdownFile() throws {
        let github = GitHubActions(
            environment: ["GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": "/ws", "GITHUB_STEP_SUMMARY": "/summary"], output: output)
        try github.publish(Samples.result, presentation: Presentation(), reports: ReportPaths(folder: "/w"), conclusion: Samples.conclusion)
        let summary = output.file("/summary")
        #expect(summary == MarkdownReportFormat().render(Samples.result) + "\n")
        #expect(summary.contains("| down |") || summary.contains("down"))
    }

    @Test func writesOutputsThatNoValueCanForge() throws {
        try platform.publish(Samples.result, presentation: Presentation(), reports: Samples.reports, conclusion: Samples.conclusion)
        let text = output.file("/out")
        #expect(text.contains("result<<perfgate_") && text.contains("\nwarning\nperfgate_"))
        #expect(text.contains("\n/w/r.xml\n"))
        let entry = GitHubActionsTests.entry("x", "a\nb")
        #expect(entry.hasPrefix("x<<perfgate_") && entry.contains("\na\nb\n"))
    }

    static func entry(_ name: String, _ value: String) -> String {
        var lines: [String] = []
        let output = RecordingOutput()
        try? GitHubActions(environment: ["GITHUB_OUTPUT": "/o", "GITHUB_ENV": "/e"], output: output).export(name, value: value)
        lines.append(output.file("/e"))
        return lines.joined()
    }

    @Test func exportsTheWindowAsEnvironmentAndOutputs() throws {
        try platform.export("PERFGATE_START", value: "2024-05-01T12:00:00Z")
        #expect(output.file("/env").hasPrefix("PERFGATE_START<<perfgate_"))
        #expect(output.file("/out").hasPrefix("start<<perfgate_"))
    }

    @Test func masksEachLineOfEachSecret() throws {
        try platform.mask(["token", "multi\nline", ""])
        #expect(output.lines == ["::add-mask::token", "::add-mask::multi", "::add-mask::line"])
    }

    @Test func detectsItself() {
        #expect(GitHubActions.detect(["GITHUB_ACTIONS": "true"]))
        #expect(!GitHubActions.detect(["GITHUB_ACTIONS": "false"]))
        #expect(platform.searchRoots == ["/ws"])
    }
}
