import PerfGateCore
import PerfGateTestSupport
import Testing

@Suite struct PerfGateCommandTests {
    @Test func printsItsVersion() throws {
        let output = try PerfGateBinary.run(["--version"])
        #expect(output.status == 0)
        #expect(output.stdout == PerfGateVersion.current + "\n")
    }

    @Test func helpShowsExamplesAndExitCodes() throws {
        for command in ["evaluate", "validate"] {
            let output = try PerfGateBinary.run(["help", command])
            #expect(output.status == 0)
            #expect(output.stdout.contains("Examples:"))
            #expect(output.stdout.contains("perfgate \(command) --spec"))
        }
        let root = try PerfGateBinary.run(["--help"])
        #expect(root.stdout.contains("64 usage error, 65 invalid spec or input"))
    }
}
