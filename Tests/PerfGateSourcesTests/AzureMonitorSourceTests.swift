import PerfGateCore
import PerfGateTestSupport
import Testing

@testable import PerfGateSources

/// Against the scripted Entra ID, Azure Resource Manager and Log Analytics, which check each
/// flow's token request and each API's parameters, bodies and bearer tokens.
@Suite struct AzureMonitorSourceTests {
    static let resource = "/subscriptions/sub-1/resourceGroups/shop/providers/Microsoft.Web/sites/"
    static let secret = [
        "AZURE_TENANT_ID": "11111111-2222-3333-4444-555555555555", "AZURE_CLIENT_ID": "client-0123",
        "AZURE_CLIENT_SECRET": "az-client-SECRET-0123456789"
    ]

    func source(
        _ environment: [String: String] = secret, flags: [String: String] = [:], now: @escaping @Sendable () -> Double = SaaSFake.later
    ) -> AzureMonitorSource {
        let endpoints = ["AZURE_AUTHORITY_HOST": SaaSFake.url, "AZURE_MONITOR_URL": SaaSFake.url, "AZURE_LOGS_URL": SaaSFake.url]
        return AzureMonitorSource(configuration: SaaSFake.configuration(environment.merging(endpoints) { a, _ in a }, flags: flags, now: now))
    }

