import PerfGateCore
import PerfGateTestSupport
import Testing

/// Issue 36: a misspelt threshold leaves an indicator that can never fail. Without `--strict` it is
/// named everywhere a person looks; with it, the run stops before anything is queried.
@Suite struct StrictTests {
    static let typo =
        #"{"indicators": [{"id": "p95", "source": "static", "query": 5, "grading": {"type": "Threshold", "thresholds": {"upperWarnng": 1}, "metricScore": 10}}], "objectives": {"pass": 9, "warning": 5}}"#
    static let platforms: [String: [String: String]] = [
        "github": ["GITHUB_ACTIONS": "true"], "azure": ["TF_BUILD": "True"], "jenkins": ["JENKINS_URL": "http://ci/"],
        "gitlab": ["GITLAB_CI": "true", "CI_PIPELINE_ID": "1", "CI_JOB_ID": "2"], "none": [:]
    ]
    static let why = "can never fail: it has no thresholds ('upperWarnng' is not a threshold key; did you mean 'upperWarning'?)"

    @Test(arguments: ["github", "azure", "jenkins", "gitlab", "none"])
    func aSpecThatCanNeverFailWarnsAndStrictStopsIt(_ platform: String) async throws {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(Self.typo, to: folder + "/perfspec.json")
        var environment = Self.platforms[platform]!
        if platform == "github" { environment["GITHUB_WORKSPACE"] = folder }
        if platform == "azure" { environment["PIPELINE_WORKSPACE"] = folder }
        if platform == "jenkins" { environment["WORKSPACE"] = folder }
        if platform == "gitlab" { environment["CI_PROJECT_DIR"] = folder }
        let arguments = ["evaluate", "--spec", "perfspec.json", "--json", "r.json", "--junit", "r.xml", "--markdown", "r.md"]
        let warned = try await InProcess.run(arguments, environment: environment, in: folder)
        #expect(warned.status == 0, "\(warned.stderr)")
        let log = warned.stdout + warned.stderr
        #expect(log.contains("warning: indicators[0].grading.thresholds: 'p95' \(Self.why)"))
        switch platform {
        case "github": #expect(log.contains("::warning title=perfgate warning%3A p95::p95 \(Self.why)"))
        case "azure": #expect(log.contains("##vso[task.logissue type=warning]p95 \(Self.why)"))
        default: break
        }
        let result = try JSONParser.parse(Fixtures.read(folder + "/r.json"))
        #expect(result["indicatorResults"]?.items?.first?["warnings"]?.items?.compactMap(\.stringValue) == [Self.why])
        #expect(try Fixtures.read(folder + "/r.xml").contains(Self.why.replacingOccurrences(of: "'", with: "&apos;")))
        #expect(try Fixtures.read(folder + "/r.md").contains("can never fail"))

        for strict in [["--strict"], []] {
            var env = environment
            if strict.isEmpty { env["PERFGATE_STRICT"] = "true" }
            let stopped = try await InProcess.run(arguments + strict, environment: env, in: folder)
            #expect(stopped.status == 65, "\(stopped.stderr)")
            #expect((stopped.stdout + stopped.stderr).contains("error: indicators[0].grading.thresholds: 'p95' \(Self.why)"))
        }
    }

    @Test func validateSaysSoInItsSummaryAndStrictFailsIt() async throws {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(Self.typo, to: folder + "/perfspec.json")
        let summary = try await InProcess.run(["validate", "--spec", "perfspec.json"], in: folder)
        #expect(summary.status == 0)
        #expect(summary.stdout.contains("perfspec.json: valid, but 1 indicator can never fail (p95); 1 indicator (static 1)"))
        #expect(try await InProcess.run(["validate", "--spec", "perfspec.json", "--strict"], in: folder).status == 65)
        // A sound spec is as valid with --strict as without.
        try Fixtures.write(Self.typo.replacingOccurrences(of: "upperWarnng", with: "upperWarning"), to: folder + "/perfspec.json")
        let sound = try await InProcess.run(["validate", "--spec", "perfspec.json", "--strict"], in: folder)
        #expect(sound.status == 0 && sound.stdout.contains(": valid: 1 indicator"))
    }

