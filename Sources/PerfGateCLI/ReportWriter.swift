import PerfGateCI
import PerfGateCore
import PerfGateReports

/// Renders the requested reports and writes each atomically (or to stdout for `-`).
enum ReportWriter {
    /// The paths actually written (without stdout); a failure to write one is printed and leaves it out.
    static func write(_ result: EvaluationResult, to paths: ReportPaths) -> (written: ReportPaths, allWritten: Bool) {
        var written = ReportPaths(folder: paths.folder)
        var allWritten = true
        func emit(_ path: String?, _ render: () -> String) -> String? {
            guard let path else { return nil }
            if path == "-" {
                Console.out(.report(render()))
                return nil
            }
            do {
                try FileSystem.writeAtomically(render(), to: path)
                return path
            } catch {
                Console.err("perfgate: cannot write \(error)")
                allWritten = false
                return nil
            }
        }
        // The result's outside text was redacted where it came in; this catches anything else, in
        // the form each format escapes it to.
        let redactor = Redactor.shared
        written.json = emit(paths.json) { redactor.redact(JSONReport.render(result)) { String(JSONWriter.quoted($0).dropFirst().dropLast()) } }
        written.junit = emit(paths.junit) { redactor.redact(JUnitReport.render(result)) { XMLText.escape($0) } }
        written.markdown = emit(paths.markdown) { redactor.redact(MarkdownReport.render(result)) { MarkdownText.cell($0) } }
        return (written, allWritten)
    }
}
