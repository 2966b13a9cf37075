import PerfGateCore
@testable import PerfGateSources
import Synchronization
import Testing

/// Backend requests are built from a parsed base URL and perfgate's own path: nothing in a URL
/// moves a request, or its token, to another path (issue 28).
@Suite struct BackendURLTests {
    /// Keeps every request and answers as an empty Prometheus or Dynatrace would.
    final class Recorder: HTTPClient {
        let sent = Mutex<[HTTPRequest]>([])
        func send(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
            sent.withLock { $0.append(request) }
            let body = #"{"status":"success","data":{"resultType":"vector","result":[]},"result":[],"totalCount":0}"#
            return HTTPResponse(status: 200, headers: ["content-type": "application/json"], body: Array(body.utf8), url: request.url)
        }
    }

    @Test func requestsAreBuiltFromTheParts() throws {
        let url = try BackendURL(parsing: "https://user:pa%40ss@Prom.Example.com/base/path/", source: "prometheus")
        #expect(url.url("/api/v1/query") == "https://user:pa%40ss@Prom.Example.com/base/path/api/v1/query")
        #expect(url.origin == "https://prom.example.com:443")
        #expect(url.basePath == "/base/path")
        #expect(try BackendURL(parsing: "http://p:9090/api/v1/query", source: "prometheus", apiSuffix: "/api/v1/query").basePath == "")
        // curl's reading of dot segments happens first: what is left is the path the token goes to.
        #expect(try BackendURL(parsing: "http://p:9090/a/../b/./c", source: "prometheus").basePath == "/b/c")
    }

    @Test(arguments: [
        "http://p:9090/-/quit#", "http://p:9090/api/v1/admin/tsdb/snapshot#x", "https://dt.example.com/api/v2/apiTokens?x=",
        "http://p:9090/a%2F..%2F-%2Fquit", "http://p:9090/%2e%2e/x", "http://p:9090/x%23", "http://p:9090/x%3Fy", "http://p:9090/x%5C",
        "http://p:9090/x%00", "http://p:9090/x;y", "http://p:9090/x\\y", "http://p:9090/%zz", "ftp://p/x", "not a url"
    ])
    func aURLThatCouldMoveTheRequestIsRefusedWithAReason(_ text: String) {
        do {
            let url = try BackendURL(parsing: text, source: "prometheus")
            Issue.record("accepted \(text) as \(url.url("/api/v1/query"))")
        } catch {
            #expect(error.message.hasPrefix("prometheus: "), "\(error.message)")
            #expect(error.message.contains("http") || error.message.contains("URL"), "\(error.message)")
        }
    }

    @Test func holdsIsSameOriginAndSegmentPrefix() throws {
        let base = try BackendURL(parsing: "http://p:80/prom", source: "prometheus")
        #expect(base.holds(try BackendURL(parsing: "http://P/prom/", source: "prometheus")))
        #expect(base.holds(try BackendURL(parsing: "http://p/prom/tenant", source: "prometheus")))
        #expect(!base.holds(try BackendURL(parsing: "http://p/prometheus", source: "prometheus")))
        #expect(!base.holds(try BackendURL(parsing: "http://p/", source: "prometheus")))
        #expect(!base.holds(try BackendURL(parsing: "https://p/prom", source: "prometheus")))
        #expect(!base.holds(try BackendURL(parsing: "http://p:8080/prom", source: "prometheus")))
    }

    @Test func aPullRequestsSpecCannotSendThePipelinesPrometheusTokenElsewhere() async throws {
        let recorder = Recorder()
        let source = PrometheusSource(
            configuration: SourceConfiguration(
                http: recorder, environment: ["PROMETHEUS_URL": "http://prom:9090/prometheus", "PROMETHEUS_TOKEN": "pipeline-token"]))
        for url in ["http://prom:9090/-/quit#", "http://prom:9090/prometheus/../-/quit"] {
            let spec = Node.object([("prometheus", .object([("url", .string(url))]))])
            _ = try? await source.answer(.string("up"), context: SourceContext(sourceSettings: spec))
        }
        let sent = recorder.sent.withLock { $0 }
        // The second URL is /-/quit after curl's reading: outside the pipeline's base path, so no token.
        #expect(sent.map(\.url) == ["http://prom:9090/-/quit/api/v1/query"])
        #expect(sent.allSatisfy { $0.header("authorization") == nil })
        // Under the pipeline's base path, the token goes.
        let spec = Node.object([("prometheus", .object([("url", .string("http://prom:9090/prometheus/"))]))])
        _ = try await source.answer(.string("up"), context: SourceContext(sourceSettings: spec))
        #expect(recorder.sent.withLock { $0.last?.header("authorization") } == "Bearer pipeline-token")
    }

    @Test func aDynatraceURLWithAQueryNeverGetsTheToken() async throws {
        let recorder = Recorder()
        let source = DynatraceSource(
            configuration: SourceConfiguration(
                http: recorder, environment: ["DYNATRACE_URL": "https://abc.live.dynatrace.com", "DYNATRACE_API_TOKEN": "dt-token"]))
        let spec = Node.object([("dynatrace", .object([("url", .string("https://abc.live.dynatrace.com/api/v2/apiTokens?x="))]))])
        let query = Node.object([("metricSelector", .string("builtin:service.response.time"))])
        await #expect(throws: SourceError.self) {
            try await source.answer(query, context: SourceContext(window: Window(start: 1_714_564_800, end: 1_714_565_400), sourceSettings: spec))
        }
        #expect(recorder.sent.withLock { $0 }.isEmpty)
    }
}
