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

    /// A release gives its turn to the first waiter only: waking every waiter at each release
    /// made a queue of N cost N resumptions per turn (a service's CPU per request grew with its queue).
    @Test func waitersGetTurnsInOrderOneReleaseOneWaiter() async {
        let throttle = HostThrottle(maximum: 1, now: { 0 }, sleep: { _ in })
        let order = Box<[Int]>([])
        await throttle.acquire("h")
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                group.addTask {
                    await throttle.acquire("h")
                    order.with { $0.append(index) }
                    await throttle.release("h", throttled: nil)
                }
                // Each is queued before the next is started.
                while await throttle.queued("h") < index + 1 { await Task.yield() }
            }
            await throttle.release("h", throttled: nil)
        }
        #expect(order.with { $0 } == Array(0..<200))
        #expect(await throttle.wakeups == 200)
    }

    /// Requests queued when the host asks for a pause wait it out, then all get their turns.
    @Test func aPauseWithAQueueEndsWithEveryoneServed() async {
        let clock = Box(0.0)
        let throttle = HostThrottle(maximum: 2, now: { clock.with { $0 } }, sleep: { seconds in clock.with { $0 += seconds } })
        await throttle.acquire("h")
        await throttle.acquire("h")
        let served = Box(0)
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<20 {
                group.addTask {
                    await throttle.acquire("h")
                    served.with { $0 += 1 }
                    await throttle.release("h", throttled: nil)
                }
                while await throttle.queued("h") < index + 1 { await Task.yield() }
            }
            await throttle.release("h", throttled: 5)
            await throttle.release("h", throttled: 5)
        }
        #expect(served.with { $0 } == 20)
        #expect(clock.with { $0 } == 5)
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
