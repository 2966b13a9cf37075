import Foundation
import PerfGateCore
import PerfGateTestSupport
import Testing

/// Class 1 of the hostile-input review: nothing from outside becomes a CI command. Every
/// subcommand and error path runs on every platform with hostile text in path components, file
/// names, ids, labels, server messages and file contents; no line of stdout or stderr may be a
/// command (after the runner's own white-space stripping) that perfgate did not mean to issue.
@Suite struct HostileLogTests {
    /// Folder names that try to act as commands: Azure anywhere, GitHub after white space (ASCII
    /// and Unicode), the legacy form, and a line break that starts a line of their own.
    static let folderNames = [
        "##vso[task.setvariable variable=FORGED]yes", "x\n::warning::forged", "   ::error::forged", "\u{A0}\u{2003}::error::forged",
        "\u{3000}::add-mask::x", "a ##[error]forged", "\u{200B}::error::forged", "#\u{2060}#vso[task.complete result=Failed]x",
        "x\r##vso[task.logissue type=error]forged"
    ]

    static let platforms: [String: @Sendable (String) -> [String: String]] = [
        "github": { folder in
            [
                "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": folder, "GITHUB_OUTPUT": folder + "/.gh-output",
                "GITHUB_ENV": folder + "/.gh-env", "GITHUB_STEP_SUMMARY": folder + "/.gh-summary"
            ]
        },
        "azure": { folder in ["TF_BUILD": "True", "PIPELINE_WORKSPACE": folder, "BUILD_BUILDID": "7"] },
        "jenkins": { folder in ["JENKINS_URL": "http://ci/", "WORKSPACE": folder, "BUILD_TAG": "jenkins-x-7"] },
        "none": { _ in [:] }
    ]

    static let validSpec =
        #"{"indicators": [{"id": "p95", "source": "static", "query": 5, "grading": {"type": "Threshold", "thresholds": {"upperSevere": 10}, "metricScore": 1}}], "objectives": {"pass": 1, "warning": 0}}"#

