import Foundation
import PerfGateCore
import PerfGateServer
import Testing

/// A server evaluates thousands of times a minute: nothing an evaluation leaves behind may pile
/// up. (A cancelled `Task.sleep` for the engine's deadline once kept about 780 bytes per
/// evaluation until the deadline's time, 120 s later: 9 MB over the 10,000 evaluations here.)
///
/// The resident size is the whole process's, so this runs in a test process of its own:
/// `scripts/test` runs it alone with `PERFGATE_MEMORY_TEST=1`, after the other tests (beside
/// them, their allocations came and went by several MiB in a window and it ran three windows
/// of 10,000 evaluations where one does).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["PERFGATE_MEMORY_TEST"] == "1", "runs alone: PERFGATE_MEMORY_TEST=1 (scripts/test)"))
struct ServiceMemoryTests {
    static func residentKiB() -> Int {
        let text = (try? FileSystem.read("/proc/self/status", limit: 1 << 16)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return text.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
    }

    @Test func evaluationsLeaveNothingBehind() async {
        let harness = ServiceHarness()
        let spec =
            #"{"indicators":[{"id":"a","source":"static","query":[{"key":"k","value":1}],"grading":{"type":"Threshold","thresholds":{"upperSevere":2},"metricScore":1}}],"objectives":{"pass":1,"warning":0}}"#
        let request = ServiceRequest(method: "POST", path: "/api/pitometer", body: Array(ServiceHarness.pitometerBody(spec: spec).utf8))
        for _ in 0..<2000 { _ = await harness.routes.respond(to: request) }
        // What an evaluation leaves behind grows every window; the runtime's own allocations come
        // and go. So up to three windows, and a leak is one that every window shows.
        var growths: [Int] = []
        for _ in 0..<3 {
            let before = Self.residentKiB()
            for _ in 0..<10000 { _ = await harness.routes.respond(to: request) }
            growths.append(Self.residentKiB() - before)
            if let last = growths.last, last < 3 * 1024 { break }
        }
        #expect(growths.contains { $0 < 3 * 1024 }, "resident memory grew by \(growths) KiB over each window of 10,000 evaluations")
    }
}
