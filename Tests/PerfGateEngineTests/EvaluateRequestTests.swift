import PerfGateCore
import PerfGateEngine
import Testing

/// The evaluate API's one request type: what the client writes, the server reads back whole.
@Suite struct EvaluateRequestTests {
    static let requests: [EvaluateRequest] = [
        EvaluateRequest(spec: .object(.object([("indicators", .array([])), ("objectives", .object([("pass", .number(1))]))]))),
        EvaluateRequest(
            spec: .text("indicators: []\n", name: "perf/spec.yaml"), start: .seconds(1_714_564_800.5), end: .text("now"),
            variables: ["SERVICE": "checkout", "A": "x\"y"], history: .text("{\"result\":\"pass\"}\n")),
        EvaluateRequest(spec: .text("{}", name: nil, sli: "indicators: {}", sliName: "sli.yaml"), start: .text("now-15m")),
        EvaluateRequest(
            spec: .keptn(slo: "objectives: []", sloName: "keptn/slo.yaml", sli: "indicators: {}", sliName: "keptn/prometheus/sli.yaml"),
            sliProvider: "prometheus", history: .records([.object([("result", .string("pass"))])]))
    ]

    @Test(arguments: requests)
    func whatTheClientWritesTheServerReadsWhole(_ request: EvaluateRequest) throws {
        let body = request.body
        #expect(body["version"]?.numberValue == Double(EvaluateRequest.version))
        // Through the text on the wire, not only the tree.
        let wire = try JSONParser.parse(Array(JSONWriter.write(body).utf8))
        // The same request: the same body (a request is its body).
        #expect(try EvaluateRequest.parse(wire).body == body)
    }

    @Test func aBodyWithoutAVersionIsVersionOne() throws {
        let request = try EvaluateRequest.parse(.object([("spec", .string("{}"))]))
        #expect(request.version == 1)
        guard case .text("{}", name: nil, sli: nil, sliName: nil) = request.spec else {
            Issue.record("\(request.spec)")
            return
        }
    }

    @Test func aNewerContractIsRefusedWithWhatToDo() {
        #expect(throws: EvaluateRequest.Invalid.self) {
            try EvaluateRequest.parse(.object([("version", .number(2)), ("spec", .string("{}"))]))
        }
        do {
            _ = try EvaluateRequest.parse(.object([("version", .number(2)), ("spec", .string("{}"))]))
        } catch {
            #expect(error.isUsage && error.message.contains("update perfgate on the server"), "\(error.message)")
        }
        for bad: Node in [.number(0), .number(1.5), .string("1")] {
            #expect(throws: EvaluateRequest.Invalid.self) { try EvaluateRequest.parse(.object([("version", bad), ("spec", .string("{}"))])) }
        }
    }

    @Test(arguments: [
        (#"{"spec": 1}"#, "spec must be a string, not a number", false),
        (#"{"perfSpec": "x"}"#, "perfSpec must be an object, not a string", false),
        (#"{"slo": "x"}"#, "a Keptn quality gate needs its sli.yaml", false),
        (#"{"spec": "{}", "specName": "a\nb"}"#, "specName must be a file name", false),
        (#"{"spec": "{}", "start": true}"#, "start must be a time", true),
        (#"{"spec": "{}", "variables": {"A": []}}"#, "variables.A must be a string", true),
        (#"{"spec": "{}", "history": [1]}"#, "history must be the history file's text", false),
        ("{}", "the request has no spec", false)
    ])
    func eachProblemSaysWhichMemberAndHow(_ json: String, _ message: String, _ usage: Bool) throws {
        let body = try JSONParser.parse(Array(json.utf8))
        do {
            _ = try EvaluateRequest.parse(body)
            Issue.record("\(json) was accepted")
        } catch {
            #expect(error.message.contains(message), "\(error.message)")
            #expect(error.isUsage == usage)
        }
    }
}
