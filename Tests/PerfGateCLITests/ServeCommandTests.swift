import Foundation
import PerfGateTestSupport
import Testing

/// `perfgate serve` as a process, over real sockets: what callers of Pitometer's web service
/// send (curl), the Functions host's way of starting it, and every limit with a hostile client.
@Suite struct ServeCommandTests {
    static let token = FakeBackend.dynatraceToken
    static var backend: FakeBackend { FakeBackend.shared }

    /// The service with Dynatrace at the fake backend, as the web service read it (DYNATRACE_BASEURL, DYNATRACE_APITOKEN).
    static func dynatraceService(_ arguments: [String] = [], environment: [String: String] = [:]) throws -> ServeProcess {
        try ServeProcess(
            arguments, environment: ["DYNATRACE_BASEURL": backend.url, "DYNATRACE_APITOKEN": token].merging(environment) { _, new in new })
    }

    /// dt-demos' own payload (samples/fullPayload.json), its window moved to the one the fake backend serves.
    static func realPayload(timeseries: String? = nil) throws -> String {
        var text = try String(contentsOfFile: Shared.folder + "/realworld/files/p02_pitometer_ws_fullPayload.json", encoding: .utf8)
        text = text.replacingOccurrences(of: "1551398400", with: "1714564800").replacingOccurrences(of: "1555027200", with: "1714565400")
        if let timeseries {
            text = text.replacingOccurrences(
                of: "\"timeseriesId\": \"com.dynatrace.builtin:service.responsetime\",\n                    \"aggregation\": \"p90\"",
                with: "\"timeseriesId\": \"\(timeseries)\",\n                    \"aggregation\": \"p90\"")
        }
        return text
    }

