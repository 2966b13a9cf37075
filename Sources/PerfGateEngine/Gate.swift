import PerfGateCore
import PerfGateSources

/// The evaluation engine the CLI and a server share: reads the spec (a PerfSpec or a Keptn
/// quality gate), measures every indicator through the registered sources, grades and scores.
/// Everything from outside comes through the environment, so a test can run it in-process with
/// a fake clock, fake HTTP and files in memory.
package struct Gate: Sendable {
    package var environment: GateEnvironment

    package init(environment: GateEnvironment) { self.environment = environment }

    /// The sources, built over the environment's HTTP client and variables.
    package func sources(_ connections: GateRequest.Connections) -> [any MetricSource] {
        let all = SourceRegistry.all(
            configuration: SourceConfiguration(
                http: environment.http, environment: environment.variables, flags: connections.flags, trustSpecURLs: connections.trustSpecURLs,
                refuseSpecURLs: connections.refuseSpecURLs, files: environment.configurationFiles))
        guard let allowed = connections.allowedSources else { return all }
        return all.filter { allowed.contains($0.name) }
    }

    func loader(strict: Bool) -> SpecLoader { SpecLoader(files: environment.files, diagnostics: environment.diagnostics, strict: strict) }

    package func evaluate(_ request: GateRequest) async throws(GateError) -> GateOutcome {
        let now = environment.now()
        let deadline = ContinuousClock.now + .milliseconds(CheckedNumber.clamped(request.deadline * 1000, to: 1...86_400_000))
        let root = try loader(strict: request.strict).document(request.specPath)
        let sources = sources(request.connections)
        let run = Run(gate: self, request: request, sources: sources, deadline: deadline, valueCap: request.maxValues.map(ValueCap.init))
        var (result, kind, context, digested) =
            request.keptn.forced || SpecLoader.isKeptn(root)
            ? try await run.keptn(root: root)
            : try await run.perfSpec(root: root)
        if let cap = run.valueCap, cap.exceeded {
            throw GateError(
                .tooLarge,
                "the spec's indicators have more values than the \(cap.limit) one request may grade here (--max-values); split the spec, or aggregate the queries"
            )
        }
        result.evaluatedAt = now
        if let history = request.history {
            result.trend = await history.trend(context: context, count: request.trendRuns)
            // The pull request comment's baseline: the run relative criteria compared with, else
            // the one they would (a pinned baseline, a merge request's target branch in the store,
            // the latest run in a history file), else the trend's last.
            result.baseline = result.comparedRuns.first
            if result.baseline == nil { result.baseline = (try? await history.comparison(.absent, context: context))?.runs.first }
            if result.baseline == nil { result.baseline = result.trend.last }
        }
        guard request.keepsRecord else {
            return GateOutcome(result: result, record: GateHistory.record(result, kind: kind, digest: nil, context: context, now: now, values: false))
        }
        let digest = GateHistory.digest(digested, files: environment.files)
        return GateOutcome(result: result, record: GateHistory.record(result, kind: kind, digest: digest, context: context, now: now))
    }

    /// One evaluation's inputs, shared by the two kinds of spec.
    struct Run {
        let gate: Gate
        let request: GateRequest
        let sources: [any MetricSource]
        let deadline: ContinuousClock.Instant
        let valueCap: ValueCap?

        /// The result, the spec's kind, the run's context, and the files the record's digest covers.
        typealias Evaluation = (result: EvaluationResult, kind: String, context: [String: String], digested: [String])

        var diagnostics: any GateDiagnostics { gate.environment.diagnostics }

        /// `--series`: the curves, after grading (they never change it).
        func series(_ requests: [SeriesFetcher.Request], _ result: inout EvaluationResult, context: SourceContext) async {
            guard let timeout = request.seriesTimeout, !requests.isEmpty else { return }
            await SeriesFetcher(
                sources: sources, concurrency: request.concurrency, timeout: timeout, deadline: deadline, redactor: gate.environment.redactor
            )
            .attach(requests, to: &result, context: context)
        }
        var history: GateHistory? { request.history.map { GateHistory(runs: $0, diagnostics: diagnostics) } }

        func perfSpec(root: Node) async throws(GateError) -> Evaluation {
            let path = request.specPath
            let loaded = try gate.loader(strict: request.strict).perfSpec(
                path, root: root, context: ValidationContext(variables: Set(request.variables.keys), hasWindow: request.window != nil),
                sources: sources)
            let folder = Path.directory(of: loaded.path)
            let variables = loaded.spec.variables.merging(request.variables) { _, command in command }
            let context = SourceContext(
                window: request.window, specDirectory: folder.isEmpty ? "." : folder, resultFiles: request.resultFiles,
                variables: variables, sourceSettings: loaded.spec.sources, files: gate.environment.files)
            let runContext = RunContext.of(variables: variables, environment: gate.environment.variables)
            // Only relative limits and no runs to compare with: known now, not when the spec loaded.
            let neverFailing = loaded.spec.indicators.compactMap { indicator in
                indicator.grading.neverFails(hasHistory: history != nil).map { (indicator, $0) }
            }
            for (indicator, why) in neverFailing where indicator.grading.relativeThresholds != nil {
                let problem = Diagnostic(
                    request.strict ? .error : .warning, at: indicator.path.appending("grading"), nil,
                    "'\(indicator.id)' can never fail: \(why)" + (request.strict ? " (an error with --strict)" : ""))
                diagnostics.report([problem], file: loaded.path)
                if request.strict { throw gate.loader(strict: true).invalid(loaded.path, [problem], "is not a valid spec") }
            }
            var comparison = ComparisonSet.empty
            if loaded.spec.indicators.contains(where: { $0.grading.relativeThresholds != nil }) {
                if let history {
                    comparison = try await history.comparison(loaded.spec.comparison, context: runContext)
                } else {
                    diagnostics.warning("relative thresholds (upperSeverePerc, ...) need --history to compare with; only the absolute ones apply")
                }
            }
            var result = await Evaluator(
                sources: sources, concurrency: request.concurrency, deadline: deadline, valueCap: valueCap, redactor: gate.environment.redactor
            ).evaluate(
                loaded.spec, context: context, specPath: loaded.path, comparison: comparison)
            for (index, indicator) in loaded.spec.indicators.enumerated() where index < result.indicatorResults.count {
                if let why = indicator.grading.neverFails(hasHistory: history != nil) {
                    result.indicatorResults[index].warnings.append("can never fail: \(why)")
                }
            }
            await series(loaded.spec.indicators.enumerated().map { ($0.offset, $0.element.source, $0.element.query) }, &result, context: context)
            return (result, "perfspec", runContext, [loaded.path])
        }

        func keptn(root: Node) async throws(GateError) -> Evaluation {
            // Lighthouse's rules for the evaluation's timeframe.
            guard let window = request.window else {
                throw GateError(
                    .usage,
                    "a Keptn quality gate needs the evaluation's window: give --start (and --end), set PERFGATE_START, or run 'perfgate mark start' before the load test"
                )
            }
            guard window.duration >= 60 else {
                throw GateError(
                    .usage, "the window must be at least 1 minute long for a Keptn quality gate (it is \(ResultText.duration(window.duration)))")
            }
            let loaded = try KeptnLoader(loader: gate.loader(strict: request.strict), sources: sources).load(
                request.specPath, root: root, settings: request.keptn, variables: request.variables, environment: gate.environment.variables,
                window: window)
            diagnostics.note("Keptn quality gate \(loaded.path) with \(loaded.sliPath) (\(loaded.source.name))")
            let runContext = RunContext.of(variables: request.variables, environment: gate.environment.variables, filter: loaded.spec.filter)
            var comparison = ComparisonSet.empty
            if let history {
                comparison = try await history.comparison(loaded.spec.comparison, context: runContext)
            } else if loaded.spec.objectives.contains(where: { objective in
                (objective.pass + objective.warning).joined().contains(where: \.isRelative)
            }) {
                diagnostics.warning("relative criteria (<=+10% ...) need --history to compare with; without it they are met")
            }
            let folder = Path.directory(of: loaded.path)
            let context = SourceContext(
                window: window, specDirectory: folder.isEmpty ? "." : folder, variables: request.variables, files: gate.environment.files)
            let values = await SLIMeasurer(
                source: loaded.source, concurrency: request.concurrency, deadline: deadline, valueCap: valueCap,
                redactor: gate.environment.redactor
            ).measure(
                loaded.queries, context: context)
            var result = SLOEvaluator.evaluate(
                loaded.spec, values: values, comparison: comparison,
                providerFailure: SLIMeasurer.providerFailure(values, requested: loaded.queries.map(\.name)), source: loaded.source.name,
                window: window, specPath: loaded.path)
            if request.seriesTimeout != nil {
                var filled = context
                filled.placeholdersFilled = true
                let queries = Dictionary(loaded.queries.map { ($0.name, $0.query) }, uniquingKeysWith: { first, _ in first })
                let requests = result.indicatorResults.enumerated().compactMap { index, indicator -> SeriesFetcher.Request? in
                    guard let sli = indicator.objective?.objective.sli, let query = queries[sli] else { return nil }
                    return (index, loaded.source.name, query)
                }
                await series(requests, &result, context: filled)
            }
            return (result, "slo", runContext, [loaded.path, loaded.sliPath])
        }
    }
}
