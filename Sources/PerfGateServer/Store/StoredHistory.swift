import PerfGateCore
import PerfGateEngine
import PerfGateStore
import Synchronization

/// The store's runs as one request's earlier runs: a pinned baseline (the request's `baseline`,
/// else the key's) alone, else the latest valid runs of the branch the run compares with (a merge
/// request's target branch, else its own), chosen by lighthouse's rules in one read.
final class StoredHistory: EarlierRuns {
    let store: any RunStore
    let provenance: RunProvenance
    /// The request's `baseline`: a run id or a tag.
    let baseline: String?
    /// The first time reading failed, for `--store-required` and the answer.
    private let failure = Mutex<StoreError?>(nil)

    init(store: any RunStore, provenance: RunProvenance, baseline: String?) {
        self.store = store
        self.provenance = provenance
        self.baseline = baseline
    }

    var origin: String { "the store" }
    var readFailure: StoreError? { failure.withLock { $0 } }

    /// Runs of another branch are not compared with: a merge request compares with its target's.
    var branch: String { provenance.targetBranch ?? provenance.branch ?? "" }

    func comparison(_ comparison: SLOSpec.Comparison, context: [String: String]) async throws(GateError) -> ComparedRuns {
        let key = RunKey(context: context)
        if let reference = baseline {
            guard let run = try await read({ () async throws(StoreError) in try await store.run(reference: reference, key: key) }) else {
                throw GateError(
                    .usage,
                    "no stored run has the id or tag '\(reference)' (--baseline) for \(Self.describe(key)); list them with 'perfgate history list'")
            }
            return ComparedRuns(runs: [run.record], choice: "the baseline you gave (run \(run.id))")
        }
        let pinned = try await read({ () async throws(StoreError) -> StoredRun? in
            guard let pinned = try await store.baseline(key) else { return nil }
            return try await store.run(id: pinned.runId)
        })
        if let pinned { return ComparedRuns(runs: [pinned.record], choice: "the pinned baseline (run \(pinned.id))") }
        let results: [Verdict]
        switch comparison.includeResultWithScore {
        case .pass: results = [.pass]
        case .passOrWarn: results = [.pass, .warning]
        case .all: results = Verdict.allCases
        }
        let query = ComparisonQuery(key: key, branch: branch, results: results, limit: max(0, comparison.resultsToCompare), excluding: provenance)
        let runs = try await read({ () async throws(StoreError) in try await store.comparison(query) })
        let choice = provenance.targetBranch.map { "the target branch \($0)'s runs" } ?? (branch.isEmpty ? nil : "branch \(branch)'s runs")
        return ComparedRuns(runs: runs, choice: choice)
    }

    /// A read of the store; its failure is kept and becomes the engine's.
    private func read<T>(_ body: () async throws(StoreError) -> T) async throws(GateError) -> T {
        do {
            return try await body()
        } catch {
            failure.withLock { if $0 == nil { $0 = error } }
            throw GateError(.unavailable, "the store could not be read (\(error.message))")
        }
    }

    func trend(context: [String: String], count: Int) async -> [HistoryRecord] {
        []
    }

    static func describe(_ key: RunKey) -> String {
        let parts = [("project", key.project), ("stage", key.stage), ("service", key.service)].filter { !$0.1.isEmpty }
        return parts.isEmpty ? "runs without project, stage or service" : parts.map { "\($0.0) \($0.1)" }.joined(separator: ", ")
    }
}
