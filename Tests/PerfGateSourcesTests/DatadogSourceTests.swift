import PerfGateCore
import PerfGateTestSupport
import Testing

@testable import PerfGateSources

/// Against the scripted Datadog, which checks the keys, the window in seconds (v1) and
/// milliseconds (v2), and the v2 request bodies.
@Suite struct DatadogSourceTests {
    static let keys = ["DD_API_KEY": "dd-api-TESTKEY-0123456789", "DD_APP_KEY": "dd-app-TESTKEY-0123456789"]

    func source(
        _ environment: [String: String] = keys, now: @escaping @Sendable () -> Double = SaaSFake.later,
        sleep: @escaping @Sendable (Double) async -> Void = { _ in }, flags: [String: String] = [:]
    ) -> DatadogSource {
        DatadogSource(
            configuration: SaaSFake.configuration(
                environment.merging(["DATADOG_URL": SaaSFake.url]) { a, _ in a }, flags: flags, now: now, sleep: sleep))
    }

    func answer(_ query: Node, source: DatadogSource? = nil) async throws -> SourceAnswer {
        try await (source ?? self.source()).answer(query, context: SourceContext(window: SaaSFake.window))
    }

    func failure(_ query: Node, source: DatadogSource? = nil) async -> String {
        await SaaSFake.failure(source ?? self.source(), query)
    }

