import PerfGateCore
import PerfGateTestSupport
import Testing

@Suite struct EvaluateCommandTests {
    let examples = Fixtures.packageRoot + "/Examples"

    @Test func theBundledExamplePasses() async throws {
        for spec in ["perfspec.json", "perfspec.yaml"] {
            let output = try await InProcess.run(["evaluate", "--spec", examples + "/" + spec])
            #expect(output.status == 0, "\(output.stderr)")
            #expect(output.stdout.contains("total score 100 of 100"))
            #expect(output.stdout.hasSuffix("result: PASS\n"))
            // How the run ended, said once, for a person.
            #expect(output.stderr == "perfgate: result pass (exit 0)\n")
        }
    }

    @Test func aWarningPassesUnlessFailOnWarning() async throws {
        let spec = examples + "/perfspec-warning.yaml"
        let relaxed = try await InProcess.run(["evaluate", "--spec", spec])
        #expect(relaxed.status == 0)
        #expect(relaxed.stdout.contains("WARN  checkout_p95_ms"))
        #expect(relaxed.stdout.contains("result: WARNING"))
        let strict = try await InProcess.run(["evaluate", "--spec", spec, "--fail-on", "warning"])
        #expect(strict.status == 1)
    }

    @Test func writesEveryReport() async throws {
        let folder = try Fixtures.temporaryFolder()
        let output = try await InProcess.run([
            "evaluate", "--spec", examples + "/perfspec.json", "--json", folder + "/out/result.json",
            "--junit", folder + "/out/junit.xml", "--markdown", folder + "/out/summary.md"
        ])
        #expect(output.status == 0)
        let result = try JSONParser.parse(Fixtures.read(folder + "/out/result.json"))
        #expect(result["result"]?.stringValue == "pass")
        #expect(result["indicatorResults"]?.items?.count == 5)
        #expect(try Fixtures.read(folder + "/out/junit.xml").contains(#"tests="6" failures="0" errors="0""#))
        #expect(try Fixtures.read(folder + "/out/summary.md").hasPrefix("## ✅ perfgate: PASS, score 100 of 100"))
    }

    @Test func jsonToStdoutMovesTheSummaryToStderr() async throws {
        let output = try await InProcess.run(["evaluate", "--spec", examples + "/perfspec-warning.yaml", "--json", "-"])
        #expect(output.status == 0)
        let result = try JSONParser.parse(output.stdout)
        #expect(result["result"]?.stringValue == "warning")
        #expect(result["totalScore"]?.numberValue == 85)
        #expect(output.stderr.contains("result: WARNING"))
    }

    @Test func theWindowFiltersSamples() async throws {
        // The example JTL spans 12:00 to 12:10; a window of the first minute keeps a tenth of it.
        let folder = try Fixtures.temporaryFolder()
        let spec = """
            {"indicators": [{"id": "n", "source": "jmeter", "query": {"file": "\(examples)/jmeter/results.jtl", "label": "home", "stat": "count"},
              "grading": {"type": "Threshold", "thresholds": {}, "metricScore": 1}}], "objectives": {"pass": 1, "warning": 0}}
            """
        try Fixtures.write(spec, to: folder + "/perfspec.json")
        let all = try await InProcess.run(["evaluate", "--spec", folder + "/perfspec.json", "--json", "-"])
        let minute = try await InProcess.run([
            "evaluate", "--spec", folder + "/perfspec.json", "--json", "-",
            "--start", "2024-05-01T12:00:00Z", "--end", "1714564860"
        ])
        let allCount = try JSONParser.parse(all.stdout)["indicatorResults"]?.items?.first?["values"]?.items?.first?["value"]?.numberValue
        let minuteResult = try JSONParser.parse(minute.stdout)
        let minuteCount = minuteResult["indicatorResults"]?.items?.first?["values"]?.items?.first?["value"]?.numberValue
        #expect(allCount == 1606)
        #expect(minuteCount.map { $0 > 100 && $0 < 200 } == true)
        #expect(minuteResult["window"]?["start"]?.stringValue == "2024-05-01T12:00:00Z")
        #expect(minuteResult["window"]?["end"]?.stringValue == "2024-05-01T12:01:00Z")
        #expect(minute.stderr.contains("window: 2024-05-01T12:00:00Z to 2024-05-01T12:01:00Z (1m 0s)"))
    }

    @Test func resultsOverrideTheSpecsFiles() async throws {
        let folder = try Fixtures.temporaryFolder()
        let spec = """
            {"indicators": [{"id": "n", "source": "jmeter", "query": {"file": "elsewhere.jtl", "stat": "count", "label": "checkout"},
              "grading": {"type": "Threshold", "thresholds": {}, "metricScore": 1}}], "objectives": {"pass": 1, "warning": 0}}
            """
        try Fixtures.write(spec, to: folder + "/perfspec")  // no extension: sniffed as JSON
        let missing = try await InProcess.run(["evaluate", "--spec", folder + "/perfspec"])
        #expect(missing.status == 2)
        #expect(missing.stdout.contains("cannot read \(folder)/elsewhere.jtl: no such file or directory"))
        let overridden = try await InProcess.run(["evaluate", "--spec", folder + "/perfspec", "--results", "jmeter=\(examples)/jmeter/results.jtl"])
        #expect(overridden.status == 0, "\(overridden.stdout)")
    }

