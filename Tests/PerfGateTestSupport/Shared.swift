import Foundation
import Testing

/// `../shared` beside the clone: third-party files (the JUnit XSDs, the Azure and GitHub schemas,
/// real-world result files) that are read from there, never copied into the repository.
///
/// From a bare clone, tests that need them are skipped ("skipped: ../shared not present"). CI
/// always has `../shared` and sets `PERFGATE_REQUIRE_SHARED=1`, which turns those skips into
/// failures.
package enum Shared {
    package static var folder: String {
        ProcessInfo.processInfo.environment["PERFGATE_SHARED"] ?? Fixtures.packageRoot + "/../shared"
    }

    package static var isPresent: Bool { FileManager.default.fileExists(atPath: folder + "/schemas") }

    /// Whether tests that read `../shared` run: when it is there, or when it is required (then a
    /// missing `../shared` fails them).
    package static var enabled: Bool {
        isPresent || ProcessInfo.processInfo.environment["PERFGATE_REQUIRE_SHARED"] == "1"
    }

    package static let skipped: Comment = "../shared not present"

    /// The JUnit XSDs: the strict Ant schema and Jenkins' xUnit schema.
    package static var junitSchemas: [String] { ["junit-10.xsd", "junit-ant-strict.xsd"].map { folder + "/schemas/" + $0 } }

    /// xmllint's complaints about a JUnit file, schema by schema; empty when it is valid against both.
    package static func junitProblems(_ path: String) throws -> [String] {
        var problems: [String] = []
        for schema in junitSchemas {
            let xmllint = Process()
            xmllint.executableURL = URL(fileURLWithPath: "/usr/bin/xmllint")
            xmllint.arguments = ["--noout", "--schema", schema, path]
            let errors = Pipe()
            xmllint.standardError = errors
            xmllint.standardOutput = FileHandle.nullDevice
            try xmllint.run()
            let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            xmllint.waitUntilExit()
            if xmllint.terminationStatus != 0 { problems.append("\(schema): \(text)") }
        }
        return problems
    }

    /// Checks a JUnit file against both XSDs where `../shared` is available; a test that checks
    /// more than the schema keeps running from a bare clone, without this part.
    package static func expectValidJUnit(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        guard enabled else { return }
        let problems = try junitProblems(path)
        #expect(problems.isEmpty, "\(problems)", sourceLocation: sourceLocation)
    }
}
