import PerfGateCore
import PerfGateServer
import PerfGateTestSupport
import Testing

/// `POST /api/v1/evaluate`: what `evaluate` grades, sent in the request; the CLI's reports back.
@Suite struct EvaluateAPITests {
    static let slo = """
        spec_version: '1.0'
        comparison: {compare_with: single_result, include_result_with_score: pass, number_of_comparison_results: 1, aggregate_function: avg}
        objectives:
          - sli: response_time_p95
            pass: [{criteria: ["<=200", "<=+10%"]}]
            warning: [{criteria: ["<=300"]}]
        total_score: {pass: "90%", warning: "50%"}
        """
    static let sli = "spec_version: '1.0'\nindicators:\n  response_time_p95: histogram_quantile(0.95, rate(x[5m]))\n"

    static func json(_ text: String) -> String { JSONWriter.quoted(text) }

    @Test func aPerfSpecObjectGetsTheJSONReportWithTheHistoryRecord() async throws {
        let harness = ServiceHarness(backend: ScriptedPrometheus(values: [("shop", "120")]))
        let response = await harness.send(
            "POST", "/api/v1/evaluate", body: #"{"perfSpec":\#(ServiceHarness.perfSpec()),"start":"2024-05-01T12:00:00Z","end":1714565400}"#)
        #expect(response.status == 200)
        let report = try JSONParser.parse(Array(response.body.utf8))
        #expect(report["result"]?.stringValue == "warning")
        #expect(report["exitCode"]?.numberValue == 0)
        #expect(report["window"]?["start"]?.stringValue == "2024-05-01T12:00:00Z")
        #expect(report["historyRecord"]?["result"]?.stringValue == "warning")
        #expect(report["historyRecord"]?["indicators"]?.items?.first?["value"]?.numberValue == 120)
    }

    @Test func aYAMLSpecAndVariablesAndRelativeTimes() async throws {
        let spec = """
            indicators:
              - id: p95
                source: prometheus
                query: rate(x{job="$JOB"}[5m])
                grading: {type: Threshold, metricScore: 1, thresholds: {upperSevere: 200}}
            objectives: {pass: 1, warning: 1}
            """
        let harness = ServiceHarness(backend: ScriptedPrometheus(values: [("shop", "250")]))
        let response = await harness.send(
            "POST", "/api/v1/evaluate", body: #"{"spec":\#(Self.json(spec)),"start":"now-15m","variables":{"JOB":"checkout"}}"#)
        #expect(response.status == 200)
        let report = try JSONParser.parse(Array(response.body.utf8))
        #expect(report["result"]?.stringValue == "fail")
        #expect(report["exitCode"]?.numberValue == 1)
        let sent = harness.backend.requests.withLock { $0 }
        #expect(sent.first.map { String(decoding: $0.body ?? [], as: UTF8.self) }?.contains("checkout") == true)
        // now-15m on the server's clock.
        #expect(report["window"]?["durationSeconds"]?.numberValue == 900)
    }

    @Test func aKeptnGateComparesWithTheRunsTheRequestSent() async throws {
        let earlier =
            #"{"time":"2024-05-01T11:00:00Z","window":{"start":"2024-05-01T10:50:00Z","end":"2024-05-01T11:00:00Z"},"spec":{"kind":"slo","path":"slo.yaml"},"context":{},"result":"pass","score":100,"indicators":[{"id":"response_time_p95","key":"response_time_p95","value":100,"status":"pass","success":true}]}"#
        let harness = ServiceHarness(backend: ScriptedPrometheus(values: [("shop", "150")]))
        let body =
            #"{"slo":\#(Self.json(Self.slo)),"sli":\#(Self.json(Self.sli)),"start":1714564800,"end":1714565400,"history":\#(Self.json(earlier + "\n"))}"#
        let response = await harness.send("POST", "/api/v1/evaluate", body: body)
        #expect(response.status == 200)
        let report = try JSONParser.parse(Array(response.body.utf8))
        // 150 passes <=200 but not <=+10% of 100: a warning by <=300.
        #expect(report["result"]?.stringValue == "warning")
        #expect(report["comparedRuns"]?.items?.count == 1)
        // The same as an array of records.
        let asArray = await harness.send(
            "POST", "/api/v1/evaluate",
            body: #"{"slo":\#(Self.json(Self.slo)),"sli":\#(Self.json(Self.sli)),"start":1714564800,"end":1714565400,"history":[\#(earlier)]}"#)
        #expect(try JSONParser.parse(Array(asArray.body.utf8))["result"]?.stringValue == "warning")
    }

    @Test(arguments: [
        ("application/xml", "<?xml", "application/xml"), ("text/markdown", "perfgate", "text/markdown"),
        ("text/html, application/json;q=0.9", "{", "application/json"), ("*/*", "{", "application/json")
    ])
    func theAcceptHeaderChoosesTheReport(accept: String, start: String, type: String) async throws {
        let response = await ServiceHarness().send(
            "POST", "/api/v1/evaluate", body: #"{"perfSpec":\#(ServiceHarness.perfSpec()),"start":1714564800,"end":1714565400}"#,
            headers: ["accept": accept])
        #expect(response.status == 200)
        #expect(response.body.trimmingSpaces().hasPrefix(start) || response.body.contains(start))
        #expect(response.headers.first { $0.0 == "Content-Type" }?.1.hasPrefix(type) == true)
    }

    @Test func aReportNoOneAcceptsIs406() async {
        let response = await ServiceHarness().send("POST", "/api/v1/evaluate", body: "{}", headers: ["accept": "image/png"])
        #expect(response.status == 406)
    }

    @Test(arguments: [
        ("{}", "the request has no spec", 65),
        (#"{"perfSpec":"indicators: []"}"#, "perfSpec must be an object", 65),
        (#"{"slo":"objectives: []"}"#, "needs its sli.yaml", 65),
        (#"{"spec":"indicators: [\n"}"#, "invalid", 65),
        (#"{"perfSpec":{"indicators":[]},"end":1}"#, "end needs start", 64),
        (#"{"perfSpec":{"indicators":[]},"start":"yesterday"}"#, "start:", 64),
        (#"{"perfSpec":{"indicators":[]},"start":1714565400,"end":1714564800}"#, "before it starts", 64),
        (#"{"perfSpec":{"indicators":[]},"start":"now+1h"}"#, "starts in the future", 64),
        (#"{"perfSpec":{"indicators":[]},"variables":[1]}"#, "variables must be an object", 65),
        (#"{"perfSpec":{"indicators":[]},"variables":{"A":true}}"#, "variables.A must be a string", 64),
        (#"{"perfSpec":{"indicators":[]},"sliName":7}"#, "sliName must be a string", 65),
        (#"{"slo":"objectives: []","sli":"indicators: {}"}"#, "needs the evaluation's window", 64)
    ])
    func aRequestThatCannotBeEvaluatedIsA400WithTheExitCodeEvaluateWouldGive(body: String, message: String, exitCode: Int) async throws {
        let response = await ServiceHarness().send("POST", "/api/v1/evaluate", body: body)
        #expect(response.status == 400)
        let problem = try JSONParser.parse(Array(response.body.utf8))
        #expect(problem["result"]?.stringValue == "error")
        #expect(problem["message"]?.stringValue?.contains(message) == true, "\(response.body)")
        #expect(problem["exitCode"]?.numberValue == Double(exitCode))
    }

    @Test func aSpecsSyntaxErrorSaysItsLine() async throws {
        let response = await ServiceHarness().send("POST", "/api/v1/evaluate", body: #"{"spec":"indicators:\n  - id: [\n"}"#)
        let details = try JSONParser.parse(Array(response.body.utf8))["details"]?.items?.compactMap(\.stringValue) ?? []
        #expect(details.contains { $0.hasPrefix("spec.yaml:") })
    }
}