    @Test func anInvalidSpecExits65WithEveryProblem() async throws {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(
            """
            indicators:
              - id: a
                source: nope
                query: 1
                grading: {type: Threshold, thresholds: {}}
            objectives: {pass: 1}
            """, to: folder + "/bad.yaml")
        let output = try await InProcess.run(["evaluate", "--spec", folder + "/bad.yaml"])
        #expect(output.status == 65)
        #expect(output.stdout.isEmpty)
        #expect(
            output.stderr == """
                \(folder)/bad.yaml:3:13: error: indicators[0].source: unknown source 'nope'; known sources: azure-monitor, datadog, dynatrace, graphite, influxdb, jmeter, json, k6, locust, newrelic, prometheus, static, web
                \(folder)/bad.yaml:5:14: error: indicators[0].grading: missing 'metricScore' (the points this indicator is worth)
                \(folder)/bad.yaml:6:13: error: objectives: missing 'warning' (the total score needed for a warning)
                perfgate: \(folder)/bad.yaml is not a valid spec (3 errors)
                perfgate: invalid spec or input (exit 65): the spec or its input is invalid (see the messages above)

                """)
    }

    @Test func unreadableAndMalformedSpecsExit65() async throws {
        let missing = try await InProcess.run(["evaluate", "--spec", "/nonexistent/perfspec.json"])
        #expect(missing.status == 65)
        #expect(
            missing.stderr == "perfgate: cannot read the spec: /nonexistent/perfspec.json: no such file or directory\n"
                + "perfgate: invalid spec or input (exit 65): the spec or its input is invalid (see the messages above)\n")
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write("{\"indicators\": [1,, 2]}", to: folder + "/broken.json")
        let broken = try await InProcess.run(["evaluate", "--spec", folder + "/broken.json"])
        #expect(broken.status == 65)
        #expect(
            broken.stderr == "\(folder)/broken.json:1:19: error: unexpected ',', expected a value\n"
                + "perfgate: invalid spec or input (exit 65): the spec or its input is invalid (see the messages above)\n")
    }

    @Test(arguments: [
        ["evaluate", "--spec", "x.json", "--end", "now"],
        ["evaluate", "--spec", "x.json", "--start", "now", "--end", "now-1h"],
        ["evaluate", "--spec", "x.json", "--start", "now+1h"],
        ["evaluate", "--spec", "x.json", "--start", "yesterday"],
        ["evaluate", "--spec", "x.json", "--fail-on", "sometimes"],
        ["evaluate", "--spec", "x.json", "--var", "novalue"],
        ["evaluate", "--spec", "x.json", "--concurrency", "0"],
        ["evaluate", "--spec", "x.json", "--ci", "travis"],
        ["mark"],
        ["mark", "begin"],
        ["mark", "start", "--at", "tomorrow"],
        ["evaluate", "--spec", "x.json", "--bogus"]
    ])
    func usageErrorsExit64WithHelp(_ arguments: [String]) async throws {
        let output = try await InProcess.run(arguments)
        #expect(output.status == 64, "\(output.stderr)")
        #expect(output.stderr.contains("Usage: perfgate"))
        #expect(output.stdout.isEmpty)
    }

    /// No command, or an unknown one (even before --help), is a usage error in one line, as git says it.
    @Test(arguments: [
        ([], "perfgate: no command given: use mark, evaluate, validate, comment, convert, serve or history (perfgate --help lists them)\n"),
        (
            ["frobnicate"],
            "perfgate: unknown command 'frobnicate': use mark, evaluate, validate, comment, convert, serve or history (perfgate --help lists them)\n"
        ),
        (
            ["migrate", "--help"],
            "perfgate: unknown command 'migrate': use mark, evaluate, validate, comment, convert, serve or history (perfgate --help lists them)\n"
        ),
        (
            ["evalute", "--spec", "x"],
            "perfgate: unknown command 'evalute' (did you mean 'evaluate'?): use mark, evaluate, validate, comment, convert, serve or history (perfgate --help lists them)\n"
        )
    ])
    func noOrAnUnknownCommandExits64InOneLine(_ arguments: [String], _ said: String) async throws {
        let output = try await InProcess.run(arguments)
        #expect(output.status == 64)
        #expect(output.stderr == said && output.stdout.isEmpty)
        for help in [["--help"], ["help"], ["help", "evaluate"], ["--version"]] { #expect(try await InProcess.run(help).status == 0, "\(help)") }
    }

    @Test func anUnmeasurableIndicatorExits2AndStillWritesReports() async throws {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(
            """
            {"indicators": [
               {"id": "down", "source": "static", "query": {"error": "backend down"}, "grading": {"type": "Threshold", "thresholds": {}, "metricScore": 1}},
               {"id": "up", "source": "static", "query": 3, "grading": {"type": "Threshold", "thresholds": {"upperSevere": 2}, "metricScore": 1}}],
             "objectives": {"pass": 1, "warning": 0}}
            """, to: folder + "/spec.json")
        let output = try await InProcess.run(["evaluate", "--spec", folder + "/spec.json", "--json", folder + "/r.json", "--junit", folder + "/r.xml"]
        )
        #expect(output.status == 2)
        #expect(output.stdout.contains("ERROR down"))
        #expect(output.stdout.contains("error: backend down"))
        #expect(output.stdout.contains("FAIL  up"))
        #expect(try JSONParser.parse(Fixtures.read(folder + "/r.json"))["result"]?.stringValue == "error")
        #expect(try Fixtures.read(folder + "/r.xml").contains(#"<error message="backend down""#))
    }

    @Test func colourOnlyWhenAsked() async throws {
        let plain = try await InProcess.run(["evaluate", "--spec", examples + "/perfspec.json"])
        #expect(!plain.stdout.contains("\u{1B}["))
        let colored = try await InProcess.run(["evaluate", "--spec", examples + "/perfspec.json", "--color", "always"])
        #expect(colored.stdout.contains("\u{1B}[1;32mPASS"))
    }
}
