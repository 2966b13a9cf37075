import PerfGateCore
import Synchronization

/// The embedded store: one SQLite file (`perfgate.db` in `--data-dir`).
///
/// WAL journal, so readers never wait for the writer; `synchronous=FULL`, so a run the service
/// has acknowledged survives a power loss too (NORMAL survives a killed process but may lose the
/// last commits to a power loss; Benchmarks/store.py measures what FULL costs). One connection,
/// used by one request at a time: each read and each write is a consistent snapshot, and a
/// second process on the same file waits up to the busy timeout (5 s) for the lock.
package final class SQLiteStore: RunStore {
    package let path: String
    private let database: Mutex<SQLiteDatabase>

    package var description: String { "SQLite \(path)" }

    /// Opens or creates the file and brings its schema up to date.
    package convenience init(path: String) throws(StoreError) {
        try self.init(path: path, schemaVersion: SQLiteMigrations.latest)
    }

    /// A database at an older schema version, for the upgrade test.
    package init(path: String, schemaVersion: Int) throws(StoreError) {
        self.path = path
        let database = try SQLiteDatabase(path: path)
        try database.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL")
        try SQLiteMigrations.migrate(database, to: schemaVersion)
        self.database = Mutex(database)
    }

    /// The schema version the file has.
    package func schemaVersion() throws(StoreError) -> Int {
        try locked { database throws(StoreError) in Int(try database.query("PRAGMA user_version").first?.first?.integer ?? 0) }
    }

    private func locked<T: Sendable>(_ body: (SQLiteDatabase) throws(StoreError) -> T) throws(StoreError) -> T {
        let outcome: Result<T, StoreError> = database.withLock { database in
            do throws(StoreError) {
                return .success(try body(database))
            } catch {
                return .failure(error)
            }
        }
        return try outcome.get()
    }

    package func record(_ run: NewRun, retention: Retention) async throws(StoreError) -> RecordOutcome {
        try locked { database throws(StoreError) in
            try database.transaction { () throws(StoreError) -> RecordOutcome in
                if let key = run.idempotencyKey,
                    let id = try database.query("SELECT id FROM runs WHERE idempotency_key = ?", [.text(key)]).first?.first?.integer
                {
                    return .duplicate(id: id)
                }
                let record = run.record
                let key = RunKey(context: record.context)
                let provenance = run.provenance
                try database.each(
                    """
                    INSERT INTO runs (project, stage, service, branch, time, result, score, spec_digest, record, report,
                        platform, pipeline, ci_run, attempt, target_branch, commit_sha, url, idempotency_key, recorded_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    key.values + [
                        .text(run.branch), .real(record.time), .text(record.result.rawValue), .real(record.score), .optional(record.specDigest),
                        .text(record.line()), .optional(run.report), .optional(provenance.platform), .optional(provenance.pipeline),
                        .optional(provenance.runId), .optional(provenance.attempt), .optional(provenance.targetBranch),
                        .optional(provenance.commit), .optional(provenance.url), .optional(run.idempotencyKey), .real(run.recordedAt)
                    ])
                let id = database.lastInsertedRow
                try Self.retain(database, key: key, branch: run.branch, retention)
                return .recorded(id: id)
            }
        }
    }

    static let keyClause = "project = ? AND stage = ? AND service = ? AND branch = ?"

    /// Deletes what the key keeps no longer; pinned runs stay.
    static func retain(_ database: SQLiteDatabase, key: RunKey, branch: String, _ retention: Retention) throws(StoreError) {
        let keyValues = key.values + [.text(branch)]
        if let runs = retention.runs {
            try database.each(
                """
                DELETE FROM runs WHERE \(keyClause) AND id NOT IN (SELECT run_id FROM baselines)
                AND id NOT IN (SELECT id FROM runs WHERE \(keyClause) ORDER BY time DESC, id DESC LIMIT ?)
                """, keyValues + keyValues + [.integer(Int64(max(1, runs)))])
        }
        if let days = retention.days {
            try database.each(
                "DELETE FROM runs WHERE \(keyClause) AND time < ? AND id NOT IN (SELECT run_id FROM baselines)",
                keyValues + [.real(retention.now - days * 86_400)])
        }
    }

    package func comparison(_ query: ComparisonQuery) async throws(StoreError) -> [HistoryRecord] {
        guard query.limit > 0, !query.results.isEmpty else { return [] }
        let results = query.results.map { _ in "?" }.joined(separator: ", ")
        let rows = try locked { database throws(StoreError) in
            try database.query(
                """
                SELECT record FROM runs WHERE \(Self.keyClause) AND invalidated_at IS NULL AND result IN (\(results))
                AND NOT (ci_run IS ? AND platform IS ? AND pipeline IS ? AND attempt IS ?) ORDER BY time DESC, id DESC LIMIT ?
                """,
                query.key.values + [.text(query.branch)] + query.results.map { .text($0.rawValue) } + Self.sameRun(query.excluding) + [
                    .integer(Int64(query.limit))
                ])
        }
        return rows.compactMap { row in row.first?.text.flatMap { try? HistoryRecord.parse($0).get() } }
    }

    /// The values that match the rows of one pipeline run's attempt; none without a run id.
    static func sameRun(_ provenance: RunProvenance?) -> [SQLValue] {
        // `ci_run IS ''` matches no row: a run id is never stored empty.
        guard let provenance, let runId = provenance.runId else { return [.text(""), .null, .null, .null] }
        return [.text(runId), .optional(provenance.platform), .optional(provenance.pipeline), .optional(provenance.attempt)]
    }

    static let columns =
        "id, record, branch, platform, pipeline, ci_run, attempt, target_branch, commit_sha, url, recorded_at, invalidated_at, invalidated_reason, invalidated_by, tag"

    static func run(_ row: [SQLValue], report: String? = nil) -> StoredRun? {
        guard row.count >= 15, let id = row[0].integer, let line = row[1].text, let record = try? HistoryRecord.parse(line).get() else {
            return nil
        }
        let invalidation = row[11].real.map { Invalidation(reason: row[12].text ?? "", by: row[13].text, at: $0) }
        return StoredRun(
            id: id, record: record, line: line, branch: row[2].text ?? "",
            provenance: RunProvenance(
                platform: row[3].text, pipeline: row[4].text, runId: row[5].text, attempt: row[6].text,
                branch: row[2].text.flatMap { $0.isEmpty ? nil : $0 },
                targetBranch: row[7].text, commit: row[8].text, url: row[9].text),
            recordedAt: row[10].real ?? 0, invalidation: invalidation, tag: row[14].text, report: report)
    }

    package func runs(_ filter: RunFilter) async throws(StoreError) -> [StoredRun] {
        var clauses: [String] = []
        var values: [SQLValue] = []
        for (column, value) in [("project", filter.project), ("stage", filter.stage), ("service", filter.service), ("branch", filter.branch)] {
            if let value {
                clauses.append("\(column) = ?")
                values.append(.text(value))
            }
        }
        if let result = filter.result {
            clauses.append("result = ?")
            values.append(.text(result.rawValue))
        }
        if let before = filter.before {
            clauses.append("id < ?")
            values.append(.integer(before))
        }
        if let after = filter.after {
            clauses.append("id > ?")
            values.append(.integer(after))
        }
        let condition = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        let order = filter.oldestFirst ? "id ASC" : "id DESC"
        let rows = try locked { database throws(StoreError) in
            try database.query(
                "SELECT \(Self.columns) FROM runs \(condition) ORDER BY \(order) LIMIT ?", values + [.integer(Int64(max(0, filter.limit)))])
        }
        return rows.compactMap { Self.run($0) }
    }

    package func run(id: Int64) async throws(StoreError) -> StoredRun? {
        try locked { database throws(StoreError) in try Self.run(id: id, in: database) }
    }

    static func run(id: Int64, in database: SQLiteDatabase) throws(StoreError) -> StoredRun? {
        guard let row = try database.query("SELECT \(columns), report FROM runs WHERE id = ?", [.integer(id)]).first else { return nil }
        return Self.run(row, report: row.last?.text)
    }

    package func run(reference: String, key: RunKey) async throws(StoreError) -> StoredRun? {
        if let id = Int64(reference), let run = try await run(id: id) { return run }
        let row = try locked { database throws(StoreError) in
            try database.query(
                "SELECT id FROM runs WHERE project = ? AND stage = ? AND service = ? AND tag = ? ORDER BY time DESC, id DESC LIMIT 1",
                key.values + [.text(reference)]
            ).first
        }
        guard let id = row?.first?.integer else { return nil }
        return try await run(id: id)
    }

    package func update(id: Int64, _ change: RunChange) async throws(StoreError) -> StoredRun? {
        try locked { database throws(StoreError) in
            try database.transaction { () throws(StoreError) -> StoredRun? in
                guard try !database.query("SELECT 1 FROM runs WHERE id = ?", [.integer(id)]).isEmpty else { return nil }
                switch change.validity {
                case .invalid(let invalidation):
                    try database.each(
                        "UPDATE runs SET invalidated_at = ?, invalidated_reason = ?, invalidated_by = ? WHERE id = ?",
                        [.real(invalidation.at), .text(invalidation.reason), .optional(invalidation.by), .integer(id)])
                case .valid:
                    try database.each(
                        "UPDATE runs SET invalidated_at = NULL, invalidated_reason = NULL, invalidated_by = NULL WHERE id = ?", [.integer(id)])
                case nil: break
                }
                if let tag = change.tag {
                    try database.each("UPDATE runs SET tag = ? WHERE id = ?", [tag.isEmpty ? .null : .text(tag), .integer(id)])
                }
                return try Self.run(id: id, in: database)
            }
        }
    }

    package func baseline(_ key: RunKey) async throws(StoreError) -> Baseline? {
        let row = try locked { database throws(StoreError) in
            try database.query("SELECT run_id, pinned_by, pinned_at FROM baselines WHERE project = ? AND stage = ? AND service = ?", key.values).first
        }
        guard let row, let id = row[0].integer else { return nil }
        return Baseline(key: key, runId: id, by: row[1].text, at: row[2].real ?? 0)
    }

    package func pin(_ key: RunKey, runId: Int64, by: String?, at: Double) async throws(StoreError) -> Bool {
        try locked { database throws(StoreError) in
            try database.transaction { () throws(StoreError) -> Bool in
                guard try !database.query("SELECT 1 FROM runs WHERE id = ?", [.integer(runId)]).isEmpty else { return false }
                try database.each(
                    """
                    INSERT INTO baselines (project, stage, service, run_id, pinned_by, pinned_at) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (project, stage, service) DO UPDATE SET run_id = excluded.run_id, pinned_by = excluded.pinned_by, pinned_at = excluded.pinned_at
                    """, key.values + [.integer(runId), .optional(by), .real(at)])
                return true
            }
        }
    }

    package func services(limit: Int) async throws(StoreError) -> [ServiceSummary] {
        let rows = try locked { database throws(StoreError) in
            try database.query(
                """
                SELECT \(Self.columns.split(separator: ",").map { "runs." + String($0).trimmingSpaces() }.joined(separator: ", ")), keys.count
                FROM (SELECT MAX(id) AS id, COUNT(*) AS count FROM runs GROUP BY project, stage, service) AS keys
                JOIN runs ON runs.id = keys.id ORDER BY runs.project, runs.stage, runs.service LIMIT ?
                """, [.integer(Int64(max(0, limit)))])
        }
        return rows.compactMap { row in
            guard let run = Self.run(row), let count = row.last?.integer else { return nil }
            return ServiceSummary(key: run.key, runs: Int(count), latest: run)
        }
    }

    package func unpin(_ key: RunKey) async throws(StoreError) -> Bool {
        try locked { database throws(StoreError) in
            try database.each("DELETE FROM baselines WHERE project = ? AND stage = ? AND service = ?", key.values) > 0
        }
    }
}
