import Foundation
import PerfGateCore
import PerfGateTestSupport
import Testing

/// `perfgate evaluate` and `perfgate serve` with the datadog, newrelic, azure-monitor and web
/// sources against the scripted backends (Servers/fake_saas.py): graded ends to end, hostile series
/// names, tags and facets kept as text, and keys a backend echoes never shown.
@Suite struct HostedBackendsEndToEndTests {
    static var url: String { FakeBackend.saas.url }
    static let window = ["--start", "1714564800", "--end", "1714565400"]
    static var environment: [String: String] {
        [
            "DATADOG_URL": url, "DD_API_KEY": "dd-api-TESTKEY-0123456789", "DD_APP_KEY": "dd-app-TESTKEY-0123456789", "NEW_RELIC_URL": url,
            "NEW_RELIC_API_KEY": "NRAK-TESTKEY0123456789", "NEW_RELIC_ACCOUNT_ID": "1234567", "AZURE_AUTHORITY_HOST": url, "AZURE_MONITOR_URL": url,
            "AZURE_LOGS_URL": url, "AZURE_TENANT_ID": "11111111-2222-3333-4444-555555555555", "AZURE_CLIENT_ID": "client-0123",
            "AZURE_CLIENT_SECRET": "az-client-SECRET-0123456789", "PERFGATE_WEB_URL": url, "PERFGATE_WEB_SECRET_DD_API": "dd-api-TESTKEY-0123456789",
            "PERFGATE_WEB_SECRET_DD_APP": "dd-app-TESTKEY-0123456789"
        ]
    }
    static let secrets = ["dd-api-TESTKEY", "dd-app-TESTKEY", "NRAK-TESTKEY", "az-client-SECRET", "arm-token-", "logs-token-"]

    static func indicator(_ id: String, _ source: String, _ query: String, upper: Double = 1000) -> String {
        "  - {id: \(id), source: \(source), query: \(query), grading: {type: Threshold, thresholds: {upperSevere: \(upper)}, metricScore: 1}}"
    }

