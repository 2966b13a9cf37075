import PerfGateCore
import PerfGateReports

/// GitHub Actions: workflow commands on stdout, and the `$GITHUB_*` command files.
package struct GitHubActions: CIPlatform {
    package static let name = "github"
    package static func detect(_ environment: [String: String]) -> Bool { environment["GITHUB_ACTIONS"] == "true" }

    let environment: [String: String]
    let output: any CIOutput

    package init(environment: [String: String], output: any CIOutput) {
        self.environment = environment
        self.output = output
    }

    package var workspace: String { environment["GITHUB_WORKSPACE"].flatMap { $0.isEmpty ? nil : $0 } ?? FileSystem.currentDirectory() }
    /// The job summary renders Mermaid (`xychart-beta` included).
    package var rendersMermaid: Bool { true }

    package var runIdentifier: String? {
        guard let run = environment["GITHUB_RUN_ID"], !run.isEmpty else { return nil }
        return "github-\(run)-\(environment["GITHUB_RUN_ATTEMPT"] ?? "1")"
    }

    package var searchRoots: [String] { [workspace] }

    package func mask(_ secrets: [String]) throws(FileError) {
        for secret in secrets where !secret.isEmpty {
            // One line per mask: a multi-line secret is masked line by line.
            for line in secret.split(whereSeparator: \.isNewline) { output.line(.command("::add-mask::" + Self.escapeData(String(line)))) }
        }
    }

    package func export(_ name: String, value: String) throws(FileError) {
        if let file = environment["GITHUB_ENV"] { try output.append(Self.fileEntry(name, value), to: file) }
        let outputName = name == "PERFGATE_START" ? "start" : name == "PERFGATE_END" ? "end" : name.lowercased()
        if let file = environment["GITHUB_OUTPUT"] { try output.append(Self.fileEntry(outputName, value), to: file) }
    }

    package func publishSpec(at path: String, artifactName: String) throws(FileError) {
        output.line("perfgate: the spec to upload (actions/upload-artifact, name '\(artifactName)'): \(path)")
        if let file = environment["GITHUB_OUTPUT"] { try output.append(Self.fileEntry("spec", hostUsable(path)), to: file) }
    }

    package func publish(_ result: EvaluationResult, presentation: Presentation, reports: ReportPaths, conclusion: Conclusion) throws(FileError) {
        let (errors, warnings) = annotated(result)
        for indicator in errors { output.line(Self.command("error", title: AnnotationText.title(indicator), AnnotationText.message(indicator))) }
        for indicator in warnings { output.line(Self.command("warning", title: AnnotationText.title(indicator), AnnotationText.message(indicator))) }
        if let summary = environment["GITHUB_STEP_SUMMARY"] {
            // Rendered here, not read back from a file: with --markdown - there is none.
            try output.append(MarkdownReportFormat().render(result, presentation: presentation) + "\n", to: summary)
        }
        if let file = environment["GITHUB_OUTPUT"] {
            var entries = [("result", result.verdict.rawValue), ("score", NumberText.format(result.totalScore))]
            for (name, path) in [
                ("json-report", reports.json), ("junit-report", reports.junit), ("markdown-report", reports.markdown),
                ("html-report", reports.files["html"])
            ] {
                if let path { entries.append((name, hostUsable(path))) }
            }
            try output.append(entries.map { Self.fileEntry($0.0, $0.1) }.joined(), to: file)
        }
    }

    /// An error annotation for any exit but 0 (the step fails); a plain line otherwise.
    package func conclude(_ conclusion: Conclusion) {
        if conclusion.exitCode != ExitCode.pass.rawValue {
            output.line(Self.command("error", title: "perfgate", conclusion.line.plain))
        } else {
            output.note(conclusion.line)
        }
    }

    /// A path later steps can open: relative to the workspace when it is inside it. A container
    /// action sees the workspace at /github/workspace, the steps after it at the host's path, and
    /// the runner stores output values as written (ci-agent-fidelity.md §2.5); a workspace-relative
    /// path means the same file to both, since steps start in the workspace.
    func hostUsable(_ path: String) -> String {
        let absolute = FileSystem.absolute(path)
        let root = workspace.hasSuffix("/") ? String(workspace.dropLast()) : workspace
        guard absolute.hasPrefix(root + "/") else { return absolute }
        return String(absolute.dropFirst(root.count + 1))
    }

    /// `::name title=…::message`, escaped as the runner's own toolkit escapes it.
    static func command(_ name: StaticString, title: String, _ message: String) -> LogMessage {
        .command("::\(name) title=\(escapeProperty(CommandText.outside(title)))::\(escapeData(CommandText.outside(message)))")
    }

    static func escapeData(_ text: String) -> String {
        text.replacingScalars(["%": "%25", "\r": "%0D", "\n": "%0A"])
    }

    static func escapeProperty(_ text: String) -> String {
        text.replacingScalars(["%": "%25", "\r": "%0D", "\n": "%0A", ":": "%3A", ",": "%2C"])
    }

    /// `name<<DELIMITER\nvalue\nDELIMITER\n` with a delimiter the value cannot contain, so no value
    /// (a path with a newline, say) can add entries of its own.
    static func fileEntry(_ name: String, _ value: String) -> String {
        var delimiter: String
        repeat {
            delimiter = "perfgate_" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        } while value.contains(delimiter)
        return "\(name)<<\(delimiter)\n\(value)\n\(delimiter)\n"
    }
}
