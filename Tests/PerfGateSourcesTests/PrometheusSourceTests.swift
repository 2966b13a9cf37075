import PerfGateCore
import PerfGateTestSupport
import Testing

@testable import PerfGateSources

/// Against a real Prometheus, backfilled with known data (`PrometheusData`).
@Suite(.enabled(if: PrometheusServer.isAvailable, "prometheus is not installed (CI sets PERFGATE_REQUIRE_PROMETHEUS=1)"))
struct PrometheusSourceTests {
    let window = Window(start: Double(PrometheusData.windowStart), end: Double(PrometheusData.windowEnd))

    func answer(_ promql: String, variables: [String: String] = [:], window: Window? = nil) async throws -> SourceAnswer {
        let server = try PrometheusServer.shared.get()
        let source = PrometheusSource(configuration: SourceConfiguration(prometheusURL: server.url))
        return try await source.answer(.string(promql), context: SourceContext(window: window ?? self.window, variables: variables))
    }

    @Test func aVectorGivesOneResultPerSeriesKeyedBySortedLabels() async throws {
        let answer = try await answer("http_request_duration_seconds")
        #expect(answer.measurements.count == 2)
        #expect(answer.measurements.allSatisfy { $0.timestamp == 1_714_565_400 })
        let byKey = Dictionary(uniqueKeysWithValues: answer.measurements.map { ($0.key, $0.value) })
        #expect(byKey[#"{__name__="http_request_duration_seconds",quantile="0.95",service="cart"}"#] == 0.5)
        #expect(byKey[#"{__name__="http_request_duration_seconds",quantile="0.95",service="checkout"}"#] == 0.2)
    }

    @Test func queriesAtTheEndOfTheWindowWithPlaceholders() async throws {
        // checkout cycles 0.20..0.29; its maximum over the 10-minute window is 0.29.
        let max = try await answer(
            "max_over_time(http_request_duration_seconds{service=\"$SERVICE\"}[$DURATION])", variables: ["SERVICE": "checkout"])
        #expect(max.measurements.map(\.value) == [0.29])
        // Five minutes earlier (12:05:00, sample 60) the value is 0.20 again; at 12:07:30 (sample 70) too; at 12:02:15 (49) 0.29.
        let earlier = try await answer(
            "http_request_duration_seconds{service=\"checkout\"}", window: Window(start: 1_714_564_800, end: 1_714_564_935))
        #expect(earlier.measurements.map(\.value) == [0.29])
    }

    @Test func scalarsMatricesAndEmptyResults() async throws {
        #expect(
            try await answer("scalar(max(http_request_duration_seconds))").measurements == [
                Measurement(key: "scalar", value: 0.5, timestamp: 1_714_565_400)
            ])
        let matrix = try await answer("http_request_duration_seconds{service=\"cart\"}[1m]")
        #expect(matrix.measurements.count >= 4)
        #expect(matrix.measurements.allSatisfy { $0.value == 0.5 && $0.key.contains("cart") })
        #expect(try await answer("no_such_metric").measurements.isEmpty)
        #expect(try await answer("max(no_such_metric)").measurements.isEmpty)
    }

    @Test func nanIsAMissingValue() async throws {
        #expect(try await answer("broken").measurements.map(\.value) == [nil])
    }

    @Test func reportsPrometheusOwnErrors() async throws {
        let server = try PrometheusServer.shared.get()
        await #expect(
            throws: SourceError(
                "prometheus: POST \(server.url)/api/v1/query: HTTP 400 bad_data: invalid parameter \"query\": 1:5: parse error: unclosed left parenthesis"
            )
        ) {
            try await answer("sum(")
        }
        await #expect(throws: SourceError("prometheus: POST \(server.url)/api/v1/query: the query returned a string, not a number")) {
            try await answer("\"hello\"")
        }
    }

    @Test func acceptsTheFullQueryURLAndReportsAWrongPath() async throws {
        let server = try PrometheusServer.shared.get()
        let full = PrometheusSource(configuration: SourceConfiguration(prometheusURL: server.url + "/api/v1/query/"))
        #expect(try await full.answer(.string("max(http_request_duration_seconds)"), context: SourceContext(window: window)).measurements.count == 1)
        let wrong = PrometheusSource(configuration: SourceConfiguration(prometheusURL: server.url + "/prometheus"))
        await #expect(throws: SourceError("prometheus: POST \(server.url)/prometheus/api/v1/query: HTTP 404: \"404 page not found\\n\"")) {
            try await wrong.answer(.string("up"), context: SourceContext(window: window))
        }
    }
}

@Suite struct PrometheusConfigurationTests {
    @Test func theSpecWinsOverTheFlagOverTheEnvironment() throws {
        let configuration = SourceConfiguration(environment: ["PROMETHEUS_URL": "http://env:9090"], prometheusURL: "http://flag:9090")
        let source = PrometheusSource(configuration: configuration)
        let spec = Node.object([("prometheus", .object([("url", .string("http://spec:9090/"))]))])
        #expect(try source.backend(SourceContext(sourceSettings: spec)).url.url("/api/v1/query") == "http://spec:9090/api/v1/query")
        #expect(try source.backend(SourceContext()).url.url("/api/v1/query") == "http://flag:9090/api/v1/query")
        let fromEnvironment = PrometheusSource(configuration: SourceConfiguration(environment: ["PROMETHEUS_URL": "http://env:9090"]))
        #expect(try fromEnvironment.backend(SourceContext()).url.url("/api/v1/query") == "http://env:9090/api/v1/query")
        #expect(throws: SourceError.self) { try PrometheusSource().backend(SourceContext()) }
    }

    @Test func sendsABearerTokenOrBasicAuth() throws {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write("file-token\n", to: folder + "/token")
        #expect(
            try PrometheusSource(configuration: SourceConfiguration(prometheusTokenFile: folder + "/token")).authorization() == "Bearer file-token")
        #expect(
            try PrometheusSource(configuration: SourceConfiguration(environment: ["PROMETHEUS_TOKEN": "env-token"])).authorization()
                == "Bearer env-token")
        #expect(
            try PrometheusSource(configuration: SourceConfiguration(environment: ["PROMETHEUS_USERNAME": "user", "PROMETHEUS_PASSWORD": "pass"]))
                .authorization() == "Basic dXNlcjpwYXNz")
        #expect(try PrometheusSource().authorization() == nil)
        #expect(throws: SourceError("prometheus: cannot read the token file: /nonexistent: no such file or directory")) {
            try PrometheusSource(configuration: SourceConfiguration(prometheusTokenFile: "/nonexistent")).authorization()
        }
    }

    @Test func validatesQueriesAndPlaceholders() {
        let source = PrometheusSource()
        #expect(source.validate(.string("up"), at: .root).isEmpty)
        #expect(source.validate(.number(1), at: .root).map(\.message) == ["a Prometheus query must be a PromQL string, found a number"])
        #expect(
            source.validate(.string("x{s=\"$SERVICE\"}"), at: .root).map(\.message)
                == ["unknown placeholder $SERVICE: define it with --var SERVICE=VALUE or in the spec's 'variables'"])
    }
}
