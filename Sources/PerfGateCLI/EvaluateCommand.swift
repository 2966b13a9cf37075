import ArgumentParser
import PerfGateCI
import PerfGateCore
import PerfGateReports
import PerfGateSources

/// `perfgate evaluate`: measure every indicator, grade, score, report and publish.
struct EvaluateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate a PerfSpec over the load test's window and pass, warn or fail.",
        discussion: """
            The window comes from --start/--end, else PERFGATE_START/PERFGATE_END, else the window file that 'perfgate mark' writes. The spec comes from --spec, else PERFGATE_SPEC, else a search of the CI's artifact and workspace folders.

            Examples:
              perfgate evaluate --spec Examples/perfspec.json
              perfgate evaluate --spec perfspec.yaml --start now-15m
              perfgate evaluate --spec perfspec.yaml \\
                --start 2024-05-01T12:00:00Z --end 2024-05-01T12:10:00Z
              perfgate evaluate --spec perfspec.json --json result.json \\
                --junit result.xml --fail-on warning
              perfgate evaluate --spec perfspec.json \\
                --results jmeter=out/run-42.jtl --json - | jq .result
              perfgate mark start; ./load-test.sh; perfgate mark stop; perfgate evaluate

            Exit codes: 0 pass (and warning, unless --fail-on warning), 1 fail, 2 an indicator could not be measured, 64 usage error, 65 invalid spec or input.
            """
    )

    @OptionGroup var specOptions: SpecOptions
    @OptionGroup var windowOptions: WindowOptions
    @OptionGroup var reportOptions: ReportOptions
    @OptionGroup var ciOptions: CIOptions
    @OptionGroup(title: "Sources") var connectionOptions: ConnectionOptions

    @Option(name: .long, help: "The lowest result that fails the build: fail, or warning.")
    var failOn: FailOn = .fail

    @Option(name: .long, help: "Colour the summary: auto (terminals only), always or never.")
    var color: ColorChoice = .auto

    @Option(name: .long, help: "How many indicators to measure at once.")
    var concurrency: Int = 8

    func validate() throws {
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
    }

    func run() async throws {
        do {
            try await evaluate()
        } catch {
            throw ExitStatus.report(error)
        }
    }

    func evaluate() async throws {
        let now = Console.now()
        let environment = Console.environment()
        let platform = ciOptions.platform(environment: environment)
        // Before anything else is printed, so no later line can show a secret.
        try? platform.mask(connectionOptions.secrets(environment: environment))
        if connectionOptions.insecure {
            Console.err("perfgate: warning: --insecure: TLS certificates are not verified; anyone on the network path can forge answers")
        }
        let resolved = try windowOptions.resolve(
            now: now, environment: environment, workspace: platform.workspace, run: platform.runIdentifier)
        if let (window, origin) = resolved {
            Console.err("perfgate: window \(CivilDate.rfc3339(window.start)) to \(CivilDate.rfc3339(window.end)) (\(TerminalReport.duration(window.duration))), from \(LogText.sanitize(origin))")
            if window.duration < 1 { Console.err("perfgate: warning: the window is shorter than 1 second") }
        }
        let window = resolved?.0
        let specPath = try SpecDiscovery.path(given: specOptions.spec, environment: environment, platform: platform)

        let commandVariables = specOptions.variables.dictionary
        let sources = SourceRegistry.all(configuration: try connectionOptions.configuration(environment: environment))
        let loaded = try SpecLoading.load(
            specPath, context: ValidationContext(variables: Set(commandVariables.keys), hasWindow: window != nil), sources: sources)
        let folder = Path.directory(of: loaded.path)
        let context = SourceContext(
            window: window, specDirectory: folder.isEmpty ? "." : folder, resultFiles: specOptions.resultFiles.dictionary,
            variables: loaded.spec.variables.merging(commandVariables) { _, command in command }, sourceSettings: loaded.spec.sources)
        var result = await Evaluator(sources: sources, concurrency: concurrency).evaluate(loaded.spec, context: context, specPath: loaded.path)
        result.evaluatedAt = now

        let (written, allWritten) = ReportWriter.write(result, to: reportOptions.paths(platform: platform))
        let summaryStream = reportOptions.usesStdout ? Console.stderrDescriptor : Console.stdoutDescriptor
        let summary = TerminalReport.render(result, style: .init(color: color.enabled(forStream: summaryStream)))
        if reportOptions.usesStdout { Console.err(summary) } else { Console.out(summary) }
        var published = true
        do {
            try platform.publish(result, reports: written)
        } catch {
            Console.err("perfgate: cannot publish to \(platform.name): \(error)")
            published = false
        }

        guard allWritten && published else { throw ExitStatus.error.code }
        let status = ExitStatus.of(result.verdict, failOnWarning: failOn == .warning)
        if status != .pass { throw status.code }
    }
}
