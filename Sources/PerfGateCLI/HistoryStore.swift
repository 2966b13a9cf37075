import PerfGateCore
import PerfGateReports

/// `--history`: reads the earlier runs, picks those to compare with (saying which), and appends
/// this run.
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
                Console.err("perfgate: warning: \(path): \(problem); the line is kept but not compared with")
            }
            return HistoryStore(file: file, keep: options.historyKeep)
        } catch {
            throw InputFailure("cannot read the history file \(error)")
        }
    }

    /// The earlier runs to compare with, announced on stderr.
    func comparison(_ comparison: SLOSpec.Comparison, context: [String: String]) -> ComparisonSet {
        let set = ComparisonSet.select(from: file.records, comparison: comparison, context: context)
        let path = file.path
        if set.runs.isEmpty {
            let filter = comparison.includeResultWithScore == "all" ? "" : " with result \(comparison.includeResultWithScore)"
            Console.err("perfgate: no earlier run\(filter) in \(path) to compare with; relative criteria are met")
        } else {
            let runs = set.runs.map(ResultText.comparedRun).joined(separator: ", ")
            Console.err("perfgate: comparing with \(set.runs.count) earlier run\(set.runs.count == 1 ? "" : "s") in \(path) (\(comparison.aggregateFunction), newest first): \(runs)")
        }
        return set
    }

    /// Appends this run; false (after saying why) when the file cannot be written.
    mutating func append(_ result: EvaluationResult, kind: String, digest: String?, context: [String: String], now: Double) -> Bool {
        let record = HistoryRecord(
            time: result.evaluatedAt ?? now, window: result.window, specKind: kind, specPath: result.specPath, specDigest: digest,
            context: context, result: result.verdict, score: result.totalScore, values: Self.values(result))
        do {
            try file.append(record, keep: keep)
            Console.err("perfgate: recorded this run in \(file.path) (\(file.lines.count) run\(file.lines.count == 1 ? "" : "s") kept)")
            return true
        } catch {
            Console.err("perfgate: cannot write the history \(error)")
            return false
        }
    }

    /// What later runs may compare with: every measured value, and whether it counts.
    static func values(_ result: EvaluationResult) -> [HistoryRecord.Value] {
        result.indicatorResults.flatMap { indicator -> [HistoryRecord.Value] in
            if let objective = indicator.objective {
                return [HistoryRecord.Value(
                    id: indicator.id, key: indicator.id, value: objective.value, status: objective.status.rawValue,
                    success: objective.value != nil && indicator.error == nil)]
            }
            return indicator.measurements.map { measurement in
                HistoryRecord.Value(
                    id: indicator.id, key: measurement.key, value: measurement.value, status: indicator.verdict.rawValue,
                    success: measurement.value != nil && indicator.error == nil)
            }
        }
    }

    /// The project, stage and service a run is for: earlier runs of another are never compared with.
    static func context(_ placeholders: SLIPlaceholders) -> [String: String] {
        var context: [String: String] = [:]
        for name in SLIPlaceholders.contextNames where name != "DEPLOYMENT" {
            if let value = placeholders.values["$" + name] { context[name.lowercased()] = value }
        }
        return context
    }

    /// `sha256:` and the digest of the files, in order.
    static func digest(_ paths: [String]) -> String? {
        var bytes: [UInt8] = []
        for path in paths {
            guard let contents = try? FileSystem.read(path) else { return nil }
            bytes += contents
        }
        return "sha256:" + SHA256.hex(bytes)
    }
}
