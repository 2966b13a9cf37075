import PerfGateCore

/// What the real CI agents act on in a log line (microsoft/azure-pipelines-agent `Command.cs`
/// `TryParse`; actions/runner `ActionCommand.cs` `TryParseV2` and `TryParse`), as a checker: Azure's `##vso[` and GitHub's legacy `##[` anywhere in a line, GitHub's
/// `::` after .NET's `TrimStart()` (any Unicode white space). The agents match with .NET's
/// culture-sensitive `IndexOf`/`StartsWith`, which skip ignorable characters, so they are skipped here too.
package enum AgentRules {
    package static func isCommand(_ line: String) -> Bool {
        let visible = String(String.UnicodeScalarView(line.unicodeScalars.filter { !LogText.isIgnorable($0) }))
        if visible.contains("##vso[") || visible.contains("##[") { return true }
        let trimmed = visible.unicodeScalars.drop { LogText.isWhiteSpace($0) }
        return String(String.UnicodeScalarView(trimmed)).hasPrefix("::")
    }

    /// The commands perfgate itself issues on a platform, by their start.
    package static let ours: [String: [String]] = [
        "github": ["::add-mask::", "::error title=perfgate ", "::warning title=perfgate ", "::error title=perfgate::perfgate: "],
        "azure": [
            "##vso[task.setsecret]", "##vso[task.logissue type=", "##vso[results.publish type=JUnit;", "##vso[task.uploadsummary]",
            "##vso[task.setvariable variable=PERFGATE_", "##vso[artifact.upload artifactname=",
            "##vso[artifact.upload containerfolder=perfgate-report",
            "##vso[task.uploadfile]",
            "##vso[task.complete result=SucceededWithIssues]perfgate: result warning", "##vso[task.complete result=Failed]perfgate: ",
            "##vso[task.setvariable variable=perfgate"
        ]
    ]

    /// Every line an agent would act on that is not one of perfgate's own commands for `platform`.
    package static func forged(_ lines: [String], platform: String) -> [String] {
        lines.filter { line in isCommand(line) && !(ours[platform] ?? []).contains { line.hasPrefix($0) } }
    }
}
