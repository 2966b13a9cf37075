import Foundation
import PerfGateCore
import PerfGateTestSupport
import Testing

/// `perfgate evaluate --slo`: Keptn quality gates through the real binary, against the real
/// Prometheus test server and the fake Dynatrace.
@Suite(.enabled(if: PrometheusServer.isAvailable, "prometheus is not installed (CI sets PERFGATE_REQUIRE_PROMETHEUS=1)"))
struct KeptnQualityGateTests {
    static let example = Fixtures.packageRoot + "/Examples/keptn"
    static let window = ["--start", "2024-05-01T12:00:00Z", "--end", "2024-05-01T12:10:00Z"]

    struct Run {
        var output: PerfGateBinary.Output
        var json: Node?
        var markdown: String
        var folder: String
    }

    /// Runs in a fresh folder with reports in it; `files` are written there first.
    func evaluate(_ arguments: [String], files: [String: String] = [:], environment: [String: String] = [:]) async throws -> Run {
        let folder = try Fixtures.temporaryFolder()
        for (name, text) in files {
            try FileManager.default.createDirectory(atPath: folder + "/" + Path.directory(of: name), withIntermediateDirectories: true)
            try Fixtures.write(text, to: folder + "/" + name)
        }
        let prometheus = try PrometheusServer.shared.get()
        let output = try await InProcess.run(
            [
                "evaluate", "--prometheus-url", prometheus.url, "--json", folder + "/r.json", "--markdown", folder + "/r.md", "--junit",
                folder + "/r.xml"
            ]
                + arguments, environment: environment, in: folder)
        let json = try? JSONParser.parse(Fixtures.read(folder + "/r.json"))
        return Run(output: output, json: json, markdown: (try? Fixtures.read(folder + "/r.md")) ?? "", folder: folder)
    }

