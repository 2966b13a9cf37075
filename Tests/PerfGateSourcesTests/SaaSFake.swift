import PerfGateCore
import PerfGateTestSupport

@testable import PerfGateSources

/// The scripted Datadog, New Relic and Azure Monitor (Servers/fake_saas.py), and what it recorded.
enum SaaSFake {
    static var url: String { FakeBackend.saas.url }
    static let window = Window(start: 1_714_564_800, end: 1_714_565_400)
    /// Long after the window: nothing waits for Datadog's data to settle.
    static let later: @Sendable () -> Double = { 1_714_600_000 }

    /// A configuration for the fake: a plain client that retries quickly, the given environment,
    /// and a clock and sleep under the test's control.
    static func configuration(
        _ environment: [String: String], flags: [String: String] = [:], now: @escaping @Sendable () -> Double = later,
        sleep: @escaping @Sendable (Double) async -> Void = { _ in }
    ) -> SourceConfiguration {
        let http = RetryingHTTPClient(base: CurlHTTPClient(), policy: RetryPolicy(attempts: 2, baseDelay: 0.01, maxDelay: 2), now: { 0 })
        var configuration = SourceConfiguration(http: http, environment: environment, flags: flags)
        configuration.now = now
        configuration.sleep = sleep
        return configuration
    }

    /// The requests the fake recorded whose path, query or body contains `marker`.
    static func recorded(_ marker: String) async throws -> [Node] {
        let response = try await CurlHTTPClient().send(HTTPRequest(url: url + "/_recorded?" + URLText.formEncoded([("match", marker)])))
        return try JSONParser.parse(response.body).items ?? []
    }

    /// What measuring `query` throws, as text; "no error" when it measures.
    static func failure(_ source: any MetricSource, _ query: Node) async -> String {
        do {
            _ = try await source.answer(query, context: SourceContext(window: window))
            return "no error"
        } catch {
            return "\(error)"
        }
    }
}
