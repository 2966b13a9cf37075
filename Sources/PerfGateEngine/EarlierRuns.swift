import PerfGateCore

/// Where an evaluation's earlier runs come from: the `--history` file (a `HistoryFile`), or the
/// results store of `perfgate serve`. Asked once the run's project, stage and service are known.
package protocol EarlierRuns: Sendable {
    /// Where the runs are, for notes: a file's path, `the store (SQLite /data/perfgate.db)`.
    var origin: String { get }
    /// The runs relative criteria compare with, newest first, and how they were chosen.
    func comparison(_ comparison: SLOSpec.Comparison, context: [String: String]) async throws(GateError) -> ComparedRuns
    /// The last `count` runs of the context, whatever their result, oldest first (trend charts).
    func trend(context: [String: String], count: Int) async -> [HistoryRecord]
}

/// The runs to compare with, and what chose them when it was not lighthouse's rules (a pinned
/// baseline, the target branch of a merge request).
package struct ComparedRuns: Sendable {
    package var runs: [HistoryRecord]
    /// `the pinned baseline (run 42)`; nil for lighthouse's choice.
    package var choice: String?

    package init(runs: [HistoryRecord], choice: String? = nil) {
        self.runs = runs
        self.choice = choice
    }
}

extension HistoryFile: EarlierRuns {
    package var origin: String { path }

    package func comparison(_ comparison: SLOSpec.Comparison, context: [String: String]) async throws(GateError) -> ComparedRuns {
        ComparedRuns(runs: ComparisonSet.select(from: records, comparison: comparison, context: context).runs)
    }

    package func trend(context: [String: String], count: Int) async -> [HistoryRecord] {
        HistoryFile.trend(records, context: context, count: count)
    }
}