    @Test func theExampleGivesTheReferenceResultWithThreeEarlierRuns() async throws {
        let folder = try Fixtures.temporaryFolder()
        let history = folder + "/history.jsonl"
        try FileManager.default.copyItem(atPath: Self.example + "/history.jsonl", toPath: history)
        let run = try await evaluate(["--slo", Self.example + "/slo.yaml", "--history", history] + Self.window)
        #expect(run.output.status == 0, "\(run.output.stderr)")
        // include_result_with_score: pass keeps the runs of 04-30 15:20 and 04-29 (the 04-30 09:41 run failed).
        #expect(
            run.output.stderr.contains(
                "comparing with 2 earlier runs in \(history) (avg, newest first): 2024-04-30T15:20:11Z pass (score 100), 2024-04-29T12:11:02Z pass (score 100)"
            ))
        let json = try #require(run.json)
        #expect(json["result"]?.stringValue == "pass" && json["totalScore"]?.numberValue == 100)
        let results = try #require(json["indicatorResults"]?.items)
        func field(_ index: Int, _ path: String...) -> Node? { path.reduce(results[index] as Node?) { $0?[$1] } }
        // response_time_p95 is 200 at 12:10; compared with avg(185, 190) = 187.5; +10% = 206.25.
        #expect(field(0, "value", "value")?.numberValue == 200)
        #expect(field(0, "value", "comparedValue")?.numberValue == 187.5)
        #expect(
            field(0, "passTargets")
                == .array([
                    .object([("criteria", .string("<=+10%")), ("targetValue", .number(206.25)), ("violated", .bool(false))]),
                    .object([("criteria", .string("<600")), ("targetValue", .number(600)), ("violated", .bool(false))])
                ]))
        #expect(field(0, "keySli")?.boolValue == true && field(0, "status")?.stringValue == "pass" && field(0, "score")?.numberValue == 1)
        // throughput 10 per 15 s; compared with avg(0.64, 0.7) = 0.67; -20% = 0.536.
        #expect(abs((field(1, "value", "value")?.numberValue ?? 0) - 2.0 / 3) < 1e-9)
        #expect(abs((field(1, "passTargets")?.items?[0]["targetValue"]?.numberValue ?? 0) - 0.536) < 1e-9)
        #expect(field(2, "value", "value")?.numberValue == 0 && field(2, "score")?.numberValue == 2)
        #expect(field(3, "status")?.stringValue == "info" && field(3, "passTargets") == .array([]))
        #expect(json["comparedRuns"]?.items?.map { $0["time"]?.stringValue } == ["2024-04-30T15:20:11Z", "2024-04-29T12:11:02Z"])
        // The Markdown shows what each relative criterion resolved to.
        #expect(run.markdown.contains(#"\<=+10% → ≤ 206.25 and \<600"#))
        #expect(run.markdown.contains("| 200 | 187.5 |"))
        // The run is appended: a fourth record with each SLI's value.
        let records = try HistoryFile.load(history).records
        #expect(records.count == 4)
        #expect(records[3].result == .pass && records[3].context == ["service": "checkout"])
        #expect(records[3].values.map(\.id) == ["response_time_p95", "throughput", "error_rate", "cart_response_time_p95"])
        #expect(records[3].specDigest?.hasPrefix("sha256:") == true)
        #expect(try Fixtures.read(Self.example + "/history.jsonl").split(separator: "\n").count == 3)
    }

    @Test func theJUnitReportValidatesAndFailsTheFailedObjectives() async throws {
        let run = try await evaluate(
            ["--slo", "slo.yaml", "--var", "SERVICE=checkout"] + Self.window,
            files: [
                "slo.yaml":
                    "objectives:\n  - {sli: rt, key_sli: true, pass: [{criteria: ['<100']}], warning: [{criteria: ['<150']}]}\n  - {sli: cart, pass: [{criteria: ['<1000']}]}\ntotal_score: {pass: '90%', warning: '75%'}\n",
                "sli.yaml":
                    "indicators:\n  rt: max(http_request_duration_seconds{service=\"$SERVICE\"}) * 1000\n  cart: max(http_request_duration_seconds{service=\"cart\"}) * 1000\n"
            ])
        #expect(run.output.status == 1)
        #expect(run.json?["message"]?.stringValue == "Evaluation failed due to key_sli objective 'rt': failed evaluation with score 0.000000")
        #expect(run.json?["totalScore"]?.numberValue == 50)
        let xml = try Fixtures.read(run.folder + "/r.xml")
        #expect(xml.contains(#"<testcase name="rt" classname="perfgate.slo_yaml" time="0">"#))
        #expect(xml.contains(#"<failure message="value 200 (score 0 of 1)" type="fail">"#))
        #expect(xml.contains(#"<testcase name="total_score""#))
        try Shared.expectValidJUnit(run.folder + "/r.xml")
    }

    @Test func anSLIMustReturnExactlyOneValue() async throws {
        let run = try await evaluate(
            ["--slo", "slo.yaml"] + Self.window,
            files: [
                "slo.yaml":
                    "objectives:\n  - {sli: many, pass: [{criteria: ['<1']}]}\n  - {sli: none, pass: [{criteria: ['<1']}]}\n  - {sli: nan, pass: [{criteria: ['<1']}]}\n  - {sli: one, pass: [{criteria: ['<1']}]}\ntotal_score: {pass: '90%'}\n",
                "prometheus/sli.yaml":
                    "indicators:\n  many: http_request_duration_seconds\n  none: nothing_here\n  nan: broken\n  one: max(http_request_duration_seconds)\n"
            ])
        #expect(run.output.status == 1, "\(run.output.stderr)")
        let messages = run.json?["indicatorResults"]?.items?.map { $0["value"]?["message"]?.stringValue }
        #expect(messages == ["query did return multiple values", "query did not return any values", "query did not return valid values", ""])
        #expect(run.json?["indicatorResults"]?.items?.map { $0["value"]?["success"]?.boolValue } == [false, false, false, true])
        #expect(run.markdown.contains("### SLIs without a value"))
    }

    @Test func whenEverySLIFailsTheProviderFailsTheGate() async throws {
        let run = try await evaluate(
            ["--slo", "slo.yaml"] + Self.window,
            files: [
                "slo.yaml": "objectives:\n  - {sli: none}\ntotal_score: {pass: '90%'}\n",
                "sli.yaml": "indicators:\n  none: nothing_here\n"
            ])
        // Only an informational objective, but its SLI failed: lighthouse's issue-6096 override.
        #expect(run.output.status == 1)
        #expect(run.json?["message"]?.stringValue == "perfgate failed because SLI failed with message none: query did not return any values")
    }

    @Test func problemsWithTheGateExit65WithFileAndLine() async throws {
        let run = try await evaluate(
            ["--slo", "slo.yaml"] + Self.window,
            files: [
                "slo.yaml":
                    "objectives:\n  - {sli: rt, pass: [{criteria: ['<1']}]}\n  - {sli: rtt, pass: [{criteria: ['<1']}]}\ntotal_score: {pass: '90%'}\n",
                "sli.yaml": "indicators:\n  rt: x{stage=\"$STAGE\"}\n  rtx: y\n"
            ])
        #expect(run.output.status == 65)
        #expect(
            run.output.stderr.contains(
                "sli.yaml:2:7: error: indicators.rt: $STAGE has no value: give --var STAGE=VALUE, set PERFGATE_STAGE, or add 'stage' to the slo.yaml filter"
            ))
        #expect(
            run.output.stderr.contains(
                "slo.yaml:3:11: error: objectives[1].sli: SLI definition for 'rtt' was not found in sli.yaml (did you mean 'rt'?)"))
        let noSLI = try await evaluate(["--slo", "slo.yaml"] + Self.window, files: ["slo.yaml": "objectives: []\ntotal_score: {pass: '90%'}\n"])
        #expect(noSLI.output.status == 65 && noSLI.output.stderr.contains("no sli.yaml beside slo.yaml"))
    }

    @Test func aQualityGateNeedsAWindowOfAMinute() async throws {
        // Lighthouse's timeframe rules (§3.8): no timeframe is an error, and so is one under a minute.
        let files = ["slo.yaml": "objectives: []\ntotal_score: {pass: '90%'}\n", "sli.yaml": "indicators: {a: b}\n"]
        let none = try await evaluate(["--slo", "slo.yaml"], files: files)
        #expect(none.output.status == 64 && none.output.stderr.contains("a Keptn quality gate needs the evaluation's window"))
        let short = try await evaluate(["--slo", "slo.yaml", "--start", "2024-05-01T12:00:00Z", "--end", "2024-05-01T12:00:30Z"], files: files)
        #expect(short.output.status == 64 && short.output.stderr.contains("at least 1 minute"))
        // --start/--end win over PERFGATE_START/PERFGATE_END (the evaluation over the test's times).
        let flags = try await evaluate(["--slo", "slo.yaml"] + Self.window, files: files, environment: ["PERFGATE_START": "2020-01-01T00:00:00Z"])
        #expect(flags.json?["window"]?["start"]?.stringValue == "2024-05-01T12:00:00Z")
        // A timeframe alone ends now: --start now-10m.
        let timeframe = try await evaluate(["--slo", "slo.yaml", "--start", "now-10m"], files: files)
        #expect(timeframe.json?["window"]?["durationSeconds"]?.numberValue == 600)
        #expect(timeframe.json?["message"]?.stringValue == "perfgate failed because no SLO objective was provided")
    }

    @Test func anUnreachablePrometheusIsAnError() async throws {
        let run = try await evaluate(
            ["--slo", "slo.yaml", "--prometheus-url", "http://127.0.0.1:9", "--attempts", "1"] + Self.window,
            files: [
                "slo.yaml": "objectives:\n  - {sli: rt, pass: [{criteria: ['<1']}]}\ntotal_score: {pass: '90%'}\n",
                "sli.yaml": "indicators: {rt: up}\n"
            ])
        #expect(run.output.status == 2)
        #expect(run.json?["indicatorResults"]?.items?.first?["error"]?.stringValue?.contains("prometheus") == true)
    }

    @Test func aFolderIsSearchedAndDynatraceAnswersSLIs() async throws {
        let run = try await evaluate(
            ["--spec", ".", "--dynatrace-url", FakeBackend.shared.url, "--var", "SERVICE=checkout"] + Self.window,
            files: [
                "gate/slo.yaml": "objectives:\n  - {sli: rt, pass: [{criteria: ['<=250']}]}\ntotal_score: {pass: '90%'}\n",
                "gate/dynatrace/sli.yaml":
                    "indicators:\n  rt: metricSelector=single:percentile(95)&entitySelector=tag(keptn_service:$SERVICE),type(SERVICE)&mzSelector=mzName(Shop)\n"
            ], environment: ["DYNATRACE_API_TOKEN": FakeBackend.dynatraceToken])
        #expect(run.output.status == 0, "\(run.output.stderr)")
        #expect(run.output.stderr.contains("with ./gate/dynatrace/sli.yaml (dynatrace)"))
        #expect(run.json?["indicatorResults"]?.items?.first?["value"]?["value"]?.numberValue == 212.5)
        #expect(!run.output.stdout.contains(FakeBackend.dynatraceToken) && !run.output.stderr.contains(FakeBackend.dynatraceToken))
        let unsupported = try await evaluate(
            ["--slo", "slo.yaml", "--sli-provider", "dynatrace"] + Self.window,
            files: [
                "slo.yaml": "objectives:\n  - {sli: rt, pass: [{criteria: ['<=250']}]}\ntotal_score: {pass: '90%'}\n",
                "sli.yaml": "indicators:\n  rt: USQL;SINGLE_VALUE;x;SELECT 1\n"
            ])
        #expect(unsupported.output.status == 65)
        #expect(unsupported.output.stderr.contains("the SLI form 'USQL;' is not supported"))
    }

    @Test func perfSpecRelativeThresholdsCompareWithTheHistory() async throws {
        let spec = """
            indicators:
              - id: p95_ms
                source: prometheus
                query: max(http_request_duration_seconds{service="checkout"}) * 1000
                grading: {type: Threshold, thresholds: {upperSeverePerc: 20, upperWarningPerc: 5}, metricScore: 10}
            objectives: {pass: 10, warning: 5}
            comparison: {compare_with: single_result, include_result_with_score: pass}
            """
        let folder = try Fixtures.temporaryFolder()
        let history = folder + "/h.jsonl"
        try Fixtures.write(
            HistoryRecord(
                time: 1_714_500_000, window: nil, specKind: "perfspec", specPath: nil, specDigest: nil, context: [:], result: .pass, score: 10,
                values: [.init(id: "p95_ms", key: "{}", value: 180, status: "pass", success: true)]
            ).line() + "\n", to: history)
        let run = try await evaluate(["--spec", "perfspec.yaml", "--history", history] + Self.window, files: ["perfspec.yaml": spec])
        // 200 against 180: +5% is 189 (breached), +20% is 216.
        #expect(run.output.status == 0, "\(run.output.stderr)")
        #expect(run.json?["result"]?.stringValue == "warning")
        #expect(
            run.json?["indicatorResults"]?.items?.first?["comparisons"]?.items?.first?["thresholds"]
                == .object([("upperSevere", .number(216)), ("upperWarning", .number(189))]))
        #expect(run.markdown.contains("compared 180 → warn \\>= 189, severe \\>= 216"))
        #expect(try HistoryFile.load(history).records.count == 2)
        // Without --history the relative limits are reported as not applying.
        let alone = try await evaluate(["--spec", "perfspec.yaml"] + Self.window, files: ["perfspec.yaml": spec])
        #expect(alone.output.status == 0 && alone.output.stderr.contains("need --history"))
    }
}
