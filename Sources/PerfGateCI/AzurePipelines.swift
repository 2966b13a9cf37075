import PerfGateCore
import PerfGateReports

/// Azure Pipelines: `##vso[…]` logging commands on stdout.
package struct AzurePipelines: CIPlatform {
    package static let name = "azure"
    package static func detect(_ environment: [String: String]) -> Bool { environment["TF_BUILD"]?.lowercased() == "true" }

    let environment: [String: String]
    let output: any CIOutput

    package init(environment: [String: String], output: any CIOutput) {
        self.environment = environment
        self.output = output
    }

    func variable(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }

    package var workspace: String {
        variable("PIPELINE_WORKSPACE") ?? variable("BUILD_SOURCESDIRECTORY") ?? FileSystem.currentDirectory()
    }

    package var runIdentifier: String? {
        variable("BUILD_BUILDID").map { "azure-\($0)" }
    }

    package var searchRoots: [String] {
        let roots = ["PIPELINE_WORKSPACE", "SYSTEM_ARTIFACTSDIRECTORY", "SYSTEM_DEFAULTWORKINGDIRECTORY", "BUILD_SOURCESDIRECTORY"]
            .compactMap(variable)
        return roots.isEmpty ? [FileSystem.currentDirectory()] : roots
    }

    package func mask(_ secrets: [String]) throws(FileError) {
        for secret in secrets where !secret.isEmpty { output.line(.command("##vso[task.setsecret]" + Self.escapeData(secret))) }
    }

    package func export(_ name: String, value: String) throws(FileError) {
        let name = Self.escapeProperty(name), value = Self.escapeData(value)
        output.line(.command("##vso[task.setvariable variable=\(name)]" + value))
        output.line(.command("##vso[task.setvariable variable=\(name);isOutput=true]" + value))
        // task.json's output variable for it (PERFGATE_START is perfgateStart).
        let alias = "perfgate" + name.dropFirst("PERFGATE_".count).prefix(1) + name.dropFirst("PERFGATE_".count + 1).lowercased()
        output.line(.command("##vso[task.setvariable variable=\(alias);isOutput=true]" + value))
    }

    package func publishSpec(at path: String, artifactName: String) throws(FileError) {
        output.line(.command("##vso[artifact.upload artifactname=\(Self.escapeProperty(artifactName))]" + Self.escapeData(path)))
    }

    package func publish(_ result: EvaluationResult, reports: ReportPaths, conclusion: Conclusion) throws(FileError) {
        let (errors, warnings) = annotated(result)
        for indicator in errors { output.line(.command("##vso[task.logissue type=error]" + Self.escapeData(CommandText.outside(AnnotationText.message(indicator))))) }
        for indicator in warnings { output.line(.command("##vso[task.logissue type=warning]" + Self.escapeData(CommandText.outside(AnnotationText.message(indicator))))) }
        if let junit = reports.junit {
            let spec = result.specPath.map(Path.lastComponent) ?? "spec"
            let title = Self.escapeProperty(CommandText.outside("perfgate: " + spec))
            output.line(.command("##vso[results.publish type=JUnit;runTitle=\(title);resultFiles=\(Self.escapeProperty(junit))]"))
        }
        if let markdown = reports.markdown { output.line(.command("##vso[task.uploadsummary]" + Self.escapeData(markdown))) }
        if reports.junit != nil || reports.markdown != nil {
            // The agent refuses these in restricted mode with a warning of its own; say what to do then.
            output.note("perfgate: with restricted commands (target: {commands: restricted}) the agent refuses results.publish, task.uploadsummary and artifact.upload; publish \(reports.folder) with PublishTestResults@2 and PublishPipelineArtifact@1 instead")
        }
        // task.json's output variables (its schema forbids '_' in their names) beside perfgate's own.
        for (name, value) in [("RESULT", result.verdict.rawValue), ("SCORE", NumberText.format(result.totalScore))] {
            output.line(.command("##vso[task.setvariable variable=PERFGATE_\(name);isOutput=true]" + value))
            output.line(.command("##vso[task.setvariable variable=perfgate\(name.prefix(1))\(name.dropFirst().lowercased());isOutput=true]" + value))
        }
    }

    /// SucceededWithIssues for a warning the pipeline wants to see, Failed for any exit but 0.
    package func conclude(_ conclusion: Conclusion) {
        let line = CommandText.outside(conclusion.line.plain)
        if conclusion.exitCode != 0 {
            output.line(.command("##vso[task.complete result=Failed]" + Self.escapeData(line)))
        } else if conclusion.withIssues {
            output.line(.command("##vso[task.complete result=SucceededWithIssues]" + Self.escapeData(line)))
        } else {
            output.note(conclusion.line)
        }
    }

    /// Message data, escaped as azure-pipelines-task-lib escapes it.
    static func escapeData(_ text: String) -> String {
        text.replacingScalars(["%": "%AZP25", "\r": "%0D", "\n": "%0A"])
    }

    static func escapeProperty(_ text: String) -> String {
        text.replacingScalars(["%": "%AZP25", "\r": "%0D", "\n": "%0A", "]": "%5D", ";": "%3B"])
    }
}
