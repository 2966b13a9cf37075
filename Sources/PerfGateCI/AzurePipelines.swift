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

    package func publish(_ result: EvaluationResult, presentation: Presentation, reports: ReportPaths, conclusion: Conclusion) throws(FileError) {
        let (errors, warnings) = annotated(result)
        for indicator in errors {
            output.line(.command("##vso[task.logissue type=error]" + Self.escapeData(CommandText.outside(AnnotationText.message(indicator)))))
        }
        for indicator in warnings {
            output.line(.command("##vso[task.logissue type=warning]" + Self.escapeData(CommandText.outside(AnnotationText.message(indicator)))))
        }
        if let junit = reports.junit {
            let spec = result.specPath.map(Path.lastComponent) ?? "spec"
            let title = Self.escapeProperty(CommandText.outside("perfgate: " + spec))
            output.line(.command("##vso[results.publish type=JUnit;runTitle=\(title);resultFiles=\(Self.escapeProperty(junit))]"))
        }
        if let html = reports.files["html"] {
            if isBuild {
                let name = Self.escapeProperty(artifactName)
                output.line(.command("##vso[artifact.upload containerfolder=\(name);artifactname=\(name)]" + Self.escapeData(html)))
            } else {
                // The agent refuses artifact.upload outside a build (a classic release fails the
                // task on it); a file attached to the step's log is downloadable with the logs.
                output.line(.command("##vso[task.uploadfile]" + Self.escapeData(html)))
                output.note("perfgate: the HTML report is attached to this step's log (download the logs to open \(Path.lastComponent(of: html)))")
            }
        }
        if let markdown = reports.markdown { output.line(.command("##vso[task.uploadsummary]" + Self.escapeData(markdown))) }
        if reports.junit != nil || reports.markdown != nil {
            // The agent refuses these in restricted mode with a warning of its own; say what to do then.
            output.note(
                "perfgate: with restricted commands (target: {commands: restricted}) the agent refuses results.publish, task.uploadsummary and artifact.upload; publish \(reports.folder) with PublishTestResults@2 and PublishPipelineArtifact@1 instead"
            )
        }
        // task.json's output variables (its schema forbids '_' in their names) beside perfgate's own.
        for (name, value) in [("RESULT", result.verdict.rawValue), ("SCORE", NumberText.format(result.totalScore))] {
            output.line(.command("##vso[task.setvariable variable=PERFGATE_\(name);isOutput=true]" + value))
            output.line(.command("##vso[task.setvariable variable=perfgate\(name.prefix(1))\(name.dropFirst().lowercased());isOutput=true]" + value))
        }
    }

    /// Whether this is a build (YAML pipelines' jobs, deployment jobs included), where artifacts
    /// may be uploaded; a classic release is not (`SYSTEM_HOSTTYPE` release or deployment).
    var isBuild: Bool { (variable("SYSTEM_HOSTTYPE") ?? "build").lowercased() == "build" }

    /// The HTML report's artifact: one per job (and attempt), so a matrix's legs do not collide.
    var artifactName: String {
        var name = "perfgate-report"
        if let job = variable("SYSTEM_JOBNAME"), job != "__default" {
            name +=
                "-"
                + String(
                    job.unicodeScalars.map { scalar -> Character in
                        scalar.isASCII
                            && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_" || scalar == ".")
                            ? Character(scalar) : "_"
                    }.prefix(80))
        }
        if let attempt = variable("SYSTEM_JOBATTEMPT"), let number = Int(attempt), number > 1 { name += "-attempt\(number)" }
        return name
    }

    /// The build's Artifacts view, where the HTML report is, for the summary to link to. Only
    /// from the agent's own variables, and only when each has the form it should.
    package func reportLinks(_ paths: ReportPaths) -> [Presentation.Link] {
        // The project name ("My Project") is percent-encoded: `(`, `)` and spaces would end a Markdown link.
        guard paths.files["html"] != nil, isBuild, let collection = variable("SYSTEM_COLLECTIONURI"), let project = variable("SYSTEM_TEAMPROJECT"),
            let build = variable("BUILD_BUILDID"), !build.isEmpty, build.allSatisfy({ $0.isASCII && $0.isNumber }),
            MarkdownText.isPlainURL(collection)
        else { return [] }
        let base = collection.hasSuffix("/") ? collection : collection + "/"
        let url = base + PercentEncoding.encoded(project) + "/_build/results?buildId=" + build + "&view=artifacts&type=publishedArtifacts"
        return [Presentation.Link(title: "HTML report with charts: artifact \(artifactName), perfgate.html", url: url)]
    }

    /// SucceededWithIssues for a warning the pipeline wants to see, Failed for any exit but 0.
    package func conclude(_ conclusion: Conclusion) {
        let line = CommandText.outside(conclusion.line.plain)
        if conclusion.exitCode != ExitCode.pass.rawValue {
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