    @Test(.enabled(if: Shared.enabled, Shared.skipped))
    func theWebServicesOwnPayloadsGetItsAnswers() async throws {
        let service = try Self.dynatraceService()
        // testing/runtests.sh's payloads: the full one, a bad timeseries id, and each field missing.
        let full = try await Curl.post(service.url + "/api/pitometer", json: try Self.realPayload())
        #expect(full.status == 200, "\(full.body)")
        #expect(full.headers.lowercased().contains("content-type: application/json"))
        #expect(full.body.hasPrefix(#"{"options":{"timeStart":1714564800,"timeEnd":1714565400},"totalScore":"#))
        #expect(
            full.body.contains(
                #"{"id":"P90_ResponseTime_Frontend","violations":[{"value":5824401.800000001,"key":"SERVICE-BAB018A09DA36B75","breach":"upperSevere","threshold":4000000}"#
            ))
        #expect(full.body.contains(#"{"value":2476689.888888889,"key":"SERVICE-BAB018A09DA36B75","breach":"upperWarning","threshold":2000000}"#))
        #expect(full.body.contains(#""objectives":{"pass":100,"warning":50}"#))
        let bad = try await Curl.post(
            service.url + "/api/pitometer", json: try Self.realPayload(timeseries: "XXXcom.dynatrace.builtin:service.responsetime"))
        #expect(bad.status == 500)
        #expect(bad.body.contains("The given timeseries id is not configured"))
        #expect(bad.body.hasPrefix(#"{"result":"error","message":"P90_ResponseTime_Frontend: "#))
        for field in ["timeEnd", "timeStart", "perfSpec"] {
            let payload = try Self.realPayload().replacingOccurrences(of: "\"\(field)\"", with: "\"removed_\(field)\"")
            let response = try await Curl.post(service.url + "/api/pitometer", json: payload)
            #expect(response.status == 400)
            #expect(response.body == #"{"result":"error","message":"Missing \#(field). Please check your request body and try again."}"#)
        }
        // The original died after a 400 (ERR_HTTP_HEADERS_SENT); this one keeps answering.
        #expect(try await Curl.run([service.url + "/health"]).body == #"{"status":"UP"}"#)
        // The token never reaches the log.
        #expect(!service.accessLog.joined().contains(Self.token) && !service.stderr.contains(Self.token))
        #expect(await service.stop() == 0)
    }

    @Test func asTheFunctionsHostStartsItItListensOnItsPortAndWrapsTheResult() async throws {
        // host.json's command and arguments, FUNCTIONS_CUSTOMHANDLER_PORT set, the request forwarded as it came.
        let host =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Fixtures.packageRoot + "/azure-functions/host.json")))
            as? [String: Any]
        let handler = try #require(host?["customHandler"] as? [String: Any])
        #expect(handler["enableForwardingHttpRequest"] as? Bool == true)
        let description = try #require(handler["description"] as? [String: Any])
        #expect(description["defaultExecutablePath"] as? String == "perfgate")
        let arguments = try #require(description["arguments"] as? [String])
        let function = try String(contentsOfFile: Fixtures.packageRoot + "/azure-functions/pitometer/function.json", encoding: .utf8)
        #expect(function.contains(#""route": "pitometer""#) && function.contains(#""methods": ["get", "post"]"#))

        let port = try ServeProcess.freePort()
        let service = try ServeProcess(
            Array(arguments.dropFirst()), environment: ["FUNCTIONS_CUSTOMHANDLER_PORT": String(port), "PORT": "1"], choosePort: false)
        #expect(service.port == port)
        let spec =
            #"{"spec_version":"1.0","indicators":[{"id":"rt","source":"static","query":[{"key":"SERVICE-1","value":120}],"grading":{"type":"Threshold","thresholds":{"upperWarning":100},"metricScore":100}}],"objectives":{"pass":90,"warning":40}}"#
        let response = try await Curl.post(
            service.url + "/api/pitometer", json: #"{"timeStart":1714564800,"timeEnd":1714565400,"perfSpec":\#(spec)}"#)
        #expect(response.status == 200)
        #expect(response.body.hasPrefix(#"{"telemetryResult":{"options":{"timeStart":1714564800,"timeEnd":1714565400},"totalScore":50,"#))
        #expect(response.body.hasSuffix("}}}"))
        #expect(try await Curl.run([service.url + "/api/pitometer"]).status == 400)  // GET, as function.json allows
        #expect(await service.stop() == 0)
    }

    @Test func thePortComesFromPORTAndAnOpenAddressNeedsKeys() async throws {
        let port = try ServeProcess.freePort()
        let service = try ServeProcess([], environment: ["PORT": String(port)], choosePort: false)
        #expect(service.port == port)
        let taken = try PerfGateBinary.run(["serve", "--port", String(port)], timeLimit: 20)
        #expect(taken.status == 64 && taken.stderr.contains("cannot listen on 127.0.0.1:\(port)"), "\(taken.stderr)")
        #expect(await service.stop() == 0)

        let open = try PerfGateBinary.run(["serve", "--host", "0.0.0.0", "--port", "0"], timeLimit: 20)
        #expect(open.status == 64)
        #expect(open.stderr.contains("--api-key-file") && open.stderr.contains("--allow-unauthenticated"))
        let badPort = try PerfGateBinary.run(["serve"], environment: ["PORT": "http"], timeLimit: 20)
        #expect(badPort.status == 64 && badPort.stderr.contains("PORT is 'http'"))
        let trust = try PerfGateBinary.run(["serve", "--trust-spec-urls"], timeLimit: 20)
        #expect(trust.status == 64)

        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write("0123456789abcdef-key\n", to: folder + "/keys")
        let keyed = try ServeProcess(["--host", "0.0.0.0", "--api-key-file", folder + "/keys"])
        #expect(try await Curl.run([keyed.url + "/metrics"]).status == 401)
        #expect(try await Curl.run([keyed.url + "/metrics", "-H", "Authorization: Bearer 0123456789abcdef-key"]).status == 200)
        #expect(try await Curl.run([keyed.url + "/health"]).status == 200)
        #expect(await keyed.stop() == 0)
    }

    @Test func anOversizedBodyIs413WithoutReadingIt() async throws {
        let service = try ServeProcess(["--max-body-kib", "64"])
        // Announced: answered at once, before the body is sent.
        let announced = try RawConnection(port: service.port)
        announced.send("POST /api/pitometer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2000000000\r\n\r\n")
        let refused = await announced.readAll()
        #expect(refused.hasPrefix("HTTP/1.1 413"))
        #expect(refused.contains("larger than 65536 bytes"))
        // Chunked, with no length to go by: refused once the cap is passed; the connection closes.
        let chunked = try RawConnection(port: service.port)
        chunked.send("POST /api/v1/evaluate HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        let chunk = String(repeating: "x", count: 16384)
        var sent = 0
        // 128 MiB offered: after the 413 the service reads and drops at most 64 MiB (so that a client
        // that sends before it reads sees the 413), then closes, and the kernel refuses more.
        while sent < 8192, chunked.send(String(chunk.utf8.count, radix: 16) + "\r\n" + chunk + "\r\n") { sent += 1 }
        #expect(sent < 8192)
        try await Task.sleep(for: .milliseconds(200))
        #expect(service.accessLog.contains { $0.contains(#""route":"/api/v1/evaluate","status":413"#) })
        // curl with a 100-continue body over the cap gets the 413 too.
        let big = try await Curl.post(service.url + "/api/v1/evaluate", json: "{\"spec\":\"" + String(repeating: "a", count: 100_000) + "\"}")
        #expect(big.status == 413)
        #expect(try await Curl.run([service.url + "/health"]).status == 200)
        #expect(await service.stop() == 0)
    }

}

