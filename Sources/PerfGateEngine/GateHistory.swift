import PerfGateCore

/// The engine's side of `--history`: which earlier runs to compare with (said in a note), and
/// the record this run leaves. Reading and writing the file is the caller's.
struct GateHistory {
    var file: HistoryFile
    var diagnostics: any GateDiagnostics

    /// The earlier runs to compare with, announced.
    func comparison(_ comparison: SLOSpec.Comparison, context: [String: String]) -> ComparisonSet {
        let set = ComparisonSet.select(from: file.records, comparison: comparison, context: context)
        if set.runs.isEmpty {
            let filter = comparison.includeResultWithScore == .all ? "" : " with result \(comparison.includeResultWithScore.rawValue)"
            diagnostics.note("no earlier run\(filter) in \(file.path) to compare with; relative criteria are met")
        } else {
            let runs = set.runs.map(ResultText.comparedRun).joined(separator: ", ")
            diagnostics.note(
                "comparing with \(set.runs.count) earlier run\(set.runs.count == 1 ? "" : "s") in \(file.path) (\(comparison.aggregateFunction.rawValue), newest first): \(runs)"
            )
        }
        return set
    }

    /// What a history keeps of a run: every measured value, and whether it counts.
    static func record(_ result: EvaluationResult, kind: String, digest: String?, context: [String: String], now: Double) -> HistoryRecord {
        HistoryRecord(
            time: result.evaluatedAt ?? now, window: result.window, specKind: kind, specPath: result.specPath, specDigest: digest,
            context: context, result: result.verdict, score: result.totalScore, values: values(result))
    }

    static func values(_ result: EvaluationResult) -> [HistoryRecord.Value] {
        result.indicatorResults.flatMap { indicator -> [HistoryRecord.Value] in
            if case .objective(let objective) = indicator.kind {
                return [
                    HistoryRecord.Value(
                        id: indicator.id, key: indicator.id, value: objective.value, status: objective.status.rawValue,
                        success: objective.value != nil && indicator.error == nil)
                ]
            }
            return indicator.measurements.map { measurement in
                HistoryRecord.Value(
                    id: indicator.id, key: measurement.key, value: measurement.value, status: indicator.verdict.rawValue,
                    success: measurement.value != nil && indicator.error == nil)
            }
        }
    }

    /// `sha256:` and the digest of the files, in order.
    static func digest(_ paths: [String], files: any Files) -> String? {
        var bytes: [UInt8] = []
        for path in paths {
            guard let contents = try? files.read(path, limit: DocumentLoader.defaultSizeLimit) else { return nil }
            bytes += contents
        }
        return "sha256:" + SHA256.hex(bytes)
    }
}
