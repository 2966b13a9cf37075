import PerfGateCore

/// Fetches both roles' samples of every Canary indicator through the one Fetcher (bounded,
/// redacted, under the run's deadline), and grades them.
struct CanarySamples {
    let fetcher: Fetcher

    /// Each Canary indicator with its judge's settings.
    func fetch(_ indicators: [(indicator: Indicator, config: CanaryConfig)], context: SourceContext) async -> [IndicatorResult] {
        guard !indicators.isEmpty else { return [] }
        let adapters = fetcher.sources.values.compactMap { $0 as? any SampleSource }.map(SampleAdapter.init)
        var sampling = fetcher
        sampling.sources = Dictionary(adapters.map { ($0.name, $0 as any MetricSource) }, uniquingKeysWith: { first, _ in first })
        var requests: [Fetcher.Request] = []
        for (indicator, config) in indicators {
            let step = config.step ?? context.window.map(CanaryConfig.defaultStep) ?? 60
            for query in [indicator.baseline ?? SourceQuery(.null), indicator.query] {
                requests.append((indicator.source, SourceQuery(query.node, parsed: SampleRequest(query: query, step: step))))
            }
        }
        let fetched = await sampling.fetch(requests, context: context)
        return indicators.enumerated().map { index, canaryIndicator in
            let (indicator, config) = canaryIndicator
            let (baseline, canary) = (fetched[2 * index], fetched[2 * index + 1])
            var result = CanaryGrader.grade(
                indicator, config: config, baseline: baseline.outcome, canary: canary.outcome,
                deadline: fetcher.deadline)
            result.resolvedQuery = canary.resolved.map { "canary: \($0); baseline: \(baseline.resolved ?? "the query as written")" }
            return result
        }
    }
}

/// One role's query of a Canary indicator, and the time series' step.
struct SampleRequest: Sendable {
    var query: SourceQuery
    var step: Double
}

/// A sample source seen as a plain source: the request is a query and a step, the answer its samples.
struct SampleAdapter: MetricSource {
    let base: any SampleSource
    var name: String { base.name }

    /// Requests are built by `CanarySamples`, never read from a spec.
    func parse(_ query: Node, at path: SpecPath, context: ValidationContext) -> ParsedQuery<SampleRequest> {
        .failed([.error(path, query.location, "a canary's samples are asked for by the engine, not written in a spec")])
    }

    func answer(_ request: SampleRequest, context: SourceContext) async throws -> SourceAnswer {
        let samples = try await base.samples(for: request.query, context: context, step: request.step)
        return SourceAnswer(samples.map { Measurement(key: "", value: $0) })
    }

    func resolved(_ request: SampleRequest, context: SourceContext) -> String? {
        base.resolved(for: request.query, context: context)
    }
}