    @Test func v1GivesOneResultPerSeriesKeyedByItsGroupGradedByTheStat() async throws {
        let last = try await answer(.string("avg:system.cpu.user{env:prod} by {host}"))
        #expect(
            last.measurements == [
                Measurement(key: "host:a", value: 1.5, timestamp: 1_714_565_400), Measurement(key: "host:b", value: 4, timestamp: 1_714_565_100)
            ])
        #expect(last.warnings.isEmpty)
        let max = try await answer(.object([("query", .string("max-query:system.cpu.user{*} by {host}")), ("stat", .string("avg"))]))
        #expect(max.measurements.map(\.value) == [1, 3])
        let sent = try await SaaSFake.recorded("avg:system.cpu.user{env:prod} by {host}")
        let request = try #require(sent.first)
        #expect(request["method"]?.stringValue == "GET" && request["path"]?.stringValue == "/api/v1/query")
        #expect(request["query"]?["from"]?.stringValue == "1714564800" && request["query"]?["to"]?.stringValue == "1714565400")
        #expect(request["headers"]?["dd-api-key"]?.stringValue == Self.keys["DD_API_KEY"])
        #expect(request["headers"]?["dd-application-key"]?.stringValue == Self.keys["DD_APP_KEY"])
    }

    @Test func seriesOfOneScopeAreToldApartByTheirExpression() async throws {
        #expect(try await answer(.string("sum:a{*},sum:b{*}")).measurements.map(\.key) == ["sum:a{*} *", "sum:b{*} *"])
    }

    @Test func v2FormulaGivesOneResultPerGroupAndSendsTheDocumentedBody() async throws {
        let query = Node.object([
            ("formula", .string("100 * errors / hits")), ("aggregator", .string("sum")),
            (
                "queries",
                .object([
                    ("errors", .string("sum:trace.http.request.errors{service:v2marker}.as_count()")),
                    ("hits", .string("sum:trace.http.request.hits{service:v2marker}.as_count()"))
                ])
            )
        ])
        let answer = try await answer(query)
        #expect(
            answer.measurements == [
                Measurement(key: "env:prod", value: 2.5, timestamp: 1_714_565_400),
                Measurement(key: "env:staging", value: 0.25, timestamp: 1_714_565_400),
                Measurement(key: "env:dev", value: nil, timestamp: 1_714_565_400)
            ])
        let sent = try #require(try await SaaSFake.recorded("v2marker").first)
        #expect(sent["method"]?.stringValue == "POST" && sent["path"]?.stringValue == "/api/v2/query/scalar")
        let body = try JSONParser.parse(sent["body"]?.stringValue ?? "")
        let attributes = try #require(body["data"]?["attributes"])
        #expect(body["data"]?["type"]?.stringValue == "scalar_request")
        #expect(attributes["from"]?.numberValue == 1_714_564_800_000 && attributes["to"]?.numberValue == 1_714_565_400_000)
        #expect(attributes["formulas"]?.items?.first?["formula"]?.stringValue == "100 * errors / hits")
        #expect(attributes["queries"]?.items?.map { $0["name"]?.stringValue ?? "" } == ["errors", "hits"])
        #expect(
            attributes["queries"]?.items?.allSatisfy { $0["aggregator"]?.stringValue == "sum" && $0["data_source"]?.stringValue == "metrics" } == true
        )
    }

    @Test func curvesAndSamplesComeFromThePoints() async throws {
        let points = try await source().series(
            for: SourceQuery(.string("avg:curve{*} by {host}")), context: SourceContext(window: SaaSFake.window), step: 60)
        #expect(points.count == 5 && points.first == Measurement(key: "host:a", value: 0.5, timestamp: 1_714_564_800))
        let formula = Node.object([("formula", .string("a")), ("queries", .object([("a", .string("avg:curve{*}"))]))])
        let v2 = try await source().series(for: SourceQuery(formula), context: SourceContext(window: SaaSFake.window), step: 300)
        #expect(
            v2 == [
                Measurement(key: "env:prod", value: 1.5, timestamp: 1_714_564_800), Measurement(key: "env:prod", value: nil, timestamp: 1_714_565_100)
            ])
        let sent = try #require(try await SaaSFake.recorded("avg:curve{*}\"").first)
        #expect(sent["path"]?.stringValue == "/api/v2/query/timeseries")
        #expect(try JSONParser.parse(sent["body"]?.stringValue ?? "")["data"]?["attributes"]?["interval"]?.numberValue == 300_000)
        let samples = try await source().samples(for: SourceQuery(formula), context: SourceContext(window: SaaSFake.window), step: 300)
        #expect(samples == [1.5, nil])
        await #expect(throws: SourceError.self) {
            try await source().samples(for: SourceQuery(.string("avg:two{*} by {host}")), context: SourceContext(window: SaaSFake.window), step: 60)
        }
    }

    @Test func explainsEachFailure() async throws {
        let prefix = "datadog: GET \(SaaSFake.url)/api/v1/query?from=1714564800&to=1714565400&query="
        #expect(await failure(.string("fail:400")).hasPrefix(prefix))
        #expect(await failure(.string("fail:400")).contains("HTTP 400: Error parsing query:"))
        #expect(await failure(.string("fail:500")).hasSuffix("HTTP 500: \"<html><body>Internal Server Error</body></html>\""))
        #expect(await failure(.string("status-error")).hasSuffix("Datadog: Rule 'scope_expr' didn't match"))
        #expect(await failure(.string("malformed")).contains("the answer is not valid JSON"))
        let forbidden = await failure(.string("avg:x{*}"), source: source(["DD_API_KEY": "wrong", "DD_APP_KEY": "wrong"]))
        #expect(forbidden.contains("HTTP 403: Forbidden (check DD_API_KEY and DD_APP_KEY"))
        #expect(
            await failure(.string("avg:x{*}"), source: source(["DD_API_KEY": "only"]))
                == "datadog: set the application key (DD_APP_KEY or --datadog-app-key-file): querying metrics needs both keys")
        let partial = Node.object([("formula", .string("a")), ("queries", .object([("a", .string("partial:x{*}"))]))])
        #expect(await failure(partial).hasSuffix("Datadog: query timed out"))
        #expect(try await answer(.string("empty:x{*}")).measurements.isEmpty)
    }

    @Test func honoursTheRateLimitHeadersAndSaysSoWhenTheyWin() async throws {
        #expect(try await answer(.string("ratelimit-once")).measurements.count == 2)
        let message = await failure(.string("ratelimit-always"))
        #expect(message.contains("HTTP 429: Too many requests (rate limited: x-ratelimit-name=metrics_query, x-ratelimit-limit=1600"))
        #expect(RetryAfter.delay(headers: ["x-ratelimit-reset": "7"], now: 1_714_564_800) == 7)
    }

    @Test func aRecentWindowWarnsOrWaitsForTheDataToSettle() async throws {
        let justAfter: @Sendable () -> Double = { 1_714_565_410 }
        let warned = try await answer(.string("avg:settle{*}"), source: source(now: justAfter))
        #expect(warned.warnings.count == 1)
        #expect(warned.warnings[0].contains("ended 10 s ago") && warned.warnings[0].contains("--datadog-wait 50"))
        let waited = WaitLog()
        let patient = source(now: justAfter, sleep: { await waited.add($0) }, flags: ["datadog-wait": "120"])
        #expect(try await answer(.string("avg:settle{*}"), source: patient).warnings.isEmpty)
        #expect(await waited.seconds == [50])
        let future = try await answer(.string("empty:future{*}"), source: source(now: { 1_714_565_000 }))
        #expect(future.warnings.first?.contains("ends 400 s from now") == true)
        #expect(await failure(.string("avg:x{*}"), source: source(flags: ["datadog-settle": "soon"])).contains("--datadog-settle must be seconds"))
    }

    @Test func sitesAndTheTrustRule() throws {
        let eu = DatadogSource(configuration: SourceConfiguration(environment: ["DD_SITE": "datadoghq.eu"]))
        #expect(try eu.backend(SourceContext()).url.url("/api/v1/query") == "https://api.datadoghq.eu/api/v1/query")
        let gov = DatadogSource(configuration: SourceConfiguration(flags: ["datadog-site": "api.us2.ddog-gov.com"]))
        #expect(try gov.backend(SourceContext()).url.origin == "https://api.us2.ddog-gov.com:443")
        let typo = DatadogSource(configuration: SourceConfiguration(environment: ["DD_SITE": "datadoghq.ue"]))
        #expect(throws: SourceError.self) { try typo.backend(SourceContext()) }
        let spec = Node.object([("datadog", .object([("url", .string("https://evil.example"))]))])
        #expect(try DatadogSource().backend(SourceContext(sourceSettings: spec)).mayReceiveCredentials == false)
    }

    @Test func validatesQueries() {
        let source = DatadogSource()
        let context = ValidationContext(hasWindow: true)
        #expect(source.validate(.number(1), at: .root, context: context).first?.message.contains("a Datadog query must be") == true)
        #expect(source.validate(.string(" "), at: .root, context: context).first?.message == "the Datadog query is empty")
        #expect(
            source.validate(.string("avg:x{*}"), at: .root, context: ValidationContext(hasWindow: false)).first?.message.contains(
                "needs the load test's window") == true)
        let badAggregator = Node.object([
            ("formula", .string("a")), ("queries", .object([("a", .string("avg:x{*}"))])), ("aggregator", .string("averge"))
        ])
        #expect(source.validate(badAggregator, at: .root, context: context).first?.message.contains("unknown aggregator 'averge'") == true)
        let badName = Node.object([("formula", .string("a")), ("queries", .object([("1a", .string("avg:x{*}"))]))])
        #expect(source.validate(badName, at: .root, context: context).first?.message.contains("no formula name") == true)
        #expect(
            source.validate(.string("avg:x{service:$SERVICE}"), at: .root, context: context).first?.message.contains("unknown placeholder $SERVICE")
                == true)
    }
}

actor WaitLog {
    var seconds: [Double] = []
    func add(_ value: Double) { seconds.append(value) }
}
