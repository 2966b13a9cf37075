import PerfGateCI
import PerfGateCore
import Synchronization

/// Records what a platform prints and appends.
final class RecordingOutput: CIOutput {
    private let state = Mutex<(lines: [String], notes: [String], files: [String: String])>(([], [], [:]))

    /// What went to the log's command channel (stdout).
    var lines: [String] { state.withLock { $0.lines } }
    /// Lines for a person (stderr).
    var notes: [String] { state.withLock { $0.notes } }
    func file(_ path: String) -> String { state.withLock { $0.files[path] ?? "" } }

    func line(_ message: LogMessage) { state.withLock { $0.lines.append(message.rendered()) } }
    func note(_ message: LogMessage) { state.withLock { $0.notes.append(message.rendered()) } }
    func append(_ text: String, to path: String) throws(FileError) { state.withLock { $0.files[path, default: ""] += text } }
}

enum Samples {
    static let hostile = "evil%0A\n::error::x ##vso[task.complete result=Succeeded];]"

    static let result = EvaluationResult(
        verdict: .warning, totalScore: 60, objectives: Objectives(pass: 90, warning: 50),
        indicatorResults: [
            IndicatorResult(
                id: hostile, source: "static", score: 10, metricScore: 20,
                violations: [Violation(breach: .upperWarning, key: hostile, value: 5, threshold: 4)],
                measurements: [Measurement(key: hostile, value: 5)], thresholds: Thresholds(upperWarning: 4)),
            IndicatorResult(
                id: "down", source: "prometheus", score: 0, metricScore: 10, violations: [], measurements: [],
                thresholds: Thresholds(), error: "HTTP 503\n##vso[task.setvariable variable=X]1"),
            IndicatorResult(
                id: "fine", source: "static", score: 50, metricScore: 50, violations: [], measurements: [],
                thresholds: Thresholds())
        ],
        specPath: "specs/checkout.perfspec.yaml")

    static let conclusion = Conclusion(verdict: .warning, exitCode: 0, onWarning: .issues)

    static let reports = ReportPaths(json: "/w/r.json", junit: "/w/r.xml", markdown: "/w/r.md", folder: "/w")
}
