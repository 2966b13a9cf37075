/// What the SLI provider returned for one SLI (lighthouse's `indicatorValues` entry).
package struct SLIValue: Sendable, Equatable {
    package var value: Double?
    /// Why there is no value.
    package var message: String?
    /// The backend could not be asked at all (connection, server or query error): perfgate then
    /// reports the run as an error, not as a failed gate.
    package var unreachable: Bool
    package var warnings: [String]
    /// The query as the provider sent it.
    package var query: String?

    package init(value: Double?, message: String? = nil, unreachable: Bool = false, warnings: [String] = [], query: String? = nil) {
        self.value = value
        self.message = message
        self.query = query
        self.unreachable = unreachable
        self.warnings = warnings
    }

    package static func failed(_ message: String) -> SLIValue { SLIValue(value: nil, message: message) }
}

/// A whole SLO evaluation, as lighthouse 1.4.5 does it (`keptn-quality-gates.md` §2): every
/// objective, the total, and the overrides that follow it.
package enum SLOEvaluator {
    /// - Parameters:
    ///   - values: what the provider returned, by SLI name (SLIs no objective names are reported).
    ///   - providerFailure: the provider's message when it reported the whole request as failed
    ///     (perfgate's providers do when every SLI failed, as Keptn's Prometheus service does).
    package static func evaluate(
        _ spec: SLOSpec, values: [String: SLIValue], comparison: ComparisonSet = .empty, providerFailure: String? = nil,
        source: String, window: Window? = nil, specPath: String? = nil
    ) -> EvaluationResult {
        var results: [SLOObjectiveResult] = []
        var indicators: [IndicatorResult] = []
        for objective in spec.objectives {
            let received = values[objective.sli]
            let previous = comparison.values(id: objective.sli, key: objective.sli)
            let result = SLOObjectiveEvaluator.evaluate(
                objective, value: received?.value, message: received?.message, previous: previous, aggregate: comparison.aggregateFunction)
            results.append(result)
            let unreachable = received?.unreachable == true && !objective.pass.isEmpty
            var measurements: [Measurement] = []
            if let value = received?.value { measurements.append(Measurement(key: objective.sli, value: value)) }
            indicators.append(
                IndicatorResult(
                    id: objective.sli, source: source, score: result.score, metricScore: objective.pass.isEmpty ? 0 : objective.weight,
                    violations: [], measurements: measurements,
                    thresholds: Thresholds(), error: unreachable ? result.message : nil, warnings: received?.warnings ?? [], objective: result))
            indicators[indicators.count - 1].resolvedQuery = received?.query
        }

        // Lighthouse remembers a failed key SLI; the first one names the failure.
        let keyFailures = results.filter { $0.objective.keySLI && $0.status == .fail }
        var keyFailure: (name: String, message: String)?
        if let failed = keyFailures.first {
            keyFailure = (failed.objective.name, failed.value == nil ? (failed.message ?? "") : "failed evaluation with score 0.000000")
        }
        let maximum = results.filter { !$0.objective.pass.isEmpty }.reduce(0) { $0 + $1.objective.weight }
        var outcome = SLOScorer.score(results, pass: spec.totalPass, warning: spec.totalWarning, keyFailure: keyFailure)
        if keyFailures.count > 1 {
            outcome.message += " (\(keyFailures.count) key SLIs failed: \(keyFailures.map(\.objective.name).joined(separator: ", ")))"
        }
        // The overrides that follow the score, in lighthouse's order. (Lighthouse's "invalid
        // criteria string" cannot happen here: the decoder rejects such a spec, exit 65.)
        if spec.objectives.isEmpty {
            outcome = .init(score: 0, result: .fail, message: "perfgate failed because no SLO objective was provided")
        } else if let providerFailure {
            outcome = .init(score: outcome.score, result: .fail, message: "perfgate failed because SLI failed with message \(providerFailure)")
        }
        var verdict = outcome.result
        if indicators.contains(where: { $0.error != nil }) { verdict = .error }

        var notes: [String] = []
        let used = Set(spec.objectives.map(\.sli))
        let extra = values.keys.filter { !used.contains($0) }.sorted()
        if !extra.isEmpty {
            notes.append(
                "perfgate received additional SLIs, which are not specified as SLO: \(extra.joined(separator: ", ")) . Please consider using them as an SLO."
            )
        }
        var result = EvaluationResult(
            verdict: verdict, totalScore: outcome.score, objectives: Objectives(pass: spec.totalPass, warning: spec.totalWarning ?? spec.totalPass),
            indicatorResults: indicators, window: window, specPath: specPath)
        result.kind = .keptn(SLOSummary(message: outcome.message, maximumScore: maximum, warningTarget: spec.totalWarning, notes: notes))
        result.comparedRuns = comparison.runs
        return result
    }
}
