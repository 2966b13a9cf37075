import PerfGateCore
import PerfGateReports

let stdoutStream: Int32 = 1
let stderrStream: Int32 = 2

/// Renders the requested reports and writes each atomically (or to stdout for `-`).
enum ReportWriter {
    /// False when any report could not be written; each failure is printed.
    static func write(_ result: EvaluationResult, options: ReportOptions) -> Bool {
        var allWritten = true
        let reports: [(String?, () -> String)] = [
            (options.json, { JSONReport.render(result) }),
            (options.junit, { JUnitReport.render(result) }),
            (options.markdown, { MarkdownReport.render(result) }),
        ]
        for case let (path?, render) in reports {
            if path == "-" {
                Console.out(render())
                continue
            }
            do {
                try FileSystem.writeAtomically(render(), to: path)
            } catch {
                Console.err("perfgate: cannot write \(error)")
                allWritten = false
            }
        }
        return allWritten
    }
}
