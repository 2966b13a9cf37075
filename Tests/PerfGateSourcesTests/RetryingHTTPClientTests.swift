import PerfGateCore
import Synchronization
import Testing

@testable import PerfGateSources

/// Answers from a script and records what was asked and how long the client slept.
actor Script {
    var outcomes: [Result<HTTPResponse, HTTPError>]
    var requests = 0
    var sleeps: [Double] = []
    init(_ outcomes: [Result<HTTPResponse, HTTPError>]) { self.outcomes = outcomes }
    func next() -> Result<HTTPResponse, HTTPError> {
        requests += 1
        return outcomes.count > 1 ? outcomes.removeFirst() : outcomes[0]
    }
    func slept(_ seconds: Double) { sleeps.append(seconds) }
}

struct ScriptedClient: HTTPClient {
    let script: Script
    func send(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse { try await script.next().get() }
}

@Suite struct RetryingHTTPClientTests {
    func client(_ script: Script, attempts: Int = 3) -> RetryingHTTPClient {
        RetryingHTTPClient(
            base: ScriptedClient(script: script), policy: RetryPolicy(attempts: attempts, baseDelay: 0.5, maxDelay: 30),
            now: { 1_000_000 }, sleep: { await script.slept($0) }, random: { $0 })
    }

    static func status(_ code: Int, _ headers: [String: String] = [:]) -> Result<HTTPResponse, HTTPError> {
        .success(HTTPResponse(status: code, headers: headers))
    }

    @Test(arguments: [429, 502, 503, 504])
    func retriesOverloadAndGatewayErrors(_ code: Int) async throws {
        let script = Script([Self.status(code), Self.status(code), Self.status(200)])
        #expect(try await client(script).send(HTTPRequest(url: "http://x")).status == 200)
        #expect(await script.requests == 3)
        #expect(await script.sleeps == [0.5, 1.0])  // exponential, jitter pinned to its maximum
    }

    @Test(arguments: [400, 401, 403, 404, 422, 500])
    func neverRetriesOtherStatuses(_ code: Int) async throws {
        let script = Script([Self.status(code), Self.status(200)])
        #expect(try await client(script).send(HTTPRequest(url: "http://x")).status == code)
        #expect(await script.requests == 1)
    }

    @Test func retriesConnectionErrorsAndTimeoutsButNotTLS() async {
        let refused = Script([.failure(HTTPError(.connection, "refused"))])
        await #expect(throws: HTTPError(.connection, "refused")) { try await client(refused).send(HTTPRequest(url: "http://x")) }
        #expect(await refused.requests == 3)
        let tls = Script([.failure(HTTPError(.tls, "bad cert"))])
        await #expect(throws: HTTPError.self) { try await client(tls).send(HTTPRequest(url: "http://x")) }
        #expect(await tls.requests == 1)
    }

    @Test func honoursRetryAfterAndRateLimitReset() async throws {
        let script = Script([
            Self.status(429, ["retry-after": "7"]),
            Self.status(503, ["retry-after": "Mon, 12 Jan 1970 13:46:42 GMT"]),  // 2 s after "now"
            Self.status(429, ["x-ratelimit-reset": "1000003500000"]),  // epoch µs: 3.5 s after "now"
            Self.status(429, ["retry-after": "86400"]),  // capped
            Self.status(200)
        ])
        #expect(try await client(script, attempts: 5).send(HTTPRequest(url: "http://x")).status == 200)
        #expect(await script.sleeps == [7, 2, 3.5, 30])
    }

    /// A clock that only moves when the client sleeps, and the timeouts each try was given.
    actor VirtualClock {
        var time = 1_000_000.0
        var timeouts: [Double] = []
        func advance(_ seconds: Double) { time += seconds }
        func record(_ timeout: Double?) { timeouts.append(timeout ?? -1) }
    }

    struct TimedClient: HTTPClient {
        let clock: VirtualClock
        func send(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
            await clock.record(request.timeout)
            return HTTPResponse(status: 503)
        }
    }

    @Test func staysWithinTheBudget() async throws {
        let clock = VirtualClock()
        let time = Mutex(1_000_000.0)
        let retrying = RetryingHTTPClient(
            base: TimedClient(clock: clock), policy: RetryPolicy(attempts: 5, baseDelay: 0.5, maxDelay: 30, budget: 2),
            now: { time.withLock { $0 } }, sleep: { seconds in time.withLock { $0 += seconds } }, random: { $0 })
        #expect(try await retrying.send(HTTPRequest(url: "http://x")).status == 503)
        // Waits of 0.5 and 1 s fit in 2 s; the next (2 s) would not, so three tries, each given what was left.
        #expect(await clock.timeouts == [2, 1.5, 0.5])
    }

    @Test func jitterStaysWithinTheStep() {
        let retrying = RetryingHTTPClient(base: ScriptedClient(script: Script([Self.status(200)])), now: { 0 })
        for attempt in 1...5 {
            let delay = retrying.delay(after: Self.status(503), attempt: attempt) ?? -1
            #expect(delay >= 0 && delay <= 0.5 * Double(1 << (attempt - 1)))
        }
    }

    @Test func parsesHTTPDates() {
        #expect(RetryAfter.httpDate("Sun, 06 Nov 1994 08:49:37 GMT") == 784_111_777)
        #expect(RetryAfter.httpDate("Sunday, 06-Nov-94 08:49:37 GMT") == nil)
        #expect(RetryAfter.delay(headers: ["retry-after": "soon"], now: 0) == nil)
    }
}

@Suite struct RetryAfterTests {
    @Test(arguments: [
        "Sun, 06 Nov 999999999999999 08:49:37 GMT", "Sun, 06 Nov 10000 08:49:37 GMT", "Sun, 06 Nov -5 08:49:37 GMT",
        "Sun, 06 Nov 1994 -1:49:37 GMT", "Sun, 99999999999999999999 Nov 1994 08:49:37 GMT"
    ])
    func hostileDatesAreIgnored(_ text: String) {
        #expect(RetryAfter.httpDate(text) == nil)
        #expect(RetryAfter.delay(headers: ["retry-after": text], now: 0) == nil)
    }

    @Test func hugeDelaysAreNumbersNotTraps() {
        #expect(RetryAfter.delay(headers: ["retry-after": "1e308"], now: 0) == 1e308)
        #expect(RetryAfter.delay(headers: ["retry-after": "1e400"], now: 0) == nil)
        #expect(RetryAfter.delay(headers: ["x-ratelimit-reset": "9e307"], now: 0)! > 0)
        // Datadog: the seconds left in the period; an API's epoch seconds; Dynatrace's epoch µs.
        #expect(RetryAfter.delay(headers: ["x-ratelimit-reset": "7"], now: 1_714_564_800) == 7)
        #expect(RetryAfter.delay(headers: ["x-ratelimit-reset": "1714564812"], now: 1_714_564_800) == 12)
        #expect(RetryAfter.delay(headers: ["x-ratelimit-reset": "1714564803500000"], now: 1_714_564_800) == 3.5)
        #expect(RetryAfter.httpDate("Sun, 06 Nov 1994 08:49:37 GMT") == 784_111_777)
    }
}
