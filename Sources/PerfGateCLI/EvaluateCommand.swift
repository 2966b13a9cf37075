import ArgumentParser
import PerfGateCI
import PerfGateCore
import PerfGateReports
import PerfGateSources

/// `perfgate evaluate`: measure every indicator, grade, score, report and publish.
struct EvaluateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate a PerfSpec or a Keptn slo.yaml over the load test's window and pass, warn or fail.",
        discussion: """
            The window comes from --start/--end, else PERFGATE_START/PERFGATE_END, else the window file that 'perfgate mark' writes. The spec comes from --spec (or --slo), else PERFGATE_SPEC, else a search of the CI's artifact and workspace folders; a Keptn slo.yaml takes its sli.yaml from beside it or from <provider>/sli.yaml there. With --history, relative criteria and thresholds compare with earlier runs, and this run is appended.

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
              perfgate evaluate --slo keptn/slo.yaml --var SERVICE=checkout \\
                --history perf-history.jsonl --start now-15m

            Exit codes: 0 pass (and warning, unless --fail-on warning), 1 fail, 2 an indicator could not be measured, 64 usage error, 65 invalid spec or input.
            """
    )

    @OptionGroup var specOptions: SpecOptions
    @OptionGroup var windowOptions: WindowOptions
    @OptionGroup var reportOptions: ReportOptions
    @OptionGroup var ciOptions: CIOptions
    @OptionGroup(title: "Sources") var connectionOptions: ConnectionOptions
    @OptionGroup(title: "Keptn quality gates") var sloOptions: SLOOptions
    @OptionGroup(title: "History") var historyOptions: HistoryOptions

    @Option(name: .long, help: "The lowest result that fails the build: fail, or warning.")
    var failOn: FailOn = .fail

    @Option(name: .long, help: "Colour the summary: auto (terminals only), always or never.")
    var color: ColorChoice = .auto

    @Option(name: .long, help: "What a warning does to the CI step: issues (succeeded with issues where the platform has it: Azure SucceededWithIssues, Jenkins UNSTABLE), succeeded, or failed (as --fail-on warning).")
    var onWarning: Conclusion.OnWarning = .issues

    @Option(name: .long, help: "How many indicators to measure at once.")
    var concurrency: Int = 8

    /// Checked in `run`, not in `validate`: a usage error then still replaces the last run's reports.
    func checkOptions() throws {
        guard concurrency >= 1 else { throw UsageFailure("--concurrency must be at least 1") }
        if sloOptions.slo != nil && specOptions.spec != nil { throw UsageFailure("give --spec or --slo, not both") }
        for check in [reportOptions.check, connectionOptions.check, historyOptions.check, sloOptions.check] {
            do {
                try check()
            } catch let error as ValidationError {
                throw UsageFailure("\(error.message)")
            }
        }
    }

    var warningPolicy: Conclusion.OnWarning { failOn == .warning ? .failed : onWarning }

    func run() async throws {
        let environment = Console.environment()
        let platform = ciOptions.platform(environment: environment)
        let paths = reportOptions.paths(platform: platform)
        // This run's reports, or none: the last run's must never be read as this one's.
        ReportWriter.removeStale(paths)
        let evaluated: (result: EvaluationResult, recorded: Bool)
        do {
            try checkOptions()
            evaluated = try await evaluate(environment: environment, platform: platform)
        } catch {
            let (code, reason) = ExitStatus.explain(error)
            if code.rawValue == ExitStatus.usage.rawValue {
                // As Argument Parser ends its own usage errors.
                Console.err("Usage: perfgate evaluate <options>\n  See 'perfgate evaluate --help' for more information.")
            }
            // The reports say why this run stopped, so a wrapper that reads the folder sees it.
            let stopped = EvaluationResult.stopped(reason, exitCode: code.rawValue, specPath: specOptions.spec ?? sloOptions.slo)
            let conclusion = Conclusion(verdict: nil, exitCode: code.rawValue, onWarning: warningPolicy, reason: reason)
            let (written, _) = ReportWriter.write(stopped, to: paths)
            try? platform.publish(stopped, reports: written, conclusion: conclusion)
            platform.conclude(conclusion)
            throw code
        }
        try finish(evaluated.result, platform: platform, paths: paths, recorded: evaluated.recorded)
    }

    func evaluate(environment: [String: String], platform: any CIPlatform) async throws -> (result: EvaluationResult, recorded: Bool) {
        let now = Console.now()
        let deadline = ContinuousClock.now + .milliseconds(CheckedNumber.clamped(try connectionOptions.deadlineSeconds() * 1000, to: 1...86_400_000))
        // Before anything else is printed, so no later line can show a secret.
        let secrets = connectionOptions.secrets(environment: environment)
        Redactor.register(secrets)
        try? platform.mask(secrets)
        if connectionOptions.insecure {
            Console.err("perfgate: warning: --insecure: TLS certificates are not verified; anyone on the network path can forge answers")
        }
        let resolved = try windowOptions.resolve(
            now: now, environment: environment, workspace: platform.workspace, run: platform.runIdentifier)
        if let (window, origin) = resolved {
            Console.err("perfgate: window \(CivilDate.rfc3339(window.start)) to \(CivilDate.rfc3339(window.end)) (\(ResultText.duration(window.duration))), from \(origin)")
            if window.duration < 1 { Console.err("perfgate: warning: the window is shorter than 1 second") }
        }
        let window = resolved?.0
        var history = try HistoryStore.open(historyOptions)
        let specPath = try SpecDiscovery.path(given: sloOptions.slo ?? specOptions.spec, environment: environment, platform: platform)
        let root = try SpecLoading.document(specPath)
        let sources = SourceRegistry.all(configuration: try connectionOptions.configuration(environment: environment))
        var (result, kind, context, digest) = sloOptions.slo != nil || SpecLoading.isSLO(root)
            ? try await evaluateSLO(specPath, root: root, window: window, environment: environment, sources: sources, history: history, deadline: deadline)
            : try await evaluatePerfSpec(specPath, root: root, window: window, environment: environment, sources: sources, history: history, deadline: deadline)
        result.evaluatedAt = now
        let recorded = history?.append(result, kind: kind, digest: digest, context: context, now: now) ?? true
        return (result, recorded)
    }

    typealias Evaluation = (result: EvaluationResult, kind: String, context: [String: String], digest: String?)

    func evaluatePerfSpec(
        _ path: String, root: Node, window: Window?, environment: [String: String], sources: [any MetricSource], history: HistoryStore?,
        deadline: ContinuousClock.Instant
    ) async throws -> Evaluation {
        let commandVariables = specOptions.variables.dictionary
        let loaded = try SpecLoading.load(
            path, root: root, context: ValidationContext(variables: Set(commandVariables.keys), hasWindow: window != nil), sources: sources)
        let folder = Path.directory(of: loaded.path)
        let variables = loaded.spec.variables.merging(commandVariables) { _, command in command }
        let context = SourceContext(
            window: window, specDirectory: folder.isEmpty ? "." : folder, resultFiles: specOptions.resultFiles.dictionary,
            variables: variables, sourceSettings: loaded.spec.sources)
        let runContext = HistoryStore.context(SLIPlaceholders(filter: [:], variables: variables, environment: environment, window: nil))
        var comparison = ComparisonSet.empty
        if loaded.spec.indicators.contains(where: { $0.grading.relativeThresholds != nil }) {
            if let history {
                comparison = history.comparison(loaded.spec.comparison, context: runContext)
            } else {
                Console.err("perfgate: warning: relative thresholds (upperSeverePerc, ...) need --history to compare with; only the absolute ones apply")
            }
        }
        let result = await Evaluator(sources: sources, concurrency: concurrency, deadline: deadline).evaluate(
            loaded.spec, context: context, specPath: loaded.path, comparison: comparison)
        return (result, "perfspec", runContext, HistoryStore.digest([loaded.path]))
    }

    func evaluateSLO(
        _ path: String, root: Node, window: Window?, environment: [String: String], sources: [any MetricSource], history: HistoryStore?,
        deadline: ContinuousClock.Instant
    ) async throws -> Evaluation {
        // Lighthouse's rules for the evaluation's timeframe.
        guard let window else {
            throw UsageFailure("a Keptn quality gate needs the evaluation's window: give --start (and --end), set PERFGATE_START, or run 'perfgate mark start' before the load test")
        }
        guard window.duration >= 60 else {
            throw UsageFailure("the window must be at least 1 minute long for a Keptn quality gate (it is \(ResultText.duration(window.duration)))")
        }
        let commandVariables = specOptions.variables.dictionary
        let loaded = try SLOLoading.load(
            path, root: root, options: sloOptions, variables: commandVariables, environment: environment, window: window, sources: sources)
        Console.err("perfgate: Keptn quality gate \(loaded.path) with \(loaded.sliPath) (\(loaded.source.name))")
        let runContext = HistoryStore.context(loaded.placeholders)
        var comparison = ComparisonSet.empty
        if let history {
            comparison = history.comparison(loaded.spec.comparison, context: runContext)
        } else if loaded.spec.objectives.contains(where: { objective in (objective.pass + objective.warning).joined().contains { Criterion($0)?.isRelative == true } }) {
            Console.err("perfgate: warning: relative criteria (<=+10% ...) need --history to compare with; without it they are met")
        }
        let folder = Path.directory(of: loaded.path)
        let context = SourceContext(window: window, specDirectory: folder.isEmpty ? "." : folder, variables: commandVariables)
        let values = await SLIMeasurer(source: loaded.source, concurrency: concurrency, deadline: deadline).measure(loaded.queries, context: context)
        let result = SLOEvaluator.evaluate(
            loaded.spec, values: values, comparison: comparison,
            providerFailure: SLIMeasurer.providerFailure(values, requested: loaded.queries.map(\.name)), source: loaded.source.name,
            window: window, specPath: loaded.path)
        return (result, "slo", runContext, HistoryStore.digest([loaded.path, loaded.sliPath]))
    }

    /// Reports, the summary, the platform's publishing, and the exit code, which the platform says.
    func finish(_ result: EvaluationResult, platform: any CIPlatform, paths: ReportPaths, recorded: Bool) throws {
        // A result file that exists but does not parse is invalid input: measuring again will not help.
        let invalidInput = result.verdict == .error && result.indicatorResults.contains(where: \.invalidInput)
        var code = invalidInput ? ExitStatus.invalidInput.rawValue : Conclusion.exitCode(for: result.verdict, onWarning: warningPolicy)
        var reported = result
        reported.exitCode = code
        let (written, allWritten) = ReportWriter.write(reported, to: paths)
        let summaryStream = reportOptions.usesStdout ? Console.stderrDescriptor : Console.stdoutDescriptor
        let summary = TerminalReport.render(result, style: .init(color: color.enabled(forStream: summaryStream)))
        if reportOptions.usesStdout { Console.err(.report(summary)) } else { Console.out(.report(summary)) }
        if !allWritten || !recorded { code = ExitStatus.error.rawValue }
        var conclusion = Conclusion(verdict: result.verdict, exitCode: code, onWarning: warningPolicy)
        do {
            try platform.publish(reported, reports: written, conclusion: conclusion)
        } catch {
            Console.err("perfgate: cannot publish to \(platform.name): \(String(describing: error))")
            conclusion.exitCode = ExitStatus.error.rawValue
        }
        platform.conclude(conclusion)
        if conclusion.exitCode != 0 { throw ExitCode(conclusion.exitCode) }
    }
}
