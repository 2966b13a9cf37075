import Foundation
import PerfGateTestSupport
import Testing

/// `evaluate --server`: the same reports, summary, history and exit code as a local run.
@Suite(.serialized) struct RemoteEvaluateTests {
    static let key = "remote-key-0123456789"
    static let window = ["--start", "2024-05-01T12:00:00Z", "--end", "2024-05-01T12:10:00Z"]
    static let spec = """
        spec_version: '1.0'
        indicators:
          - id: p95
            source: static
            query: [{key: "checkout <b>|", value: 950}, {key: home, value: null}]
            grading: {type: Threshold, metricScore: 60, thresholds: {upperWarning: 800, upperSevere: 1200}}
          - id: errors
            source: static
            query: 0.5
            grading: {type: Threshold, metricScore: 40, thresholds: {upperSevere: 1}}
        objectives: {pass: 90, warning: 50}
        """

    static func service() throws -> ServeProcess {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(key + "\n", to: folder + "/keys")
        return try ServeProcess(["--api-key-file", folder + "/keys"])
    }

    static func reports(_ folder: String, _ arguments: [String], environment: [String: String] = [:]) async throws -> (
        PerfGateBinary.Output, [String]
    ) {
        let output = try await InProcess.run(
            ["evaluate", "--spec", "spec.yaml", "--json", "r.json", "--junit", "r.xml", "--markdown", "r.md"] + window + arguments,
            environment: environment, in: folder)
        let files = try ["r.json", "r.xml", "r.md"].map { try Fixtures.read(folder + "/" + $0) }
        return (output, files)
    }

    @Test func theReportsAndTheExitCodeAreThoseOfALocalRun() async throws {
        let service = try Self.service()
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(Self.spec, to: folder + "/spec.yaml")
        let (local, localReports) = try await Self.reports(folder, [])
        let (remote, remoteReports) = try await Self.reports(folder, ["--server", service.url], environment: ["PERFGATE_API_KEY": Self.key])
        #expect(local.status == 1 && remote.status == 1)
        for (mine, theirs) in zip(localReports, remoteReports) {
            #expect(
                mine.split(separator: "\n").filter { !$0.contains("evaluatedAt") }
                    == theirs.split(separator: "\n").filter { !$0.contains("evaluatedAt") })
        }
        #expect(local.stdout == remote.stdout)
        #expect(remote.stderr.contains("evaluating on the perfgate server at \(service.url)"))
        // The key never shows.
        #expect(!remote.stdout.contains(Self.key) && !remote.stderr.contains(Self.key))
        #expect(!service.accessLog.joined().contains(Self.key))

        // --fail-on warning and --on-warning stay the client's.
        try Fixtures.write(
            Self.spec.replacingOccurrences(of: "value: 950", with: "value: 900").replacingOccurrences(of: ", {key: home, value: null}", with: ""),
            to: folder + "/spec.yaml")
        let warned = try await InProcess.run(
            ["evaluate", "--spec", "spec.yaml", "--server", service.url, "--fail-on", "warning"] + Self.window,
            environment: ["PERFGATE_API_KEY": Self.key], in: folder)
        #expect(warned.status == 1 && warned.stdout.contains("WARNING"))
        #expect(await service.stop() == 0)
    }

    @Test func aKeptnGateWithHistoryIsRecordedLocally() async throws {
        let service = try Self.service()
        let folder = try Fixtures.temporaryFolder()
        try FileManager.default.createDirectory(atPath: folder + "/keptn", withIntermediateDirectories: true)
        try Fixtures.write(
            """
            spec_version: '1.0'
            comparison: {compare_with: single_result, include_result_with_score: pass, number_of_comparison_results: 1, aggregate_function: avg}
            objectives:
              - sli: throughput
                pass: [{criteria: [">=-10%"]}]
            total_score: {pass: "90%", warning: "75%"}
            """, to: folder + "/keptn/slo.yaml")
        try Fixtures.write("spec_version: '1.0'\nindicators:\n  throughput: sum(rate(x[5m]))\n", to: folder + "/keptn/sli.yaml")
        // The server has no Prometheus: the SLI cannot be measured, and says so; the run is still recorded.
        let first = try await InProcess.run(
            ["evaluate", "--slo", "keptn/slo.yaml", "--history", "h.jsonl", "--server", service.url, "--json", "r.json"] + Self.window,
            environment: ["PERFGATE_API_KEY": Self.key], in: folder)
        let report = try Fixtures.read(folder + "/r.json")
        #expect(report.contains(#""spec": "keptn/slo.yaml""#))
        #expect(report.contains(#""metric": "throughput""#))
        #expect([1, 2].contains(first.status), "\(first.stderr)")
        let history = try Fixtures.read(folder + "/h.jsonl")
        #expect(history.split(separator: "\n").count == 1)
        #expect(history.contains(#""kind":"slo""#))
        #expect(await service.stop() == 0, "\(service.stderr)")
    }

    @Test func whatTheServerRefusesEndsAsALocalRunWould() async throws {
        let service = try Self.service()
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(Self.spec, to: folder + "/spec.yaml")
        // No key: the server refuses; nothing was measured (2).
        let noKey = try await InProcess.run(["evaluate", "--spec", "spec.yaml", "--server", service.url] + Self.window, in: folder)
        #expect(noKey.status == 2 && noKey.stderr.contains("PERFGATE_API_KEY"))
        // A key from a file.
        try Fixtures.write(Self.key + "\n", to: folder + "/key")
        let fromFile = try await InProcess.run(
            ["evaluate", "--spec", "spec.yaml", "--server", service.url, "--server-api-key-file", "key"] + Self.window, in: folder)
        #expect(fromFile.status == 1)
        // An invalid spec: the server's diagnostics with the user's file name, and 65.
        try Fixtures.write("indicators:\n  - id: [\n", to: folder + "/spec.yaml")
        let invalid = try await InProcess.run(
            ["evaluate", "--spec", "spec.yaml", "--server", service.url] + Self.window,
            environment: ["PERFGATE_API_KEY": Self.key], in: folder)
        #expect(invalid.status == 65)
        #expect(invalid.stderr.contains("spec.yaml:3:"))
        // A result-file source: the server reads no files (65); --results with --server is a usage error (64).
        try Fixtures.write(
            Self.spec.replacingOccurrences(of: "source: static\n    query: 0.5", with: "source: jmeter\n    query: {file: r.jtl, stat: p95}"),
            to: folder + "/spec.yaml")
        let files = try await InProcess.run(
            ["evaluate", "--spec", "spec.yaml", "--server", service.url] + Self.window,
            environment: ["PERFGATE_API_KEY": Self.key], in: folder)
        #expect(files.status == 65 && files.stderr.contains("unknown source 'jmeter'"))
        let results = try await InProcess.run(
            ["evaluate", "--spec", "spec.yaml", "--server", service.url, "--results", "jmeter=r.jtl"] + Self.window, in: folder)
        #expect(results.status == 64)
        // A Keptn gate without a window: 64, as locally.
        #expect(await service.stop() == 0)
        // The server gone: 2.
        let gone = try await InProcess.run(["evaluate", "--spec", "spec.yaml", "--server", service.url] + Self.window, in: folder)
        #expect(gone.status == 2 && gone.stderr.contains("cannot reach the perfgate server"))
        let notURL = try await InProcess.run(["evaluate", "--spec", "spec.yaml", "--server", "ftp://x"], in: folder)
        #expect(notURL.status == 64)
    }
}
