import Glibc
import PerfGateCore
import PerfGateEngine
import PerfGateSources
import Testing

/// Everything a run reads goes through its files: the spec, the result files (streamed or read
/// whole) and the token files. None of these paths exists on disk.
@Suite struct RunFilesTests {
    static let jtl = """
        timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes
        1714564800000,120,checkout,200,OK,t1,text,true,,100
        1714564801000,180,checkout,200,OK,t1,text,true,,100
        1714564802000,90,search,200,OK,t1,text,true,,100

        """

    static let spec = """
        indicators:
          - {id: p-max, source: jmeter, query: {file: results.jtl, label: checkout, stat: max}, grading: {type: Threshold, metricScore: 40, thresholds: {upperSevere: 500}}}
          - {id: k6-p95, source: k6, query: {file: summary.json, metric: http_req_duration, stat: p(95)}, grading: {type: Threshold, metricScore: 30, thresholds: {upperSevere: 500}}}
          - {id: json, source: json, query: {file: m.json, pointer: /p95}, grading: {type: Threshold, metricScore: 30, thresholds: {upperSevere: 500}}}
        objectives: {pass: 90, warning: 75}
        """

    @Test func resultFilesAreReadFromTheRunsFiles() async throws {
        let files = MemoryFiles(files: [
            "/in-memory/spec.yaml": Self.spec, "/in-memory/results.jtl": Self.jtl,
            "/in-memory/summary.json": #"{"metrics": {"http_req_duration": {"p(95)": 321.5, "avg": 100}}}"#,
            "/in-memory/m.json": #"{"p95": 77}"#
        ])
        let environment = GateEnvironment(
            now: { 1_714_565_000 }, variables: [:], http: FakePrometheus(value: "1"), files: files, diagnostics: CollectedDiagnostics())
        let outcome = try await Gate(environment: environment).evaluate(GateRequest(specPath: "/in-memory/spec.yaml"))
        let results = outcome.result.indicatorResults
        #expect(results.map(\.error) == [nil, nil, nil], "\(results.map(\.error))")
        #expect(results.map { $0.measurements.map(\.value) } == [[180], [321.5], [77]])
        #expect(results.map(\.resolvedQuery) == ["/in-memory/results.jtl", "/in-memory/summary.json", "/in-memory/m.json"])
    }

    @Test func aMissingResultFileIsAFailureToMeasureNamingIt() async throws {
        let environment = GateEnvironment(
            now: { 1_714_565_000 }, variables: [:], http: FakePrometheus(value: "1"), files: MemoryFiles(files: ["/m/spec.yaml": Self.spec]),
            diagnostics: CollectedDiagnostics())
        let outcome = try await Gate(environment: environment).evaluate(GateRequest(specPath: "/m/spec.yaml"))
        #expect(outcome.result.indicatorResults[0].error == "cannot read /m/results.jtl: no such file or directory")
    }

    @Test func tokenFilesAreReadFromTheConfigurationFilesNotTheRequests() async throws {
        let spec = """
            indicators:
              - {id: up, source: prometheus, query: up, grading: {type: Threshold, metricScore: 100, thresholds: {upperSevere: 5}}}
            objectives: {pass: 90, warning: 75}
            """
        let prometheus = FakePrometheus(value: "1")
        let environment = GateEnvironment(
            now: { 1_714_565_000 }, variables: [:], http: prometheus,
            files: MemoryFiles(files: ["/r/spec.yaml": spec, "/etc/token": "from-the-request\n"]),
            configurationFiles: MemoryFiles(files: ["/etc/token": "from-the-service\n"]), diagnostics: CollectedDiagnostics())
        let request = GateRequest(
            specPath: "/r/spec.yaml", connections: .init(flags: ["prometheus-url": "http://p.test", "prometheus-token-file": "/etc/token"]))
        _ = try await Gate(environment: environment).evaluate(request)
        let sent = prometheus.requests.withLock { $0 }.first?.headers.first { $0.0 == "Authorization" }?.1
        #expect(sent == "Bearer from-the-service")
    }

    @Test func filesInMemoryStreamAndLeaveNothingOpen() throws {
        let files = MemoryFiles(files: ["/x.csv": "a,b\n1,2\n"])
        for _ in 0..<2000 {  // more than the process's open-file limit, were any left open
            let file = try files.openRegular("/x.csv")
            var buffer = [UInt8](repeating: 0, count: 64)
            let count = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            fclose(file)
            #expect(String(decoding: buffer.prefix(count), as: UTF8.self) == "a,b\n1,2\n")
        }
        #expect(throws: FileError.self) { _ = try files.openRegular("/none.csv") }
    }
}
