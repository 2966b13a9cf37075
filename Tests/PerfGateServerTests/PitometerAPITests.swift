import PerfGateCore
import PerfGateServer
import PerfGateTestSupport
import Testing

/// `POST /api/pitometer` as dt-demos/pitometer-web-service answers it (pitometer.md §4).
@Suite struct PitometerAPITests {
    static let missing = #"{"result":"error","message":"Missing %@. Please check your request body and try again."}"#

    static func missing(_ field: String) -> String { missing.replacingOccurrences(of: "%@", with: field) }

    @Test(arguments: [
        // The web service's order: perfSpec, then timeStart, then timeEnd; a falsy value (0, "", null, false) is missing.
        ("{}", "perfSpec"),
        (#"{"timeStart":1,"timeEnd":2}"#, "perfSpec"),
        (#"{"perfSpec":null,"timeStart":1,"timeEnd":2}"#, "perfSpec"),
        (#"{"perfSpec":\#(ServiceHarness.perfSpec())}"#, "timeStart"),
        (#"{"perfSpec":\#(ServiceHarness.perfSpec()),"timeEnd":2}"#, "timeStart"),
        (#"{"perfSpec":\#(ServiceHarness.perfSpec()),"timeStart":0,"timeEnd":2}"#, "timeStart"),
        (#"{"perfSpec":\#(ServiceHarness.perfSpec()),"timeStart":"","timeEnd":2}"#, "timeStart"),
        (#"{"perfSpec":\#(ServiceHarness.perfSpec()),"timeStart":1}"#, "timeEnd"),
        (#"{"perfSpec":\#(ServiceHarness.perfSpec()),"timeStart":1,"timeEnd":0}"#, "timeEnd"),
        (#"{"perfSpec":\#(ServiceHarness.perfSpec()),"timeStart":1,"timeEnd":false}"#, "timeEnd"),
        ("", "perfSpec")
    ])
    func aMissingFieldIsA400WithTheWebServicesMessage(body: String, field: String) async {
        let harness = ServiceHarness()
        let response = await harness.send("POST", "/api/pitometer", body: body)
        #expect(response.status == 400)
        #expect(response.body == Self.missing(field))
        #expect(harness.backend.requests.withLock { $0.isEmpty })
    }

    @Test(arguments: [("50", "pass", 100.0), ("120", "warning", 50.0), ("250", "fail", 0.0)])
    func passWarningAndFailAre200WithPitometersFieldsInItsOrder(value: String, result: String, score: Double) async throws {
        let harness = ServiceHarness(backend: ScriptedPrometheus(values: [("shop", value)]))
        let response = await harness.send(
            "POST", "/api/pitometer", body: ServiceHarness.pitometerBody(spec: ServiceHarness.perfSpec(extraObjective: #","note":"kept""#)))
        #expect(response.status == 200)
        let body = try JSONParser.parse(Array(response.body.utf8))
        #expect(body.members?.prefix(5).map(\.key) == ["options", "totalScore", "objectives", "indicatorResults", "result"])
        // options: exactly what Pitometer's run got; objectives: the spec's object as given.
        #expect(
            response.body.hasPrefix(
                #"{"options":{"timeStart":1714564800,"timeEnd":1714565400},"totalScore":\#(NumberText.format(score)),"objectives":{"pass":90,"warning":40,"note":"kept"},"indicatorResults":[{"id":"p95","violations":["#
            ))
        #expect(body["result"]?.stringValue == result)
        let indicator = try #require(body["indicatorResults"]?.items?.first)
        #expect(indicator.members?.prefix(3).map(\.key) == ["id", "violations", "score"])
        #expect(indicator["score"]?.numberValue == score)
        #expect(harness.logLines.contains { $0.contains(#""route":"/api/pitometer","status":200"#) && $0.contains(#""result":"\#(result)""#) })
    }

    @Test func theViolationsAreThoseOfPitometersGrader() async throws {
        let harness = ServiceHarness(backend: ScriptedPrometheus(values: [("shop", "250")]))
        let response = await harness.send("POST", "/api/pitometer", body: ServiceHarness.pitometerBody())
        #expect(response.body.contains(#""violations":[{"value":250,"key":"{job=\"shop\"}","breach":"upperSevere","threshold":200}],"score":0"#))
    }

    @Test func theFunctionWrapsTheSuccessBodyInTelemetryResult() async throws {
        let plain = await ServiceHarness().send("POST", "/api/pitometer", body: ServiceHarness.pitometerBody())
        let function = ServiceHarness(functionMode: true)
        let wrapped = await function.send("POST", "/api/pitometer", body: ServiceHarness.pitometerBody())
        #expect(wrapped.status == 200)
        #expect(wrapped.body == #"{"telemetryResult":"# + plain.body + "}")
        // The Function takes GET too (function.json's methods); errors are not wrapped.
        let get = await function.send("GET", "/api/pitometer")
        #expect(get.status == 400 && get.body == Self.missing("perfSpec"))
        let webServiceGet = await ServiceHarness().send("GET", "/api/pitometer")
        #expect(webServiceGet.status == 405 && webServiceGet.headers.contains { $0 == ("Allow", "POST") })
    }

    @Test func anIndicatorThatCannotBeMeasuredIsA500WithTheSourcesMessageAndTheReport() async throws {
        let harness = ServiceHarness(backend: ScriptedPrometheus(echoToken: true))
        let response = await harness.send("POST", "/api/pitometer", body: ServiceHarness.pitometerBody())
        #expect(response.status == 500)
        let body = try JSONParser.parse(Array(response.body.utf8))
        #expect(body.members?.prefix(2).map(\.key) == ["result", "message"])
        #expect(body["result"]?.stringValue == "error")
        #expect(body["message"]?.stringValue?.hasPrefix("p95: ") == true)
        #expect(body["report"]?["result"]?.stringValue == "error")
        // The backend echoed the service's token: it is redacted everywhere in the answer.
        #expect(!response.body.contains(ServiceHarness.token))
        #expect(response.body.contains("***"))
    }

    @Test func anInvalidSpecIsA400ThatSaysWhereAndWhy() async throws {
        let spec =
            #"{"indicators":[{"id":"x","source":"jmeter","query":{"file":"/etc/passwd","stat":"p95"},"grading":{"type":"Threshold","thresholds":{},"metricScore":1}}],"objectives":{"pass":1,"warning":0}}"#
        let harness = ServiceHarness()
        let response = await harness.send("POST", "/api/pitometer", body: ServiceHarness.pitometerBody(spec: spec))
        #expect(response.status == 400)
        let body = try JSONParser.parse(Array(response.body.utf8))
        #expect(body["message"]?.stringValue?.hasPrefix("The perfSpec is invalid") == true)
        // The result-file sources would read the server's disk: a request's spec cannot name them.
        let details = body["details"]?.items?.compactMap(\.stringValue) ?? []
        #expect(details.contains { $0.contains("perfSpec.json:") && $0.contains("unknown source 'jmeter'") })
    }

    @Test(arguments: [
        (#"{"perfSpec":[1],"timeStart":1,"timeEnd":2}"#, "perfSpec must be a JSON object"),
        (#"{"perfSpec":{"indicators":[]},"timeStart":"soon","timeEnd":2}"#, "timeStart must be Unix seconds"),
        (#"{"perfSpec":{"indicators":[]},"timeStart":20,"timeEnd":10}"#, "timeEnd (10) is before timeStart (20)"),
        ("{\"perfSpec\":", "the body is not valid JSON"),
        ("[1,2]", "the body must be a JSON object")
    ])
    func otherBadBodiesAre400sThatSayWhy(body: String, message: String) async throws {
        let response = await ServiceHarness().send("POST", "/api/pitometer", body: body)
        #expect(response.status == 400)
        #expect(response.body.contains(message))
    }

    @Test func aSpecWithDynatraceIndicatorsNeedsTheServiceToHaveDynatrace() async {
        let spec =
            #"{"indicators":[{"id":"rt","source":"Dynatrace","query":{"timeseriesId":"com.dynatrace.builtin:service.responsetime","aggregation":"avg"},"grading":{"type":"Threshold","thresholds":{},"metricScore":1}}],"objectives":{"pass":1,"warning":0}}"#
        let response = await ServiceHarness().send("POST", "/api/pitometer", body: ServiceHarness.pitometerBody(spec: spec))
        #expect(response.status == 400)
        #expect(response.body == #"{"result":"error","message":"Missing environment variable: DYNATRACE_BASEURL"}"#)
    }

    @Test func healthAndTheBareApiRouteAnswerAsTheWebServiceDid() async {
        let harness = ServiceHarness()
        let health = await harness.send("GET", "/health")
        #expect(health.status == 200 && health.body == #"{"status":"UP"}"#)
        let api = await harness.send("GET", "/api")
        #expect(api.status == 400 && api.body == #"{"status":"error","message":"Please, use pitometer calling /api/pitometer"}"#)
        let unknown = await harness.send("GET", "/api/%0d%0a::error::forged")
        #expect(unknown.status == 404)
        // The access log names the route, never the path a client sent.
        #expect(!harness.logLines.joined().contains("forged"))
        #expect(harness.logLines.last?.contains(#""route":"other","status":404"#) == true)
    }
}
