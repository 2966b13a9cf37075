import PerfGateCI
import PerfGateCore
import PerfGateTestSupport
import Testing

@Suite struct JenkinsTests {
    @Test func writesAPropertiesFileAndNoCommands() throws {
        let folder = try Fixtures.temporaryFolder()
        let output = RecordingOutput()
        let jenkins = Jenkins(environment: ["JENKINS_URL": "http://ci/", "WORKSPACE": folder], output: output)
        try jenkins.publish(
            Samples.result, presentation: Presentation(),
            reports: ReportPaths(json: folder + "/r.json", junit: nil, markdown: folder + "/a\nb.md", folder: folder),
            conclusion: Samples.conclusion)
        let properties = try Fixtures.read(folder + "/perfgate.properties")
        #expect(
            properties.hasSuffix(
                "result=warning\nscore=60\nexit=0\nbuildResult=UNSTABLE\nmessage=perfgate: result warning (exit 0, with issues; --fail-on warning would fail)\njson=\(folder)/r.json\nmarkdown=\(folder)/a\\nb.md\n"
            ))
        #expect(output.lines.isEmpty)
        #expect(jenkins.workspace == folder)
    }

    @Test func detectsJenkinsByEitherVariable() {
        #expect(Jenkins.detect(["JENKINS_HOME": "/var/jenkins"]))
        #expect(Jenkins.detect(["JENKINS_URL": "http://ci/"]))
        #expect(!Jenkins.detect(["JENKINS_URL": ""]))
    }
}

@Suite struct CIPlatformsTests {
    @Test func detectsInOrderAndHonoursAChoice() {
        let output = RecordingOutput()
        #expect(CIPlatforms.resolve("auto", environment: ["GITHUB_ACTIONS": "true", "TF_BUILD": "True"], output: output).name == "github")
        #expect(CIPlatforms.resolve("auto", environment: ["TF_BUILD": "True"], output: output).name == "azure")
        #expect(CIPlatforms.resolve("auto", environment: ["JENKINS_HOME": "/j"], output: output).name == "jenkins")
        #expect(CIPlatforms.resolve("auto", environment: [:], output: output).name == "none")
        #expect(CIPlatforms.resolve("none", environment: ["GITHUB_ACTIONS": "true"], output: output).name == "none")
        #expect(CIPlatforms.resolve("azure", environment: [:], output: output).name == "azure")
        #expect(CIPlatforms.names == ["github", "azure", "jenkins", "gitlab", "none"])
    }
}
