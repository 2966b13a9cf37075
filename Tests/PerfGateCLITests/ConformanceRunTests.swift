import PerfGateCore
import PerfGateTestSupport
import Testing

/// Two Pitometer run cases end to end through `perfgate evaluate`: the engine's suite runs all of
/// them in-process (PerfGateEngineTests/ConformanceTests); these check that the binary gives the
/// same result JSON and exit code.
@Suite struct ConformanceRunTests {
    static let runCases = Conformance.cases("run-cases.jsonl")

    /// Writes the case's spec, evaluates it, and returns the exit status and the result JSON.
    static func evaluate(_ spec: Node) async throws -> (status: Int32, result: Node?, output: PerfGateBinary.Output) {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(JSONWriter.write(spec), to: folder + "/perfspec.json")
        let output = try await InProcess.run(["evaluate", "--spec", folder + "/perfspec.json", "--json", folder + "/result.json"])
        let result = try? JSONParser.parse(Fixtures.read(folder + "/result.json"))
        return (output.status, result, output)
    }

    /// A scored case and a rejected one.
    static let smokeCases = runCases.filter { ["fractional-scores", "objectives-missing"].contains($0.name) }

    @Test func bothSmokeCasesAreLoaded() { #expect(Self.smokeCases.count == 2) }

    @Test(arguments: smokeCases)
    func runCase(_ testCase: Conformance.Case) async throws {
        let node = testCase.node
        let (status, result, output) = try await Self.evaluate(node["spec"]!)
        if node["perfgate"]?.stringValue == "same as reference" {
            Conformance.expectMatches(result, node["reference"]!, status: status)
            return
        }
        // Rejected before any query, with the problem's path on stderr; the report says so.
        #expect(status == 65, "\(output.stderr)")
        #expect(result?["result"]?.stringValue == "error" && result?["exitCode"]?.numberValue == 65)
        #expect(result?["indicatorResults"]?.items?.isEmpty == true)
        #expect(output.stderr.contains("error:"))
    }
}
