import Foundation
import PerfGateCore
import PerfGateTestSupport
import Testing

@testable import PerfGateSources

@Suite struct CurlHTTPClientTests {
    let backend = FakeBackend.shared
    let client = CurlHTTPClient()

    func json(_ response: HTTPResponse) throws -> Node { try JSONParser.parse(response.body) }

    @Test func postsFormsWithHeaders() async throws {
        let request = HTTPRequest(method: "POST", url: backend.url + "/t/echo", headers: [("X-Test", "1")], body: Array("a=1&b=%20".utf8))
        let response = try await client.send(request)
        #expect(response.status == 200)
        let echo = try json(response)
        #expect(echo["method"]?.stringValue == "POST")
        #expect(echo["body"]?.stringValue == "a=1&b=%20")
        #expect(echo["headers"]?["content-type"]?.stringValue == "application/x-www-form-urlencoded")
        #expect(echo["headers"]?["x-test"]?.stringValue == "1")
        #expect(echo["headers"]?["user-agent"]?.stringValue == "perfgate/\(PerfGateVersion.current)")
    }

    /// The credentials stay with the host they were meant for.
    @Test func authorizationNeverFollowsARedirectToAnotherHost() async throws {
        let secret = [("Authorization", "Api-Token SECRET-MARKER")]
        let elsewhere = backend.otherHostURL + "/t/echo"
        let crossHost = try await client.send(HTTPRequest(url: backend.url + "/t/redirect?to=" + URLText.percentEncoded(elsewhere), headers: secret))
        #expect(try json(crossHost)["headers"]?["authorization"] == nil)
        #expect(try json(crossHost)["headers"]?["host"]?.stringValue == "localhost:\(backend.port)")
        let sameHost = try await client.send(HTTPRequest(url: backend.url + "/t/redirect?to=/t/echo", headers: secret))
        #expect(try json(sameHost)["headers"]?["authorization"]?.stringValue == "Api-Token SECRET-MARKER")
    }

    @Test func aPostRedirectedWith303BecomesAGet() async throws {
        let response = try await client.send(HTTPRequest(method: "POST", url: backend.url + "/t/redirect?code=303&to=/t/echo", body: [1]))
        #expect(try json(response)["method"]?.stringValue == "GET")
    }

    @Test func aRedirectLoopStops() async {
        await #expect(throws: HTTPError(.tooManyRedirects, "http://127.0.0.1:\(backend.port)/t/loop: more than 5 redirects")) {
            try await client.send(HTTPRequest(url: backend.url + "/t/loop"))
        }
    }

    @Test func capsTheResponseSize() async throws {
        var settings = HTTPSettings()
        settings.maxResponseBytes = 1 << 20
        let small = CurlHTTPClient(settings: settings)
        #expect(try await small.send(HTTPRequest(url: backend.url + "/t/big/100000")).body.count == 100_003)
        await #expect(throws: HTTPError(.tooLarge, "GET http://127.0.0.1:\(backend.port)/t/big/4000000: the response is larger than the 1 MiB limit"))
        {
            try await small.send(HTTPRequest(url: backend.url + "/t/big/4000000"))
        }
    }

    /// One budget across concurrent answers: held while a response lives, given back after.
    @Test func sharesOneBudgetAcrossAnswers() async throws {
        var settings = HTTPSettings()
        let budget = ResponseBudget(limit: 1 << 20)
        settings.budget = budget
        let client = CurlHTTPClient(settings: settings)
        var first: HTTPResponse? = try await client.send(HTTPRequest(url: backend.url + "/t/big/700000"))
        #expect(budget.inUse == 700_003)
        do {
            _ = try await client.send(HTTPRequest(url: backend.url + "/t/big/700000"))
            Issue.record("the second answer fit a budget the first one holds")
        } catch {
            #expect(error.kind == .tooLarge && error.message.contains("budget of 1 MiB"))
        }
        #expect(budget.inUse == 700_003)  // the failed transfer gave its share back
        #expect(first?.body.count == 700_003)
        first = nil
        #expect(budget.inUse == 0)
        #expect(try await client.send(HTTPRequest(url: backend.url + "/t/big/700000")).body.count == 700_003)
        #expect(budget.inUse == 0)
    }

    @Test func timesOutASlowServer() async throws {
        var settings = HTTPSettings()
        settings.totalTimeout = 0.5
        let started = Date()  // the server would trickle for 100 s
        do {
            _ = try await CurlHTTPClient(settings: settings).send(HTTPRequest(url: backend.url + "/t/trickle"))
            Issue.record("expected a timeout")
        } catch {
            #expect(error.kind == .timeout)
        }
        // Well under the trickle's 100 s; loose, as the end-to-end suites running beside this one
        // can keep the cooperative threads that resume it busy for a while.
        #expect(Date().timeIntervalSince(started) < 90)
    }

    @Test func reportsRefusedAndCutConnections() async throws {
        do {
            _ = try await client.send(HTTPRequest(url: "http://127.0.0.1:1/x"))
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .connection)
            #expect(error.message.hasPrefix("GET http://127.0.0.1:1/x: "))
        }
        do {
            _ = try await client.send(HTTPRequest(url: backend.url + "/t/truncated"))
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .connection)
        }
        do {
            _ = try await client.send(HTTPRequest(url: "http://no-such-host.invalid/x"))
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .connection)
        }
    }

    @Test func verifiesTLSUnlessToldOtherwise() async throws {
        let tls = FakeBackend.tls
        do {
            _ = try await client.send(HTTPRequest(url: tls.url + "/t/echo"))
            Issue.record("expected a TLS error")
        } catch {
            #expect(error.kind == .tls)
            #expect(error.message.contains("--ca-file"))
        }
        var trusting = HTTPSettings()
        trusting.caFile = FakeBackend.caFile
        #expect(try await CurlHTTPClient(settings: trusting).send(HTTPRequest(url: tls.url + "/t/echo")).status == 200)
        var insecure = HTTPSettings()
        insecure.insecure = true
        #expect(try await CurlHTTPClient(settings: insecure).send(HTTPRequest(url: tls.otherHostURL + "/t/echo")).status == 200)
    }

    @Test func runsRequestsConcurrently() async throws {
        // The server counts how many of these requests it holds at the same moment: all ten, when
        // each transfer has its own thread (timing is left to Benchmarks/, free of test-suite load).
        let group = "concurrency-\(Int.random(in: 0...1_000_000))"
        try await withThrowingTaskGroup(of: Int.self) { tasks in
            for _ in 0..<10 { tasks.addTask { try await client.send(HTTPRequest(url: backend.url + "/t/slow/1/" + group)).status } }
            for try await status in tasks { #expect(status == 200) }
        }
        let peak = try json(try await client.send(HTTPRequest(url: backend.url + "/t/peak/" + group)))["peak"]?.numberValue
        #expect(peak == 10)
    }

    @Test func rejectsWhatIsNotAURL() async {
        await #expect(throws: HTTPError(.other, "(an invalid URL): not a valid http(s) URL")) {
            try await client.send(HTTPRequest(url: "not a url"))
        }
    }
}
