@testable import PerfGateCI
import PerfGateCore
import Testing

@Suite struct AzurePipelinesTests {
    let output = RecordingOutput()
    var platform: AzurePipelines {
        AzurePipelines(
            environment: ["TF_BUILD": "True", "PIPELINE_WORKSPACE": "/p", "SYSTEM_ARTIFACTSDIRECTORY": "/p/a", "BUILD_SOURCESDIRECTORY": "/p/s"],
            output: output)
    }

    @Test func publishesTestResultsSummaryIssuesAndVariables() throws {
        try platform.publish(Samples.result, presentation: Presentation(), reports: Samples.reports, conclusion: Samples.conclusion)
        #expect(
            output.lines == [
                "##vso[task.logissue type=error]down could not be measured: HTTP 503\\n#\u{266F}vso[task.setvariable variable=X]1",
                "##vso[task.logissue type=warning]evil%AZP250A\\n::error::x #\u{266F}vso[task.complete result=Succeeded];]: evil%AZP250A\\n::error::x #\u{266F}vso[task.complete result=Succeeded];]: 5 >= upperWarning 4 (score 10 of 20)",
                "##vso[results.publish type=JUnit;runTitle=perfgate: checkout.perfspec.yaml;resultFiles=/w/r.xml]",
                "##vso[task.uploadsummary]/w/r.md",
                "##vso[task.setvariable variable=PERFGATE_RESULT;isOutput=true]warning",
                "##vso[task.setvariable variable=perfgateResult;isOutput=true]warning",
                "##vso[task.setvariable variable=PERFGATE_SCORE;isOutput=true]60",
                "##vso[task.setvariable variable=perfgateScore;isOutput=true]60"
            ])
        #expect(
            output.notes == [
                "perfgate: with restricted commands (target: {commands: restricted}) the agent refuses results.publish, task.uploadsummary and artifact.upload; publish /w with PublishTestResults@2 and PublishPipelineArtifact@1 instead"
            ])
        platform.conclude(Samples.conclusion)
        #expect(
            output.lines.last
                == "##vso[task.complete result=SucceededWithIssues]perfgate: result warning (exit 0, with issues; --fail-on warning would fail)")
        platform.conclude(Conclusion(verdict: nil, exitCode: 65, onWarning: .issues, reason: "bad\nspec ##vso[x]"))
        #expect(output.lines.last == "##vso[task.complete result=Failed]perfgate: invalid spec or input (exit 65): bad\\nspec #♯vso[x]")
    }

    @Test func theHTMLReportIsAnArtifactInABuildAndAttachedToTheLogInARelease() throws {
        var reports = Samples.reports
        reports.files["html"] = "/w/perfgate.html"
        let base = ["TF_BUILD": "True", "SYSTEM_COLLECTIONURI": "https://dev.azure.com/o/", "SYSTEM_TEAMPROJECT": "p", "BUILD_BUILDID": "7"]
        let build = AzurePipelines(environment: base.merging(["SYSTEM_HOSTTYPE": "build", "SYSTEM_JOBNAME": "__default"]) { $1 }, output: output)
        try build.publish(Samples.result, presentation: Presentation(), reports: reports, conclusion: Samples.conclusion)
        #expect(output.lines.contains("##vso[artifact.upload containerfolder=perfgate-report;artifactname=perfgate-report]/w/perfgate.html"))
        #expect(
            build.reportLinks(reports).map(\.url) == ["https://dev.azure.com/o/p/_build/results?buildId=7&view=artifacts&type=publishedArtifacts"])

        // A classic release refuses artifact.upload and fails the task on it: the log carries the file instead, and no link.
        let releaseOutput = RecordingOutput()
        let release = AzurePipelines(environment: base.merging(["SYSTEM_HOSTTYPE": "release"]) { $1 }, output: releaseOutput)
        try release.publish(Samples.result, presentation: Presentation(), reports: reports, conclusion: Samples.conclusion)
        #expect(releaseOutput.lines.contains("##vso[task.uploadfile]/w/perfgate.html"))
        #expect(!releaseOutput.lines.contains { $0.contains("artifact.upload") })
        #expect(release.reportLinks(reports).isEmpty)

        // Only the agent's own variables, and only in their shapes, make a link.
        for (name, value) in [("BUILD_BUILDID", "7) [x](javascript:alert(1)"), ("SYSTEM_COLLECTIONURI", "javascript:alert(1)//")] {
            let odd = AzurePipelines(environment: base.merging([name: value]) { $1 }, output: RecordingOutput())
            #expect(odd.reportLinks(reports).isEmpty)
        }
        #expect(PercentEncoding.encoded("a b(c)[d]é") == "a%20b%28c%29%5Bd%5D%C3%A9")
    }

    @Test func escapesPropertiesAndData() {
        #expect(AzurePipelines.escapeProperty("a;b]c%d\ne") == "a%3Bb%5Dc%AZP25d%0Ae")
        #expect(AzurePipelines.escapeData("50%\r\n") == "50%AZP25%0D%0A")
    }

    @Test func searchesTheArtifactFoldersInOrder() {
        #expect(platform.searchRoots == ["/p", "/p/a", "/p/s"])
        #expect(platform.workspace == "/p")
        #expect(AzurePipelines.detect(["TF_BUILD": "True"]))
    }

    @Test func exportsPlainAndOutputVariablesAndUploadsTheSpec() throws {
        try platform.export("PERFGATE_END", value: "2024-05-01T12:10:00Z")
        try platform.publishSpec(at: "/p/s/perfspec.json", artifactName: "spec;x]")
        #expect(
            output.lines == [
                "##vso[task.setvariable variable=PERFGATE_END]2024-05-01T12:10:00Z",
                "##vso[task.setvariable variable=PERFGATE_END;isOutput=true]2024-05-01T12:10:00Z",
                "##vso[task.setvariable variable=perfgateEnd;isOutput=true]2024-05-01T12:10:00Z",
                "##vso[artifact.upload artifactname=spec%3Bx%5D]/p/s/perfspec.json"
            ])
    }
}
