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
        written.json = emit(paths.json) { JSONReport.render(result) }
        written.junit = emit(paths.junit) { JUnitReport.render(result) }
        written.markdown = emit(paths.markdown) { MarkdownReport.render(result) }
        return (written, allWritten)
    }
}
