import PerfGateCore
import PerfGateTestSupport
import Testing

@testable import PerfGateSources

/// Against the fake Dynatrace, which checks paths, parameters, ms timestamps and the token.
@Suite struct DynatraceSourceTests {
    let backend = FakeBackend.shared
    let window = Window(start: 1_714_564_800, end: 1_714_565_400)

    func source(token: String = FakeBackend.dynatraceToken, timeout: Double = 30) -> DynatraceSource {
        var settings = HTTPSettings()
        settings.totalTimeout = timeout
        let http = RetryingHTTPClient(base: CurlHTTPClient(settings: settings), policy: RetryPolicy(attempts: 2, baseDelay: 0.01), now: { 0 })
        return DynatraceSource(
            configuration: SourceConfiguration(
                http: http, environment: ["DYNATRACE_API_TOKEN": token], dynatraceURL: backend.url + "/"))
    }

    func answer(_ query: Node, token: String = FakeBackend.dynatraceToken, timeout: Double = 30) async throws -> SourceAnswer {
        try await source(token: token, timeout: timeout).answer(query, context: SourceContext(window: window))
    }

    static func metrics(_ selector: String) -> Node {
        .object([("metricSelector", .string(selector)), ("entitySelector", .string("type(SERVICE)"))])
    }

    @Test func metricsV2GivesOneResultPerSeriesWithWarnings() async throws {
        let answer = try await answer(Self.metrics("builtin:service.response.time:percentile(95)"))
        #expect(
            answer.measurements == [
                Measurement(key: "dt.entity.service=SERVICE-1", value: 250_000.5, timestamp: 1_714_565_400),
                Measurement(key: "dt.entity.service=SERVICE-2", value: nil, timestamp: 1_714_565_400)
            ])
        #expect(answer.warnings == ["The result was limited to 2 series."])
    }

    @Test func pitometersTimeseriesForm() async throws {
        let p90 = Node.object([
            ("timeseriesId", .string("com.dynatrace.builtin:service.responsetime")), ("aggregation", .string("p90")),
            ("entityIds", .array([.string("SERVICE-BAB018A09DA36B75")]))
        ])
        #expect(
            try await answer(p90).measurements == [Measurement(key: "SERVICE-BAB018A09DA36B75", value: 5_824_401.800000001, timestamp: 1_714_564_800)]
        )
        let average = Node.object([
            ("timeseriesId", .string("com.dynatrace.builtin:service.responsetime")), ("aggregation", .string("AVG")),
            (
                "tags",
                .array([.string("backend"), .object([("context", .string("CONTEXTLESS")), ("key", .string("service")), ("value", .string("carts"))])])
            )
        ])
        #expect(try await answer(average).measurements.map(\.value) == [2_476_689.888888889, nil])
        let unknown = Node.object([("timeseriesId", .string("XXXcom.dynatrace.builtin:service.responsetime")), ("aggregation", .string("avg"))])
        do {
            _ = try await answer(unknown)
            Issue.record("expected an error")
        } catch let error as SourceError {
            #expect(error.message.hasSuffix("HTTP 400: The given timeseries id is not configured."))
        }
    }

    @Test func pitometersSmartscapeForm() async throws {
        let query = Node.object([
            ("entityType", .string("Service")), ("smartscape", .string("toRelationships:calls")), ("aggregation", .string("count"))
        ])
        #expect(
            try await answer(query).measurements == [
                Measurement(key: "SERVICE-A", value: 2, timestamp: 1_714_565_400), Measurement(key: "SERVICE-B", value: 0)
            ])
    }

    @Test func explainsEachFailure() async throws {
        let prefix = "dynatrace: GET \(backend.url)/api/v2/metrics/query?metricSelector="
        let cases: [(String, String)] = [
            ("fail:400", "HTTP 400: Constraints violated. (metricSelector: Token 'percentile' is not valid)"),
            ("fail:404", "HTTP 404: Metric 'builtin:nope' not found"),
            ("fail:500", "HTTP 500: \"<html>Internal Server Error</html>\"")
        ]
        for (selector, expected) in cases {
            do {
                _ = try await answer(Self.metrics(selector))
                Issue.record("expected an error for \(selector)")
            } catch let error as SourceError {
                #expect(error.message.hasPrefix(prefix))
                #expect(error.message.hasSuffix(expected), "\(error.message)")
            }
        }
        do {
            _ = try await answer(Self.metrics("builtin:x"), token: "wrong")
            Issue.record("expected an error")
        } catch let error as SourceError {
            #expect(error.message.hasSuffix("HTTP 401: Token Authentication failed"))
            #expect(!error.message.contains("wrong"))
        }
    }

    @Test func retriesARateLimitAndGivesUpOnTimeoutsAndCutBodies() async throws {
        #expect(try await answer(Self.metrics("ratelimit:\(Int.random(in: 0...1_000_000))")).measurements.count == 2)
        do {
            _ = try await answer(Self.metrics("slow"), timeout: 0.3)
            Issue.record("expected a timeout")
        } catch let error as SourceError {
            #expect(error.message.contains("timed out"))
        }
        do {
            _ = try await answer(Self.metrics("truncated"))
            Issue.record("expected an error")
        } catch let error as SourceError {
            #expect(error.message.hasPrefix("dynatrace: GET"))
        }
    }

    @Test func needsATokenAndAWindow() async {
        let tokenless = DynatraceSource(configuration: SourceConfiguration(dynatraceURL: backend.url))
        await #expect(throws: SourceError("dynatrace: no API token: set DYNATRACE_API_TOKEN or pass --dynatrace-token-file")) {
            try await tokenless.answer(Self.metrics("x"), context: SourceContext(window: window))
        }
        await #expect(throws: SourceError("dynatrace: a query needs the load test's window: give --start (and --end)")) {
            try await source().answer(Self.metrics("x"), context: SourceContext())
        }
    }

    @Test func readsPitometersVariableNames() throws {
        let source = DynatraceSource(
            configuration: SourceConfiguration(environment: ["DYNATRACE_BASEURL": "https://abc.live.dynatrace.com/", "DYNATRACE_APITOKEN": "t"]))
        #expect(try source.backend(SourceContext()).url.url("") == "https://abc.live.dynatrace.com")
        #expect(
            try source.configuration.secret(
                file: DynatraceSource.tokenFile, variables: ["DYNATRACE_API_TOKEN", "DYNATRACE_APITOKEN"], source: "dynatrace") == "t")
    }

    @Test func validatesEachForm() {
        let source = DynatraceSource()
        func messages(_ query: Node, window: Bool? = nil) -> [String] {
            source.validate(query, at: .root, context: ValidationContext(hasWindow: window)).map(\.message)
        }
        #expect(messages(Self.metrics("builtin:x")).isEmpty)
        #expect(
            messages(.object([("timeseriesId", .string("x"))])) == [
                "a timeseries query needs 'aggregation': avg, max, min, count, sum, median or pNN"
            ])
        #expect(
            messages(.object([("timeseriesId", .string("x")), ("aggregation", .string("p100"))])) == [
                "unknown aggregation 'p100'; use avg, max, min, count, sum, median or p1 to p99"
            ])
        #expect(
            messages(.object([("entityType", .string("Host")), ("smartscape", .string("toRelationships:runsOn"))])) == [
                "'entityType' must be Service, Application or Process"
            ])
        #expect(
            messages(.object([("entityType", .string("Service")), ("smartscape", .string("toRelationships:calls")), ("aggregation", .string("avg"))]))
                == ["unsupported aggregation for smartscape: avg; only count is"])
        #expect(messages(.string("x")).count == 1)
        #expect(
            messages(Self.metrics("builtin:x:filter(eq(service,$SERVICE))")) == [
                "unknown placeholder $SERVICE: define it with --var SERVICE=VALUE or in the spec's 'variables'"
            ])
        #expect(messages(Self.metrics("builtin:x"), window: false) == ["a Dynatrace query needs the load test's window: give --start (and --end)"])
    }
}
