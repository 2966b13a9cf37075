import ArgumentParser
import PerfGateCI
import PerfGateCore
import PerfGateNotify
import PerfGateReports
import PerfGateSources

/// What happens after the engine: the reports, the terminal summary, the platform's publishing
/// and the exit code, for a run that evaluated and for one that stopped before it could.
struct RunPublisher {
    var platform: any CIPlatform
    var paths: ReportPaths
    var usesStdout: Bool
    var color: ColorChoice
    var onWarning: Conclusion.OnWarning
    /// `--warning-exit-code`, else the platform's own (GitLab's 3), else 0.
    var warningExitCode: Int32? = nil
    /// Mermaid trend charts in the Markdown summary.
    var summaryCharts = false
    /// The pull request comment and chat messages, and how to send them.
    var feedback: Feedback? = nil
    var http: (any HTTPClient)? = nil

    /// The presentation the reports get: the exit code, the summary's charts and the platform's links.
    func presentation(exitCode: Int32) -> Presentation {
        Presentation(exitCode: exitCode, summaryCharts: summaryCharts, links: platform.reportLinks(paths))
    }

    /// Removes the reports this run owns: the last run's must never be read as this one's.
    func clearStale() { ReportWriter.removeStale(paths) }

    /// A run that stopped (usage error, invalid spec): the reports say why, so a wrapper that
    /// reads the folder sees it; the error's exit code is thrown.
    func stopped(_ error: Error, command: String, specPath: String?) async -> Error {
        let (code, reason) = ExitCode.explain(error)
        var stopped = EvaluationResult.stopped(reason, specPath: specPath)
        let presentation = presentation(exitCode: code.rawValue)
        if code.rawValue == ExitCode.usage.rawValue {
            // As Argument Parser ends its own usage errors.
            Console.err("Usage: perfgate \(command) <options>\n  See 'perfgate \(command) --help' for more information.")
        } else {
            // An invalid spec in a pull request is news for its author too.
            await postFeedback(&stopped, links: presentation.links)
        }
        let conclusion = Conclusion(verdict: nil, exitCode: code.rawValue, onWarning: onWarning, reason: reason)
        let (written, _) = ReportWriter.write(stopped, presentation: presentation, to: paths)
        try? platform.publish(stopped, presentation: presentation, reports: written, conclusion: conclusion)
        platform.conclude(conclusion)
        return code
    }

    /// Posts the comment and the messages; their problems become the result's warnings, which the
    /// reports carry (they are written after).
    func postFeedback(_ result: inout EvaluationResult, links: [Presentation.Link]) async {
        guard let feedback, !feedback.isEmpty, let http else { return }
        let outcome = await feedback.publish(result, links: links, environment: Console.environment(), http: http)
        for note in outcome.notes { Console.diagnostics.note("\(note)") }
        for warning in outcome.warnings { Console.diagnostics.warning("\(warning)") }
        result.notes += outcome.warnings
    }

    /// Reports, the summary, the platform's publishing, and the exit code, which the platform says.
    func finish(_ evaluated: EvaluationResult, recorded: Bool) async throws {
        var result = evaluated
        // A result file that exists but does not parse is invalid input: measuring again will not help.
        let invalidInput = result.verdict == .error && result.indicatorResults.contains { $0.invalidInput && !$0.dryRun }
        let issues = warningExitCode ?? platform.issuesExitCode ?? 0
        var code =
            invalidInput ? ExitCode.invalidInput.rawValue : Conclusion.exitCode(for: result.verdict, onWarning: onWarning, issuesExitCode: issues)
        let presentation = presentation(exitCode: code)
        await postFeedback(&result, links: presentation.links)
        let (written, allWritten) = ReportWriter.write(result, presentation: presentation, to: paths)
        let summaryStream: Log.Stream = usesStdout ? .err : .out
        let summary = TerminalReport.render(result, style: .init(color: color.enabled(forStream: summaryStream)))
        if usesStdout { Console.err(.report(summary)) } else { Console.out(.report(summary)) }
        if !allWritten || !recorded { code = ExitCode.couldNotMeasure.rawValue }
        var conclusion = Conclusion(verdict: result.verdict, exitCode: code, onWarning: onWarning, issuesExitCode: issues)
        do {
            try platform.publish(result, presentation: presentation, reports: written, conclusion: conclusion)
        } catch {
            Console.diagnostics.note("cannot publish to \(platform.name): \(String(describing: error))")
            conclusion.exitCode = ExitCode.couldNotMeasure.rawValue
        }
        platform.conclude(conclusion)
        if conclusion.exitCode != ExitCode.pass.rawValue { throw ProcessExit(conclusion.exitCode) }
    }
}
