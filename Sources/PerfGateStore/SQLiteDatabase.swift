import CSQLite
import PerfGateCore

/// One connection to an SQLite database file, through SQLite's C API. Not thread-safe: the store
/// that owns it serializes every use. Statements are prepared once and kept.
final class SQLiteDatabase {
    let path: String
    private var handle: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]

    /// Opens (and creates) the file; waits up to `busyTimeout` milliseconds for another process's lock.
    init(path: String, busyTimeout: Int32 = 5000) throws(StoreError) {
        self.path = path
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK, let handle else {
            let reason = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(status))
            sqlite3_close_v2(handle)
            throw StoreError("cannot open the SQLite store \(path): \(reason); check that its folder exists and is writable")
        }
        self.handle = handle
        sqlite3_busy_timeout(handle, busyTimeout)
        sqlite3_extended_result_codes(handle, 1)
    }

    deinit {
        for statement in statements.values { sqlite3_finalize(statement) }
        sqlite3_close_v2(handle)
    }

    /// Runs statements that return nothing (a schema, a pragma), separated by semicolons.
    func execute(_ sql: String) throws(StoreError) {
        var message: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &message)
        if status != SQLITE_OK {
            let reason = message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(status))
            sqlite3_free(message)
            throw failure(status, reason)
        }
    }

    /// The rows a statement returns.
    func query(_ sql: String, _ parameters: [SQLValue] = []) throws(StoreError) -> [[SQLValue]] {
        var rows: [[SQLValue]] = []
        try each(sql, parameters) { rows.append($0) }
        return rows
    }

    /// Runs a statement, handing each row to `body`; how many rows it changed.
    @discardableResult
    func each(_ sql: String, _ parameters: [SQLValue] = [], _ body: ([SQLValue]) -> Void = { _ in }) throws(StoreError) -> Int {
        let statement = try prepared(sql)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        for (index, parameter) in parameters.enumerated() {
            let position = Int32(index + 1)
            let status: Int32
            switch parameter {
            case .null: status = sqlite3_bind_null(statement, position)
            case .integer(let number): status = sqlite3_bind_int64(statement, position, number)
            case .real(let number): status = sqlite3_bind_double(statement, position, number)
            case .text(let text): status = perfgate_sqlite3_bind_text(statement, position, text, Int32(clamping: text.utf8.count))
            }
            guard status == SQLITE_OK else { throw failure(status, lastMessage) }
        }
        let columns = sqlite3_column_count(statement)
        while true {
            let status = sqlite3_step(statement)
            if status == SQLITE_DONE { break }
            guard status == SQLITE_ROW else { throw failure(status, lastMessage) }
            var row: [SQLValue] = []
            row.reserveCapacity(Int(columns))
            for column in 0..<columns {
                switch sqlite3_column_type(statement, column) {
                case SQLITE_INTEGER: row.append(.integer(sqlite3_column_int64(statement, column)))
                case SQLITE_FLOAT: row.append(.real(sqlite3_column_double(statement, column)))
                case SQLITE_NULL: row.append(.null)
                default:
                    let count = Int(sqlite3_column_bytes(statement, column))
                    if let bytes = sqlite3_column_text(statement, column) {
                        row.append(.text(String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)))
                    } else {
                        row.append(.text(""))
                    }
                }
            }
            body(row)
        }
        return Int(sqlite3_changes(handle))
    }

    var lastInsertedRow: Int64 { sqlite3_last_insert_rowid(handle) }

    /// `body` in one transaction that takes the write lock at once (no deadlock between a reader
    /// that becomes a writer and another writer); rolled back when it throws.
    func transaction<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    private func prepared(_ sql: String) throws(StoreError) -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        var statement: OpaquePointer?
        let status = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard status == SQLITE_OK, let statement else { throw failure(status, lastMessage) }
        statements[sql] = statement
        return statement
    }

    private var lastMessage: String { String(cString: sqlite3_errmsg(handle)) }

    private func failure(_ status: Int32, _ reason: String) -> StoreError {
        switch status & 0xff {
        case SQLITE_BUSY, SQLITE_LOCKED:
            return StoreError(
                "the SQLite store \(path) stayed locked by another process (\(reason)); one perfgate serve per SQLite file, or use PostgreSQL for several replicas"
            )
        case SQLITE_FULL:
            return StoreError("the disk of the SQLite store \(path) is full (\(reason)); free space or lower --retain-runs")
        case SQLITE_READONLY, SQLITE_PERM, SQLITE_CANTOPEN:
            return StoreError("cannot write the SQLite store \(path) (\(reason)); check the file's and its folder's permissions")
        case SQLITE_CORRUPT, SQLITE_NOTADB:
            return StoreError("the SQLite store \(path) is damaged or not a database (\(reason)); restore it from a backup or move it aside")
        case SQLITE_CONSTRAINT:
            return StoreError("the SQLite store \(path) refused a change (\(reason))", unavailable: false)
        default:
            return StoreError("the SQLite store \(path) failed: \(reason)")
        }
    }
}
