import Foundation
import PerfGateCore
import PerfGateTestSupport
import Testing

/// Each backend fault, end to end: the faulty indicator errors with a clear message (or recovers,
/// for the retryable ones), the other indicator completes, the run ends within its timeout plus
/// 10%, the reports are written, and the token appears nowhere but in the mask command.
@Suite struct FaultTests {
    static let timeout = 2.0
    static let marker = "FAULT-TOKEN-3d9e"

    struct Fault: Sendable, CustomTestStringConvertible {
        var name: String
        /// The Prometheus URL, from the fake backend's address.
        var url: @Sendable (FakeBackend, FakeBackend) -> String
        var exit: Int32
        var message: String
        var extra: [String] = []
        var testDescription: String { name }
    }

    static let faults: [Fault] = [
        Fault(name: "connection refused", url: { _, _ in "http://127.0.0.1:1" }, exit: 2, message: "127.0.0.1 port 1"),
        Fault(name: "DNS failure", url: { _, _ in "http://perfgate-no-such-host.invalid" }, exit: 2, message: "resolve"),
        Fault(name: "TLS certificate that does not verify", url: { _, tls in tls.url }, exit: 2, message: "TLS failed"),
        Fault(name: "500", url: { b, _ in b.url + "/t/status/500" }, exit: 2, message: "HTTP 500"),
        Fault(name: "502 then recovery", url: { b, _ in b.url + "/t/flaky/\(UUID().uuidString)/2/502" }, exit: 0, message: ""),
        Fault(name: "503 then recovery", url: { b, _ in b.url + "/t/flaky/\(UUID().uuidString)/2/503" }, exit: 0, message: ""),
        Fault(name: "429 with Retry-After then recovery", url: { b, _ in b.url + "/t/flaky/\(UUID().uuidString)/1/429" }, exit: 0, message: ""),
        Fault(name: "accepts and never answers", url: { b, _ in b.url + "/t/slow/60" }, exit: 2, message: "timed out"),
        Fault(name: "trickles a byte a second", url: { b, _ in b.url + "/t/trickle" }, exit: 2, message: "timed out"),
        Fault(name: "body cut mid-JSON", url: { b, _ in b.url + "/t/truncated" }, exit: 2, message: "prometheus: POST"),
        Fault(
            name: "body larger than the cap", url: { b, _ in b.url + "/t/big/3000000" }, exit: 2,
            message: "larger than the 1 MiB limit", extra: ["--max-response-mib", "1"]),
        Fault(name: "redirect loop", url: { b, _ in b.url + "/t/loop" }, exit: 2, message: "more than 5 redirects")
    ]

    struct Run {
        var output: PerfGateBinary.Output
        var seconds: Double
        var result: Node?
        var everything: String
    }

    /// evaluate, as on GitHub Actions, with a faulty Prometheus indicator and a healthy static one.
    static func evaluate(prometheusURL: String, extra: [String] = []) async throws -> Run {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(
            """
            indicators:
              - {id: faulty, source: prometheus, query: up, grading: {type: Threshold, thresholds: {upperSevere: 5}, metricScore: 1}}
              - {id: healthy, source: static, query: 1, grading: {type: Threshold, thresholds: {upperSevere: 5}, metricScore: 1}}
            objectives: {pass: 2, warning: 1}
            """, to: folder + "/perfspec.yaml")
        for file in ["output", "env", "summary"] { try Fixtures.write("", to: folder + "/gh-" + file) }
        let started = Date()
        let output = try PerfGateBinary.run(
            ["evaluate", "--prometheus-url", prometheusURL, "--timeout", String(timeout), "--start", "now-1m"] + extra,
            environment: [
                "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": folder, "GITHUB_OUTPUT": folder + "/gh-output",
                "GITHUB_ENV": folder + "/gh-env", "GITHUB_STEP_SUMMARY": folder + "/gh-summary", "PROMETHEUS_TOKEN": marker
            ],
            in: folder)
        let seconds = Date().timeIntervalSince(started)
        let reports = folder + "/.perfgate/"
        let result = try? JSONParser.parse(Fixtures.read(reports + "perfgate-result.json"))
        var everything = output.stdout + output.stderr
        for file in ["perfgate-result.json", "perfgate-junit.xml", "perfgate-summary.md"] { everything += (try? Fixtures.read(reports + file)) ?? "" }
        for file in ["gh-output", "gh-env", "gh-summary"] { everything += try Fixtures.read(folder + "/" + file) }
        return Run(output: output, seconds: seconds, result: result, everything: everything)
    }

