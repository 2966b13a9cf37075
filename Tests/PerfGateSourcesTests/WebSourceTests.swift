import PerfGateCore
import PerfGateTestSupport
import Testing

@testable import PerfGateSources

/// The generic source, against the scripted Datadog, New Relic and Log Analytics: the README's
/// three worked examples, and the trust rule for its secret headers.
@Suite struct WebSourceTests {
    static let secrets = [
        "PERFGATE_WEB_SECRET_DD_API": "dd-api-TESTKEY-0123456789", "PERFGATE_WEB_SECRET_DD_APP": "dd-app-TESTKEY-0123456789",
        "PERFGATE_WEB_SECRET_NR_KEY": "NRAK-TESTKEY0123456789", "PERFGATE_WEB_SECRET_AZURE_LOGS": "ready-logs-token-0123456789"
    ]

    func source(_ environment: [String: String] = secrets, flags: [String: String] = [:], base: Bool = true) -> WebSource {
        var environment = environment
        if base { environment["PERFGATE_WEB_URL"] = SaaSFake.url }
        return WebSource(configuration: SaaSFake.configuration(environment, flags: flags))
    }

    func answer(_ query: Node, source: WebSource? = nil) async throws -> SourceAnswer {
        try await (source ?? self.source()).answer(query, context: SourceContext(window: SaaSFake.window, variables: ["SERVICE": "checkout & co"]))
    }