    @Test func nullLimitsLeaveNoneEither() async throws {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(Self.typo.replacingOccurrences(of: "\"upperWarnng\": 1", with: "\"upperSevere\": null"), to: folder + "/perfspec.json")
        let warned = try await InProcess.run(["validate", "--spec", "perfspec.json"], in: folder)
        #expect(warned.stderr.contains("'p95' can never fail: it has no thresholds"), "\(warned.stderr)")
        #expect(try await InProcess.run(["validate", "--spec", "perfspec.json", "--strict"], in: folder).status == 65)
    }

    @Test func onlyRelativeThresholdsAndNoHistoryCanNeverFail() async throws {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(
            Self.typo.replacingOccurrences(of: "\"upperWarnng\": 1", with: "\"upperSeverePerc\": 10"), to: folder + "/perfspec.json")
        let warned = try await InProcess.run(["evaluate", "--spec", "perfspec.json"], in: folder)
        #expect(warned.status == 0)
        #expect(
            warned.stderr.contains(
                "'p95' can never fail: its thresholds are all relative (upperSeverePerc) and there are no earlier runs to compare with"))
        #expect(try await InProcess.run(["evaluate", "--spec", "perfspec.json", "--strict"], in: folder).status == 65)
        // With a history to compare with, relative limits can fail: no warning, and strict runs.
        let compared = try await InProcess.run(["evaluate", "--spec", "perfspec.json", "--strict", "--history", "h.jsonl"], in: folder)
        #expect(compared.status == 0 && !compared.stderr.contains("can never fail"), "\(compared.stderr)")
    }

    @Test func strictAppliesToKeptnGatesToo() async throws {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(
            """
            spec_version: "1.0"
            objectives:
              - sli: response_time_p95
                pass: [{criteria: ["<600"]}]
                wieght: 2
            total_score: {pass: "90%", warning: "75%"}
            """, to: folder + "/slo.yaml")
        try Fixtures.write("spec_version: '1.0'\nindicators:\n  response_time_p95: 'histogram_quantile(0.95, x)'\n", to: folder + "/sli.yaml")
        let lenient = try await InProcess.run(["validate", "--slo", "slo.yaml"], in: folder)
        #expect(lenient.status == 0 && lenient.stderr.contains("unknown key 'wieght'"), "\(lenient.stderr)")
        #expect(try await InProcess.run(["validate", "--slo", "slo.yaml", "--strict"], in: folder).status == 65)
        // A misspelt pass: no criteria left, so the objective would only inform. Named, and stopped by --strict.
        try Fixtures.write(
            """
            spec_version: "1.0"
            objectives:
              - sli: response_time_p95
                pas: [{criteria: ["<600"]}]
              - sli: throughput
            total_score: {pass: "90%", warning: "75%"}
            """, to: folder + "/slo.yaml")
        try Fixtures.write(
            "spec_version: '1.0'\nindicators:\n  response_time_p95: 'histogram_quantile(0.95, x)'\n  throughput: 'sum(rate(y[1m]))'\n",
            to: folder + "/sli.yaml")
        let misspelt = try await InProcess.run(["validate", "--slo", "slo.yaml"], in: folder)
        #expect(misspelt.status == 0)
        #expect(
            misspelt.stderr.contains(
                "'response_time_p95' can never fail: it has no pass criteria ('pas' is not an objective's key; did you mean 'pass'?), so it is only informational"
            ))
        #expect(!misspelt.stderr.contains("'throughput' can never fail"), "an objective without criteria is informational as Keptn means it")
        #expect(try await InProcess.run(["validate", "--slo", "slo.yaml", "--strict"], in: folder).status == 65)
    }
}
