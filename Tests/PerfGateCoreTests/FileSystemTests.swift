import Foundation
import PerfGateCore
import PerfGateTestSupport
import Testing

@Suite struct FileSystemTests {
    @Test func writesAtomicallyCreatingFolders() throws {
        let folder = try Fixtures.temporaryFolder()
        let path = folder + "/a/b/report.json"
        try FileSystem.writeAtomically("first", to: path)
        try FileSystem.writeAtomically("second", to: path)
        #expect(try Fixtures.read(path) == "second")
        // No temporary file is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/a/b") == ["report.json"])
    }

    @Test func reportsUnreadableFilesWithTheSystemsReason() throws {
        #expect(throws: FileError(path: "/nonexistent/x", reason: "no such file or directory")) {
            try FileSystem.read("/nonexistent/x")
        }
        let folder = try Fixtures.temporaryFolder()
        #expect(throws: FileError(path: folder, reason: "is a directory, not a regular file; give the path of a file", invalid: true)) {
            try FileSystem.read(folder)
        }
    }

    @Test func refusesFilesOverTheLimit() throws {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(String(repeating: "x", count: 3 << 20), to: folder + "/big")
        #expect(throws: FileError(path: folder + "/big", reason: "larger than the 1 MiB limit", invalid: true)) {
            try FileSystem.read(folder + "/big", limit: 1 << 20)
        }
    }

    @Test func pathsResolveAgainstTheSpecFolder() {
        #expect(Path.resolve("results.jtl", against: "specs") == "specs/results.jtl")
        #expect(Path.resolve("/abs/results.jtl", against: "specs") == "/abs/results.jtl")
        #expect(Path.directory(of: "perfspec.json") == "")
        #expect(Path.directory(of: "/perfspec.json") == "/")
        #expect(Path.fileExtension(of: "dir.v2/perfspec.YML") == "yml")
        #expect(Path.fileExtension(of: ".hidden") == nil)
    }

    @Test func detectsTheFormat() {
        #expect(DocumentFormat.detect(path: "spec.json", bytes: Array("a: 1".utf8)) == .json)
        #expect(DocumentFormat.detect(path: "perfspec", bytes: Array("  \n{\"a\": 1}".utf8)) == .json)
        #expect(DocumentFormat.detect(path: "perfspec", bytes: [0xEF, 0xBB, 0xBF] + Array("[1]".utf8)) == .json)
        #expect(DocumentFormat.detect(path: "perfspec", bytes: Array("# comment\na: 1".utf8)) == .yaml)
    }
}

/// Class 6 of the hostile-input review: nobody who can write to the report folder can redirect a write.
@Suite struct AtomicWriteTests {
    @Test func aPlantedLinkRedirectsNothing() throws {
        let folder = try Fixtures.temporaryFolder()
        let victim = folder + "/victim"
        try Fixtures.write("precious", to: victim)
        // The names the old scheme used (.NAME.PID.tmp, PIDs predictable in containers), and the destination itself.
        #expect(symlink(victim, folder + "/.r.json.\(getpid()).tmp") == 0)
        #expect(symlink(victim, folder + "/link.json") == 0)
        try FileSystem.writeAtomically("report", to: folder + "/r.json")
        try FileSystem.writeAtomically("report", to: folder + "/link.json")
        #expect(try Fixtures.read(victim) == "precious")
        #expect(try Fixtures.read(folder + "/r.json") == "report")
        #expect(try Fixtures.read(folder + "/link.json") == "report")
        // No temporary is left behind, and the report is readable like any file the user makes.
        #expect(try Fixtures.list(folder).filter { $0.hasPrefix(".r.json.") && !$0.hasSuffix(".tmp") }.isEmpty)
        let mode = try FileManager.default.attributesOfItem(atPath: folder + "/r.json")[.posixPermissions] as? Int
        #expect(mode.map { $0 & 0o600 } == 0o600)
    }
}
