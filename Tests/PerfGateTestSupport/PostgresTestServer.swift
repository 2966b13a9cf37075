import Foundation

/// The PostgreSQL server `.ci/run` starts (scripts/postgres-server), named by
/// PERFGATE_TEST_POSTGRES_URL. Its tests run when it is there, and when PERFGATE_REQUIRE_SERVERS
/// is set (CI), where a missing server is a failure, not a skip.
package enum PostgresTestServer {
    package static var url: String? {
        ProcessInfo.processInfo.environment["PERFGATE_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    package static var isAvailable: Bool { url != nil || ProcessInfo.processInfo.environment["PERFGATE_REQUIRE_SERVERS"] == "1" }

    /// A new, empty database on the server (the role may create them), and its URL.
    package static func freshDatabase() throws -> String {
        guard let url else {
            throw FixtureError("no PostgreSQL server: start one with scripts/postgres-server start DIR and set PERFGATE_TEST_POSTGRES_URL")
        }
        let name = "perfgate_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "_")
        try psql(url, "CREATE DATABASE \(name)")
        guard let slash = url.range(of: "/", options: .backwards) else { throw FixtureError("\(url) names no database") }
        return String(url[..<slash.upperBound]) + name
    }

    /// Runs one statement with psql.
    package static func psql(_ url: String, _ statement: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = [url, "-v", "ON_ERROR_STOP=1", "-q", "-c", statement]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw FixtureError("psql \(statement): \(String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))")
        }
    }
}
