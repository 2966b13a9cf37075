import Foundation
import PerfGateCore
import PerfGateTestSupport
import Synchronization
import Testing

/// An analysis over a rollout's lifetime against the real Prometheus, backfilled over 11:50 to
/// 12:20: the gate judged at the end of every interval, with the clock injected (a wait moves it
/// on at once), ending early on a failure, after too many errors, or with the last verdict.
@Suite(.enabled(if: PrometheusServer.isAvailable, "prometheus is not installed (CI sets PERFGATE_REQUIRE_PROMETHEUS=1)"))
struct IntervalAnalysisTests {
    /// Starts at 12:00:00Z; sleeping moves it on by the time asked, at once.
    final class FakeClock: Sendable {
        let time = Mutex(Double(PrometheusData.windowStart))
        let slept = Mutex(0.0)
        var clock: RunClock {
            RunClock(
                now: { [self] in time.withLock { $0 } },
                sleep: { [self] seconds in
                    time.withLock { $0 += max(0, seconds) }
                    slept.withLock { $0 += max(0, seconds) }
                })
        }
    }

    static func spec(_ canary: String, critical: Bool = false, extra: String = "") -> String {
        """
        indicators:
          - id: latency
            source: prometheus
            query: canary_request_seconds{version="\(canary)"}
            baseline: canary_request_seconds{version="stable"}
            grading: {type: Canary, metricScore: 50, direction: increase, minimumPoints: 10, critical: \(critical), effectSize: {allowedIncrease: 1.1}}
        \(extra)
        objectives: {pass: 50, warning: 50}
        """
    }

    func evaluate(_ spec: String, _ flags: [String]) async throws -> (PerfGateBinary.Output, Node, FakeClock) {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(spec, to: folder + "/perfspec.yaml")
        let clock = FakeClock()
        let output = try await InProcess.run(
            [
                "evaluate", "--spec", "perfspec.yaml", "--prometheus-url", try PrometheusServer.shared.get().url, "--start", "2024-05-01T12:00:00Z",
                "--json", "r.json", "--markdown", "r.md", "--html", "r.html"
            ] + flags, in: folder, clock: clock.clock)
        let report = (try? JSONParser.parse(Fixtures.read(folder + "/r.json"))) ?? .null
        return (output, report, clock)
    }

    @Test func aLikeCanaryIsJudgedAtEveryIntervalOverTheDataSoFarAndPasses() async throws {
        let (output, report, clock) = try await evaluate(Self.spec("canary-same"), ["--interval", "5m", "--lifetime", "20m"])
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        let intervals = report["intervals"]?.items ?? []
        #expect(
            intervals.map { "\($0["start"]?.stringValue ?? "")-\($0["end"]?.stringValue ?? "")" } == [
                "2024-05-01T12:00:00Z-2024-05-01T12:05:00Z", "2024-05-01T12:00:00Z-2024-05-01T12:10:00Z",
                "2024-05-01T12:00:00Z-2024-05-01T12:15:00Z", "2024-05-01T12:00:00Z-2024-05-01T12:20:00Z"
            ])
        #expect(intervals.allSatisfy { $0["result"]?.stringValue == "pass" })
        for index in 1...4 { #expect(output.stdout.contains("interval \(index) of 4 (2024-05-01T12:00:00Z to ")) }
        // The clock moved 20 minutes; nothing really waited.
        #expect(clock.slept.withLock { $0 } == 1200 && output.seconds < 60)
        #expect(report["window"]?["end"]?.stringValue == "2024-05-01T12:20:00Z")
    }

