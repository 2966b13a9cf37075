import PerfGateCore
import PerfGateServer
import PerfGateTestSupport
import Testing

/// What every route shares: authentication, the evaluation cap, the metrics and the access log.
@Suite struct ServiceRoutesTests {
    static let key = "k3y-0123456789abcdef"

    @Test func withKeysEveryRouteButHealthNeedsOne() async {
        let harness = ServiceHarness(keys: [Self.key, "another-key-0000000000"])
        for (method, path) in [("POST", "/api/pitometer"), ("POST", "/api/v1/evaluate"), ("GET", "/metrics"), ("GET", "/nowhere")] {
            let response = await harness.send(method, path, body: ServiceHarness.pitometerBody())
            #expect(response.status == 401, "\(path)")
            #expect(response.headers.contains { $0.0 == "WWW-Authenticate" })
            let wrong = await harness.send(method, path, body: ServiceHarness.pitometerBody(), headers: ["authorization": "Bearer " + Self.key + "x"])
            #expect(wrong.status == 401)
        }
        #expect(await harness.send("GET", "/health").status == 200)
        #expect(
            await harness.send("POST", "/api/pitometer", body: ServiceHarness.pitometerBody(), headers: ["authorization": "Bearer " + Self.key])
                .status == 200)
        #expect(await harness.send("GET", "/metrics", headers: ["authorization": "bearer another-key-0000000000"]).status == 200)
        // No key, right or wrong, reaches the log.
        #expect(!harness.logLines.joined().contains("k3y"))
        #expect(harness.logLines.contains { $0.contains(#""status":401"#) && $0.contains(#""result":"unauthorized""#) })
    }

    @Test func keysAreComparedWhole() {
        let keys = APIKeys([Self.key])
        #expect(keys.accepts(authorization: "Bearer " + Self.key))
        #expect(!keys.accepts(authorization: "Bearer " + Self.key.dropLast()))
        #expect(!keys.accepts(authorization: "Bearer " + Self.key + " "))
        #expect(!keys.accepts(authorization: Self.key))
        #expect(!keys.accepts(authorization: "Basic " + Self.key))
        #expect(!keys.accepts(authorization: "Bearer "))
        #expect(!keys.accepts(authorization: nil))
    }

    @Test func aKeyFileTakesOneKeyPerLineAndRefusesShortOnes() throws {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write("# keys\n\n\(Self.key)\n  other-key-1234567890  \n", to: folder + "/keys")
        #expect(try APIKeys.load(folder + "/keys").values == [Self.key, "other-key-1234567890"])
        try Fixtures.write("short\n", to: folder + "/short")
        #expect(throws: ServiceSetupError.self) { try APIKeys.load(folder + "/short") }
        try Fixtures.write("# none\n", to: folder + "/empty")
        #expect(throws: ServiceSetupError.self) { try APIKeys.load(folder + "/empty") }
        #expect(throws: ServiceSetupError.self) { try APIKeys.load(folder + "/missing") }
    }

    @Test func pastTheEvaluationCapA429SaysWhenToRetry() async throws {
        var limits = ServiceLimits()
        limits.maxEvaluations = 1
        let harness = ServiceHarness(backend: ScriptedPrometheus(delay: .milliseconds(400)), limits: limits)
        async let first = harness.send("POST", "/api/pitometer", body: ServiceHarness.pitometerBody())
        try await Task.sleep(for: .milliseconds(100))
        let second = await harness.send(
            "POST", "/api/v1/evaluate", body: #"{"perfSpec":\#(ServiceHarness.perfSpec()),"start":1714564800,"end":1714565400}"#)
        #expect(second.status == 429)
        #expect(second.headers.contains { $0 == ("Retry-After", "1") })
        #expect(await first.status == 200)
        // The slot is free again.
        #expect(await harness.send("POST", "/api/pitometer", body: ServiceHarness.pitometerBody()).status == 200)
    }

    @Test func theMetricsCountRoutesVerdictsAndBackendErrorsWithoutRequestText() async throws {
        let harness = ServiceHarness(backend: ScriptedPrometheus(echoToken: true))
        let hostile = ServiceHarness.perfSpec(ids: [#"x\"} 1\nperfgate_evaluations_total{result=\"pass\"} 99"#, #"evil{le=\"+Inf\"}"#])
        let evaluated = await harness.send("POST", "/api/pitometer", body: ServiceHarness.pitometerBody(spec: hostile))
        #expect(evaluated.status == 500, "\(evaluated.body)")
        _ = await harness.send("GET", "/no/such/route?x=\"}")
        let metrics = await harness.send("GET", "/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.headers.contains { $0.0 == "Content-Type" && $0.1.hasPrefix("text/plain; version=0.0.4") })
        let text = metrics.body
        #expect(text.contains(#"perfgate_http_requests_total{route="/api/pitometer",method="POST",status="500"} 1"#))
        #expect(text.contains(#"perfgate_http_requests_total{route="other",method="GET",status="404"} 1"#))
        #expect(text.contains(#"perfgate_evaluations_total{result="error"} 1"#))
        #expect(text.contains(#"perfgate_evaluations_total{result="pass"} 0"#))
        #expect(text.contains(#"perfgate_backend_errors_total{source="prometheus"} 2"#))
        #expect(text.contains("perfgate_evaluation_duration_seconds_count 1"))
        #expect(text.contains("perfgate_evaluations_in_flight 0"))
        // The forged sample is absent (a bare "99" could be part of a duration's sum).
        #expect(!text.contains("evil") && !text.contains(#"{result="pass"} 99"#) && !text.contains("no/such"))
        // Every sample line is `name{labels} value` with labels from the fixed sets.
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            #expect(line.split(separator: " ").count == 2, "\(line)")
        }
    }
}
