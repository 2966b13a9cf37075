import PerfGateCore

/// One report format, as SwiftLint's reporters are: a pure renderer from the result to text, its
/// flag and its file name. `Reports.all` lists them; the CLI's writer and the CI platforms take
/// them from there.
package protocol Report: Sendable {
    /// The flag (`--json`) and the key in `ReportPaths`.
    var identifier: String { get }
    /// The file's name in the report folder, when a CI platform writes every report.
    var defaultFileName: String { get }
    /// Renders the result, as `presentation` says, in pieces. Secrets still in outside text are
    /// replaced with `***` in the form the format escapes them to.
    func render(_ result: EvaluationResult, presentation: Presentation, redactor: Redactor, to sink: @escaping (String) -> Void)
}

extension Report {
    /// The whole report as one text.
    package func render(_ result: EvaluationResult, presentation: Presentation = Presentation(), redactor: Redactor = .current) -> String {
        var text = ""
        render(result, presentation: presentation, redactor: redactor) { text += $0 }
        return text
    }
}

/// Every report perfgate writes, in the order they are written.
package enum Reports {
    package static let all: [any Report] = [JSONReportFormat(), JUnitReportFormat(), MarkdownReportFormat(), HTMLReportFormat()]

    package static func named(_ identifier: String) -> (any Report)? { all.first { $0.identifier == identifier } }
}

/// The result JSON, streamed: every string is redacted before it is quoted, so the report is
/// never whole in memory.
package struct JSONReportFormat: Report {
    /// Every value of every indicator, however many (a server's answer to `evaluate --server`);
    /// the report file lists at most `JSONReport.maxValues` per indicator.
    package var complete: Bool

    package init(complete: Bool = false) { self.complete = complete }
    package var identifier: String { "json" }
    package var defaultFileName: String { "perfgate-result.json" }
    package func render(_ result: EvaluationResult, presentation: Presentation, redactor: Redactor, to sink: @escaping (String) -> Void) {
        JSONReport.render(
            result, complete: complete, exitCode: presentation.exitCode, strings: redactor.isEmpty ? nil : { redactor.redact($0) }, to: sink)
    }
}

/// JUnit XML, one test case per indicator.
package struct JUnitReportFormat: Report {
    package init() {}
    package var identifier: String { "junit" }
    package var defaultFileName: String { "perfgate-junit.xml" }
    package func render(_ result: EvaluationResult, presentation: Presentation, redactor: Redactor, to sink: @escaping (String) -> Void) {
        sink(redactor.redact(JUnitReport.render(result)) { XMLText.escape($0) })
    }
}

/// The Markdown summary: the job summary on GitHub, the build summary on Azure.
package struct MarkdownReportFormat: Report {
    package init() {}
    package var identifier: String { "markdown" }
    package var defaultFileName: String { "perfgate-summary.md" }
    package func render(_ result: EvaluationResult, presentation: Presentation, redactor: Redactor, to sink: @escaping (String) -> Void) {
        sink(redactor.redact(MarkdownReport.render(result, presentation: presentation)) { MarkdownText.cell($0) })
    }
}
