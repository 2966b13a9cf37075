import PerfGateCore

/// No CI platform: files and exit codes only.
public struct PlainConsole: CIPlatform {
    public static let name = "none"
    public static func detect(_ environment: [String: String]) -> Bool { true }

    let output: any CIOutput
    public let workspace: String

    public init(environment: [String: String], output: any CIOutput) {
        self.output = output
        workspace = FileSystem.currentDirectory()
    }

    public var searchRoots: [String] { [workspace] }
    public var runIdentifier: String? { nil }
    public func mask(_ secrets: [String]) throws(FileError) {}
    public func export(_ name: String, value: String) throws(FileError) {}
    public func publishSpec(at path: String, artifactName: String) throws(FileError) {}
    public func publish(_ result: EvaluationResult, reports: ReportPaths, conclusion: Conclusion) throws(FileError) {}
    public func conclude(_ conclusion: Conclusion) { output.note(conclusion.line) }
}
