import PerfGateCore
import PerfGateEngine
import PerfGateReports
import PerfGateTestSupport
import Testing

/// The Pitometer run cases and the differential sample, through the engine in-process: the spec
/// from memory, the result as the JSON report writes it. (Two of them also run through the
/// binary, in the CLI suite.)
@Suite struct ConformanceTests {
    static let runCases = Conformance.cases("run-cases.jsonl")
    static let differential = Conformance.cases("differential-sample.jsonl")

    @Test func allReferenceCasesAreLoaded() {
        #expect(Self.runCases.count == 18)
        #expect(Self.differential.count == 60)
    }

    struct Outcome {
        var status: Int32
        var result: Node?
        var lines: [String]
    }

    /// The case's spec evaluated; the status is the CLI's exit code for it.
    static func evaluate(_ spec: Node) async -> Outcome {
        let diagnostics = CollectedDiagnostics()
        let files = MemoryFiles(files: ["/case/perfspec.json": JSONWriter.write(spec)])
        let gate = Gate(
            environment: GateEnvironment(
                now: { 1_714_565_000 }, variables: [:], http: FakePrometheus(value: "1"), files: files, diagnostics: diagnostics))
        do {
            let outcome = try await gate.evaluate(GateRequest(specPath: "/case/perfspec.json"))
            let result = try JSONParser.parse(JSONReport.render(outcome.result))
            let status: Int32 =
                switch outcome.result.verdict {
                case .fail: 1
                case .error: 2
                case .pass, .warning: 0
                }
            return Outcome(status: status, result: result, lines: diagnostics.lines.map(\.text))
        } catch let error as GateError {
            return Outcome(status: error.kind == .usage ? 64 : 65, result: nil, lines: diagnostics.lines.map(\.text))
        } catch {
            Issue.record("\(error)")
            return Outcome(status: -1, result: nil, lines: [])
        }
    }

    static func expectMatches(_ outcome: Outcome, _ expected: Node) {
        if outcome.result == nil { Issue.record("\(outcome.lines)") }
        Conformance.expectMatches(outcome.result, expected, status: outcome.status)
    }

    @Test(arguments: runCases)
    func runCase(_ testCase: Conformance.Case) async {
        let node = testCase.node
        let outcome = await Self.evaluate(node["spec"]!)
        let perfgate = node["perfgate"]!
        if perfgate.stringValue == "same as reference" {
            Self.expectMatches(outcome, node["reference"]!)
            return
        }
        if let order = perfgate["order"]?.items {
            // Deviation 7: spec order, reference scores.
            #expect(outcome.result?["indicatorResults"]?.items?.compactMap { $0["id"]?.stringValue } == order.compactMap(\.stringValue))
            #expect(outcome.result?["totalScore"] == node["reference"]?["totalScore"])
            return
        }
        let expectedExit = Int32(perfgate["exit"]?.numberValue ?? -1)
        #expect(outcome.status == expectedExit, "\(outcome.lines)")
        switch expectedExit {
        case 65:
            // Rejected before any query, with the problem's path said.
            #expect(outcome.result == nil)
            #expect(outcome.lines.contains { $0.contains("error:") }, "\(outcome.lines)")
        case 2:
            let indicators = outcome.result?["indicatorResults"]?.items ?? []
            #expect(outcome.result?["result"]?.stringValue == "error")
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

    @Test(arguments: differential)
    func differentialCase(_ testCase: Conformance.Case) async {
        Self.expectMatches(await Self.evaluate(testCase.node["spec"]!), testCase.node["expect"]!)
    }
}