    @Test func aWindowThatEndsInTheFutureWarns() async throws {
        let future = source(now: { 1_714_565_300 })
        #expect(
            try await answer(Self.metric("future-site", "HttpResponseTime"), source: future).warnings.first?.hasPrefix(
                "azure-monitor: the window ends 100 s from now") == true)
        #expect(try await answer(Self.logs("AppLogs | where 'future' != ''"), source: future).warnings.count == 1)
    }

    static func metric(_ site: String, _ name: String, _ more: [(String, Node)] = []) -> Node {
        .object([("resource", .string(resource + site)), ("metric", .string(name)), ("aggregation", .string("Average"))] + more)
    }

    static func logs(_ kql: String, _ more: [(String, Node)] = []) -> Node {
        .object([("workspace", .string("ws-0001")), ("kql", .string(kql))] + more)
    }

    func answer(_ query: Node, source: AzureMonitorSource? = nil) async throws -> SourceAnswer {
        try await (source ?? self.source()).answer(query, context: SourceContext(window: SaaSFake.window))
    }

    func failure(_ query: Node, source: AzureMonitorSource? = nil) async -> String {
        await SaaSFake.failure(source ?? self.source(), query)
    }

    @Test func clientSecretThenMetricsWithOneResultPerTimeSeriesAndTheTokenCached() async throws {
        let source = source()
        let query = Self.metric("secret-site", "HttpResponseTime", [("filter", .string("Instance eq '*'"))])
        let expected = [
            Measurement(key: "Instance=web-1", value: 0.25, timestamp: 1_714_564_800),
            Measurement(key: "Instance=web-2", value: 0.5, timestamp: 1_714_564_800)
        ]
        #expect(try await answer(query, source: source).measurements == expected)
        #expect(try await answer(query, source: source).measurements == expected)
        let sent = try await SaaSFake.recorded("secret-site")
        #expect(sent.count == 2)
        let parameters = try #require(sent.first?["query"])
        #expect(sent.first?["path"]?.stringValue == Self.resource + "secret-site/providers/microsoft.insights/metrics")
        #expect(parameters["api-version"]?.stringValue == "2023-10-01" && parameters["interval"]?.stringValue == "FULL")
        #expect(parameters["timespan"]?.stringValue == "2024-05-01T12:00:00Z/2024-05-01T12:10:00Z")
        #expect(parameters["metricnames"]?.stringValue == "HttpResponseTime" && parameters["aggregation"]?.stringValue == "Average")
        #expect(parameters["$filter"]?.stringValue == "Instance eq '*'")
        let tokens = sent.compactMap { $0["headers"]?["authorization"]?.stringValue }
        #expect(tokens.count == 2 && tokens[0] == tokens[1] && tokens[0].hasPrefix("Bearer arm-token-"))
    }

    @Test func theClientCredentialsRequestIsTheDocumentedOne() async throws {
        _ = try await answer(
            Self.metric("form-site", "HttpResponseTime"), source: source(Self.secret.merging(["AZURE_CLIENT_ID": "client-0123"]) { a, _ in a }))
        // Tests run at once and share the secret: this one's request is the one for the metrics' audience.
        let requests = try await SaaSFake.recorded("az-client-SECRET")
        let token = try #require(requests.first { $0["body"]?.stringValue?.contains("management.azure.com") == true })
        #expect(token["method"]?.stringValue == "POST" && token["path"]?.stringValue == "/11111111-2222-3333-4444-555555555555/oauth2/v2.0/token")
        let form = token["body"]?.stringValue ?? ""
        #expect(form.contains("grant_type=client_credentials") && form.contains("client_id=client-0123"))
        #expect(form.contains("scope=https%3A%2F%2Fmanagement.azure.com%2F.default"))
    }

    @Test func workloadIdentityThenLogsKeyedByTheNamedColumns() async throws {
        let file = try Fixtures.temporaryFolder() + "/federated-token"
        try Fixtures.write("federated-ASSERTION-0123456789\n", to: file)
        let federated = ["AZURE_TENANT_ID": Self.secret["AZURE_TENANT_ID"]!, "AZURE_CLIENT_ID": "client-0123", "AZURE_FEDERATED_TOKEN_FILE": file]
        let query = Self.logs(
            "AppRequests | where Name != 'wif' | summarize p95 = percentile(DurationMs, 95), requests = count() by Name", [("value", .string("p95"))])
        #expect(
            try await answer(query, source: source(federated)).measurements == [
                Measurement(key: "GET /checkout", value: 310.5), Measurement(key: "POST /cart", value: 120.25)
            ])
        let sent = try #require(try await SaaSFake.recorded("'wif'").first)
        #expect(sent["path"]?.stringValue == "/v1/workspaces/ws-0001/query")
        #expect(try JSONParser.parse(sent["body"]?.stringValue ?? "")["timespan"]?.stringValue == "2024-05-01T12:00:00Z/2024-05-01T12:10:00Z")
        #expect(sent["headers"]?["authorization"]?.stringValue?.hasPrefix("Bearer logs-token-") == true)
        // Other tests send the same assertion for the metrics' audience: this one asked for the logs'.
        let forms = try await SaaSFake.recorded("federated-ASSERTION").map { $0["body"]?.stringValue ?? "" }
        let form = try #require(forms.first { $0.contains("api.loganalytics.io") })
        #expect(form.contains("client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"))
        #expect(form.contains("scope=https%3A%2F%2Fapi.loganalytics.io%2F.default") && !form.contains("client_secret"))
        let twoNumbers = Self.logs("AppRequests | summarize p95 = percentile(DurationMs, 95), requests = count() by Name")
        #expect(
            await failure(twoNumbers, source: source(federated)).contains("2 numeric columns (p95, requests): name the one to grade with \"value\""))
        #expect(
            try await answer(Self.logs("AppLogs | summarize count() by Category"), source: source(federated)).measurements.first
                == Measurement(key: "Administrative", value: 20839))
    }

    @Test func workloadIdentityFromGitHubActionsOIDCOrAVariable() async throws {
        let github = [
            "AZURE_TENANT_ID": Self.secret["AZURE_TENANT_ID"]!, "AZURE_CLIENT_ID": "client-0123",
            "ACTIONS_ID_TOKEN_REQUEST_URL": SaaSFake.url + "/_apis/oidc?api-version=2.0&runid=42",
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "gh-request-TOKEN-0123456789"
        ]
        #expect(try await answer(Self.metric("github-site", "HttpResponseTime"), source: source(github)).measurements.count == 1)
        let asked = try #require(try await SaaSFake.recorded("AzureADTokenExchange").last)
        #expect(
            asked["path"]?.stringValue == "/_apis/oidc" && asked["headers"]?["authorization"]?.stringValue == "bearer gh-request-TOKEN-0123456789")
        let refused = await failure(
            Self.metric("x", "HttpResponseTime"), source: source(github.merging(["ACTIONS_ID_TOKEN_REQUEST_TOKEN": "stale"]) { _, b in b }))
        #expect(refused.contains("GitHub refused an OIDC token: HTTP 401") && refused.contains("id-token: write"))
        let gitlab = [
            "AZURE_TENANT_ID": Self.secret["AZURE_TENANT_ID"]!, "AZURE_CLIENT_ID": "client-0123",
            "AZURE_FEDERATED_TOKEN": "federated-ASSERTION-0123456789"
        ]
        #expect(try await answer(Self.metric("gitlab-site", "HttpResponseTime"), source: source(gitlab)).measurements.count == 1)
    }

    @Test func managedIdentityFromTheMetadataEndpointAndFromAppService() async throws {
        let imds = source(["AZURE_POD_IDENTITY_AUTHORITY_HOST": SaaSFake.url], flags: ["azure-auth": "managed-identity"])
        #expect(try await answer(Self.metric("imds-site", "HttpResponseTime"), source: imds).measurements.map(\.value) == [0.3])
        let asked = try #require(try await SaaSFake.recorded("/metadata/identity").last)
        #expect(asked["headers"]?["metadata"]?.stringValue == "true" && asked["query"]?["resource"]?.stringValue == "https://management.azure.com")
        let appService = source(["IDENTITY_ENDPOINT": SaaSFake.url + "/msi/token", "IDENTITY_HEADER": "identity-HEADER-0123456789"])
        #expect(try await answer(Self.logs("AppLogs | where 'appservice' != ''"), source: appService).measurements.count == 4)
        let header = source(["IDENTITY_ENDPOINT": SaaSFake.url + "/msi/token", "IDENTITY_HEADER": "wrong-HEADER"])
        let refused = await failure(Self.metric("msi-site", "HttpResponseTime"), source: header)
        #expect(
            refused.contains("Entra ID refused the App Service managed identity (IDENTITY_ENDPOINT): HTTP 401") && !refused.contains("wrong-HEADER"))
    }

    @Test func aReadyTokenIsSentAsIsAndNoFlowIsAskedFor() async throws {
        let ready = source(["AZURE_MONITOR_TOKEN": "ready-arm-token-0123456789"])
        #expect(try await answer(Self.metric("ready-site", "HttpResponseTime"), source: ready).measurements.count == 1)
        let sent = try #require(try await SaaSFake.recorded("ready-site").first)
        #expect(sent["headers"]?["authorization"]?.stringValue == "Bearer ready-arm-token-0123456789")
        #expect(
            await failure(Self.metric("x", "HttpResponseTime"), source: source(["AZURE_MONITOR_TOKEN": "expired-0123456789"])).contains(
                "HTTP 401: InvalidAuthenticationToken: The access token is invalid. (the token was refused"))
        #expect(
            await failure(Self.logs("x"), source: source(["AZURE_MONITOR_TOKEN": "ready-arm-token-0123456789"])).contains("no Entra ID credentials"))
        #expect(await failure(Self.logs("x"), source: source([:], flags: ["azure-auth": "magic"])).contains("unknown --azure-auth 'magic'"))
    }

    @Test func curvesAtTheGrainAndTheBinOfTheStep() async throws {
        let points = try await source().series(
            for: SourceQuery(Self.metric("curve-site", "Http5xx")), context: SourceContext(window: SaaSFake.window), step: 45)
        #expect(points.map(\.value) == [0.1, nil, 0.3] && points.map(\.timestamp) == [1_714_564_800, 1_714_564_860, 1_714_564_920])
        #expect(try await SaaSFake.recorded("curve-site").first?["query"]?["interval"]?.stringValue == "PT1M")
        let graded = try await answer(Self.metric("stat-site", "Http5xx", [("interval", .string("pt1m")), ("stat", .string("max"))]))
        #expect(graded.measurements == [Measurement(key: "Http5xx", value: 0.3, timestamp: 1_714_564_920)])
        let logs = try await source().series(
            for: SourceQuery(Self.logs("AppRequests | summarize avg(DurationMs) by bin(TimeGenerated, $INTERVAL)")),
            context: SourceContext(window: SaaSFake.window), step: 60)
        #expect(logs.map(\.value) == [100, nil, 300] && logs.last?.timestamp == 1_714_564_920)
        let kql = try await SaaSFake.recorded("bin(TimeGenerated, 60s)")
        #expect(kql.count == 1)
    }

    @Test func explainsEachFailureWithoutTheSecrets() async throws {
        let wrong = await failure(
            Self.metric("x", "HttpResponseTime"), source: source(Self.secret.merging(["AZURE_CLIENT_SECRET": "not-the-secret-0123"]) { _, b in b }))
        #expect(
            wrong.contains(
                "Entra ID refused the client secret of AZURE_CLIENT_ID: HTTP 401: invalid_client: AADSTS7000215: Invalid client secret provided"))
        #expect(!wrong.contains("not-the-secret"))
        #expect(await failure(Self.metric("Forbidden-site", "HttpResponseTime")).contains("HTTP 403: AuthorizationFailed: The client 'client-0123'"))
        #expect(await failure(Self.metric("x", "NoSuchMetric")).contains("HTTP 400: BadRequest: Failed to find metric configuration"))
        #expect(try await answer(Self.metric("x", "Throttled")).measurements.count == 1)
        #expect(await failure(Self.metric("x", "Fail500")).hasSuffix("HTTP 500: \"<html>Internal Server Error</html>\""))
        #expect(await failure(Self.metric("x", "Malformed")).contains("the answer is not valid JSON"))
        #expect(try await answer(Self.metric("x", "Empty")).measurements.isEmpty)
        #expect(
            await failure(Self.metric("x", "PartialError")).hasSuffix(
                "the metric \"PartialError\" failed: MetricThrottled: Metric data was throttled"))
        let echoed = await failure(Self.metric("x", "Echo"))
        #expect(echoed.contains("token Bearer ***") && !echoed.contains("arm-token-"))
        #expect(
            await failure(Self.logs("SyntaxError")).contains(
                "HTTP 400: BadArgumentError: The request had some invalid properties (Query could not be parsed at 'SyntaxError' on line [1,0])"))
        #expect(await failure(Self.logs("AppLogs | partial")).contains("a partial answer: PartialError: There were some errors"))
        #expect(try await answer(Self.logs("AppLogs | empty")).measurements.isEmpty)
    }

    @Test func validatesQueries() {
        let source = AzureMonitorSource()
        let context = ValidationContext(hasWindow: true)
        #expect(
            source.validate(.string("x"), at: .root, context: context).first?.message.contains("an Azure Monitor query must be an object") == true)
        let outside = Node.object([("resource", .string("https://evil.example/x")), ("metric", .string("m"))])
        #expect(source.validate(outside, at: .root, context: context).first?.message.contains("starts with /subscriptions/") == true)
        let dots = Node.object([("resource", .string("/subscriptions/a/../../x")), ("metric", .string("m"))])
        #expect(source.validate(dots, at: .root, context: context).first?.message.contains("'.' or '..' segment") == true)
        let query = Node.object([("resource", .string("/subscriptions/a/x?y")), ("metric", .string("m"))])
        #expect(!source.validate(query, at: .root, context: context).isEmpty)
        #expect(
            source.validate(
                Node.object([("resource", .string(Self.resource + "s")), ("metric", .string("m")), ("aggregation", .string("avrage"))]), at: .root,
                context: context
            ).first?.message.contains("unknown aggregation 'avrage'") == true)
        #expect(
            source.validate(Self.metric("s", "m", [("interval", .string("PT2M"))]), at: .root, context: context).first?.message.contains(
                "unknown interval 'PT2M'") == true)
        #expect(
            source.validate(Self.logs("x", [("workspace", .string("../a"))]), at: .root, context: context).contains {
                $0.message.contains("letters, digits and '-'")
            })
        #expect(source.validate(Self.logs("x | $INTERVAL"), at: .root, context: context).isEmpty)
        #expect(
            source.validate(Self.logs("x"), at: .root, context: ValidationContext(hasWindow: false)).first?.message.contains(
                "needs the load test's window") == true)
        #expect(AzureMonitorSource.armAudience("management.chinacloudapi.cn") == "https://management.chinacloudapi.cn")
        #expect(AzureMonitorSource.logsAudience("127.0.0.1") == "https://api.loganalytics.io")
    }
}
