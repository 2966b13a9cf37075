import PerfGateCore
import PerfGateReports

/// Where a CI platform's commands go: log lines to stdout, and appends to its command files.
/// Injected so tests can record them.
package protocol CIOutput: Sendable {
    /// One line for the platform's log (a logging command, or text), through `Log` in the real thing.
    func line(_ message: LogMessage)
    /// A line for a person (stderr in the real thing): how the run ended, where it is no command.
    func note(_ message: LogMessage)
    /// Appends to a command file such as `$GITHUB_OUTPUT`.
    func append(_ text: String, to path: String) throws(FileError)
}

/// The files an evaluation wrote, as absolute paths, by report (`Report.identifier`).
package struct ReportPaths: Sendable, Equatable {
    package var files: [String: String]
    /// Where the reports went, for files a platform adds (Jenkins' properties).
    package var folder: String

    package init(files: [String: String] = [:], folder: String) {
        self.files = files
        self.folder = folder
    }

    package init(json: String? = nil, junit: String? = nil, markdown: String? = nil, folder: String) {
        self.init(files: ["json": json, "junit": junit, "markdown": markdown].compactMapValues { $0 }, folder: folder)
    }

    package var json: String? { files["json"] }
    package var junit: String? { files["junit"] }
    package var markdown: String? { files["markdown"] }
}

/// A CI system perfgate runs inside. One type per platform; `CIPlatforms.all` lists them.
package protocol CIPlatform: Sendable {
    /// The `--ci` value that picks it.
    static var name: String { get }
    /// Whether the environment is this platform's.
    static func detect(_ environment: [String: String]) -> Bool
    init(environment: [String: String], output: any CIOutput)

    /// Where specs are searched for, in order.
    var searchRoots: [String] { get }
    /// The folder `.perfgate/` (the window file, default reports) goes in.
    var workspace: String { get }
    /// What tells this pipeline run from another sharing the workspace (a self-hosted agent):
    /// the window file is named after it. nil outside a CI run.
    var runIdentifier: String? { get }
    /// The exit code of a warning under `--on-warning issues`, where the platform shows that state
    /// by an exit code (GitLab's `allow_failure: exit_codes:`); nil: the step succeeds (0).
    var issuesExitCode: Int32? { get }

    /// Whether the platform's summary renders Mermaid diagrams (GitHub's job summary does).
    var rendersMermaid: Bool { get }
    /// The files `publish` writes beside the reports (names in the report folder): each run
    /// removes them first, so a run that stops early never leaves the last run's to be read.
    static var ownedFiles: [String] { get }
    /// Links to the reports in the platform's own places, for the summary.
    func reportLinks(_ paths: ReportPaths) -> [Presentation.Link]

    /// Hides secrets in the log from now on.
    func mask(_ secrets: [String]) throws(FileError)
    /// Makes `PERFGATE_START` or `PERFGATE_END` available to later steps.
    func export(_ name: String, value: String) throws(FileError)
    /// The build step: offers the validated spec for the release pipeline.
    func publishSpec(at path: String, artifactName: String) throws(FileError)
    /// Makes the evaluation's outcome native: annotations, test results, summary, outputs.
    func publish(_ result: EvaluationResult, presentation: Presentation, reports: ReportPaths, conclusion: Conclusion) throws(FileError)
    /// Says how the run ended, the platform's way: the last line of every evaluation.
    func conclude(_ conclusion: Conclusion)
}

/// Every platform, in detection order. Adding one is adding its file and its name here.
package enum CIPlatforms {
    package static let all: [any CIPlatform.Type] = [GitHubActions.self, AzurePipelines.self, Jenkins.self, GitLabCI.self]
    package static let names = all.map { $0.name } + [PlainConsole.name]
    /// What every platform writes beside the reports.
    package static var ownedFiles: [String] { all.flatMap { $0.ownedFiles } }

    /// The platform `choice` names (`auto` detects it from the environment).
    package static func resolve(_ choice: String, environment: [String: String], output: any CIOutput) -> any CIPlatform {
        let type: any CIPlatform.Type
        switch choice {
        case "auto": type = all.first { $0.detect(environment) } ?? PlainConsole.self
        default: type = all.first { $0.name == choice } ?? PlainConsole.self
        }
        return type.init(environment: environment, output: output)
    }
}

extension CIPlatform {
    package var name: String { Self.name }
    package var issuesExitCode: Int32? { nil }
    package var isPlain: Bool { Self.name == PlainConsole.name }
    package var rendersMermaid: Bool { false }
    package static var ownedFiles: [String] { [] }
    /// None by default.
    package func reportLinks(_ paths: ReportPaths) -> [Presentation.Link] { [] }

    /// The indicators worth an annotation: failures and errors, then warnings, ten of each at most.
    func annotated(_ result: EvaluationResult) -> (errors: [IndicatorResult], warnings: [IndicatorResult]) {
        let errors = result.indicatorResults.filter { ($0.verdict == .fail || $0.verdict == .error) && !$0.dryRun }
        // A passing indicator that can never fail is a warning too: nobody looks at a green build.
        // A dry run's failure is a warning: it says what would fail, and fails nothing.
        let warnings = result.indicatorResults.filter {
            $0.verdict == .warning || ($0.verdict == .pass && AnnotationText.neverFails($0) != nil) || ($0.dryRun && $0.verdict != .pass)
        }
        return (Array(errors.prefix(10)), Array(warnings.prefix(10)))
    }
}

/// The text of an indicator's annotation: what breached or why it could not be measured.
enum AnnotationText {
    static func title(_ indicator: IndicatorResult) -> String {
        if indicator.verdict == .pass, neverFails(indicator) != nil { return "perfgate warning: \(indicator.id)" }
        if indicator.dryRun { return "perfgate dry run, \(indicator.verdict.rawValue): \(indicator.id)" }
        return "perfgate \(indicator.verdict.rawValue): \(indicator.id)"
    }

    /// The engine's note that no value can fail this indicator, if it has one.
    static func neverFails(_ indicator: IndicatorResult) -> String? {
        indicator.warnings.first { $0.hasPrefix("can never fail: ") }
    }

    static func message(_ indicator: IndicatorResult) -> String {
        if let error = indicator.error { return "\(indicator.id) could not be measured: \(error)" }
        if indicator.verdict == .pass, let never = neverFails(indicator) { return "\(indicator.id) \(never)" }
        if case .objective(let objective) = indicator.kind {
            return "\(indicator.id): \(ResultText.sloValue(objective)); \(SLOText.summary(objective))"
                + " (score \(NumberText.format(indicator.score)) of \(NumberText.format(indicator.metricScore)))"
        }
        let details = indicator.violations.prefix(3).map(ResultText.describe).joined(separator: "; ")
        let more = indicator.violations.count > 3 ? "; and \(indicator.violations.count - 3) more" : ""
        return "\(indicator.id): \(details)\(more) (score \(NumberText.format(indicator.score)) of \(NumberText.format(indicator.metricScore)))"
    }
}

/// Outside text inside a platform's command: redacted, on one line, and with no command of its
/// own for any agent. The platform's own escaping (`%0A`, `%3A`, …) comes on top.
enum CommandText {
    static func outside(_ text: String) -> String {
        LogText.inert(Redactor.current.redact(text))
    }
}
