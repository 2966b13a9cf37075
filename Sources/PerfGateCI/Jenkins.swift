import PerfGateCore
import PerfGateReports

/// Jenkins: no logging commands. The reports and a `perfgate.properties` file that the shared
/// library reads (`readProperties`) to set the build's result.
public struct Jenkins: CIPlatform {
    public static let name = "jenkins"
    public static func detect(_ environment: [String: String]) -> Bool {
        !(environment["JENKINS_URL"] ?? "").isEmpty || !(environment["JENKINS_HOME"] ?? "").isEmpty
    }

    let environment: [String: String]
    let output: any CIOutput

    public init(environment: [String: String], output: any CIOutput) {
        self.environment = environment
        self.output = output
    }

    public var workspace: String { environment["WORKSPACE"].flatMap { $0.isEmpty ? nil : $0 } ?? FileSystem.currentDirectory() }
    public var runIdentifier: String? {
        environment["BUILD_TAG"].flatMap { $0.isEmpty ? nil : $0 }
    }

    public var searchRoots: [String] { [workspace] }

    public func mask(_ secrets: [String]) throws(FileError) {}  // credentials bindings mask them in Jenkins
    public func export(_ name: String, value: String) throws(FileError) {}

    public func publishSpec(at path: String, artifactName: String) throws(FileError) {
        output.line("perfgate: the spec to archive (archiveArtifacts): \(path)")
    }

    public func publish(_ result: EvaluationResult, reports: ReportPaths, conclusion: Conclusion) throws(FileError) {
        // buildResult and exit are the run's conclusion: the library sets the build from them and
        // decides nothing itself.
        var lines = ["result": result.verdict.rawValue, "score": NumberText.format(result.totalScore), "exit": String(conclusion.exitCode),
                     "buildResult": conclusion.buildResult, "message": conclusion.line.plain]
        lines["json"] = reports.json
        lines["junit"] = reports.junit
        lines["markdown"] = reports.markdown
        let text = "# Written by perfgate \(PerfGateVersion.current) for the Jenkins shared library.\n"
            + ["result", "score", "exit", "buildResult", "message", "json", "junit", "markdown"].compactMap { key in lines[key].map { "\(key)=\(Self.escape($0))" } }
                .joined(separator: "\n") + "\n"
        try FileSystem.writeAtomically(text, to: Path.resolve(Self.propertiesFile, against: reports.folder))
    }

    public func conclude(_ conclusion: Conclusion) { output.note(conclusion.line) }

    /// The file the shared library reads, in the report folder.
    public static let propertiesFile = "perfgate.properties"

    /// A Java properties value: backslashes, line breaks and leading spaces escaped.
    static func escape(_ value: String) -> String {
        var text = value.replacingScalars(["\\": "\\\\", "\n": "\\n", "\r": "\\r"])
        if text.hasPrefix(" ") { text = "\\" + text }
        return text
    }
}
