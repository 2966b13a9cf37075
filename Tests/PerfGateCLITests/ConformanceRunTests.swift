import PerfGateCore
import PerfGateTestSupport
import Testing

/// Two Pitometer run cases end to end through `perfgate evaluate`: the engine's suite runs all of
/// them in-process (PerfGateEngineTests/ConformanceTests); these check that the binary gives the
/// same result JSON and exit code.
@Suite struct ConformanceRunTests {
    static let runCases = Conformance.cases("run-cases.jsonl")

    /// Writes the case's spec, evaluates it, and returns the exit status and the result JSON.
    static func evaluate(_ spec: Node) throws -> (status: Int32, result: Node?, output: PerfGateBinary.Output) {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(JSONWriter.write(spec), to: folder + "/perfspec.json")
        let output = try PerfGateBinary.run(["evaluate", "--spec", folder + "/perfspec.json", "--json", folder + "/result.json"])
        let result = try? JSONParser.parse(Fixtures.read(folder + "/result.json"))
        return (output.status, result, output)
    }

    /// The Pitometer fields of each indicator result: id, violations, score.
    static func pitometerFields(_ result: Node) -> [Node] {
        (result["indicatorResults"]?.items ?? []).map { indicator in
            .object([("id", indicator["id"]!), ("violations", indicator["violations"]!), ("score", indicator["score"]!)])
        }
    }

    static func expectMatches(_ result: Node?, _ expected: Node, status: Int32) {
        guard let result else {
            Issue.record("no result JSON was written")
            return
        }
        #expect(result["totalScore"] == expected["totalScore"])
        #expect(result["result"] == expected["result"])
        #expect(Node.array(pitometerFields(result)) == expected["indicatorResults"]!)
        #expect(status == (expected["result"]?.stringValue == "fail" ? 1 : 0))
    }

    /// A scored case and a rejected one.
    static let smokeCases = runCases.filter { ["fractional-scores", "objectives-missing"].contains($0.name) }

    @Test func bothSmokeCasesAreLoaded() { #expect(Self.smokeCases.count == 2) }

    @Test(arguments: smokeCases)
    func runCase(_ testCase: Conformance.Case) throws {
        let node = testCase.node
        let (status, result, output) = try Self.evaluate(node["spec"]!)
        let perfgate = node["perfgate"]!
        if perfgate.stringValue == "same as reference" {
            Self.expectMatches(result, node["reference"]!, status: status)
            return
        }
        if let order = perfgate["order"]?.items {
            // Deviation 7: spec order, reference scores.
            #expect(result?["indicatorResults"]?.items?.compactMap { $0["id"]?.stringValue } == order.compactMap(\.stringValue))
            #expect(result?["totalScore"] == node["reference"]?["totalScore"])
            return
        }
        let expectedExit = Int32(perfgate["exit"]?.numberValue ?? -1)
        #expect(status == expectedExit, "\(output.stderr)")
        switch expectedExit {
        case 65:
            // Rejected before any query, with the problem's path on stderr; the report says so.
            #expect(result?["result"]?.stringValue == "error" && result?["exitCode"]?.numberValue == 65)
            #expect(result?["indicatorResults"]?.items?.isEmpty == true)
            #expect(output.stderr.contains("error:"))
        case 2:
            #expect(result?["result"]?.stringValue == "error")
            let indicators = result?["indicatorResults"]?.items ?? []
            #expect(indicators.first?["score"]?.numberValue == 0)
            #expect(indicators.first?["error"]?.stringValue?.isEmpty == false)
            if testCase.name == "source-throws" {
                #expect(indicators.first?["error"]?.stringValue == "The given timeseries id is not configured.")
                #expect(indicators.last?["score"]?.numberValue == 50)
            }
        default:
            Issue.record("unexpected perfgate expectation \(perfgate)")
        }
    }
}
