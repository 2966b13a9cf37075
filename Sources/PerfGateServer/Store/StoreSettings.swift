import PerfGateCore
import PerfGateStore

/// The service's results store and how it keeps runs (`--store`, `--retain-runs`, `--retain-days`,
/// `--store-required`).
package struct StoreSettings: Sendable {
    package var store: any RunStore
    package var retainRuns: Int?
    package var retainDays: Double?
    /// A run that cannot be recorded, or whose earlier runs cannot be read, is a 503 instead of
    /// a verdict with a warning.
    package var required: Bool

    package init(store: any RunStore, retainRuns: Int? = nil, retainDays: Double? = nil, required: Bool = false) {
        self.store = store
        self.retainRuns = retainRuns
        self.retainDays = retainDays
        self.required = required
    }

    func retention(now: Double) -> Retention { Retention(runs: retainRuns, days: retainDays, now: now) }
}

/// What became of an evaluation in the store: its run id (a retried step gets the first
/// attempt's), or why it was not recorded.
struct StoreOutcome: Sendable {
    var runId: Int64?
    var duplicate = false
    /// Why the run was not recorded, or its earlier runs not read.
    var warning: String?

    var node: Node {
        var pairs: [(String, Node)] = [("recorded", .bool(runId != nil && !duplicate))]
        if let runId { pairs.append(("runId", .string(String(runId)))) }
        if duplicate { pairs.append(("duplicate", .bool(true))) }
        if let warning { pairs.append(("warning", .string(warning))) }
        return .object(pairs)
    }
}
