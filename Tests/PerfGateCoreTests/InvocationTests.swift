import PerfGateCore
import PerfGateTestSupport
import Synchronization
import Testing

/// One run's environment, folder, output and secrets stay its own.
@Suite struct InvocationTests {
    @Test func secretsRegisteredInOneRunAreHiddenOnlyThere() async {
        let first = Invocation(environment: [:])
        let second = Invocation(environment: [:])
        Invocation.$current.withValue(first) { Invocation.current.secrets.register(["first-run-secret"]) }
        #expect(Invocation.$current.withValue(first) { Excerpt.of("a first-run-secret b") } == "a *** b")
        #expect(Invocation.$current.withValue(second) { Excerpt.of("a first-run-secret b") } == "a first-run-secret b")
        #expect(Redactor.current.redact("first-run-secret") == "first-run-secret")
    }

    @Test func relativePathsResolveAgainstTheRunsFolder() throws {
        let folder = try Fixtures.temporaryFolder()
        let run = Invocation(environment: [:], directory: folder)
        try Invocation.$current.withValue(run) {
            try FileSystem.writeAtomically("x", to: "sub/file.txt")
            #expect(FileSystem.exists("sub/file.txt"))
            #expect(FileSystem.list("sub") == ["file.txt"])
            #expect(FileSystem.glob("sub/*.txt") == ["sub/file.txt"])
            #expect(FileSystem.absolute("sub/file.txt") == folder + "/sub/file.txt")
            // A message names the path as it was given.
            #expect(throws: FileError.self) { try FileSystem.read("missing.json") }
            do { _ = try FileSystem.read("missing.json") } catch let error as FileError { #expect(error.path == "missing.json") }
        }
        #expect(try Fixtures.read(folder + "/sub/file.txt") == "x")
        #expect(!FileSystem.exists("sub/file.txt"))
    }

    @Test func linesGoToTheRunsOutputRedacted() {
        let lines = Mutex<[String]>([])
        let run = Invocation(environment: [:], output: { stream, text in lines.withLock { $0.append("\(stream.rawValue):\(text)") } })
        run.secrets.register(["token-1234"])
        Invocation.$current.withValue(run) {
            Log.write(.outside("sent token-1234"), to: .err)
            #expect(!Invocation.current.isTerminal(.out))
        }
        #expect(lines.withLock { $0 } == ["2:sent ***\n"])
    }
}
