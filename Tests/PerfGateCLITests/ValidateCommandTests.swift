import PerfGateTestSupport
import Testing

@Suite struct ValidateCommandTests {
    @Test func aValidSpecPrintsASummary() async throws {
        let spec = Fixtures.packageRoot + "/Examples/perfspec.json"
        let output = try await InProcess.run(["validate", "--spec", spec])
        #expect(output.status == 0)
        #expect(output.stdout == "\(spec): valid: 5 indicators (jmeter 3, k6 1, locust 1), up to 100 points, pass at 90, warning at 70\n")
    }

    @Test func aKeptnQualityGateIsCheckedAndFound() async throws {
        let example = Fixtures.packageRoot + "/Examples/keptn"
        let output = try await InProcess.run(["validate", "--spec", example])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(
            output.stdout
                == "\(example)/slo.yaml: valid Keptn quality gate: 4 objectives (3 scored, 1 key), SLIs from \(example)/prometheus/sli.yaml (prometheus), pass at 90%, warning at 75%\n"
        )
        // Azure publishes the folder, so sli.yaml travels with slo.yaml.
        let azure = try await InProcess.run(["validate", "--slo", example + "/slo.yaml", "--ci", "azure", "--artifact-name", "gate"])
        #expect(azure.stdout.contains("##vso[artifact.upload artifactname=gate]\(example)\n"))
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write("objectives:\n  - {sli: rt, pass: [{criteria: ['<=10 %%']}]}\ntotal_score: {pass: 90%}\n", to: folder + "/slo.yaml")
        try Fixtures.write("indicators:\n  rt: up{service=\"$SERVICE\"}\n", to: folder + "/sli.yaml")
        let invalid = try await InProcess.run(["validate", "--slo", folder + "/slo.yaml"])
        #expect(invalid.status == 65)
        #expect(invalid.stderr.contains("slo.yaml:2:34: error: objectives[0].pass[0].criteria[0]: '<=10 %%' is not a criterion"))
        // Placeholders need their values at validation too, as for PerfSpec queries.
        try Fixtures.write("objectives:\n  - {sli: rt, pass: [{criteria: ['<=10%']}]}\ntotal_score: {pass: 90%}\n", to: folder + "/slo.yaml")
        let unfilled = try await InProcess.run(["validate", "--slo", folder + "/slo.yaml"])
        #expect(unfilled.status == 65 && unfilled.stderr.contains("sli.yaml:2:7: error: indicators.rt: $SERVICE has no value"))
        #expect(try await InProcess.run(["validate", "--slo", folder + "/slo.yaml", "--var", "SERVICE=cart"]).status == 0)
    }

    @Test func warningsAreShownButDoNotFail() async throws {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(
            """
            {"indicators": [{"id": "a", "source": "prometheus", "query": "up", "grading": {"type": "Threshold",
              "thresholds": {"lowerWarning ": 0, "upperSevere": 1}, "metricScore": 1}}], "objectives": {"pass": 1, "warning": 0}}
            """, to: folder + "/spec.json")
        let output = try await InProcess.run(["validate", "--spec", folder + "/spec.json"])
        #expect(output.status == 0)
        #expect(
            output.stderr
                == "\(folder)/spec.json:2:18: warning: indicators[0].grading.thresholds[\"lowerWarning \"]: unknown key 'lowerWarning ' is ignored (did you mean 'lowerWarning'?)\n"
        )
        #expect(output.stdout.hasSuffix("1 warning\n"))
    }

    @Test func anInvalidSpecExits65() async throws {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write("{\"indicators\": {}, \"objectives\": {\"pass\": 1, \"warning\": 2}}", to: folder + "/spec.json")
        let output = try await InProcess.run(["validate", "--spec", folder + "/spec.json"])
        #expect(output.status == 65)
        #expect(output.stdout.isEmpty)
        #expect(output.stderr.split(separator: "\n").count == 4)
        #expect(output.stderr.hasSuffix("perfgate: invalid spec or input (exit 65): the spec or its input is invalid (see the messages above)\n"))
    }

    @Test func neverQueriesASource() async throws {
        // A static source that would fail at evaluation is still a valid spec.
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(
            """
            {"indicators": [{"id": "a", "source": "jmeter", "query": {"file": "not-yet-written.jtl", "stat": "p95"},
              "grading": {"type": "Threshold", "thresholds": {}, "metricScore": 1}}], "objectives": {"pass": 1, "warning": 0}}
            """, to: folder + "/spec.json")
        #expect(try await InProcess.run(["validate", "--spec", folder + "/spec.json"]).status == 0)
    }

    /// Keptn's dynatrace-service layout: sli.yaml beside slo.yaml, with Metrics v2 queries.
    @Test func dynatraceSLIsBesideTheGateAreRecognized() async throws {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(
            "spec_version: '1.0'\nobjectives:\n  - sli: rt\n    pass: [{criteria: ['<600']}]\ntotal_score: {pass: '90%'}\n", to: folder + "/slo.yaml")
        try Fixtures.write(
            "indicators:\n  rt: \"metricSelector=builtin:service.response.time:percentile(95)&entitySelector=type(SERVICE)\"\n",
            to: folder + "/sli.yaml")
        let output = try await InProcess.run(["validate", "--slo", folder + "/slo.yaml"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("SLIs from \(folder)/sli.yaml (dynatrace)"))
        #expect(output.stderr.contains("are Dynatrace queries"))
        let forced = try await InProcess.run(["validate", "--slo", folder + "/slo.yaml", "--sli-provider", "prometheus"])
        #expect(forced.stdout.contains("(prometheus)"))
    }
}
