import PerfGateCore
import PerfGateReports

/// Jenkins: no logging commands. The reports and a `perfgate.properties` file that the shared
/// library reads (`readProperties`) to set the build's result.
package struct Jenkins: CIPlatform {
    package static let name = "jenkins"
    package static func detect(_ environment: [String: String]) -> Bool {
        !(environment["JENKINS_URL"] ?? "").isEmpty || !(environment["JENKINS_HOME"] ?? "").isEmpty
    }

    let environment: [String: String]
    let output: any CIOutput

    package init(environment: [String: String], output: any CIOutput) {
        self.environment = environment
        self.output = output
    }

    package var workspace: String { environment["WORKSPACE"].flatMap { $0.isEmpty ? nil : $0 } ?? FileSystem.currentDirectory() }
    package var runIdentifier: String? {
        environment["BUILD_TAG"].flatMap { $0.isEmpty ? nil : $0 }
    }

    package var searchRoots: [String] { [workspace] }

    package func mask(_ secrets: [String]) throws(FileError) {}  // credentials bindings mask them in Jenkins
    package func export(_ name: String, value: String) throws(FileError) {}

    package func publishSpec(at path: String, artifactName: String) throws(FileError) {
        output.line("perfgate: the spec to archive (archiveArtifacts): \(path)")
    }

    package func publish(_ result: EvaluationResult, presentation: Presentation, reports: ReportPaths, conclusion: Conclusion) throws(FileError) {
        // buildResult and exit are the run's conclusion: the library sets the build from them and
        // decides nothing itself.
        var lines = [
            "result": result.verdict.rawValue, "score": NumberText.format(result.totalScore), "exit": String(conclusion.exitCode),
            "buildResult": conclusion.buildResult, "message": conclusion.line.plain
        ]
        lines["json"] = reports.json
        lines["junit"] = reports.junit
        lines["markdown"] = reports.markdown
        let text =
            "# Written by perfgate \(PerfGateVersion.current) for the Jenkins shared library.\n"
            + ["result", "score", "exit", "buildResult", "message", "json", "junit", "markdown"].compactMap { key in
                lines[key].map { "\(key)=\(Self.escape($0))" }
            }
            .joined(separator: "\n") + "\n"
        try FileSystem.writeAtomically(text, to: Path.resolve(Self.propertiesFile, against: reports.folder))
    }

    package func conclude(_ conclusion: Conclusion) { output.note(conclusion.line) }

    /// The file the shared library reads, in the report folder.
    package static let propertiesFile = "perfgate.properties"
    package static var ownedFiles: [String] { [propertiesFile] }

    /// A Java properties value: backslashes, line breaks and leading spaces escaped.
    static func escape(_ value: String) -> String {
        var text = value.replacingScalars(["\\": "\\\\", "\n": "\\n", "\r": "\\r"])
        if text.hasPrefix(" ") { text = "\\" + text }
        return text
    }
}
