import Glibc
import PerfGateCore
import PerfGateSources
import PerfGateTestSupport
import Synchronization
import Testing

@testable import PerfGateEngine

/// Local files that count how often each is opened for streaming, and read whole.
final class CountingFiles: Files {
    let opened = Mutex<[String: Int]>([:])
    let read = Mutex<[String: Int]>([:])
    func read(_ path: String, limit: Int) throws(FileError) -> [UInt8] {
        read.withLock { $0[path, default: 0] += 1 }
        return try LocalFiles().read(path, limit: limit)
    }
    func exists(_ path: String) -> Bool { LocalFiles().exists(path) }
    func openRegular(_ path: String) throws(FileError) -> UnsafeMutablePointer<FILE> {
        opened.withLock { $0[path, default: 0] += 1 }
        return try LocalFiles().openRegular(path)
    }
}

/// N indicators over one result file read it once per run, and measure what N reads would.
@Suite struct OneReadPerFileTests {
    let folder = Path.directory(of: #filePath) + "/../PerfGateSourcesTests/Fixtures"

    func object(_ members: [String: String], tags: [(String, Node)] = []) -> Node {
        var fields = members.sorted { $0.key < $1.key }.map { ($0.key, Node.string($0.value)) }
        if !tags.isEmpty { fields.append(("tags", .object(tags))) }
        return .object(fields)
    }

    var requests: [Fetcher.Request] {
        let k6 = [
            object(["file": "K6/points.json", "metric": "http_req_duration", "stat": "p(95)"]),
            object(["file": "K6/points.json", "metric": "http_req_duration", "stat": "p(95)"], tags: [("name", .string("checkout"))]),
            object(["file": "K6/points.json", "metric": "http_req_failed", "stat": "rate"]),
            object(["file": "K6/points.json", "metric": "http_reqs", "stat": "rate"]),
            object(["file": "K6/points.json", "metric": "http_req_duration", "stat": "avg"])
        ]
        let jmeter = [
            object(["file": "JMeter/small.jtl", "stat": "p95", "label": "a"]),
            object(["file": "JMeter/small.jtl", "stat": "p99"]),
            object(["file": "JMeter/small.jtl", "stat": "errorRate", "label": "*"]),
            object(["file": "JMeter/small.jtl", "stat": "count", "label": "nope"])
        ]
        return k6.map { ("k6", SourceQuery($0)) } + jmeter.map { ("jmeter", SourceQuery($0)) }
    }

    func measure(_ requests: [Fetcher.Request], files: any Files, window: Window? = nil) async -> [Result<SourceAnswer, SourceError>] {
        let context = SourceContext(window: window, specDirectory: folder, files: files)
        return await Fetcher(sources: [K6Source(), JMeterSource()], concurrency: 8).fetch(requests, context: context).map(\.outcome)
    }

    @Test(arguments: [nil, Window(start: 1_714_557_603, end: 1_714_557_608)])
    func eachFileIsReadOnceAndAnswersAsReadAlone(window: Window?) async throws {
        let files = CountingFiles()
        let together = await measure(requests, files: files, window: window)
        let counts = files.opened.withLock { $0 }.map { (String($0.key.split(separator: "/").suffix(2).joined(separator: "/")), $0.value) }
        // The k6 file is opened once for its kind (its first 4 KiB), then once for the one pass.
        #expect(Dictionary(uniqueKeysWithValues: counts) == ["K6/points.json": 2, "JMeter/small.jtl": 1])
        // Each query measured in a run of its own (a context, and so a cache, of its own).
        for (index, request) in requests.enumerated() {
            let alone = await measure([request], files: LocalFiles(), window: window)[0]
            #expect("\(together[index])" == "\(alone)", "query \(index)")
        }
        // The queries' own answers, not only each other's: the tagged p95 and the Total row.
        if window == nil {
            #expect(try together[1].get().measurements.first?.value == 909.3499999999999)
            #expect(try together[7].get().measurements.map(\.key) == ["Total"])
            #expect((try? together[8].get()) == nil, "an unknown label is still an error")
        }
    }

    /// Pointers into one JSON file: its bytes are read once, and each pointer finds its own value.
    @Test func pointersIntoOneJSONFileReadItOnce() async throws {
        let files = CountingFiles()
        let pointers = ["/checkout/p95", "/labelled", "/a~1b/~0tilde", "/checkout/p95"]
        let requests: [Fetcher.Request] = pointers.map { ("json", SourceQuery(object(["file": "JSONFile/metrics.json", "pointer": $0]))) }
        let context = SourceContext(specDirectory: folder, files: files)
        let outcomes = await Fetcher(sources: [JSONFileSource()], concurrency: 8).fetch(requests, context: context).map(\.outcome)
        #expect(try outcomes.map { try $0.get().measurements.map(\.value) } == [[412.5], [3, 4], [7], [412.5]])
        #expect(files.read.withLock { $0.values.reduce(0, +) } == 1)
    }

    @Test func aQueryNotAnnouncedGetsAReadOfItsOwn() async throws {
        let files = CountingFiles()
        let context = SourceContext(specDirectory: folder, files: files)
        let source = K6Source()
        _ = try await source.answer(to: SourceQuery(object(["file": "K6/points.json", "metric": "http_reqs", "stat": "count"])), context: context)
        // Not announced: the first scan did not cover it.
        let failed = try await source.answer(
            to: SourceQuery(object(["file": "K6/points.json", "metric": "http_req_failed", "stat": "passes"])), context: context)
        #expect(failed.measurements.first?.value == 2)
        // Asked again: the second scan covers it.
        _ = try await source.answer(
            to: SourceQuery(object(["file": "K6/points.json", "metric": "http_req_failed", "stat": "fails"])), context: context)
        _ = try await source.answer(
            to: SourceQuery(object(["file": "K6/points.json", "metric": "http_req_failed", "stat": "passes"])), context: context)
        // Its kind once, then two passes.
        #expect(files.opened.withLock { $0.values.reduce(0, +) } == 3)
    }
}
