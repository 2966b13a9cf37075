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

    let sql = RunSQL(dialect: .sqlite)

    package func record(_ run: NewRun, retention: Retention) async throws(StoreError) -> RecordOutcome {
        try locked { database throws(StoreError) in
            try database.transaction { () throws(StoreError) -> RecordOutcome in
                if let key = run.idempotencyKey, let id = try database.query(sql.idByIdempotencyKey, [.text(key)]).first?.first?.integer {
                    return .duplicate(id: id)
                }
                try database.each(sql.insert, RunSQL.insertValues(run))
                let id = database.lastInsertedRow
                for (statement, values) in sql.retention(key: RunKey(context: run.record.context), branch: run.branch, retention) {
                    try database.each(statement, values)
                }
                return .recorded(id: id)
            }
        }
    }

    package func comparison(_ query: ComparisonQuery) async throws(StoreError) -> [HistoryRecord] {
        guard query.limit > 0, !query.results.isEmpty else { return [] }
        let (statement, values) = sql.comparison(query)
        let rows = try locked { database throws(StoreError) in try database.query(statement, values) }
        return rows.compactMap { row in row.first?.text.flatMap { try? HistoryRecord.parse($0).get() } }
    }

    package func runs(_ filter: RunFilter) async throws(StoreError) -> [StoredRun] {
        let (statement, values) = sql.runs(filter)
        return try locked { database throws(StoreError) in try database.query(statement, values) }.compactMap { RunSQL.run($0) }
    }

    package func run(id: Int64) async throws(StoreError) -> StoredRun? {
        try locked { database throws(StoreError) in try run(id: id, in: database) }
    }

    func run(id: Int64, in database: SQLiteDatabase) throws(StoreError) -> StoredRun? {
        guard let row = try database.query(sql.runById, [.integer(id)]).first else { return nil }
        return RunSQL.run(row, report: row.last?.text)
    }

    package func run(reference: String, key: RunKey) async throws(StoreError) -> StoredRun? {
        if let id = Int64(reference), let run = try await run(id: id) { return run }
        let row = try locked { database throws(StoreError) in try database.query(sql.idByTag, key.values + [.text(reference)]).first }
        guard let id = row?.first?.integer else { return nil }
        return try await run(id: id)
    }

    package func update(id: Int64, _ change: RunChange) async throws(StoreError) -> StoredRun? {
        try locked { database throws(StoreError) in
            try database.transaction { () throws(StoreError) -> StoredRun? in
                guard try !database.query(sql.exists, [.integer(id)]).isEmpty else { return nil }
                for (statement, values) in sql.update(id: id, change) { try database.each(statement, values) }
                return try run(id: id, in: database)
            }
        }
    }

    package func baseline(_ key: RunKey) async throws(StoreError) -> Baseline? {
        let row = try locked { database throws(StoreError) in try database.query(sql.baseline, key.values).first }
        guard let row, let id = row[0].integer else { return nil }
        return Baseline(key: key, runId: id, by: row[1].text, at: row[2].real ?? 0)
    }

    package func pin(_ key: RunKey, runId: Int64, by: String?, at: Double) async throws(StoreError) -> Bool {
        try locked { database throws(StoreError) in
            try database.transaction { () throws(StoreError) -> Bool in
                guard try !database.query(sql.exists, [.integer(runId)]).isEmpty else { return false }
                try database.each(sql.pin, key.values + [.integer(runId), .optional(by), .real(at)])
                return true
            }
        }
    }

    package func unpin(_ key: RunKey) async throws(StoreError) -> Bool {
        try locked { database throws(StoreError) in try database.each(sql.unpin, key.values) > 0 }
    }

    package func services(limit: Int) async throws(StoreError) -> [ServiceSummary] {
        let rows = try locked { database throws(StoreError) in try database.query(sql.services, [.integer(Int64(max(0, limit)))]) }
        return rows.compactMap { row in
            guard let run = RunSQL.run(row), let count = row.last?.integer else { return nil }
            return ServiceSummary(key: run.key, runs: Int(count), latest: run)
        }
    }
}
