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
            for query in [indicator.baseline ?? .null, indicator.query] {
                requests.append((indicator.source, .object([("query", query), ("step", .number(step))])))
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

/// A sample source seen as a plain source: the request is `{query, step}`, the answer its samples.
struct SampleAdapter: MetricSource {
    let base: any SampleSource
    var name: String { base.name }

    func answer(_ request: Node, context: SourceContext) async throws -> SourceAnswer {
        let samples = try await base.samples(request["query"] ?? .null, context: context, step: request["step"]?.numberValue ?? 60)
        return SourceAnswer(samples.map { Measurement(key: "", value: $0) })
    }

    func resolved(_ request: Node, context: SourceContext) -> String? {
        base.resolved(request["query"] ?? .null, context: context)
    }
}
