import PerfGateCore

/// Fetches every indicator's measurements (concurrently, bounded), grades them and scores the run.
///
/// A source that fails gives its indicator score 0 and an error message; the others are still
/// evaluated, and the run's verdict is `error`.
package struct Evaluator: Sendable {
    package var fetcher: Fetcher

    package init(
        sources: [any MetricSource], concurrency: Int = 8, deadline: ContinuousClock.Instant? = nil, valueCap: ValueCap? = nil,
        redactor: Redactor = Redactor()
    ) {
        fetcher = Fetcher(sources: sources, concurrency: concurrency, deadline: deadline, valueCap: valueCap, redactor: redactor)
    }

    /// - Parameter comparison: the earlier runs that relative thresholds compare with.
    package func evaluate(_ spec: PerfSpec, context: SourceContext, specPath: String? = nil, comparison: ComparisonSet = .empty) async
        -> EvaluationResult
    {
        // Threshold and Canary indicators are fetched at once; the results keep the spec's order.
        var thresholded: [Int] = []
        var canaries: [(index: Int, config: CanaryConfig)] = []
        for (index, indicator) in spec.indicators.enumerated() {
            switch indicator.grading.kind {
            case .threshold: thresholded.append(index)
            case .canary(let config): canaries.append((index, config))
            }
        }
        async let fetchedThresholded = fetcher.fetch(thresholded.map { (spec.indicators[$0].source, spec.indicators[$0].query) }, context: context)
        async let fetchedCanaries = CanarySamples(fetcher: fetcher).fetch(
            canaries.map { (spec.indicators[$0.index], $0.config) }, context: context)
        var graded = [IndicatorResult?](repeating: nil, count: spec.indicators.count)
        for (index, fetched) in zip(thresholded, await fetchedThresholded) {
            var result = Self.grade(spec.indicators[index], fetched.outcome, comparison: comparison)
            result.resolvedQuery = fetched.resolved
            graded[index] = result
        }
        for (canary, result) in zip(canaries, await fetchedCanaries) { graded[canary.index] = result }
        let results = zip(spec.indicators, graded).map { indicator, graded in
            var result = graded!
            result.dryRun = indicator.dryRun
            result.group = indicator.group
            return result
        }
        var result = Scorer.result(
            of: results, objectives: spec.objectives, window: context.window, specPath: specPath, groupWeights: spec.groupWeights)
        if spec.indicators.contains(where: { $0.grading.relativeThresholds != nil }) { result.comparedRuns = comparison.runs }
        return result
    }

    /// Grades one indicator from what its source answered; relative thresholds resolve per key
    /// against the same indicator and key in the comparison set.
    package static func grade(
        _ indicator: Indicator, _ outcome: Result<SourceAnswer, SourceError>, comparison: ComparisonSet = .empty
    ) -> IndicatorResult {
        switch outcome {
        case .success(let answer):
            var comparisons: [KeyComparison] = []
            var limitsByKey: [String: Thresholds] = [:]
            let relative = indicator.grading.relativeThresholds
            if relative != nil {
                for measurement in answer.measurements where limitsByKey[measurement.key] == nil {
                    let compared = comparison.aggregate(id: indicator.id, key: measurement.key)
                    let limits = indicator.grading.thresholds.resolved(relative: relative, compared: compared)
                    limitsByKey[measurement.key] = limits
                    comparisons.append(KeyComparison(key: measurement.key, comparedValue: compared, thresholds: limits))
                }
            }
            let grade = ThresholdGrader.grade(answer.measurements, with: indicator.grading) { measurement in
                limitsByKey[measurement.key] ?? indicator.grading.thresholds
            }
            return IndicatorResult(
                id: indicator.id, source: indicator.source, score: grade.score,
                metricScore: indicator.grading.metricScore, violations: grade.violations,
                measurements: answer.measurements, thresholds: indicator.grading.thresholds, warnings: answer.warnings,
                comparisons: comparisons)
        case .failure(let error):
            var result = IndicatorResult(
                id: indicator.id, source: indicator.source, score: 0, metricScore: indicator.grading.metricScore,
                violations: [], measurements: [], thresholds: indicator.grading.thresholds, error: error.message)
            result.invalidInput = error.isInvalidInput
            return result
        }
    }

}
