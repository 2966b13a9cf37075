import Foundation
import PerfGateTestSupport
import Testing

/// Compares a rendering with its golden file; `RECORD_GOLDEN=1 swift test` rewrites the files.
enum Golden {
    static let folder = Fixtures.folder(#filePath, "Golden")

    static func check(_ actual: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let path = folder + "/" + name
        if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" {
            try Fixtures.write(actual, to: path)
            return
        }
        let expected = try Fixtures.read(path)
        #expect(actual == expected, "differs from \(name); RECORD_GOLDEN=1 rewrites it", sourceLocation: sourceLocation)
    }

    /// Writes `text` to a temporary file and returns its path, for external validators.
    static func temporaryFile(_ text: String, named name: String) throws -> String {
        let path = try Fixtures.temporaryFolder() + "/" + name
        try Fixtures.write(text, to: path)
        return path
    }
}

/// Runs a command and returns its exit status and combined output.
func run(_ executable: String, _ arguments: [String]) throws -> (Int32, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [executable] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}
