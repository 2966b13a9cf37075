import PerfGateCore

/// No CI platform: files and exit codes only.
package struct PlainConsole: CIPlatform {
    package static let name = "none"
    package static func detect(_ environment: [String: String]) -> Bool { true }

    let output: any CIOutput
    package let workspace: String

    package init(environment: [String: String], output: any CIOutput) {
        self.output = output
        workspace = FileSystem.currentDirectory()
    }

    package var searchRoots: [String] { [workspace] }
    package var runIdentifier: String? { nil }
    package func mask(_ secrets: [String]) throws(FileError) {}
    package func export(_ name: String, value: String) throws(FileError) {}
    package func publishSpec(at path: String, artifactName: String) throws(FileError) {}
    package func publish(_ result: EvaluationResult, presentation: Presentation, reports: ReportPaths, conclusion: Conclusion) throws(FileError) {}
    package func conclude(_ conclusion: Conclusion) { output.note(conclusion.line) }
}
