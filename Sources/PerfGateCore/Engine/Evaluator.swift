/// Fetches every indicator's measurements (concurrently, bounded), grades them and scores the run.
///
/// A source that fails gives its indicator score 0 and an error message; the others are still
/// evaluated, and the run's verdict is `error`.
public struct Evaluator: Sendable {
    public var sources: [String: any MetricSource]
    public var concurrency: Int
    /// When measuring must be over, whatever is still running (nil: no bound).
    public var deadline: ContinuousClock.Instant?

    public init(sources: [any MetricSource], concurrency: Int = 8, deadline: ContinuousClock.Instant? = nil) {
        self.sources = Dictionary(sources.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.concurrency = max(1, concurrency)
        self.deadline = deadline
    }

    /// - Parameter comparison: the earlier runs that relative thresholds compare with.
    public func evaluate(_ spec: PerfSpec, context: SourceContext, specPath: String? = nil, comparison: ComparisonSet = .empty) async -> EvaluationResult {
        let fetched = await fetchAll(spec.indicators, context: context)
        let resolved = resolvedQueries(spec.indicators, context: context)
        let results = zip(zip(spec.indicators, fetched), resolved).map { pair, query in
            var result = Self.grade(pair.0, pair.1, comparison: comparison)
            result.resolvedQuery = query
            return result
        }
        var result = Scorer.result(of: results, objectives: spec.objectives, window: context.window, specPath: specPath)
        if spec.indicators.contains(where: { $0.grading.relativeThresholds != nil }) { result.comparedRuns = comparison.runs }
        return result
    }

    /// Grades one indicator from what its source answered; relative thresholds resolve per key
    /// against the same indicator and key in the comparison set.
    public static func grade(
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

    /// What each indicator's source sends, redacted: placeholders filled, credentials left out.
    public func resolvedQueries(_ indicators: [Indicator], context: SourceContext) -> [String?] {
        let redactor = Redactor.shared
        return indicators.map { indicator in sources[indicator.source]?.resolved(indicator.query, context: context).map(redactor.redact) }
    }

    /// Every indicator's answer, `concurrency` at a time. When the deadline passes, the answers
    /// still missing are "deadline exceeded" errors and this returns at once: a source that hangs
    /// (a server that never answers, a file that never ends) cannot hold the run.
    func fetchAll(_ indicators: [Indicator], context: SourceContext) async -> [Result<SourceAnswer, SourceError>] {
        let (events, continuation) = AsyncStream<(Int, Result<SourceAnswer, SourceError>)?>.makeStream()
        let sources = self.sources
        let concurrency = self.concurrency
        let work = Task {
            await withTaskGroup(of: (Int, Result<SourceAnswer, SourceError>).self) { group in
                var next = 0
                func startNext() {
                    guard next < indicators.count else { return }
                    let index = next
                    let indicator = indicators[index]
                    let source = sources[indicator.source]
                    next += 1
                    group.addTask {
                        guard let source else {
                            return (index, .failure(SourceError("no source named '\(indicator.source)' is available")))
                        }
                        do {
                            return (index, .success(try await source.answer(indicator.query, context: context)))
                        } catch let error as SourceError {
                            return (index, .failure(error))
                        } catch {
                            return (index, .failure(SourceError(String(describing: error))))
                        }
                    }
                }
                for _ in 0..<concurrency { startNext() }
                for await outcome in group {
                    continuation.yield(outcome)
                    startNext()
                }
            }
            continuation.finish()
        }
        let timer = deadline.map { deadline in
            Task {
                try? await Task.sleep(until: deadline, clock: .continuous)
                continuation.yield(nil)
            }
        }
        var outcomes = [Result<SourceAnswer, SourceError>?](repeating: nil, count: indicators.count)
        let redactor = Redactor.shared
        for await event in events {
            guard let (index, outcome) = event else { break }  // the deadline
            outcomes[index] = Self.redacted(outcome, by: redactor)
        }
        timer?.cancel()
        work.cancel()
        return outcomes.map { $0 ?? .failure(SourceError("deadline exceeded: the run's deadline passed before this indicator was measured")) }
    }

    /// What a source said, with every secret hidden: this is where outside text enters the result
    /// (and so every report and the history).
    static func redacted(_ outcome: Result<SourceAnswer, SourceError>, by redactor: Redactor) -> Result<SourceAnswer, SourceError> {
        guard !redactor.isEmpty else { return outcome }
        switch outcome {
        case .success(var answer):
            answer.warnings = answer.warnings.map(redactor.redact)
            for index in answer.measurements.indices { answer.measurements[index].key = redactor.redact(answer.measurements[index].key) }
            return .success(answer)
        case .failure(var error):
            error.message = redactor.redact(error.message)
            return .failure(error)
        }
    }
}
