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

    /// A new empty folder under the system's temporary folder.
    package static func temporaryFolder() throws -> String {
        let path = NSTemporaryDirectory() + "perfgate-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

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
