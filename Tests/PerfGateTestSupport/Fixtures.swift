import Foundation

/// Paths and scratch space for tests.
package enum Fixtures {
    /// The package root, found from this file's path.
    package static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// The fixture folder next to a test file: `Fixtures.folder(#filePath, "JMeter")`.
    package static func folder(_ testFile: String = #filePath, _ name: String) -> String {
        URL(fileURLWithPath: testFile).deletingLastPathComponent().appendingPathComponent("Fixtures")
            .appendingPathComponent(name).path
    }

    /// A new empty folder, inside this test process's own folder under the system's temporary
    /// folder; that one is removed when the process exits, so a run leaves nothing behind.
    package static func temporaryFolder() throws -> String {
        let path = processFolder + "/" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// `perfgate-tests-PID` under the temporary folder, made on first use and removed at exit.
    /// (Servers the tests start are stopped by exit handlers registered later, which run first.)
    package static let processFolder: String = {
        let path = NSTemporaryDirectory() + "perfgate-tests-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: Fixtures.processFolder) }
        return path
    }()

    package static func write(_ text: String, to path: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    package static func read(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }

    /// The names in a folder, sorted, hidden ones included.
    package static func list(_ folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    }
}
