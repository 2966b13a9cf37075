import PerfGateCore

/// How a run ends: its exit code and what that means, decided once, by the binary. Every platform
/// says it in its own way (`CIPlatform.conclude`), so the wrappers only map inputs to flags.
package struct Conclusion: Sendable, Equatable {
    /// What a warning does to the CI step.
    package enum OnWarning: String, Sendable, CaseIterable {
        /// The step succeeds "with issues" where the platform has that state (Azure's
        /// SucceededWithIssues, Jenkins' UNSTABLE); elsewhere it succeeds with an annotation.
        case issues
        /// The step simply succeeds.
        case succeeded
        /// The step fails, as with `--fail-on warning` (exit 1).
        case failed
    }

    /// The verdict; nil when the run stopped before it could evaluate.
    package var verdict: Verdict?
    package var exitCode: Int32
    package var onWarning: OnWarning
    /// Why a stopped run stopped.
    package var reason: String?
    /// A warning's exit code "with issues" (GitLab's 3); 0 where the platform has another way.
    package var issuesExitCode: Int32

    package init(verdict: Verdict?, exitCode: Int32, onWarning: OnWarning, reason: String? = nil, issuesExitCode: Int32 = 0) {
        self.verdict = verdict
        self.exitCode = exitCode
        self.onWarning = onWarning
        self.reason = reason
        self.issuesExitCode = issuesExitCode
    }

    /// The exit code of an evaluated run.
    package static func exitCode(for verdict: Verdict, onWarning: OnWarning, issuesExitCode: Int32 = 0) -> Int32 {
        if verdict == .warning && onWarning == .issues { return issuesExitCode }
        return ExitCode.of(verdict, failOnWarning: onWarning == .failed).rawValue
    }

    /// Whether the step ends "with issues" (succeeded, but not cleanly).
    package var withIssues: Bool { exitCode == issuesExitCode && verdict == .warning && onWarning == .issues }

    /// Jenkins' build result for this run.
    package var buildResult: String { withIssues ? "UNSTABLE" : exitCode != ExitCode.pass.rawValue ? "FAILURE" : "SUCCESS" }

    /// The one line that says how the run ended, e.g. `perfgate: result warning (exit 0; --fail-on warning would fail)`.
    package var line: LogMessage {
        guard let verdict else {
            let kind: LogMessage =
                exitCode == ExitCode.usage.rawValue ? "usage error" : exitCode == ExitCode.invalidInput.rawValue ? "invalid spec or input" : "error"
            return "perfgate: \(kind) (exit \(Int(exitCode))): \(reason ?? "see the messages above")"
        }
        switch (verdict, exitCode) {
        case (.warning, 0) where onWarning == .issues: return "perfgate: result warning (exit 0, with issues; --fail-on warning would fail)"
        case (.warning, let code) where onWarning == .issues && code == issuesExitCode:
            return
                "perfgate: result warning (exit \(Int(code)), with issues: list \(Int(code)) under allow_failure: exit_codes to show the job orange; --fail-on warning would fail)"
        case (.warning, 0): return "perfgate: result warning (exit 0; --fail-on warning would fail)"
        case (.warning, _): return "perfgate: result warning (exit 1: --fail-on warning)"
        case (.error, ExitCode.invalidInput.rawValue): return "perfgate: result error (exit 65): a result file is malformed or not a regular file"
        case (.error, _):
            return "perfgate: result error (exit \(Int(exitCode))): an indicator could not be measured, or a report could not be written"
        case (.fail, _): return "perfgate: result fail (exit 1): the performance gate failed"
        case (.pass, _): return "perfgate: result pass (exit 0)"
        }
    }
}
