import ArgumentParser
import PerfGateCI
import PerfGateCore
import PerfGateEngine
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

            Source settings (each also from its environment variable; tokens never as flags):
            """ + "\n" + ConnectionOptions.sourceSettingsHelp
    )

    @OptionGroup var specOptions: SpecOptions
    @OptionGroup var resultFileOptions: ResultFileOptions
    @OptionGroup var windowOptions: WindowOptions
    @OptionGroup var reportOptions: ReportOptions
    @OptionGroup var ciOptions: CIOptions
    @OptionGroup(title: "Sources") var connectionOptions: ConnectionOptions
    @OptionGroup(title: "Keptn quality gates") var sloOptions: SLOOptions
    @OptionGroup(title: "History") var historyOptions: HistoryOptions
    @OptionGroup(title: "Remote evaluation") var serverOptions: ServerOptions
    @OptionGroup(title: "Charts") var chartOptions: ChartOptions
    @OptionGroup(title: "Pull request comments and chat") var feedbackOptions: FeedbackOptions
    @OptionGroup(title: "Judging every interval of a rollout") var intervalOptions: IntervalOptions

    @Option(name: .long, help: "The lowest result that fails the build: fail, or warning.")
    var failOn: FailOn = .fail

    @Option(name: .long, help: "Colour the summary: auto (terminals only), always or never.")
    var color: ColorChoice = .auto

    @Option(
        name: .long,
        help:
            "What a warning does to the CI step: issues (succeeded with issues where the platform has it: Azure SucceededWithIssues, Jenkins UNSTABLE), succeeded, or failed (as --fail-on warning)."
    )
    var onWarning: Conclusion.OnWarning = .issues

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The exit code of a warning under --on-warning issues, for CI systems that show \"allowed to fail\" by exit code (GitLab's allow_failure: exit_codes; its default there is 3). 3 to 63.",
            valueName: "code"))
    var warningExitCode: Int32?

    @Option(
        name: .long,
        help: "How many indicators to measure at once; also the most requests and connections at once to one host, fewer while it answers 429 or 503."
    )
    var concurrency: Int = GateRequest.defaultConcurrency

    @Flag(name: .long, help: "Print the query each indicator sent: placeholders filled, credentials left out (the JSON report has it too).")
    var verbose = false

    /// What Argument Parser left is read against the sources' declarations when parsing, as an
    /// unknown option always was.
    func validate() throws { try connectionOptions.checkArguments(of: Self.self) }

    /// Checked in `run`, not in `validate`: a usage error then still replaces the last run's reports.
    func checkOptions() throws {
        guard concurrency >= 1 else { throw GateError(.usage, "--concurrency must be at least 1") }
        if let warningExitCode, !ExitCode.userCodes.contains(warningExitCode) {
            throw GateError(
                .usage,
                "--warning-exit-code must be from \(ExitCode.userCodes.lowerBound) to \(ExitCode.userCodes.upperBound) (0, 1 and 2 already mean pass, fail and error; 64 and up are usage errors)"
            )
        }
        if sloOptions.slo != nil && specOptions.spec != nil { throw GateError(.usage, "give --spec or --slo, not both") }
        let environment = Console.environment()
        if serverOptions.url(environment: environment) != nil && !resultFileOptions.resultFiles.isEmpty {
            throw GateError(.usage, "--results cannot be used with --server: the server reads no files; evaluate result files locally")
        }
        if serverOptions.url(environment: environment) != nil && (intervalOptions.interval != nil || intervalOptions.lifetime != nil) {
            throw GateError(.usage, "--interval cannot be used with --server: judge the intervals locally, or call the server once per interval")
        }
        if serverOptions.url(environment: environment) != nil && chartOptions.series {
            throw GateError(.usage, "--series cannot be used with --server: the server's answer has no curves; evaluate locally to draw them")
        }
        for check in [
            reportOptions.check, connectionOptions.check, historyOptions.check, sloOptions.check, chartOptions.check, feedbackOptions.check,
            { try serverOptions.check(environment: environment) }
        ] {
            do {
                try check()
            } catch let error as ValidationError {
                throw GateError(.usage, "\(error.message)")
            }
        }
    }

    var warningPolicy: Conclusion.OnWarning { failOn == .warning ? .failed : onWarning }

    func run() async throws {
        let environment = Console.environment()
        let platform = ciOptions.platform(environment: environment)
        var publisher = RunPublisher(
            platform: platform, paths: reportOptions.paths(platform: platform), usesStdout: reportOptions.usesStdout, color: color,
            onWarning: warningPolicy, warningExitCode: warningExitCode, summaryCharts: chartOptions.summaryCharts(on: platform))
        publisher.clearStale()
        let evaluated: (result: EvaluationResult, recorded: Bool)
        do {
            try checkOptions()
            publisher.feedback = feedbackOptions.feedback(platform: platform, onWarning: warningPolicy)
            publisher.http = try connectionOptions.httpClient(concurrency: concurrency)
            evaluated = try await evaluate(environment: environment, platform: platform)
        } catch {
            throw await publisher.stopped(error, command: "evaluate", specPath: specOptions.spec ?? sloOptions.slo)
        }
        try await publisher.finish(evaluated.result, recorded: evaluated.recorded)
    }

    /// The variables, with the run's project, stage and service from this environment
    /// (PERFGATE_SERVICE, KEPTN_SERVICE, …) where no --var gives them: the server reads its own
    /// environment, not the pipeline's.
    static func withRunContext(_ variables: [String: String], environment: [String: String]) -> [String: String] {
        var variables = variables
        for name in RunContext.placeholderNames where variables[name] == nil {
            if let value = RunContext.value(name, variables: [:], environment: environment) { variables[name] = value }
        }
        return variables
    }

    /// The interval analysis asked for, with a flag's mistake as a usage error.
    func checkedAnalysis(_ options: Node?) throws -> IntervalAnalysis? {
        do {
            return try intervalOptions.analysis(spec: options)
        } catch let error as ValidationError {
            throw GateError(.usage, "\(error.message)")
        }
    }

    /// Judges every interval of the lifetime from `start` (the window's, else now), printing each
    /// interval's verdict as it ends; the history gets the analysis' last record.
    func judgeIntervals(
        _ analysis: IntervalAnalysis, gate: Gate, request: (Window?) -> GateRequest, start: Double?, history: inout HistoryStore?
    ) async throws -> (result: EvaluationResult, recorded: Bool) {
        Termination.install()
        let from = start ?? Console.now()
        let stream: Log.Stream = reportOptions.usesStdout ? .err : .out
        Log.write(
            "analysis: \(analysis.count) interval\(analysis.count == 1 ? "" : "s") of \(ResultText.duration(analysis.interval)) from \(CivilDate.rfc3339(from))"
                + (analysis.lookback.map { ", each over the last \(ResultText.duration($0))" } ?? ", each over the data so far"),
            to: stream)
        var record: HistoryRecord?
        let (judged, ending) = try await analysis.run(
            from: from, now: Console.now, sleep: Console.sleep, stopped: Termination.requested,
            evaluate: { window in
                let outcome = try await gate.evaluate(request(window))
                record = outcome.record
                return outcome.result
            },
            report: { index, result in
                let window = result.window.map { "\(CivilDate.rfc3339($0.start)) to \(CivilDate.rfc3339($0.end))" } ?? ""
                Log.write(
                    "interval \(index) of \(analysis.count) (\(window)): \(result.verdict.rawValue.uppercased()), score \(NumberText.format(result.totalScore))",
                    to: stream)
            })
        guard var result = judged else {
            throw GateError(.unavailable, "the analysis was stopped before its first interval ended: nothing was judged")
        }
        switch ending {
        case .failed(let why), .errors(let why), .stopped(let why):
            Console.diagnostics.warning("the analysis ended early: \(why)")
            result.notes.append("the analysis ended early: " + why)
        case nil: break
        }
        let recorded = record.map { history?.append($0) ?? true } ?? true
        return (result, recorded)
    }

    /// Everything before the engine (secrets, the window, the history, the spec's path), the
    /// engine's evaluation, and the history's new line.
    func evaluate(environment: [String: String], platform: any CIPlatform) async throws -> (result: EvaluationResult, recorded: Bool) {
        // Before anything else is printed, so no later line can show a secret.
        let server = serverOptions.url(environment: environment)
        let serverKey = server == nil ? nil : try serverOptions.apiKey(environment: environment)
        var secrets = connectionOptions.secrets(environment: environment) + Secrets.values(environment: [:], tokenFiles: feedbackOptions.webhookFiles)
        for secret in (serverKey.map { [$0] } ?? []) + URLText.credentials(server ?? "") where !secrets.contains(secret) { secrets.append(secret) }
        Invocation.current.secrets.register(secrets)
        try? platform.mask(secrets)
        if connectionOptions.insecure {
            Console.diagnostics.warning("--insecure: TLS certificates are not verified; anyone on the network path can forge answers")
        }
        let resolved = try windowOptions.resolve(
            now: Console.now(), environment: environment, workspace: platform.workspace, run: platform.runIdentifier)
        if let (window, origin) = resolved {
            Console.diagnostics.note(
                "window \(CivilDate.rfc3339(window.start)) to \(CivilDate.rfc3339(window.end)) (\(ResultText.duration(window.duration))), from \(origin)"
            )
            if window.duration < 1 { Console.diagnostics.warning("the window is shorter than 1 second") }
        }
        var history = try HistoryStore.open(historyOptions)
        if historyOptions.baseline != nil && server == nil {
            throw GateError(.usage, "--baseline names a run in a perfgate server's store: give --server (or PERFGATE_SERVER) too")
        }
        let specPath = try SpecDiscovery.path(given: sloOptions.slo ?? specOptions.spec, environment: environment, platform: platform)
        if let server {
            let remote = RemoteEvaluation(
                server: server, apiKey: serverKey, http: try connectionOptions.httpClient(concurrency: concurrency),
                timeout: try connectionOptions.deadlineSeconds() + 60)
            var (result, record) = try await remote.evaluate(
                specPath: specPath, keptn: .init(forced: sloOptions.slo != nil, sli: sloOptions.sli, provider: sloOptions.sliProvider),
                window: resolved?.0, variables: Self.withRunContext(specOptions.variables.dictionary, environment: environment),
                history: history?.file, provenance: CIProvenance.of(platform: type(of: platform).name, environment: environment),
                baseline: historyOptions.baseline)
            // The trend is drawn here, from the local history: the server's answer does not carry it.
            if let file = history?.file, let record {
                result.trend = HistoryFile.trend(file.records, context: record.context, count: chartOptions.trendRuns)
            }
            if result.baseline == nil { result.baseline = result.trend.last }
            let recorded = record.map { history?.append($0) ?? true } ?? true
            return (result, recorded)
        }
        let gate = Gate(
            environment: GateEnvironment(
                now: Console.now, variables: environment, http: try connectionOptions.httpClient(concurrency: concurrency),
                diagnostics: ConsoleDiagnostics()))
        let deadline = try connectionOptions.deadlineSeconds()
        let strict = specOptions.isStrict(environment: environment)
        let historyFile = history?.file
        let request = { (window: Window?) in
            GateRequest(
                specPath: specPath, keptn: .init(forced: sloOptions.slo != nil, sli: sloOptions.sli, provider: sloOptions.sliProvider),
                window: window, variables: specOptions.variables.dictionary, resultFiles: resultFileOptions.resultFiles.dictionary,
                history: historyFile, concurrency: concurrency, deadline: deadline, connections: connectionOptions.connections,
                seriesTimeout: chartOptions.seriesTimeoutIfWanted, trendRuns: chartOptions.trendRuns, strict: strict)
        }
        // The spec's own `options` (interval, lifetime, …), read as a document: flags win. Parsed
        // only when the file names them: a spec is otherwise parsed once, by the engine.
        let mentionsOptions = (try? FileSystem.read(specPath, limit: 64 << 20))?.firstRange(of: Array("options".utf8)) != nil
        let options = mentionsOptions ? (try? SpecLoader(diagnostics: SilentDiagnostics()).document(specPath))?["options"] : nil
        if let analysis = try checkedAnalysis(options) {
            return try await judgeIntervals(analysis, gate: gate, request: request, start: resolved?.0.start, history: &history)
        }
        let outcome = try await gate.evaluate(request(resolved?.0))
        if verbose {
            for indicator in outcome.result.indicatorResults {
                Console.diagnostics.note("\(indicator.id) (\(indicator.source)) sent: \(indicator.resolvedQuery ?? "the query as written")")
            }
        }
        let recorded = history?.append(outcome.record) ?? true
        return (outcome.result, recorded)
    }
}
