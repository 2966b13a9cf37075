import PerfGateCore

/// The engine's side of the history: which earlier runs to compare with (said in a note), and
/// the record this run leaves. Reading and writing the file or the store is the caller's.
struct GateHistory {
    var runs: any EarlierRuns
    var diagnostics: any GateDiagnostics

    /// The earlier runs to compare with, announced. Runs that cannot be read are said in a
    /// warning, and relative criteria are then met, as with no earlier run; a request for runs
    /// that do not exist (a baseline no run has) stops the evaluation.
    func comparison(_ comparison: SLOSpec.Comparison, context: [String: String]) async throws(GateError) -> ComparisonSet {
        let chosen: ComparedRuns
        do {
            chosen = try await runs.comparison(comparison, context: context)
        } catch {
            guard error.kind == .unavailable else { throw error }
            diagnostics.warning("cannot read the earlier runs: \(error.description); relative criteria are met")
            return .empty
        }
        let set = ComparisonSet(runs: chosen.runs, aggregateFunction: comparison.aggregateFunction)
        let origin = chosen.choice.map { "\($0) in \(runs.origin)" } ?? "in \(runs.origin)"
        if set.runs.isEmpty {
            let filter =
                comparison.includeResultWithScore == .all || chosen.choice != nil ? "" : " with result \(comparison.includeResultWithScore.rawValue)"
            diagnostics.note("no earlier run\(filter) \(origin) to compare with; relative criteria are met")
        } else {
            let list = set.runs.map(ResultText.comparedRun).joined(separator: ", ")
            diagnostics.note(
                "comparing with \(set.runs.count) earlier run\(set.runs.count == 1 ? "" : "s") \(origin) (\(comparison.aggregateFunction.rawValue), newest first): \(list)"
            )
        }
        return set
    }

    /// What a history keeps of a run: every measured value, and whether it counts.
    static func record(
        _ result: EvaluationResult, kind: String, digest: String?, context: [String: String], now: Double, values keepsValues: Bool = true
    ) -> HistoryRecord {
        HistoryRecord(
            time: result.evaluatedAt ?? now, window: result.window, specKind: kind, specPath: result.specPath, specDigest: digest,
            context: context, result: result.verdict, score: result.totalScore, values: keepsValues ? values(result) : [])
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
            // Once per indicator: the verdict scans its violations (100,000 values × 10,000 breaches
            // made this 85% of a run).
            let status = indicator.verdict.rawValue
            return indicator.measurements.map { measurement in
                HistoryRecord.Value(
                    id: indicator.id, key: measurement.key, value: measurement.value, status: status,
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
