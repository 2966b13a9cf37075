import PerfGateCI
import PerfGateCore
import PerfGateReports

/// Renders the requested reports and writes each atomically (or to stdout for `-`).
enum ReportWriter {
    /// Removes the reports a run owns (and Jenkins' properties file) before it starts, so a run that
    /// stops early can never leave the last run's files to be read as its own.
    static func removeStale(_ paths: ReportPaths) {
        let owned = [paths.json, paths.junit, paths.markdown].compactMap { $0 }.filter { $0 != "-" }
            + [Path.resolve(Jenkins.propertiesFile, against: paths.folder)]
        for path in owned { FileSystem.remove(path) }
    }

    /// The paths actually written (without stdout); a failure to write one is printed and leaves it out.
    static func write(_ result: EvaluationResult, to paths: ReportPaths) -> (written: ReportPaths, allWritten: Bool) {
        var written = ReportPaths(folder: paths.folder)
        var allWritten = true
        /// Writes one report, produced in pieces, to its file or to stdout.
        func emit(_ path: String?, _ produce: (@escaping (String) -> Void) -> Void) -> String? {
            guard let path else { return nil }
            if path == "-" {
                produce { piece in Console.out(.report(piece)) }
                return nil
            }
            do {
                try FileSystem.writeAtomically(to: path) { write in withoutActuallyEscaping(write) { produce($0) } }
                return path
            } catch {
                Console.err("perfgate: cannot write \(String(describing: error))")
                allWritten = false
                return nil
            }
        }
        // The result's outside text was redacted where it came in; this catches anything else: in
        // JSON every string before it is quoted (the report is streamed, never whole in memory),
        // in the small JUnit and Markdown reports the whole text, in the form each format escapes it to.
        let redactor = Redactor.shared
        written.json = emit(paths.json) { sink in
            JSONReport.render(result, strings: redactor.isEmpty ? nil : { redactor.redact($0) }, to: sink)
        }
        written.junit = emit(paths.junit) { sink in sink(redactor.redact(JUnitReport.render(result)) { XMLText.escape($0) }) }
        written.markdown = emit(paths.markdown) { sink in sink(redactor.redact(MarkdownReport.render(result)) { MarkdownText.cell($0) }) }
        return (written, allWritten)
    }
}