    func failure(_ query: Node, source: WebSource? = nil) async -> String {
        do {
            _ = try await answer(query, source: source)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    static func json(_ text: String) -> Node { try! JSONParser.parse(text) }

    static let datadog = json(
        #"""
        {"url": "/api/v1/query?from=$START&to=$END&query=avg:system.cpu.user{service:$SERVICE} by {host}",
         "headers": {"DD-API-KEY": {"secret": "DD_API"}, "DD-APPLICATION-KEY": {"secret": "DD_APP"}},
         "results": "/series", "key": "/tag_set/0", "value": "/pointlist/*/1", "timestamp": "/pointlist/*/0", "stat": "last"}
        """#)

    @Test func datadogThroughWeb() async throws {
        #expect(
            try await answer(Self.datadog).measurements == [
                Measurement(key: "host:a", value: 1.5, timestamp: 1_714_565_400), Measurement(key: "host:b", value: 4, timestamp: 1_714_565_100)
            ])
        let sent = try #require(try await SaaSFake.recorded("service:checkout & co").first)
        #expect(sent["query"]?["from"]?.stringValue == "1714564800")
        #expect(sent["headers"]?["dd-api-key"]?.stringValue == "dd-api-TESTKEY-0123456789")
        let points = try await source().series(
            for: SourceQuery(Self.datadog), context: SourceContext(window: SaaSFake.window, variables: ["SERVICE": "x"]), step: 60)
        #expect(points.count == 5)
    }

    @Test func newRelicThroughWebKeepsGraphQLsOwnVariables() async throws {
        let query = Self.json(
            #"""
            {"url": "/graphql", "headers": {"API-Key": {"secret": "NR_KEY"}},
             "body": {"query": "query($accountId: Int!, $nrql: Nrql!) { actor { account(id: $accountId) { nrql(query: $nrql) { results } } } }",
                      "variables": {"accountId": 1234567, "nrql": "SELECT percentile(duration, 95) FROM Transaction WHERE appName = 'web' FACET name SINCE $START_MS UNTIL $END_MS"}},
             "results": "/data/actor/account/nrql/results", "key": "/facet", "value": "/percentile.duration/95"}
            """#)
        #expect(
            try await answer(query).measurements == [
                Measurement(key: "WebTransaction/Go/checkout", value: 0.31), Measurement(key: "[\"WebTransaction/Go/cart\",\"GET\"]", value: 0.12)
            ])
        let sent = try #require(try await SaaSFake.recorded("appName = 'web'").first)
        let body = try JSONParser.parse(sent["body"]?.stringValue ?? "")
        #expect(body["query"]?.stringValue?.contains("account(id: $accountId)") == true)
        #expect(body["variables"]?["nrql"]?.stringValue?.hasSuffix("SINCE 1714564800000 UNTIL 1714565400000") == true)
        #expect(body["variables"]?["accountId"]?.numberValue == 1_234_567)
        #expect(sent["headers"]?["content-type"]?.stringValue == "application/json")
    }

    @Test func logAnalyticsThroughWebWithABearerToken() async throws {
        let query = Self.json(
            #"""
            {"url": "/v1/workspaces/ws-0001/query", "headers": {"Authorization": {"secret": "AZURE_LOGS", "prefix": "Bearer "}},
             "body": {"query": "AppRequests | summarize p95 = percentile(DurationMs, 95), n = count() by Name", "timespan": "$START_RFC3339/$END_RFC3339"},
             "results": "/tables/0/rows", "key": "/0", "value": "/1"}
            """#)
        #expect(
            try await answer(query).measurements == [Measurement(key: "GET /checkout", value: 310.5), Measurement(key: "POST /cart", value: 120.25)])
    }

    @Test func secretHeadersGoOnlyUnderThePipelinesURL() async throws {
        let absolute = Self.json(
            #"{"url": "\#(SaaSFake.url)/api/v1/query?from=$START&to=$END&query=abs:x{*}", "headers": {"DD-API-KEY": {"secret": "DD_API"}, "DD-APPLICATION-KEY": {"secret": "DD_APP"}}, "results": "/series", "value": "/pointlist/-1/1"}"#
        )
        // The same server as PERFGATE_WEB_URL: the keys go.
        #expect(try await answer(absolute).measurements.count == 2)
        // Only the spec names it: the keys stay, with a warning, and the server refuses.
        let unnamed = await failure(absolute, source: source(base: false))
        #expect(unnamed.contains("HTTP 401: Unauthorized"))
        let trusted = WebSource(
            configuration: {
                var configuration = SaaSFake.configuration(Self.secrets)
                configuration.trustSpecURLs = true
                return configuration
            }())
        #expect(try await answer(absolute, source: trusted).measurements.count == 2)
        let refusing = WebSource(
            configuration: {
                var configuration = SaaSFake.configuration(Self.secrets.merging(["PERFGATE_WEB_URL": "https://metrics.example.com"]) { a, _ in a })
                configuration.refuseSpecURLs = true
                return configuration
            }())
        #expect(await failure(absolute, source: refusing).contains("outside this service's --web-url"))
        #expect(await failure(Self.datadog, source: source([:])).contains("the secret DD_API is not set: set PERFGATE_WEB_SECRET_DD_API"))
        let file = try Fixtures.temporaryFolder() + "/key"
        try Fixtures.write("dd-api-TESTKEY-0123456789\n", to: file)
        let fromFile = source(["PERFGATE_WEB_SECRET_DD_API_FILE": file, "PERFGATE_WEB_SECRET_DD_APP": "dd-app-TESTKEY-0123456789"])
        #expect(try await answer(Self.datadog, source: fromFile).measurements.count == 2)
        let values = Secrets.values(environment: ["PERFGATE_WEB_SECRET_DD_API_FILE": file, "PERFGATE_WEB_SECRET_X": "abcdef"])
        #expect(values.contains("dd-api-TESTKEY-0123456789") && values.contains("abcdef"))
    }

    @Test func placeholdersInTheURLAreEncodedAndTheAnswerIsChecked() async throws {
        #expect(
            WebSource().resolved(
                for: SourceQuery(Self.datadog.withURL("/q?service=$SERVICE")), context: SourceContext(variables: ["SERVICE": "a&b=c#d"]))
                == "GET /q?service=a%26b%3Dc%23d")
        let missing = Self.json(
            #"{"url": "/api/v1/query?from=$START&to=$END&query=x{*}", "headers": {"DD-API-KEY": {"secret": "DD_API"}, "DD-APPLICATION-KEY": {"secret": "DD_APP"}}, "results": "/seris", "value": "/v"}"#
        )
        #expect(await failure(missing).contains("nothing at /seris in the answer (did you mean 'series'?)"))
        let noValue = Self.json(
            #"{"url": "/api/v1/query?from=$START&to=$END&query=x{*}", "headers": {"DD-API-KEY": {"secret": "DD_API"}, "DD-APPLICATION-KEY": {"secret": "DD_APP"}}, "results": "/series", "value": "/pointlst/0/1"}"#
        )
        #expect(await failure(noValue).contains("no result has a value at /pointlst/0/1 (did you mean 'pointlist'?)"))
        let text = Self.json(
            #"{"url": "/api/v1/query?from=$START&to=$END&query=x{*}", "headers": {"DD-API-KEY": {"secret": "DD_API"}, "DD-APPLICATION-KEY": {"secret": "DD_APP"}}, "results": "/series", "value": "/scope"}"#
        )
        #expect(await failure(text).contains("/scope in a result is a string") == false)
        #expect(await failure(Self.json(#"{"url": "/nowhere", "value": "/x"}"#)).contains("HTTP 404"))
        #expect(await failure(Self.json(#"{"url": "/api/v1/query?from=1&to=2&query=x", "value": "/x"}"#)).contains("HTTP 401: Unauthorized"))
    }

    @Test func validatesQueries() {
        let source = WebSource()
        let context = ValidationContext(hasWindow: true)
        #expect(source.validate(.string("x"), at: .root, context: context).first?.message.contains("a web query must be an object") == true)
        #expect(
            source.validate(Self.json(#"{"url": "ftp://x", "value": "/v"}"#), at: .root, context: context).first?.message.contains("http(s)://")
                == true)
        #expect(
            source.validate(Self.json(#"{"url": "/x", "value": "v"}"#), at: .root, context: context).first?.message.contains("not a JSON Pointer")
                == true)
        #expect(
            source.validate(Self.json(#"{"url": "/x", "value": "/*/a/*"}"#), at: .root, context: context).first?.message.contains("one *") == true)
        #expect(
            source.validate(Self.json(#"{"url": "/x", "value": "/*", "timestamp": "/t"}"#), at: .root, context: context).first?.message.contains(
                "'timestamp' must have a *") == true)
        #expect(
            source.validate(Self.json(#"{"url": "/x", "value": "/v", "headers": {"Host": "a"}}"#), at: .root, context: context).first?.message
                .contains("perfgate sets 'Host'") == true)
        #expect(
            source.validate(Self.json(#"{"url": "/x", "value": "/v", "headers": {"A": {"secret": "a-b"}}}"#), at: .root, context: context).first?
                .message.contains("letters, digits and _") == true)
        #expect(
            source.validate(Self.json(#"{"url": "/x", "value": "/v", "body": "{}", "method": "GET"}"#), at: .root, context: context).first?.message
                .contains("a GET request has no body") == true)
        #expect(
            source.validate(Self.json(#"{"url": "/x?a=$NOPE", "value": "/v"}"#), at: .root, context: context).first?.message.contains(
                "unknown placeholder $NOPE") == true)
        #expect(source.validate(Self.json(#"{"url": "/x", "value": "/v", "body": {"q": "$graphqlVariable"}}"#), at: .root, context: context).isEmpty)
        #expect(
            source.validate(Self.json(#"{"url": "/x?s=$START_MS", "value": "/v"}"#), at: .root, context: ValidationContext(hasWindow: false)).first?
                .message.contains("need the load test's window") == true)
    }
}

extension Node {
    fileprivate func withURL(_ url: String) -> Node {
        .object((members ?? []).map { ($0.key, $0.key == "url" ? .string(url) : $0.value) })
    }
}
