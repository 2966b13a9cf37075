import CPostgres
import Glibc
import PerfGateCore

/// One connection through libpq, loaded at run time (`Sources/CPostgres`). Not thread-safe: the
/// store hands each connection to one operation at a time, through its idle list's lock (hence
/// the unchecked Sendable: it crosses threads, never shared).
final class PostgresConnection: @unchecked Sendable {
    private var handle: UnsafeMutableRawPointer?
    let shown: String

    /// Connects; `shown` (the URL without its password) names the server in messages.
    init(uri: String, password: String?, shown: String) throws(StoreError) {
        self.shown = shown
        try Self.loadLibrary()
        let handle = perfgate_pq_connect(uri, password)
        guard perfgate_pq_connected(handle) != 0 else {
            let reason = Self.trimmed(String(cString: perfgate_pq_connection_error(handle)))
            perfgate_pq_finish(handle)
            throw StoreError(
                "cannot connect to the PostgreSQL store \(shown): \(reason); check the URL, the password (PGPASSWORD or --store-password-file) and sslmode"
            )
        }
        self.handle = handle
    }

    deinit { perfgate_pq_finish(handle) }

    static func loadLibrary() throws(StoreError) {
        var buffer = [CChar](repeating: 0, count: 512)
        guard perfgate_pq_load(&buffer, buffer.count) == 0 else {
            let reason = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw StoreError(
                "the PostgreSQL store needs libpq (PostgreSQL's client library), which cannot be loaded (\(reason)); install it: apt-get install libpq5, dnf install libpq, or apk add libpq"
            )
        }
    }

    /// Whether the connection still works (after a failure, the pool drops it rather than reuse it).
    var isUp: Bool { perfgate_pq_connected(handle) != 0 }

    /// A statement's rows, each value text or nil (SQL NULL).
    @discardableResult
    func query(_ sql: String, _ parameters: [SQLValue] = []) throws(StoreError) -> [[SQLValue]] {
        // PostgreSQL's text cannot hold NUL, and a C string would end there: refused, never cut.
        if parameters.contains(where: { $0.text?.utf8.contains(0) == true }) {
            throw StoreError("the PostgreSQL store cannot keep text with a NUL character (a label, a branch, a reason)", unavailable: false)
        }
        let texts: [String?] = parameters.map { value in
            switch value {
            case .null: return nil
            case .integer(let number): return String(number)
            // Shortest text that reads back as the same double.
            case .real(let number): return "\(number)"
            case .text(let text): return text
            }
        }
        let result = Self.withCStrings(texts) { pointers in perfgate_pq_exec(handle, sql, Int32(pointers.count), pointers) }
        defer { perfgate_pq_clear(result) }
        let status = perfgate_pq_status(result)
        guard status != 0 else {
            let message = Self.trimmed(String(cString: perfgate_pq_result_error(result)))
            let state = perfgate_pq_sqlstate(result).map { String(cString: $0) }
            // 23xxx: a constraint refused the change; anything else is the server or the connection.
            throw StoreError(
                "the PostgreSQL store \(shown) failed: \(message.isEmpty ? String(cString: perfgate_pq_connection_error(handle)) : message)",
                unavailable: !(state?.hasPrefix("23") ?? false))
        }
        guard status == 2 else { return [] }
        let rows = Int(perfgate_pq_rows(result)), columns = Int(perfgate_pq_columns(result))
        var table: [[SQLValue]] = []
        table.reserveCapacity(rows)
        for row in 0..<rows {
            var values: [SQLValue] = []
            values.reserveCapacity(columns)
            for column in 0..<columns {
                guard let text = perfgate_pq_value(result, Int32(row), Int32(column)) else {
                    values.append(.null)
                    continue
                }
                let length = Int(perfgate_pq_length(result, Int32(row), Int32(column)))
                values.append(
                    .text(
                        text.withMemoryRebound(to: UInt8.self, capacity: length) {
                            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
                        }))
            }
            table.append(values)
        }
        return table
    }

    /// `body` in one transaction; rolled back when it throws.
    func transaction<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try query("BEGIN")
        do {
            let value = try body()
            try query("COMMIT")
            return value
        } catch {
            _ = try? query("ROLLBACK")
            throw error
        }
    }

    /// The texts as C strings (nil stays NULL) for the duration of `body`.
    static func withCStrings<T>(_ texts: [String?], _ body: ([UnsafePointer<CChar>?]) -> T) -> T {
        var buffers: [UnsafeMutablePointer<CChar>?] = texts.map { text in text.map { strdup($0)! } }
        defer { for buffer in buffers { free(buffer) } }
        return buffers.withUnsafeMutableBufferPointer { pointers in body(pointers.map { $0.map { UnsafePointer($0) } }) }
    }

    static func trimmed(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }.joined(separator: "; ")
    }
}
