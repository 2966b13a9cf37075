import PerfGateCore
import PerfGateTestSupport
import Testing

@Suite struct PerfGateCommandTests {
    @Test func printsItsVersion() async throws {
        let output = try await InProcess.run(["--version"])
        #expect(output.status == 0)
        #expect(output.stdout == PerfGateVersion.current + "\n")
    }

    @Test func helpShowsExamplesAndExitCodes() async throws {
        for command in ["evaluate", "validate"] {
            let output = try await InProcess.run(["help", command])
            #expect(output.status == 0)
            #expect(output.stdout.contains("Examples:"))
            #expect(output.stdout.contains("perfgate \(command) --spec"))
        }
        let root = try await InProcess.run(["--help"])
        #expect(root.stdout.contains("64 usage error, 65 invalid spec or input"))
    }
}
