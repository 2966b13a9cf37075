import PerfGateCore
import PerfGateTestSupport
import Testing

@testable import PerfGateSources

/// The `prometheus` source against a real VictoriaMetrics holding the same data as the real
/// Prometheus of `PrometheusSourceTests`: what a gate reads must not depend on which of the two
/// answers. Where VictoriaMetrics differs (scalars come back as a vector, errors are 422, a NaN
/// sample is a staleness marker), the test says so, and so does the README.
@Suite(.enabled(if: VictoriaMetricsServer.isAvailable, "victoria-metrics is not installed (CI sets PERFGATE_REQUIRE_SERVERS=1)"))
struct VictoriaMetricsTests {
    let window = Window(start: Double(PrometheusData.windowStart), end: Double(PrometheusData.windowEnd))

    func source() throws -> PrometheusSource {
        PrometheusSource(configuration: SourceConfiguration(prometheusURL: try VictoriaMetricsServer.shared.get().url))
    }

    func answer(_ promql: String, variables: [String: String] = [:]) async throws -> SourceAnswer {
        try await source().answer(.string(promql), context: SourceContext(window: window, variables: variables))
    }

    @Test func aVectorGivesOneResultPerSeriesKeyedBySortedLabels() async throws {
        let answer = try await answer("http_request_duration_seconds")
        let byKey = Dictionary(uniqueKeysWithValues: answer.measurements.map { ($0.key, $0.value) })
        #expect(byKey[#"{__name__="http_request_duration_seconds",quantile="0.95",service="cart"}"#] == 0.5)
        #expect(byKey[#"{__name__="http_request_duration_seconds",quantile="0.95",service="checkout"}"#] == 0.2)
        #expect(answer.measurements.count == 2 && answer.measurements.allSatisfy { $0.timestamp == 1_714_565_400 })
    }

    @Test func placeholdersAndRollupsGiveWhatPrometheusGives() async throws {
        let max = try await answer(
            "max_over_time(http_request_duration_seconds{service=\"$SERVICE\"}[$DURATION])", variables: ["SERVICE": "checkout"])
        #expect(max.measurements.map(\.value) == [0.29])
        // A counter's rate over the window: 10 per 15 s.
        let rate = try await answer("rate(http_requests_total{service=\"checkout\"}[5m])")
        #expect(rate.measurements.count == 1)
        #expect(abs((rate.measurements.first?.value ?? 0) - 10.0 / 15.0) < 1e-9)
        #expect(try await answer("no_such_metric").measurements.isEmpty)
    }

    @Test func aSeriesOfNaNsIsNoSeriesAtAll() async throws {
        // Prometheus answers the series with a NaN value (a missing value); VictoriaMetrics takes a
        // NaN sample for a staleness marker, and the series is not there: no values.
        #expect(try await answer("broken").measurements.isEmpty)
    }

    @Test func aScalarComesBackAsOneUnlabelledSeries() async throws {
        // Prometheus answers a scalar ("scalar" key); VictoriaMetrics a vector of one series with no labels.
        let answer = try await answer("scalar(max(http_request_duration_seconds))")
        #expect(answer.measurements.map(\.value) == [0.5])
        #expect(answer.measurements.first?.key == "{}")
    }

    @Test func itsErrorsAreReportedAsItSaysThem() async throws {
        let url = try VictoriaMetricsServer.shared.get().url
        do {
            _ = try await answer("sum(")
            Issue.record("a broken query was answered")
        } catch let error as SourceError {
            #expect(error.message.hasPrefix("prometheus: POST \(url)/api/v1/query: HTTP 422"), "\(error.message)")
            #expect(error.message.contains("sum("), "\(error.message)")
        }
    }

    @Test func rangeQueriesGiveTheCurveAndTheCanarysSamples() async throws {
        let source = try source()
        let context = SourceContext(window: window)
        let curve = try await source.series("http_request_duration_seconds{service=\"checkout\"}", context: context, step: 60)
        #expect(curve.count == 11, "\(curve.count) points")  // 12:00 to 12:10, a point a minute
        #expect(curve.allSatisfy { ($0.value ?? 0) >= 0.2 && ($0.value ?? 1) <= 0.29 })
        let stable = try await source.samples("canary_request_seconds{version=\"stable\"}", context: context, step: 15)
        let slow = try await source.samples("canary_request_seconds{version=\"canary-slow\"}", context: context, step: 15)
        #expect(stable.count == 41 && slow.count == 41, "\(stable.count) and \(slow.count) samples")
        #expect(slow.compactMap { $0 }.min()! > stable.compactMap { $0 }.max()! - 0.05)
    }
}
