import PerfGateCore
import PerfGateTestSupport
import Testing

/// Prometheus, Dynatrace, k6 and static indicators in one run of the binary.
@Suite(.enabled(if: PrometheusServer.isAvailable, "prometheus is not installed (CI sets PERFGATE_REQUIRE_PROMETHEUS=1)"))
struct SourcesEndToEndTests {
    static let marker = "SECRET-MARKER-7f3a"

    func spec(dynatraceSelector: String = "builtin:service.response.time:percentile(95)") -> String {
        let k6 = Fixtures.packageRoot + "/Examples/k6/summary.json"
        return """
            spec_version: "1.0"
            indicators:
              - id: checkout_p95_seconds
                source: Prometheus
                query: max_over_time(http_request_duration_seconds{service="$SERVICE"}[$DURATION])
                grading: {type: Threshold, thresholds: {upperWarning: 0.25, upperSevere: 0.4}, metricScore: 25}
              - id: service_response_time_us
                source: Dynatrace
                query: {metricSelector: "\(dynatraceSelector)", entitySelector: "type(SERVICE)"}
                grading: {type: Threshold, thresholds: {upperSevere: 300000}, metricScore: 25, ignoreEmpty: true}
              - id: k6_p95_ms
                source: k6
                query: {file: "\(k6)", metric: http_req_duration, stat: p(95)}
                grading: {type: Threshold, thresholds: {upperSevere: 500}, metricScore: 25}
              - id: dry_run
                source: static
                query: [{key: a, value: 1}]
                grading: {type: Threshold, thresholds: {upperSevere: 2}, metricScore: 25}
            objectives: {pass: 100, warning: 50}
            """
    }

    func evaluate(_ spec: String, _ extra: [String] = [], environment: [String: String] = [:]) async throws -> (PerfGateBinary.Output, Node?, String)
    {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(spec, to: folder + "/perfspec.yaml")
        let prometheus = try PrometheusServer.shared.get()
        let output = try await InProcess.run(
            [
                "evaluate", "--spec", folder + "/perfspec.yaml", "--start", "2024-05-01T12:00:00Z", "--end", "2024-05-01T12:10:00Z",
                "--prometheus-url", prometheus.url, "--dynatrace-url", FakeBackend.shared.url, "--var", "SERVICE=checkout",
                "--json", folder + "/result.json", "--junit", folder + "/result.xml", "--markdown", folder + "/result.md"
            ] + extra,
            environment: ["DYNATRACE_API_TOKEN": FakeBackend.dynatraceToken].merging(environment) { _, new in new })
        let result = try? JSONParser.parse(Fixtures.read(folder + "/result.json"))
        let reports = try ["result.json", "result.xml", "result.md"].map { try Fixtures.read(folder + "/" + $0) }.joined()
        return (output, result, reports)
    }

    @Test func everySourceInOneRun() async throws {
        let (output, result, _) = try await evaluate(spec())
        // 0.29 s crosses upperWarning: 12.5 + 25 + 25 + 25 = 87.5, below pass (100), above warning (50).
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        #expect(result?["result"]?.stringValue == "warning")
        let indicators = try #require(result?["indicatorResults"]?.items)
        #expect(indicators.map { $0["score"]?.numberValue } == [12.5, 25, 25, 25])
        #expect(indicators[0]["values"]?.items?.first?["value"]?.numberValue == 0.29)
        #expect(indicators[1]["values"]?.items?.count == 2)
        #expect(indicators[1]["warnings"] == .array([.string("The result was limited to 2 series.")]))
        #expect(output.stdout.contains("note: The result was limited to 2 series."))
        #expect(result?["totalScore"]?.numberValue == 87.5)
        #expect(output.stdout.contains("WARN  checkout_p95_seconds"))
    }

    @Test func aFailingBackendIsAnErrorForItsIndicatorOnly() async throws {
        let (output, result, _) = try await evaluate(spec(dynatraceSelector: "fail:404"))
        #expect(output.status == 2)
        let indicators = try #require(result?["indicatorResults"]?.items)
        #expect(indicators[1]["error"]?.stringValue?.hasSuffix("HTTP 404: Metric 'builtin:nope' not found") == true)
        #expect(indicators.map { $0["verdict"]?.stringValue } == ["warning", "error", "pass", "pass"])
    }

    @Test func tokensNeverAppearInOutputOrReports() async throws {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(Self.marker + "\n", to: folder + "/prometheus-token")
        let (output, result, reports) = try await evaluate(
            spec(), ["--prometheus-token-file", folder + "/prometheus-token"],
            environment: ["DYNATRACE_API_TOKEN": Self.marker])  // wrong token: the fake answers 401
        #expect(result?["indicatorResults"]?.items?[1]["error"]?.stringValue?.contains("HTTP 401") == true)
        for text in [output.stdout, output.stderr, reports] { #expect(!text.contains(Self.marker)) }
    }

    @Test func followsTheProxyVariablesAsCurlDoes() async throws {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(
            """
            indicators:
              - {id: proxied, source: prometheus, query: up, grading: {type: Threshold, thresholds: {}, metricScore: 1}}
            objectives: {pass: 1, warning: 0}
            """, to: folder + "/spec.yaml")
        let output = try PerfGateBinary.run(
            ["evaluate", "--spec", folder + "/spec.yaml", "--prometheus-url", "http://metrics.example.invalid:9090", "--json", "-"],
            environment: ["http_proxy": FakeBackend.shared.url])
        #expect(output.status == 0, "\(output.stderr)")
        let key = try JSONParser.parse(output.stdout)["indicatorResults"]?.items?.first?["values"]?.items?.first?["key"]?.stringValue
        #expect(key == #"{host="metrics.example.invalid",via="proxy"}"#)
    }

    @Test func insecureWarnsOnEveryRun() async throws {
        let output = try await InProcess.run(["evaluate", "--spec", Fixtures.packageRoot + "/Examples/perfspec.json", "--insecure"])
        #expect(output.status == 0)
        #expect(output.stderr.contains("warning: --insecure: TLS certificates are not verified"))
    }

    @Test func placeholdersAreCheckedBeforeAnyQuery() async throws {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(spec(), to: folder + "/perfspec.yaml")
        let missingVariable = try await InProcess.run(["evaluate", "--spec", folder + "/perfspec.yaml", "--start", "now-10m"])
        #expect(missingVariable.status == 65)
        #expect(missingVariable.stderr.contains("indicators[0].query: unknown placeholder $SERVICE"))
        let noWindow = try await InProcess.run(["evaluate", "--spec", folder + "/perfspec.yaml", "--var", "SERVICE=x"])
        #expect(noWindow.status == 65)
        #expect(noWindow.stderr.contains("$DURATION needs the load test's window"))
        #expect(noWindow.stderr.contains("a Dynatrace query needs the load test's window"))
        #expect(try await InProcess.run(["validate", "--spec", folder + "/perfspec.yaml", "--var", "SERVICE=x"]).status == 0)
    }
}