    static let site = "/subscriptions/sub-1/resourceGroups/shop/providers/Microsoft.Web/sites/e2e"
    static let graded = [
        indicator("dd_cpu", "datadog", "'avg:system.cpu.user{env:prod} by {host}'", upper: 5),
        indicator("nr_p95", "newrelic", #""SELECT percentile(duration, 95) FROM Transaction WHERE appName = 'e2e' FACET name""#, upper: 1),
        indicator(
            "az_time", "azure-monitor", "{resource: \(site), metric: HttpResponseTime, aggregation: Average, filter: \"Instance eq '*'\"}", upper: 1),
        indicator(
            "az_p95", "azure-monitor",
            "{workspace: ws-0001, kql: 'AppRequests | summarize p95 = percentile(DurationMs, 95), n = count() by Name', value: p95}"),
        indicator(
            "web_dd", "web",
            #"{url: '/api/v1/query?from=$START&to=$END&query=avg:system.cpu.user{*} by {host}', headers: {DD-API-KEY: {secret: DD_API}, DD-APPLICATION-KEY: {secret: DD_APP}}, results: /series, key: /tag_set/0, value: '/pointlist/*/1'}"#,
            upper: 5)
    ]

    @Test func eachSourceGradesAndTheHostileAndTheSecretStayOut() async throws {
        let folder = try Fixtures.temporaryFolder()
        let hostile = [
            Self.indicator("dd_hostile", "datadog", "'hostile:x{*}'"),
            Self.indicator("nr_hostile", "newrelic", "'SELECT count(*) FROM hostile FACET name'"),
            Self.indicator(
                "az_hostile", "azure-monitor", "{resource: \(Self.site), metric: Hostile, aggregation: Average, filter: 'Instance eq \"*\"'}"),
            Self.indicator("la_hostile", "azure-monitor", "{workspace: ws-0001, kql: 'T | hostile'}"),
            Self.indicator("dd_echo", "datadog", "'echo:x{*}'"), Self.indicator("nr_echo", "newrelic", "'SELECT echo'"),
            Self.indicator("az_echo", "azure-monitor", "{resource: \(Self.site), metric: Echo, aggregation: Average}")
        ]
        try Fixtures.write(
            (["indicators:"] + Self.graded + hostile + ["objectives: {pass: 12, warning: 5}"]).joined(separator: "\n") + "\n",
            to: folder + "/perfspec.yaml")
        for file in ["output", "env", "summary"] { try Fixtures.write("", to: folder + "/gh-" + file) }
        let github = [
            "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": folder, "GITHUB_OUTPUT": folder + "/gh-output", "GITHUB_ENV": folder + "/gh-env",
            "GITHUB_STEP_SUMMARY": folder + "/gh-summary"
        ]
        let arguments = [
            "evaluate", "--spec", "perfspec.yaml", "--json", "r.json", "--junit", "r.xml", "--markdown", "r.md", "--html", "r.html", "--history",
            "h.jsonl"
        ]
        // A run before, so the HTML report draws trends of the hostile keys too.
        _ = try await InProcess.run(arguments + Self.window, environment: Self.environment, in: folder)
        let output = try await InProcess.run(arguments + Self.window, environment: Self.environment.merging(github) { a, _ in a }, in: folder)
        // Three echoes error: the run could not measure everything.
        #expect(output.status == 2, "\(output.stdout)\(output.stderr)")
        let result = try JSONParser.parse(Fixtures.read(folder + "/r.json"))
        let byId = Dictionary(
            uniqueKeysWithValues: (result["indicatorResults"]?.items ?? []).map { ($0["id"]?.stringValue ?? "", $0) })
        func values(_ id: String) -> [String] {
            (byId[id]?["values"]?.items ?? []).map { "\($0["key"]?.stringValue ?? "")=\($0["value"]?.numberValue.map(JSONWriter.format) ?? "-")" }
        }
        #expect(values("dd_cpu") == ["host:a=1.5", "host:b=4"])
        #expect(values("nr_p95") == ["WebTransaction/Go/checkout=0.31", "WebTransaction/Go/cart,GET=0.12"])
        #expect(values("az_time") == ["Instance=web-1=0.25", "Instance=web-2=0.5"])
        #expect(values("az_p95") == ["GET /checkout=310.5", "POST /cart=120.25"])
        #expect(values("web_dd") == ["host:a=1.5", "host:b=4"])
        for id in ["dd_hostile", "nr_hostile", "az_hostile", "la_hostile"] { #expect(values(id).count == 6, "\(id)") }
        for id in ["dd_echo", "nr_echo", "az_echo"] { #expect(byId[id]?["error"]?.stringValue?.contains("***") == true, "\(id)") }

        // No key, in any form, anywhere a person or a machine reads.
        // (`::add-mask::` lines hand them to the runner's masker: the one place they must be.)
        let log = (output.stdout + output.stderr).split(separator: "\n").filter { !$0.hasPrefix("::add-mask::") }.joined(separator: "\n")
        var texts = [log]
        for file in ["r.json", "r.xml", "r.md", "r.html", "gh-output", "gh-summary"] { texts.append(try Fixtures.read(folder + "/" + file)) }
        for text in texts {
            for secret in Self.secrets { #expect(!text.contains(secret), "\(secret) in \(text.prefix(300))") }
        }
        // Hostile series names, tags and facets: no command of their own, valid XML, inert HTML.
        for line in (output.stdout + output.stderr).split(separator: "\n") where line.hasPrefix("::") || line.contains("##vso[") {
            #expect(
                line.hasPrefix("::add-mask::") || line.hasPrefix("::error title=perfgate") || line.hasPrefix("::warning title=perfgate"), "\(line)")
        }
        try Shared.expectValidJUnit(folder + "/r.xml")
        InjectionTests.expectInertHTML(try Fixtures.read(folder + "/r.html"))
        #expect(try Fixtures.read(folder + "/gh-env").isEmpty)
    }

    @Test func aServiceRunsTheHostedSources() async throws {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write("serve-key-0123456789 evaluate\n", to: folder + "/keys")
        let service = try ServeProcess(["--api-key-file", folder + "/keys", "--store", "none"], environment: Self.environment)
        defer { _ = service.stop() }
        let spec = (["indicators:"] + Self.graded + ["objectives: {pass: 5, warning: 3}"]).joined(separator: "\n") + "\n"
        let body = JSONWriter.write(.object([("spec", .string(spec)), ("start", .number(1_714_564_800)), ("end", .number(1_714_565_400))]))
        let answer = try await Curl.post(
            "http://127.0.0.1:\(service.port)/api/v1/evaluate", json: body, headers: ["Authorization: Bearer serve-key-0123456789"])
        #expect(answer.status == 200, "\(answer.body)")
        let result = try JSONParser.parse(answer.body)
        #expect(result["result"]?.stringValue == "pass", "\(answer.body)")
        #expect(result["indicatorResults"]?.items?.count == 5)
        for secret in Self.secrets { #expect(!answer.body.contains(secret)) }
    }
}
