import ArgumentParser
import PerfGateCore
import PerfGateReports
import PerfGateSources

/// `perfgate evaluate`: measure every indicator, grade, score and report.
struct EvaluateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate a PerfSpec over the load test's window and pass, warn or fail.",
        discussion: """
            Examples:
              perfgate evaluate --spec Examples/perfspec.json
              perfgate evaluate --spec perfspec.yaml --start now-15m
              perfgate evaluate --spec perfspec.yaml \\
                --start 2024-05-01T12:00:00Z --end 2024-05-01T12:10:00Z
              perfgate evaluate --spec perfspec.json --json result.json \\
                --junit result.xml --fail-on warning
              perfgate evaluate --spec perfspec.json \\
                --results jmeter=out/run-42.jtl --json - | jq .result

            Exit codes: 0 pass (and warning, unless --fail-on warning), 1 fail, 2 an indicator could not be measured, 64 usage error, 65 invalid spec or input.
            """
    )

    @OptionGroup var specOptions: SpecOptions
    @OptionGroup var windowOptions: WindowOptions
    @OptionGroup var reportOptions: ReportOptions
    @OptionGroup(title: "Sources") var connectionOptions: ConnectionOptions

    @Option(name: .long, help: "The lowest result that fails the build: fail, or warning.")
    var failOn: FailOn = .fail

    @Option(name: .long, help: "The CI platform to speak to: auto, github, azure, jenkins or none.")
    var ci: CIChoice = .auto

    @Option(name: .long, help: "Colour the summary: auto (terminals only), always or never.")
    var color: ColorChoice = .auto

    @Option(name: .long, help: "How many indicators to measure at once.")
    var concurrency: Int = 8

    func validate() throws {
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
    }

    func run() async throws {
        let now = Console.now()
        let window = try windowOptions.window(now: now)
        if connectionOptions.insecure {
            Console.err("perfgate: warning: --insecure: TLS certificates are not verified; anyone on the network path can forge answers")
        }
        let commandVariables = specOptions.variables.dictionary
        let sources = SourceRegistry.all(configuration: try connectionOptions.configuration(environment: Console.environment()))
        let loaded = try SpecLoading.load(
            specOptions.spec, context: ValidationContext(variables: Set(commandVariables.keys), hasWindow: window != nil),
            sources: sources)
        let context = SourceContext(
            window: window,
            specDirectory: Path.directory(of: loaded.path).isEmpty ? "." : Path.directory(of: loaded.path),
            resultFiles: specOptions.resultFiles.dictionary,
            variables: loaded.spec.variables.merging(commandVariables) { _, command in command },
            sourceSettings: loaded.spec.sources)
        let evaluator = Evaluator(sources: sources, concurrency: concurrency)
        var result = await evaluator.evaluate(loaded.spec, context: context, specPath: loaded.path)
        result.evaluatedAt = now

        let reportsWritten = ReportWriter.write(result, options: reportOptions)
        let summaryStream = reportOptions.usesStdout ? stderrStream : stdoutStream
        let summary = TerminalReport.render(result, style: .init(color: color.enabled(forStream: summaryStream)))
        if reportOptions.usesStdout { Console.err(summary) } else { Console.out(summary) }

        guard reportsWritten else { throw ExitStatus.error.code }
        let status = ExitStatus.of(result.verdict, failOnWarning: failOn == .warning)
        if status != .pass { throw status.code }
    }
}
