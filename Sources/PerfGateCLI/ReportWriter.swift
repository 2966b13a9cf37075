import PerfGateCI
import PerfGateCore
import PerfGateEngine
import PerfGateReports

/// Renders the requested reports and writes each atomically (or to stdout for `-`).
enum ReportWriter {
    /// Removes the reports a run owns (and the files the CI platforms write beside them) before it
    /// starts, so a run that stops early can never leave the last run's files to be read as its own.
    static func removeStale(_ paths: ReportPaths) {
        let owned = paths.files.values.filter { $0 != "-" } + CIPlatforms.ownedFiles.map { Path.resolve($0, against: paths.folder) }
        for path in owned { FileSystem.remove(path) }
    }

    /// The paths actually written (without stdout); a failure to write one is printed and leaves it out.
    static func write(_ result: EvaluationResult, presentation: Presentation, to paths: ReportPaths) -> (written: ReportPaths, allWritten: Bool) {
        var written = ReportPaths(folder: paths.folder)
        var allWritten = true
        // The result's outside text was redacted where it came in; each report catches anything
        // else in the form its format escapes it to.
        let redactor = Redactor.current
        for report in Reports.all {
            guard let path = paths.files[report.identifier] else { continue }
            if path == "-" {
                report.render(result, presentation: presentation, redactor: redactor) { piece in Console.out(.report(piece)) }
                continue
            }
            do {
                try FileSystem.writeAtomically(to: path) { write in
                    withoutActuallyEscaping(write) { report.render(result, presentation: presentation, redactor: redactor, to: $0) }
                }
                written.files[report.identifier] = path
            } catch {
                Console.diagnostics.note("cannot write \(String(describing: error))")
                allWritten = false
            }
        }
        return (written, allWritten)
    }
}
