import PerfGateCore
import PerfGateReports

/// Azure Pipelines: `##vso[…]` logging commands on stdout.
public struct AzurePipelines: CIPlatform {
    public static let name = "azure"
    public static func detect(_ environment: [String: String]) -> Bool { environment["TF_BUILD"]?.lowercased() == "true" }

    let environment: [String: String]
    let output: any CIOutput

    public init(environment: [String: String], output: any CIOutput) {
        self.environment = environment
        self.output = output
    }

    func variable(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }

    public var workspace: String {
        variable("PIPELINE_WORKSPACE") ?? variable("BUILD_SOURCESDIRECTORY") ?? FileSystem.currentDirectory()
    }

    public var runIdentifier: String? {
        variable("BUILD_BUILDID").map { "azure-\($0)" }
    }

    public var searchRoots: [String] {
        let roots = ["PIPELINE_WORKSPACE", "SYSTEM_ARTIFACTSDIRECTORY", "SYSTEM_DEFAULTWORKINGDIRECTORY", "BUILD_SOURCESDIRECTORY"]
            .compactMap(variable)
        return roots.isEmpty ? [FileSystem.currentDirectory()] : roots
    }

    public func mask(_ secrets: [String]) throws(FileError) {
        for secret in secrets where !secret.isEmpty { output.line(.command("##vso[task.setsecret]" + Self.escapeData(secret))) }
    }

    public func export(_ name: String, value: String) throws(FileError) {
        let name = Self.escapeProperty(name), value = Self.escapeData(value)
        output.line(.command("##vso[task.setvariable variable=\(name)]" + value))
        output.line(.command("##vso[task.setvariable variable=\(name);isOutput=true]" + value))
    }

    public func publishSpec(at path: String, artifactName: String) throws(FileError) {
        output.line(.command("##vso[artifact.upload artifactname=\(Self.escapeProperty(artifactName))]" + Self.escapeData(path)))
    }

    public func publish(_ result: EvaluationResult, reports: ReportPaths) throws(FileError) {
        let (errors, warnings) = annotated(result)
        for indicator in errors { output.line(.command("##vso[task.logissue type=error]" + Self.escapeData(CommandText.outside(AnnotationText.message(indicator))))) }
        for indicator in warnings { output.line(.command("##vso[task.logissue type=warning]" + Self.escapeData(CommandText.outside(AnnotationText.message(indicator))))) }
        if let junit = reports.junit {
            let spec = result.specPath.map(Path.lastComponent) ?? "spec"
            let title = Self.escapeProperty(CommandText.outside("perfgate: " + spec))
            output.line(.command("##vso[results.publish type=JUnit;runTitle=\(title);resultFiles=\(Self.escapeProperty(junit))]"))
        }
        if let markdown = reports.markdown { output.line(.command("##vso[task.uploadsummary]" + Self.escapeData(markdown))) }
        output.line(.command("##vso[task.setvariable variable=PERFGATE_RESULT;isOutput=true]" + result.verdict.rawValue))
        output.line(.command("##vso[task.setvariable variable=PERFGATE_SCORE;isOutput=true]" + NumberText.format(result.totalScore)))
        if result.verdict == .warning { output.line(.command("##vso[task.complete result=SucceededWithIssues]perfgate: warning")) }
    }

    /// Message data, escaped as azure-pipelines-task-lib escapes it.
    static func escapeData(_ text: String) -> String {
        text.replacingScalars(["%": "%AZP25", "\r": "%0D", "\n": "%0A"])
    }

    static func escapeProperty(_ text: String) -> String {
        text.replacingScalars(["%": "%AZP25", "\r": "%0D", "\n": "%0A", "]": "%5D", ";": "%3B"])
    }
}
