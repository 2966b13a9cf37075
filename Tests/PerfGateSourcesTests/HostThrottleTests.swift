import Foundation
import PerfGateCore
import PerfGateTestSupport
import Synchronization
import Testing

@testable import PerfGateSources

/// Requests per host: a 429 or 503 halves the host's concurrency and pauses it for its
/// Retry-After; successes widen it again. Connections are reused, at most the concurrency per host.
final class Box<Value: Sendable>: Sendable {
    let value: Mutex<Value>
    init(_ value: Value) { self.value = Mutex(value) }
    func with<Result>(_ body: (inout Value) -> Result) -> Result { value.withLock { body(&$0) } }
}

@Suite(.serialized) struct HostThrottleTests {
    @Test func aThrottledHostIsNarrowedAndPausedThenWidenedAgain() async {
        let clock = Box(1000.0)
        let slept = Box<[Double]>([])
        let throttle = HostThrottle(
            maximum: 8, now: { clock.with { $0 } },
            sleep: { seconds in
                slept.with { $0.append(seconds) }; clock.with { $0 += seconds }
            })
        await throttle.acquire("h")
        await throttle.release("h", throttled: 2)
        #expect(await throttle.limit("h") == 4)
        // The next request waits out the host's Retry-After.
        await throttle.acquire("h")
        #expect(slept.with { $0 } == [2])
        await throttle.release("h", throttled: 0)
        #expect(await throttle.limit("h") == 2)
        for _ in 0..<10 {
            await throttle.acquire("h")
            await throttle.release("h", throttled: nil)
        }
        #expect(await throttle.limit("h") == 8)
        #expect(await throttle.limit("other") == 8)
    }

    @Test func requestsWaitForATurnAtTheirHost() async {
        let throttle = HostThrottle(maximum: 2, now: { 0 }, sleep: { _ in })
        let running = Box((now: 0, peak: 0))
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<10 {
                group.addTask {
                    await throttle.acquire("h")
                    running.with {
                        $0.now += 1; $0.peak = max($0.peak, $0.now)
                    }
                    try? await Task.sleep(for: .milliseconds(20))
                    running.with { $0.now -= 1 }
                    await throttle.release("h", throttled: nil)
                }
            }
        }
        #expect(running.with { $0.peak } == 2)
    }

    @Test func aClientReusesItsConnectionsAtMostTheLimitPerHost() async throws {
        // A backend of its own: the connections it counts are this client's alone.
        let backend = try FakeBackend(tls: false)
        var settings = HTTPSettings()
        settings.maxHostConnections = 3
        let client = CurlHTTPClient(settings: settings)
        _ = try await client.send(HTTPRequest(url: backend.url + "/t/connections"))
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<30 { group.addTask { try await client.send(HTTPRequest(url: backend.url + "/t/delay/20")).status } }
            for try await status in group { #expect(status == 200) }
        }
        let seen = try JSONParser.parse(try await client.send(HTTPRequest(url: backend.url + "/t/connections")).body)["connections"]?.numberValue
        #expect((seen ?? 99) <= 3, "\(seen ?? -1) connections for 31 requests")
    }
}