/// What is bounded in wall-clock time or takes the whole process's resources (a slowloris client
/// timed against the others' answers, a thousand sockets at once, SIGTERM's drain and grace
/// period): one at a time, so none of them measures another. Each runs on a thread of its own
/// (`onOwnThread`) and waits there, as a client does: a test that awaited would be resumed only
/// when one of the threads every test shares is free, late on a loaded machine, and the lateness
/// would count against the service; one that blocked a shared thread would slow every other test.
@Suite(.serialized) struct ServeLimitsTests {
    @Test func aSlowlorisClientIsCutOffAndOthersAreStillServed() async throws {
        try await onOwnThread {
            let service = try ServeProcess(["--header-timeout", "1s", "--body-timeout", "1s", "--idle-timeout", "2s"])
            let started = Date()
            let slow = try RawConnection(port: service.port, timeout: 10)
            var trickled = 0
            slow.send("POST /api/pitometer HTTP/1.1\r\nHost: x\r\n")
            // One header byte every 200 ms: never a whole head.
            while Date().timeIntervalSince(started) < 4, slow.send("X") {
                trickled += 1
                #expect(try Curl.run([service.url + "/health"]).seconds < 1)
                usleep(200_000)
            }
            let answer = slow.readAll()
            let cutAfter = Date().timeIntervalSince(started)
            #expect(answer.hasPrefix("HTTP/1.1 408"), "\(answer)")
            #expect(cutAfter < 3, "cut off after \(cutAfter) s")
            // A body that trickles is cut off the same way.
            let slowBody = try RawConnection(port: service.port)
            slowBody.send("POST /api/pitometer HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
            let bodyStarted = Date()
            #expect(slowBody.readAll().hasPrefix("HTTP/1.1 408"))
            #expect(Date().timeIntervalSince(bodyStarted) < 3)
            // An idle connection is closed after the idle timeout.
            let idle = try RawConnection(port: service.port)
            let idleStarted = Date()
            #expect(idle.readAll().isEmpty)
            #expect(Date().timeIntervalSince(idleStarted) < 4)
            #expect(service.stop() == 0)
        }
    }

    @Test func aThousandConnectionsAtOnceLeaveTheServiceStanding() async throws {
        try await onOwnThread {
            let service = try ServeProcess(["--max-connections", "100"])
            var connections: [RawConnection] = []
            for _ in 0..<1000 { connections.append(try RawConnection(port: service.port, timeout: 2)) }
            // Past the cap, each is told so and closed; 100 are held open.
            usleep(1_500_000)
            let states = connections.map { $0.readIfClosed() }
            #expect(states.filter { $0?.hasPrefix("HTTP/1.1 503") == true }.count == 900)
            let admitted = connections.indices.filter { states[$0] == nil }
            #expect(admitted.count == 100)
            // The admitted ones are served.
            let first = try #require(admitted.first)
            connections[first].send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(connections[first].readResponse().hasPrefix("HTTP/1.1 200"))
            connections.removeAll()
            usleep(300_000)
            let metrics = try Curl.run([service.url + "/metrics"])
            #expect(metrics.body.contains("perfgate_connections_rejected_total 900"))
            #expect(metrics.body.contains("perfgate_connections_open 1"))  // the one asking
            // And the default cap (512) holds 1,000 at once too, with memory to spare.
            #expect(service.stop() == 0)
            let defaults = try ServeProcess([])
            for _ in 0..<1000 { connections.append(try RawConnection(port: defaults.port, timeout: 2)) }
            for connection in connections.prefix(10) {
                connection.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(connection.readResponse().hasPrefix("HTTP/1.1 200"))
            }
            #expect((defaults.peakKiB ?? 0) < 100 * 1024, "peak \(defaults.peakKiB ?? 0) KiB")
            connections.removeAll()
            #expect(defaults.stop() == 0)
        }
    }

    @Test func aRequestInFlightAtSIGTERMStillGetsItsAnswer() async throws {
        try await onOwnThread {
            // The backend takes 1.5 s to answer; SIGTERM comes 0.5 s into the request.
            let service = try ServeProcess(["--prometheus-url", ServeCommandTests.backend.url + "/t/delay/1500"])
            let spec =
                #"{"indicators":[{"id":"slow","source":"prometheus","query":"up","grading":{"type":"Threshold","thresholds":{"upperSevere":1},"metricScore":1}}],"objectives":{"pass":1,"warning":0}}"#
            let inFlight = try RawConnection(port: service.port)
            let body = #"{"timeStart":1714564800,"timeEnd":1714565400,"perfSpec":\#(spec)}"#
            inFlight.send(
                "POST /api/pitometer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
            let idle = try RawConnection(port: service.port)
            usleep(500_000)
            kill(service.process.processIdentifier, SIGTERM)
            usleep(200_000)
            // No new connections; the idle one is closed; the one in flight is answered in full.
            #expect(throws: (any Error).self) { _ = try RawConnection(port: service.port).readAll() }
            #expect(idle.readAll().isEmpty)
            let answer = inFlight.readResponse()
            #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer)")
            #expect(answer.contains(#""result":"pass""#))
            #expect(answer.lowercased().contains("connection: close"))
            #expect(service.waitForExit(limit: 10) == 0)
            let log = service.accessLog
            #expect(log.contains { $0.contains(#""event":"draining""#) })
            #expect(log.last?.contains(#""event":"stopped""#) == true)
        }
    }

    @Test func pastTheGracePeriodItExitsAnyway() async throws {
        try await onOwnThread {
            let service = try ServeProcess(["--prometheus-url", ServeCommandTests.backend.url + "/t/delay/5000", "--grace-period", "1s"])
            let spec =
                #"{"indicators":[{"id":"slow","source":"prometheus","query":"up","grading":{"type":"Threshold","thresholds":{},"metricScore":1}}],"objectives":{"pass":1,"warning":0}}"#
            let body = #"{"timeStart":1714564800,"timeEnd":1714565400,"perfSpec":\#(spec)}"#
            let inFlight = try RawConnection(port: service.port)
            inFlight.send("POST /api/pitometer HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
            usleep(300_000)
            let started = Date()
            #expect(service.stop(limit: 10) == 0)
            #expect(Date().timeIntervalSince(started) < 3)
            #expect(service.accessLog.contains { $0.contains(#""event":"grace period over""#) })
        }
    }
}