    /// Every path perfgate prints, under a folder whose name is hostile.
    static func scenarios(_ root: String, _ hostile: String) throws -> [[String]] {
        let folder = root + "/" + hostile
        try FileManager.default.createDirectory(atPath: folder + "/b", withIntermediateDirectories: true)
        try Fixtures.write(validSpec, to: folder + "/perfspec.json")
        try Fixtures.write(validSpec, to: folder + "/b/perfspec.json")  // two specs found: the list
        // An invalid spec whose bad value is hostile text, and one that does not parse.
        try Fixtures.write(
            #"{"indicators": [{"id": 1, "source": "\#(JSONWriter.quoted(hostile).dropFirst().dropLast())"}], "objectives": {}}"#,
            to: folder + "/invalid.perfspec.json")
        try Fixtures.write("indicators: [\n  " + hostile.replacingOccurrences(of: "\n", with: " ") + ": {\n", to: folder + "/broken.yaml")
        // A Keptn gate without sli.yaml, a JTL whose bad field is hostile, a history with a hostile line.
        try Fixtures.write("spec_version: '1.0'\nobjectives:\n  - sli: x\n", to: folder + "/slo.yaml")
        try Fixtures.write(
            "timeStamp,elapsed,label,success\n1714564800000,\"\(hostile.replacingOccurrences(of: "\"", with: "\"\""))\",l,true\n",
            to: folder + "/r.jtl")
        try Fixtures.write("{\"time\": \"\(hostile.replacingOccurrences(of: "\n", with: "\\n"))\"}\n", to: folder + "/h.jsonl")
        let jmeterSpec =
            #"{"indicators": [{"id": "j", "source": "jmeter", "query": {"file": "r.jtl", "stat": "p95"}, "grading": {"type": "Threshold", "thresholds": {}, "metricScore": 1}}], "objectives": {"pass": 1, "warning": 0}}"#
        try Fixtures.write(jmeterSpec, to: folder + "/j.json")
        return [
            ["validate", "--spec", folder + "/perfspec.json"],
            ["validate", "--spec", folder + "/invalid.perfspec.json"],
            ["validate", "--spec", folder + "/broken.yaml"],
            ["validate", "--spec", folder + "/missing.json"],
            ["validate", "--spec", folder],
            ["validate", "--spec", root + "/none-here-" + hostile],
            ["evaluate", "--spec", folder + "/perfspec.json", "--start", "now-5m", "--report-dir", folder + "/reports"],
            ["evaluate", "--spec", folder + "/j.json", "--start", "2024-05-01T11:00:00Z", "--end", "2024-05-01T13:00:00Z"],
            ["evaluate", "--slo", folder + "/slo.yaml", "--start", "now-5m"],
            ["evaluate", "--spec", folder + "/perfspec.json", "--history", folder + "/h.jsonl"],
            ["evaluate", "--spec", folder + "/perfspec.json", "--window-file", folder + "/nowindow.json"],
            ["evaluate", "--spec", folder + "/perfspec.json", "--start", hostile],
            ["evaluate", "--spec", folder + "/perfspec.json", "--ci", hostile],
            ["evaluate", "--spec", folder + "/perfspec.json", "--var", hostile],
            ["evaluate", hostile],
            ["mark", "start", "--window-file", folder + "/w.json"],
            ["mark", "stop", "--window-file", folder + "/w2.json"],
            [hostile]
        ]
    }

    /// Each platform with each hostile folder name: 36 cases, so that the 648 runs spread over
    /// every thread the tests share instead of four long ones.
    @Test(arguments: ["github", "azure", "jenkins", "none"], folderNames.indices)
    func noHostilePathOrTextForgesACommand(_ platform: String, _ name: Int) async throws {
        var runs = 0
        let hostile = Self.folderNames[name]
        let root = try Fixtures.temporaryFolder()
        for file in [".gh-output", ".gh-env", ".gh-summary"] { try Fixtures.write("", to: root + "/" + file) }
        for arguments in try Self.scenarios(root, hostile) {
            let output = try await InProcess.run(arguments, environment: Self.platforms[platform]!(root), in: root)
            #expect(!output.timedOut)
            #expect([0, 1, 2, 64, 65].contains(output.status), "\(arguments): exit \(output.status)")
            let forged = AgentRules.forged(output.lines, platform: platform)
            #expect(forged.isEmpty, "\(platform) \(arguments.debugDescription): \(forged.debugDescription)")
            runs += 1
        }
        // The GitHub command files hold only perfgate's own entries.
        if platform == "github" {
            let names = try Fixtures.read(root + "/.gh-output").split(separator: "\n").filter { $0.contains("<<perfgate_") }
                .map { String($0.prefix { $0 != "<" }) }
            #expect(
                Set(names).isSubset(of: [
                    "result", "score", "json-report", "junit-report", "markdown-report", "html-report", "spec", "start", "end"
                ]))
        }
        #expect(runs == 18)
    }

    /// The line-level rule holds for the terminal report too: labels that start a line after the
    /// report's own indentation.
    @Test func aReportOnStdoutIsNeutralized() async throws {
        let folder = try Fixtures.temporaryFolder()
        // A bare CR ends a line for the agents' ReadLine as LF does.
        let spec =
            #"{"indicators": [{"id": "::error::x", "source": "static", "query": [{"key": "   ::warning::y", "value": 50}, {"key": "a\r::error::z\r##vso[task.complete result=Failed]", "value": 50}], "grading": {"type": "Threshold", "thresholds": {"upperSevere": 10}, "metricScore": 1}}, {"id": "e\r::error::m", "source": "static", "query": {"error": "x\r::error::y"}, "grading": {"type": "Threshold", "thresholds": {}, "metricScore": 1}}], "objectives": {"pass": 1, "warning": 1}}"#
        try Fixtures.write(spec, to: folder + "/perfspec.json")
        for report in [["--json", "-"], ["--junit", "-"], ["--markdown", "-"], []] {
            let output = try await InProcess.run(["evaluate", "--spec", "perfspec.json", "--ci", "none"] + report, in: folder)
            #expect(output.status == 2)
            #expect(AgentRules.forged(output.lines, platform: "none").isEmpty, "\(report): \(AgentRules.forged(output.lines, platform: "none"))")
        }
    }
}
