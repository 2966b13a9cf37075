import PerfGateCore
import PerfGateTestSupport
import Testing

@testable import PerfGateSources

/// Against the scripted NerdGraph, which checks the User key, the GraphQL variables and the window.
@Suite struct NewRelicSourceTests {
    static let environment = ["NEW_RELIC_API_KEY": "NRAK-TESTKEY0123456789", "NEW_RELIC_ACCOUNT_ID": "1234567"]

    func source(_ environment: [String: String] = environment, now: @escaping @Sendable () -> Double = SaaSFake.later) -> NewRelicSource {
        NewRelicSource(configuration: SaaSFake.configuration(environment.merging(["NEW_RELIC_URL": SaaSFake.url]) { a, _ in a }, now: now))
    }

    @Test func aWindowThatEndsInTheFutureWarns() async throws {
        let answer = try await answer(.string("SELECT percentile(duration, 95) FROM Transaction"), source: source(now: { 1_714_565_000 }))
        #expect(
            answer.warnings == [
                "newrelic: the window ends 400 s from now: the backend has no data past now, so its last part is missing; end the window at the load test's end"
            ])
        #expect(try await self.answer(.string("SELECT percentile(duration, 95) FROM Transaction")).warnings.isEmpty)
    }

    func answer(_ query: Node, source: NewRelicSource? = nil) async throws -> SourceAnswer {
        try await (source ?? self.source()).answer(query, context: SourceContext(window: SaaSFake.window))
    }

    func failure(_ query: Node, source: NewRelicSource? = nil) async -> String {
        await SaaSFake.failure(source ?? self.source(), query)
    }

    @Test func oneResultPerFacetAndTheWindowAsSinceUntil() async throws {
        let nrql = "SELECT percentile(duration, 95) FROM Transaction WHERE appName = 'facets' FACET name"
        #expect(
            try await answer(.string(nrql)).measurements == [
                Measurement(key: "WebTransaction/Go/checkout", value: 0.31), Measurement(key: "WebTransaction/Go/cart,GET", value: 0.12)
            ])
        let sent = try #require(try await SaaSFake.recorded("'facets'").first)
        #expect(sent["method"]?.stringValue == "POST" && sent["path"]?.stringValue == "/graphql")
        #expect(sent["headers"]?["api-key"]?.stringValue == "NRAK-TESTKEY0123456789")
        let body = try JSONParser.parse(sent["body"]?.stringValue ?? "")
        #expect(body["variables"]?["nrql"]?.stringValue == nrql + " SINCE 1714564800000 UNTIL 1714565400000")
        #expect(body["variables"]?["accountId"]?.numberValue == 1_234_567 && body["variables"]?["timeout"]?.numberValue == 30)
    }

    @Test func theGradedMemberIsTheOneNumberOrTheNamedOne() async throws {
        #expect(
            try await answer(.string("SELECT percentile(duration, 95) FROM Transaction")).measurements == [
                Measurement(key: "percentile.duration", value: 0.42)
            ])
        let two = "SELECT average(duration), count(*) FROM Transaction"
        #expect(await failure(.string(two)).contains("each result has 2 values (average.duration, count): name the one to grade with \"value\""))
        let named = Node.object([("nrql", .string(two)), ("value", .string("count")), ("account", .number(1_234_567))])
        #expect(try await answer(named).measurements == [Measurement(key: "count", value: 1200)])
        let misspelt = Node.object([("nrql", .string(two)), ("value", .string("cuont"))])
        #expect(await failure(misspelt).contains("the results have no 'cuont' (did you mean 'count'?)"))
    }

    @Test func curvesAreTimeseriesBuckets() async throws {
        let points = try await source().series(
            for: SourceQuery(.string("SELECT average(duration) FROM Transaction")), context: SourceContext(window: SaaSFake.window), step: 60)
        #expect(points.map(\.timestamp) == [1_714_564_800, 1_714_564_860, 1_714_564_920])
        #expect(points.map(\.value) == [0.1, nil, 0.30000000000000004])
        let samples = try await source().samples(
            for: SourceQuery(.string("SELECT average(duration) FROM Transaction")), context: SourceContext(window: SaaSFake.window), step: 60)
        #expect(samples.count == 3)
    }

    @Test func graphQLErrorsWithHTTP200AreErrors() async throws {
        let prefix = "newrelic: POST \(SaaSFake.url)/graphql: HTTP "
        #expect(await failure(.string("SELECT fail:syntax")) == prefix + "200: New Relic: NRDB:1101002 - Unknown function percentle")
        let other = Node.object([("nrql", .string("SELECT count(*) FROM Transaction")), ("account", .number(42))])
        #expect(await failure(other) == prefix + "200: New Relic: Account 42 is not accessible with this key")
        #expect(
            await failure(.string("SELECT 1"), source: source(["NEW_RELIC_API_KEY": "NRAK-WRONG", "NEW_RELIC_ACCOUNT_ID": "1234567"])).hasSuffix(
                "401: New Relic: Invalid API key (check NEW_RELIC_API_KEY: a User key, NRAK-…, of a user in the account)"))
        #expect(
            await failure(.string("SELECT fail:403")).hasSuffix(
                "403: New Relic: Forbidden (check NEW_RELIC_API_KEY: a User key, NRAK-…, of a user in the account)"))
        #expect(await failure(.string("SELECT fail:500")) == prefix + "500: \"<html>Internal Server Error</html>\"")
        #expect(await failure(.string("SELECT ratelimit")).contains("HTTP 429: New Relic: Too many requests"))
        #expect(await failure(.string("SELECT malformed")).contains("the answer is not valid JSON"))
        #expect(try await answer(.string("SELECT empty")).measurements.isEmpty)
        #expect(await failure(.string("SELECT 1"), source: source(["NEW_RELIC_API_KEY": "x"])).contains("no account"))
        #expect(await failure(.string("SELECT 1"), source: source(["NEW_RELIC_ACCOUNT_ID": "1"])).contains("set NEW_RELIC_API_KEY"))
    }

    @Test func regionsAndTheTrustRule() throws {
        let eu = NewRelicSource(configuration: SourceConfiguration(environment: ["NEW_RELIC_REGION": "EU"]))
        #expect(try eu.backend(SourceContext()).url.url("/graphql") == "https://api.eu.newrelic.com/graphql")
        #expect(try NewRelicSource().backend(SourceContext()).url.url("/graphql") == "https://api.newrelic.com/graphql")
        #expect(throws: SourceError.self) {
            try NewRelicSource(configuration: SourceConfiguration(flags: ["newrelic-region": "mars"])).backend(SourceContext())
        }
        let spec = Node.object([("newrelic", .object([("url", .string("https://evil.example/graphql"))]))])
        #expect(try NewRelicSource().backend(SourceContext(sourceSettings: spec)).mayReceiveCredentials == false)
    }

    @Test func validatesQueries() {
        let source = NewRelicSource()
        #expect(
            source.validate(.string("SELECT count(*) FROM Transaction"), at: .root, context: ValidationContext(hasWindow: false)).first?.message
                .contains("no SINCE") == true)
        #expect(
            source.validate(.string("SELECT count(*) FROM Transaction SINCE 1 hour ago"), at: .root, context: ValidationContext(hasWindow: false))
                .isEmpty)
        #expect(
            source.validate(.string("SELECT count(*) FROM T WHERE name = 'since'"), at: .root, context: ValidationContext(hasWindow: false)).count
                == 1)
        #expect(source.validate(.object([("nrql", .string("x")), ("timeout", .number(500))]), at: .root).first?.message.contains("'timeout'") == true)
        #expect(source.validate(.number(3), at: .root).first?.message.contains("a New Relic query must be") == true)
    }
}
