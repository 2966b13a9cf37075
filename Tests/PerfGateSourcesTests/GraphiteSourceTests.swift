import PerfGateCore
import PerfGateTestSupport
import Testing

@testable import PerfGateSources

/// The `graphite` source against a real carbon-cache and graphite-web (Debian's packages).
@Suite(.enabled(if: GraphiteServer.isAvailable, "graphite-carbon is not installed (CI sets PERFGATE_REQUIRE_SERVERS=1)"))
struct GraphiteSourceTests {
    func context(_ server: GraphiteServer, variables: [String: String] = [:]) -> SourceContext {
        SourceContext(window: Window(start: Double(server.window.start), end: Double(server.window.end)), variables: variables)
    }

    func source(_ server: GraphiteServer) -> GraphiteSource {
        GraphiteSource(configuration: SourceConfiguration(flags: ["graphite-url": server.url]))
    }

    @Test func eachSeriesIsGradedByItsStat() async throws {
        let server = try GraphiteServer.shared.get()
        let source = source(server)
        // checkout's last point (index 60) is 100; its largest 190; home has gaps, which are left out.
        let last = try await source.answer(.string("app.{checkout,home}.p95"), context: context(server))
        #expect(Dictionary(uniqueKeysWithValues: last.measurements.map { ($0.key, $0.value) }) == ["app.checkout.p95": 100, "app.home.p95": 50])
        #expect(last.measurements.first { $0.key == "app.checkout.p95" }?.timestamp == Double(server.window.end))
        let max = try await source.answer(.object([("target", .string("app.checkout.p95")), ("stat", .string("max"))]), context: context(server))
        #expect(max.measurements.map(\.value) == [190])
        let count = try await source.answer(.object([("target", .string("app.home.p95")), ("stat", .string("count"))]), context: context(server))
        #expect(count.measurements.map(\.value) == [51])  // 61 slots, 10 of them null
        let aliased = try await source.answer(
            .string("aliasByNode(app.$SERVICE.p95, 1)"), context: context(server, variables: ["SERVICE": "checkout"]))
        #expect(aliased.measurements.map(\.key) == ["checkout"])
    }

    @Test func theWindowIsHeldAndNothingThereIsNoValues() async throws {
        let server = try GraphiteServer.shared.get()
        let source = source(server)
        // The first minute only: checkout's points 0 to 6 (100 to 160); the start's point is in.
        let minute = SourceContext(window: Window(start: Double(server.window.start), end: Double(server.window.start + 60)))
        let first = try await source.answer(.object([("target", .string("app.checkout.p95")), ("stat", .string("avg"))]), context: minute)
        #expect(first.measurements.map(\.value) == [130])
        #expect(try await source.answer(.string("app.nothing.p95"), context: context(server)).measurements.isEmpty)
    }

    @Test func curvesAndACanarysSamples() async throws {
        let server = try GraphiteServer.shared.get()
        let source = source(server)
        let curve = try await source.series(GraphiteQuery(target: "app.checkout.p95", stat: .last), context: context(server), step: 60)
        #expect(curve.count == 61 && curve.allSatisfy { $0.value != nil })
        let slow = try await source.samples(GraphiteQuery(target: "app.slow.p95", stat: .last), context: context(server), step: 10)
        #expect(slow.count == 61 && slow.compactMap { $0 }.min() == 300)
        await #expect(throws: SourceError.self) {
            try await source.samples(GraphiteQuery(target: "app.*.p95", stat: .last), context: context(server), step: 10)
        }
    }

    @Test func itsErrorsAreItsOwnWords() async throws {
        let server = try GraphiteServer.shared.get()
        do {
            _ = try await source(server).answer(.string("nosuchfn(app.x)"), context: context(server))
            Issue.record("an unknown function was answered")
        } catch let error as SourceError {
            #expect(error.message.hasPrefix("graphite: POST \(server.url)/render: HTTP 400: "), "\(error.message)")
            #expect(error.message.contains("nosuchfn"), "\(error.message)")
        }
    }

    @Test func queriesAreCheckedWhenTheSpecLoads() {
        let source = GraphiteSource()
        #expect(source.validate(.number(1), at: .root).first?.message.hasPrefix("a Graphite query must be a target string") == true)
        #expect(
            source.validate(.object([("target", .string("a.b")), ("stat", .string("mx"))]), at: .root).map(\.message) == [
                "unknown stat 'mx' (did you mean 'max'?); use one of last, max, min, avg, sum, count"
            ])
        #expect(
            source.validate(.string("a.$SERVICE"), at: .root).map(\.message) == [
                "unknown placeholder $SERVICE: define it with --var SERVICE=VALUE or in the spec's 'variables'"
            ])
        #expect(source.validate(.string("  "), at: .root).map(\.message) == ["the Graphite target is empty"])
    }
}