    @Test func aLookbackJudgesOnlyTheLastStretch() async throws {
        let (output, report, _) = try await evaluate(Self.spec("canary-same"), ["--interval", "10m", "--lifetime", "20m", "--lookback", "5m"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect((report["intervals"]?.items ?? []).map { $0["start"]?.stringValue ?? "" } == ["2024-05-01T12:05:00Z", "2024-05-01T12:15:00Z"])
    }

    @Test func aFailedIntervalEndsTheAnalysisEarly() async throws {
        let (output, report, clock) = try await evaluate(Self.spec("canary-slow"), ["--interval", "5m", "--lifetime", "20m"])
        #expect(output.status == 1, "\(output.stdout)")
        #expect(report["intervals"]?.items?.count == 1 && report["result"]?.stringValue == "fail")
        #expect(output.stderr.contains("the analysis ended early: interval 1 failed: 1 failed interval (failureLimit 0)"), "\(output.stderr)")
        #expect(clock.slept.withLock { $0 } == 300)
    }

    @Test func theFailureLimitAllowsFailedIntervalsBeforeItEndsTheAnalysis() async throws {
        let (output, report, _) = try await evaluate(Self.spec("canary-slow"), ["--interval", "5m", "--lifetime", "20m", "--failure-limit", "2"])
        #expect(output.status == 1)
        #expect(report["intervals"]?.items?.count == 3, "\(output.stdout)")
    }

    @Test func aCriticalFailureEndsItWhateverTheLimit() async throws {
        let (output, report, _) = try await evaluate(
            Self.spec("canary-slow", critical: true), ["--interval", "5m", "--lifetime", "20m", "--failure-limit", "5"])
        #expect(output.status == 1)
        #expect(report["intervals"]?.items?.count == 1 && output.stderr.contains("failed a critical indicator"))
    }

    @Test func intervalsThatCannotMeasureEndItAfterTheConsecutiveErrorLimit() async throws {
        let broken = "  - {id: broken, source: prometheus, query: 'rate(', grading: {type: Threshold, thresholds: {upperSevere: 1}, metricScore: 1}}"
        let (output, report, _) = try await evaluate(
            Self.spec("canary-same", extra: broken), ["--interval", "5m", "--lifetime", "20m", "--consecutive-error-limit", "1"])
        #expect(output.status == 2, "\(output.stdout)\(output.stderr)")
        #expect(report["intervals"]?.items?.count == 2 && report["result"]?.stringValue == "error")
        #expect(output.stderr.contains("2 intervals in a row could not be measured (consecutiveErrorLimit 1)"))
    }

    @Test func theSpecsOptionsAskForItTooAndTheReportsShowTheIntervals() async throws {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(Self.spec("canary-same") + "\noptions: {interval: 10m, lifetime: 20m}\n", to: folder + "/perfspec.yaml")
        let clock = FakeClock()
        let output = try await InProcess.run(
            [
                "evaluate", "--spec", "perfspec.yaml", "--prometheus-url", try PrometheusServer.shared.get().url, "--start", "2024-05-01T12:00:00Z",
                "--json", "r.json", "--markdown", "r.md", "--html", "r.html"
            ], in: folder, clock: clock.clock)
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("interval 2 of 2"))
        #expect(try Fixtures.read(folder + "/r.md").contains("### Intervals"))
        #expect(try Fixtures.read(folder + "/r.html").contains("The score at the end of each of 2 intervals"))
        let usage = try await InProcess.run(["evaluate", "--spec", "perfspec.yaml", "--interval", "5m", "--lifetime", "1m"], in: folder)
        #expect(usage.status == 64 && usage.stderr.contains("--lifetime (1m) must be at least --interval (5m)"))
    }
}

/// SIGTERM (what a CI platform sends at its job timeout) ends an analysis with the intervals so
/// far, reported: the binary, waiting for real.
@Suite struct IntervalTerminationTests {
    @Test func aSIGTERMEndsTheAnalysisWithTheIntervalsSoFar() async throws {
        try await onOwnThread {
            let folder = try Fixtures.temporaryFolder()
            try Fixtures.write(
                "indicators:\n  - {id: p95, source: static, query: 5, grading: {type: Threshold, thresholds: {upperSevere: 10}, metricScore: 1}}\nobjectives: {pass: 1, warning: 0}\n",
                to: folder + "/perfspec.yaml")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: PerfGateBinary.path)
            process.arguments = [
                "evaluate", "--spec", folder + "/perfspec.yaml", "--start", "now", "--interval", "1s", "--lifetime", "60s", "--json",
                folder + "/r.json"
            ]
            process.currentDirectoryURL = URL(fileURLWithPath: folder)
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(2_600_000)
            kill(process.processIdentifier, SIGTERM)
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationReason == .exit && process.terminationStatus == 0, "\(text)")
            let report = try JSONParser.parse(Fixtures.read(folder + "/r.json"))
            let intervals = report["intervals"]?.items?.count ?? 0
            #expect((1...3).contains(intervals), "\(text)")
            #expect(text.contains("interval 1 of 60"))
            #expect(report["warnings"]?.items?.first?.stringValue?.contains("the analysis ended early: stopped after") == true)
        }
    }
}
