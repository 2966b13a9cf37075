import PerfGateCore
import PerfGateServer
import PerfGateTestSupport
import Testing

/// Requests an attacker sends the service (issue 28): tokens stay on the paths perfgate builds, a
/// request may not have more graded than the cap, and two credentials are one too many.
@Suite struct ServiceHostileRequestTests {
    /// A spec whose Prometheus URL tries to move the query (and the token) to another path.
    static func spec(url: String) -> String {
        #"{"indicators":[{"id":"p95","source":"prometheus","query":"up","grading":{"type":"Threshold","thresholds":{"upperSevere":200},"metricScore":1}}],"objectives":{"pass":1,"warning":0},"sources":{"prometheus":{"url":\#(JSONWriter.quoted(url))}}}"#
    }

    @Test(arguments: [
        "http://prometheus.test:9090/-/quit#", "http://prometheus.test:9090/api/v1/admin/tsdb/snapshot#",
        "http://prometheus.test:9090/-/quit?x=", "http://prometheus.test:9090/a/%2e%2e/-/quit", "http://prometheus.test:9090/-%2Fquit%23",
        "http://prometheus.test:9090/x%3F", "http://prometheus.test:9090/x;a", "http://prometheus.test:9090/%00"
    ])
    func aSpecURLCannotMoveTheTokenToAnotherPath(_ url: String) async throws {
        let harness = ServiceHarness()
        let response = await harness.send("POST", "/api/v1/evaluate", body: #"{"perfSpec":\#(Self.spec(url: url))}"#)
        for request in harness.backend.requests.withLock({ $0 }) {
            // Whatever is sent goes to perfgate's own path under the configured base, with its token.
            #expect(request.url.hasSuffix("/api/v1/query"), "\(request.url)")
            #expect(request.url.hasPrefix("http://prometheus.test:9090/"), "\(request.url)")
        }
        #expect(harness.backend.requests.withLock { $0 }.isEmpty, "\(response.body)")
        #expect(response.body.contains("\"result\": \"error\"") || response.body.contains("\"result\":\"error\""), "\(response.body)")
    }

    @Test func theTokenGoesOnlyUnderTheConfiguredBasePath() async throws {
        let harness = ServiceHarness()
        _ = await harness.send("POST", "/api/v1/evaluate", body: #"{"perfSpec":\#(Self.spec(url: "http://prometheus.test:9090/tenant-b"))}"#)
        let sent = harness.backend.requests.withLock { $0 }
        #expect(sent.map(\.url) == ["http://prometheus.test:9090/tenant-b/api/v1/query"])
        // Below the configured base (here the root) the same server may have it.
        #expect(sent.first?.header("authorization") == "Bearer " + ServiceHarness.token)
    }

    @Test func noSpecURLsRefusesAnyServerASpecNames() async throws {
        let harness = ServiceHarness(refuseSpecURLs: true)
        let response = await harness.send("POST", "/api/v1/evaluate", body: #"{"perfSpec":\#(Self.spec(url: "http://prometheus.test:9090"))}"#)
        #expect(harness.backend.requests.withLock { $0 }.isEmpty)
        #expect(response.body.contains("--no-spec-urls"), "\(response.body)")
    }

    @Test func twoAuthorizationHeadersAre400() async {
        let harness = ServiceHarness(keys: ["0123456789abcdef-right"])
        let request = ServiceRequest(
            method: "POST", target: "/api/v1/evaluate",
            headers: [("Authorization", "Bearer wrong-key-0000000000"), ("Authorization", "Bearer 0123456789abcdef-right")], body: [])
        let response = await harness.routes.respond(to: request)
        #expect(response.status == 400)
        #expect(String(decoding: response.body, as: UTF8.self).contains("more than one Authorization header"))
    }

    @Test func moreValuesThanTheCapAre422BeforeAnythingIsRendered() async throws {
        var limits = ServiceLimits()
        limits.maxValues = 1_000
        let harness = ServiceHarness(limits: limits)
        let values = (0..<5_000).map { String($0) }.joined(separator: ",")
        let spec =
            #"{"indicators":[{"id":"v","source":"static","query":[\#(values)],"grading":{"type":"Threshold","thresholds":{"upperSevere":1e9},"metricScore":1}}],"objectives":{"pass":1,"warning":0}}"#
        let evaluated = await harness.send("POST", "/api/v1/evaluate", body: #"{"perfSpec":\#(spec)}"#)
        #expect(evaluated.status == 422, "\(evaluated.body)")
        #expect(evaluated.body.contains("1000") && evaluated.body.contains("--max-values"))
        let pitometer = await harness.send("POST", "/api/pitometer", body: ServiceHarness.pitometerBody(spec: spec))
        #expect(pitometer.status == 422, "\(pitometer.body)")
        // Within the cap, the same request is answered.
        limits.maxValues = 5_000
        #expect(await ServiceHarness(limits: limits).send("POST", "/api/v1/evaluate", body: #"{"perfSpec":\#(spec)}"#).status == 200)
    }

    @Test func anInvalidSpecSays400WithItsProblemsNotMessagesAbove() async throws {
        let harness = ServiceHarness()
        let response = await harness.send("POST", "/api/v1/evaluate", body: #"{"perfSpec":{"indicators":[{"id":"x"}]}}"#)
        #expect(response.status == 400)
        #expect(!response.body.contains("messages above"), "\(response.body)")
        let body = try JSONParser.parse(Array(response.body.utf8))
        #expect(body["details"]?.items?.isEmpty == false)
    }
}
