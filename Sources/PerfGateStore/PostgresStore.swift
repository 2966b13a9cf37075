import NIOPosix
import PerfGateCore
import Synchronization

/// The store for several replicas: one PostgreSQL database (`--store postgres://user@host/db`),
/// through libpq. TLS as the URL's `sslmode` says (libpq's own: `require`, `verify-full` with
/// `sslrootcert`); the password from the URL, `--store-password-file` or PGPASSWORD.
///
/// libpq blocks, so each operation runs on a thread of the store's own pool with a connection of
/// its own; at most `connections` run at once. Every statement is one snapshot (READ COMMITTED),
/// and recording is one transaction: two replicas recording the same step at once record it once
/// (the idempotency key is unique), and each comparison is one read of committed runs.
package final class PostgresStore: RunStore {
    package let description: String
    let uri: String
    let password: String?
    let sql = RunSQL(dialect: .postgres)
    private let pool: NIOThreadPool
    private let idle = Mutex<[PostgresConnection]>([])

    /// Connects once (so a wrong URL or password stops `serve` at start), and brings the schema up to date.
    package init(uri: String, password: String?, connections: Int = 4, schemaVersion: Int = PostgresMigrations.latest) throws(StoreError) {
        self.uri = uri
        self.password = password
        self.description = "PostgreSQL \(Self.shown(uri))"
        let first = try PostgresConnection(uri: uri, password: password, shown: Self.shown(uri))
        try PostgresMigrations.migrate(first, to: schemaVersion)
        idle.withLock { $0.append(first) }
        pool = NIOThreadPool(numberOfThreads: max(1, connections))
        pool.start()
    }

    deinit { try? pool.syncShutdownGracefully() }

    /// The URL without its password (`user:***@`, `password=***`). libcurl's URL parser, which
    /// `URLText` uses, takes no postgres:// URL.
    static func shown(_ uri: String) -> String {
        var text = uri
        if let scheme = text.firstRange(of: "://"), let at = text[scheme.upperBound...].firstIndex(of: "@"),
            let colon = text[scheme.upperBound..<at].firstIndex(of: ":")
        {
            text = String(text[..<colon]) + ":***" + String(text[at...])
        }
        guard let mark = text.firstIndex(of: "?") else { return text }
        let query = text[text.index(after: mark)...].split(separator: "&", omittingEmptySubsequences: false).map { pair in
            pair.lowercased().hasPrefix("password=") ? "password=***" : String(pair)
        }
        return String(text[...mark]) + query.joined(separator: "&")
    }

    /// The secrets a postgres:// URL holds, to register before anything can print them: the
    /// user-info password and a `password=` parameter, as written and percent-decoded.
    package static func credentials(in uri: String) -> [String] {
        var found: [String] = []
        if let scheme = uri.firstRange(of: "://") {
            let authority = uri[scheme.upperBound...].prefix { $0 != "/" && $0 != "?" }
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                found.append(String(authority[authority.index(after: colon)..<at]))
            }
        }
        if let mark = uri.firstIndex(of: "?") {
            for pair in uri[uri.index(after: mark)...].split(separator: "&") where pair.lowercased().hasPrefix("password=") {
                found.append(String(pair.dropFirst("password=".count)))
            }
        }
        let decoded = found.map(PercentEncoding.decoded)
        return (found + decoded).filter { !$0.isEmpty }
    }

    /// The schema version the database has.
    package func schemaVersion() async throws(StoreError) -> Int {
        try await run { connection throws(StoreError) in
            Int(try connection.query("SELECT version FROM perfgate_schema").first?.first?.integer ?? 0)
        }
    }

    /// `body` on a pool thread with a connection; a connection that broke is not reused.
    private func run<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws(StoreError) -> T) async throws(StoreError) -> T {
        let outcome: Result<T, StoreError>
        do {
            outcome = try await pool.runIfActive { [self] in
                let connection: PostgresConnection
                if let reused = idle.withLock({ $0.popLast() }) {
                    connection = reused
                } else {
                    do throws(StoreError) {
                        connection = try PostgresConnection(uri: uri, password: password, shown: Self.shown(uri))
                    } catch {
                        return .failure(error)
                    }
                }
                let result: Result<T, StoreError>
                do throws(StoreError) {
                    result = .success(try body(connection))
                } catch {
                    result = .failure(error)
                }
                if connection.isUp { idle.withLock { $0.append(connection) } }
                return result
            }
        } catch {
            throw StoreError("the PostgreSQL store \(description) is shutting down")
        }
        return try outcome.get()
    }

    package func record(_ run: NewRun, retention: Retention) async throws(StoreError) -> RecordOutcome {
        let sql = self.sql
        return try await self.run { connection throws(StoreError) in
            try connection.transaction { () throws(StoreError) -> RecordOutcome in
                guard let id = try connection.query(sql.insert, RunSQL.insertValues(run)).first?.first?.integer else {
                    // Another request recorded this step first (the insert did nothing).
                    let key = run.idempotencyKey ?? ""
                    guard let id = try connection.query(sql.idByIdempotencyKey, [.text(key)]).first?.first?.integer else {
                        throw StoreError("the PostgreSQL store refused run \(key) and has no run under its key")
                    }
                    return .duplicate(id: id)
                }
                for (statement, values) in sql.retention(key: RunKey(context: run.record.context), branch: run.branch, retention) {
                    try connection.query(statement, values)
                }
                return .recorded(id: id)
            }
        }
    }

    package func comparison(_ query: ComparisonQuery) async throws(StoreError) -> [HistoryRecord] {
        guard query.limit > 0, !query.results.isEmpty else { return [] }
        let (statement, values) = sql.comparison(query)
        let rows = try await run { connection throws(StoreError) in try connection.query(statement, values) }
        return rows.compactMap { row in row.first?.text.flatMap { try? HistoryRecord.parse($0).get() } }
    }

    package func runs(_ filter: RunFilter) async throws(StoreError) -> [StoredRun] {
        let (statement, values) = sql.runs(filter)
        return try await run { connection throws(StoreError) in try connection.query(statement, values) }.compactMap { RunSQL.run($0) }
    }

    package func run(id: Int64) async throws(StoreError) -> StoredRun? {
        let statement = sql.runById
        let row = try await run { connection throws(StoreError) in try connection.query(statement, [.integer(id)]).first }
        return row.flatMap { RunSQL.run($0, report: $0.last?.text) }
    }

    package func run(reference: String, key: RunKey) async throws(StoreError) -> StoredRun? {
        if let id = Int64(reference), let run = try await run(id: id) { return run }
        let statement = sql.idByTag
        let row = try await run { connection throws(StoreError) in try connection.query(statement, key.values + [.text(reference)]).first }
        guard let id = row?.first?.integer else { return nil }
        return try await run(id: id)
    }

    package func update(id: Int64, _ change: RunChange) async throws(StoreError) -> StoredRun? {
        let sql = self.sql
        let changed = try await run { connection throws(StoreError) -> Bool in
            try connection.transaction { () throws(StoreError) -> Bool in
                guard try !connection.query(sql.exists, [.integer(id)]).isEmpty else { return false }
                for (statement, values) in sql.update(id: id, change) { try connection.query(statement, values) }
                return true
            }
        }
        return changed ? try await run(id: id) : nil
    }

    package func baseline(_ key: RunKey) async throws(StoreError) -> Baseline? {
        let statement = sql.baseline
        let row = try await run { connection throws(StoreError) in try connection.query(statement, key.values).first }
        guard let row, let id = row[0].integer else { return nil }
        return Baseline(key: key, runId: id, by: row[1].text, at: row[2].real ?? 0)
    }

    package func pin(_ key: RunKey, runId: Int64, by: String?, at: Double) async throws(StoreError) -> Bool {
        let sql = self.sql
        return try await run { connection throws(StoreError) in
            try connection.transaction { () throws(StoreError) -> Bool in
                guard try !connection.query(sql.exists, [.integer(runId)]).isEmpty else { return false }
                try connection.query(sql.pin, key.values + [.integer(runId), .optional(by), .real(at)])
                return true
            }
        }
    }

    package func unpin(_ key: RunKey) async throws(StoreError) -> Bool {
        let statement = sql.unpin + " RETURNING run_id"
        return try await run { connection throws(StoreError) in try !connection.query(statement, key.values).isEmpty }
    }

    package func services(limit: Int) async throws(StoreError) -> [ServiceSummary] {
        let statement = sql.services
        let rows = try await run { connection throws(StoreError) in try connection.query(statement, [.integer(Int64(max(0, limit)))]) }
        return rows.compactMap { row in
            guard let run = RunSQL.run(row), let count = row.last?.integer else { return nil }
            return ServiceSummary(key: run.key, runs: Int(count), latest: run)
        }
    }
}