    @Test(arguments: faults)
    func oneFaultyBackend(_ fault: Fault) async throws {
        let run = try await Self.evaluate(prometheusURL: fault.url(FakeBackend.shared, FakeBackend.tls), extra: fault.extra)
        #expect(run.output.status == fault.exit, "\(run.output.stdout)\(run.output.stderr)")
        let indicators = run.result?["indicatorResults"]?.items ?? []
        #expect(indicators.count == 2, "the reports were not written")
        #expect(indicators.last?["score"]?.numberValue == 1, "the healthy indicator did not complete")
        if fault.exit == 2 {
            #expect(run.result?["result"]?.stringValue == "error")
            let error = indicators.first?["error"]?.stringValue ?? ""
            #expect(error.contains(fault.message), "\(error)")
            #expect(run.output.stdout.contains("::error title=perfgate error%3A faulty::"))
        } else {
            #expect(indicators.first?["values"]?.items?.first?["key"]?.stringValue?.contains("recovered") == true)
        }
        // The whole run, process start included, within the timeout plus 10%, and the slack that
        // starting a process needs on this machine at this moment.
        let slack = PerfGateBinary.startupSlack()
        #expect(run.seconds < Self.timeout * 1.1 + slack, "took \(run.seconds) s")
        // The token: masked once, nowhere else.
        #expect(run.everything.components(separatedBy: Self.marker).count - 1 == 1)
        #expect(run.output.stdout.hasPrefix("::add-mask::\(Self.marker)\n"))
    }

    @Test func theTokenNeverFollowsARedirectToAnotherHost() async throws {
        let backend = FakeBackend.shared
        let away = UUID().uuidString
        let run = try await Self.evaluate(prometheusURL: backend.url + "/t/redirect-away/" + away)
        #expect(run.output.status == 0, "\(run.output.stdout)")
        let home = UUID().uuidString
        #expect(try await Self.evaluate(prometheusURL: backend.url + "/t/redirect-home/" + home).output.status == 0)
        #expect(try Self.recorded(away, backend) == "")
        #expect(try Self.recorded(home, backend) == "Bearer " + Self.marker)
    }

    /// The Authorization header /t/answer/<id> received, asked with curl.
    static func recorded(_ id: String, _ backend: FakeBackend) throws -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-s", backend.url + "/t/recorded/" + id]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return try JSONParser.parse([UInt8](data))["authorization"]?.stringValue
    }
}

/// A spec from an untrusted pull request names its own server: the pipeline's token must not go there.
@Suite struct SpecURLTrustTests {
    static func evaluate(specURL: String, extra: [String] = []) async throws -> PerfGateBinary.Output {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(
            """
            sources: {prometheus: {url: "\(specURL)"}}
            indicators:
              - {id: q, source: prometheus, query: up, grading: {type: Threshold, thresholds: {}, metricScore: 1}}
            objectives: {pass: 1, warning: 0}
            """, to: folder + "/perfspec.yaml")
        return try await InProcess.run(
            ["evaluate", "--spec", folder + "/perfspec.yaml", "--json", "-"] + extra,
            environment: ["PROMETHEUS_TOKEN": FaultTests.marker], in: folder)
    }

    @Test func credentialsGoOnlyToThePipelinesOwnServer() async throws {
        let backend = FakeBackend.shared
        let untrusted = UUID().uuidString
        let output = try await Self.evaluate(specURL: backend.otherHostURL + "/t/answer/" + untrusted)
        #expect(output.status == 0)
        #expect(try FaultTests.recorded(untrusted, backend) == "")
        let warnings = try JSONParser.parse(output.stdout)["indicatorResults"]?.items?.first?["warnings"]?.items?.first?.stringValue
        #expect(
            warnings?.contains("credentials were not sent to http://localhost:\(backend.port)/t/answer/\(untrusted), which only the spec names")
                == true)

        let sameServer = UUID().uuidString
        _ = try await Self.evaluate(specURL: backend.url + "/t/answer/" + sameServer, extra: ["--prometheus-url", backend.url])
        #expect(try FaultTests.recorded(sameServer, backend) == "Bearer " + FaultTests.marker)

        let trusted = UUID().uuidString
        _ = try await Self.evaluate(specURL: backend.otherHostURL + "/t/answer/" + trusted, extra: ["--trust-spec-urls"])
        #expect(try FaultTests.recorded(trusted, backend) == "Bearer " + FaultTests.marker)
    }
}
