import PerfGateCore

/// A run as the store keeps it.
package struct StoredRun: Sendable {
    package var id: Int64
    package var record: HistoryRecord
    /// The record's JSON line as it was stored: what an export writes back.
    package var line: String
    package var branch: String
    package var provenance: RunProvenance
    package var recordedAt: Double
    package var invalidation: Invalidation?
    package var tag: String?
    /// The full JSON report; only when one run is read.
    package var report: String?

    package var key: RunKey { RunKey(context: record.context) }
}
