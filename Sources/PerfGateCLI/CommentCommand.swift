import ArgumentParser
import PerfGateCI
import PerfGateCore
import PerfGateEngine
import PerfGateNotify
import PerfGateReports
import PerfGateSources

/// `perfgate comment`: the pull request comment and chat messages of a run evaluated earlier,
/// from its JSON report, for a later step (one with the write token, or after a fork's run).
struct CommentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "comment",
        abstract: "Post an earlier run's verdict from its JSON report: one comment per spec on the pull or merge request, and chat messages.",
        discussion: """
            The comment is found again by a hidden marker (the spec's path) and edited, so every push updates one comment. Problems posting (a fork's read-only token, a 403 or 404) are warnings: the command still exits 0.

            Examples:
              perfgate comment --report .perfgate/perfgate-result.json
              perfgate comment --report result.json --comment gitlab
              perfgate comment --report result.json --comment none --notify slack --notify-on warning

            Exit codes: 0 posted (or warned why not), 64 usage error, 65 the report cannot be read.
            """
    )

    @Option(
        name: .long, help: ArgumentHelp("The run's JSON report (evaluate --json, or perfgate-result.json in the report folder).", valueName: "file"))
    var report: String

    @OptionGroup(title: "Pull request comments and chat") var feedbackOptions: FeedbackOptions
    @OptionGroup var ciOptions: CIOptions

    @Option(name: .long, help: "The pull request status of a warning on Azure DevOps: issues (pending), succeeded, or failed.")
    var onWarning: Conclusion.OnWarning = .issues

    @Option(
        name: .long,
        help: ArgumentHelp("A CA bundle (PEM) to trust besides the system's (a GitHub Enterprise or GitLab server's).", valueName: "file"))
    var caFile: String?

    func run() async throws {
        let environment = Console.environment()
        let platform = ciOptions.platform(environment: environment)
        do {
            try feedbackOptions.check()
        } catch let error as ValidationError {
            throw ciOptions.conclude(GateError(.usage, "\(error.message)"))
        }
        let secrets = Secrets.values(environment: environment, tokenFiles: feedbackOptions.webhookFiles)
        Invocation.current.secrets.register(secrets)
        try? platform.mask(secrets)
        let result: EvaluationResult
        do {
            let bytes = try FileSystem.read(report, limit: 1 << 30)
            result = try JSONReportReader.result(try JSONParser.parse(bytes))
        } catch {
            throw ciOptions.conclude(
                GateError(
                    .invalidInput,
                    "cannot read the report \(report): \(String(describing: error)); give the JSON report an earlier 'perfgate evaluate' wrote"))
        }
        var settings = HTTPSettings()
        settings.caFile = caFile
        let http = RetryingHTTPClient(base: CurlHTTPClient(settings: settings), policy: RetryPolicy(budget: 120), now: Console.now)
        let feedback = feedbackOptions.feedback(platform: platform, onWarning: onWarning, defaultComment: "auto")
        let outcome = await feedback.publish(result, links: platform.reportLinks(ReportPaths(folder: "")), environment: environment, http: http)
        for note in outcome.notes { Console.diagnostics.note("\(note)") }
        for warning in outcome.warnings { Console.diagnostics.warning("\(warning)") }
    }
}
