import PerfGateCore

/// Where `perfgate serve` keeps its evaluations, behind one interface: SQLite in a file
/// (`SQLiteStore`) or PostgreSQL for several replicas. Every engine passes the same contract
/// tests (Tests/PerfGateStoreTests/RunStoreContract.swift).
package protocol RunStore: Sendable {
    /// The engine and where its data is, for messages: `SQLite /data/perfgate.db`.
    var description: String { get }

    /// Records a run once: a second run with the same idempotency key is not recorded, and the
    /// first one's id comes back. Retention is applied to the run's key afterwards.
    func record(_ run: NewRun, retention: Retention) async throws(StoreError) -> RecordOutcome
    /// The earlier runs an evaluation compares with, newest first, in one consistent read.
    func comparison(_ query: ComparisonQuery) async throws(StoreError) -> [HistoryRecord]
    /// Runs newest first, without their reports.
    func runs(_ filter: RunFilter) async throws(StoreError) -> [StoredRun]
    /// One run with its report.
    func run(id: Int64) async throws(StoreError) -> StoredRun?
    /// A run by its id or, in a key, the newest run with that tag.
    func run(reference: String, key: RunKey) async throws(StoreError) -> StoredRun?
    /// Marks a run invalid (never compared with) or valid again, and sets or clears its tag;
    /// nil members of the change are left as they are. nil when there is no such run.
    func update(id: Int64, _ change: RunChange) async throws(StoreError) -> StoredRun?
    /// The pinned baseline of a key (project, stage, service; any branch).
    func baseline(_ key: RunKey) async throws(StoreError) -> Baseline?
    /// Pins a run as its key's baseline; false when there is no such run.
    func pin(_ key: RunKey, runId: Int64, by: String?, at: Double) async throws(StoreError) -> Bool
    /// Unpins; false when nothing was pinned.
    func unpin(_ key: RunKey) async throws(StoreError) -> Bool
    /// Every key with runs: how many, and its newest run (without its report), by key.
    func services(limit: Int) async throws(StoreError) -> [ServiceSummary]
}

/// A key's runs at a glance: the dashboard's first page.
package struct ServiceSummary: Sendable {
    package var key: RunKey
    package var runs: Int
    package var latest: StoredRun
}

/// A key of runs that compare with each other: project, stage and service, each empty when the
/// run has none.
package struct RunKey: Sendable, Hashable {
    package var project: String
    package var stage: String
    package var service: String

    package init(project: String = "", stage: String = "", service: String = "") {
        self.project = project
        self.stage = stage
        self.service = service
    }

    /// The key of a history record's context.
    package init(context: [String: String]) {
        self.init(project: context["project"] ?? "", stage: context["stage"] ?? "", service: context["service"] ?? "")
    }

    package var context: [String: String] {
        var context: [String: String] = [:]
        if !project.isEmpty { context["project"] = project }
        if !stage.isEmpty { context["stage"] = stage }
        if !service.isEmpty { context["service"] = service }
        return context
    }

    var values: [SQLValue] { [.text(project), .text(stage), .text(service)] }
}

/// A run to record: its history record, its full JSON report and where it came from.
package struct NewRun: Sendable {
    package var record: HistoryRecord
    package var report: String?
    package var provenance: RunProvenance
    /// Runs with the same key are one (a retried step); nil records every time.
    package var idempotencyKey: String?
    package var recordedAt: Double

    package init(record: HistoryRecord, report: String?, provenance: RunProvenance, idempotencyKey: String?, recordedAt: Double) {
        self.record = record
        self.report = report
        self.provenance = provenance
        self.idempotencyKey = idempotencyKey
        self.recordedAt = recordedAt
    }

    /// The branch the run is kept under: its own, empty when unknown.
    var branch: String { provenance.branch ?? "" }
}

package enum RecordOutcome: Sendable, Equatable {
    case recorded(id: Int64)
    /// The same step of the same run was recorded before, as this id.
    case duplicate(id: Int64)

    package var id: Int64 {
        switch self {
        case .recorded(let id), .duplicate(let id): return id
        }
    }
}

/// How many runs a key keeps: the newest `runs`, none older than `days`; a pinned baseline is
/// never deleted.
package struct Retention: Sendable, Equatable {
    package var runs: Int?
    package var days: Double?
    /// The time retention counts days back from.
    package var now: Double

    package init(runs: Int? = nil, days: Double? = nil, now: Double) {
        self.runs = runs
        self.days = days
        self.now = now
    }
}

/// Which earlier runs an evaluation compares with (lighthouse's rules): the same key and
/// branch, valid, with an allowed result, newest first, at most `limit`.
package struct ComparisonQuery: Sendable {
    package var key: RunKey
    package var branch: String
    package var results: [Verdict]
    package var limit: Int
    /// This run's own pipeline run and attempt: a retried step never compares with its first try.
    package var excluding: RunProvenance?

    package init(key: RunKey, branch: String, results: [Verdict], limit: Int, excluding: RunProvenance? = nil) {
        self.key = key
        self.branch = branch
        self.results = results
        self.limit = limit
        self.excluding = excluding
    }
}

/// `GET /api/v1/runs`' filters; nil matches any.
package struct RunFilter: Sendable {
    package var project: String?
    package var stage: String?
    package var service: String?
    package var branch: String?
    package var result: Verdict?
    package var limit: Int
    /// Runs older than this id (the previous page's last).
    package var before: Int64?
    /// Oldest first instead (export).
    package var oldestFirst = false
    /// Runs newer than this id when oldest first.
    package var after: Int64?

    package init(
        project: String? = nil, stage: String? = nil, service: String? = nil, branch: String? = nil, result: Verdict? = nil, limit: Int = 20,
        before: Int64? = nil
    ) {
        self.project = project
        self.stage = stage
        self.service = service
        self.branch = branch
        self.result = result
        self.limit = limit
        self.before = before
    }
}

/// A change to a run: invalidate or restore it, tag it.
package struct RunChange: Sendable {
    package enum Validity: Sendable {
        case invalid(Invalidation)
        case valid
    }
    package var validity: Validity?
    /// A new tag; "" clears it.
    package var tag: String?

    package init(validity: Validity? = nil, tag: String? = nil) {
        self.validity = validity
        self.tag = tag
    }
}

/// Why and by whom a run was marked invalid.
package struct Invalidation: Sendable, Equatable {
    package var reason: String
    package var by: String?
    package var at: Double

    package init(reason: String, by: String?, at: Double) {
        self.reason = reason
        self.by = by
        self.at = at
    }
}

/// A key's pinned run.
package struct Baseline: Sendable, Equatable {
    package var key: RunKey
    package var runId: Int64
    package var by: String?
    package var at: Double
}
