import PerfGateCore
import PerfGateEngine

/// `--history`: the file of earlier runs, read before the evaluation and appended after it. The
/// engine picks the runs to compare with and makes this run's record.
struct HistoryStore {
    var file: HistoryFile
    var keep: Int

    /// nil without `--history`. A file that cannot be read stops the run (65); a line that cannot
    /// be read is reported and skipped.
    static func open(_ options: HistoryOptions) throws -> HistoryStore? {
        guard let path = options.history else { return nil }
        do {
            let file = try HistoryFile.load(path)
            for problem in file.problems.prefix(20) {
                Console.diagnostics.warning("\(path): \(problem); the line is kept but not compared with")
            }
            return HistoryStore(file: file, keep: options.historyKeep)
        } catch {
            throw GateError(.invalidInput, "cannot read the history file \(error)")
        }
    }

    /// Appends this run; false (after saying why) when the file cannot be written.
    mutating func append(_ record: HistoryRecord) -> Bool {
        do {
            try file.append(record, keep: keep)
            Console.diagnostics.note("recorded this run in \(file.path) (\(file.lines.count) run\(file.lines.count == 1 ? "" : "s") kept)")
            return true
        } catch {
            Console.diagnostics.note("cannot write the history \(error)")
            return false
        }
    }
}
