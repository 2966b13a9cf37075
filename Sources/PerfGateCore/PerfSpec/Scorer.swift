/// Pitometer's run scoring: the total is the sum of the indicator scores; `pass` when it reaches
/// `objectives.pass`, else `warning` when it reaches `objectives.warning`, else `fail`. perfgate adds
/// `error` when any indicator could not be measured (Pitometer rejected the whole run instead).
package enum Scorer {
    package static func total(of results: [IndicatorResult]) -> Double {
        // Sum in the order Pitometer did (the JavaScript key order of its id map: integer-like ids
        // ascending, then the rest in spec order), so floating-point totals match it to the bit.
        let integerLike = results.filter { arrayIndex($0.id) != nil }.sorted { arrayIndex($0.id)! < arrayIndex($1.id)! }
        let others = results.filter { arrayIndex($0.id) == nil }
        return (integerLike + others).reduce(0) { $0 + $1.score }
    }

    package static func verdict(total: Double, objectives: Objectives, anyError: Bool, criticalFailure: Bool = false) -> Verdict {
        // A critical canary indicator that failed fails the gate whatever the score (Kayenta's rule).
        if criticalFailure { return .fail }
        if anyError { return .error }
        if total >= objectives.pass { return .pass }
        if total >= objectives.warning { return .warning }
        return .fail
    }

    package static func result(
        of results: [IndicatorResult], objectives: Objectives, window: Window? = nil, specPath: String? = nil
    ) -> EvaluationResult {
        let total = total(of: results)
        let verdict = verdict(
            total: total, objectives: objectives, anyError: results.contains { $0.error != nil },
            criticalFailure: results.contains { $0.canary?.critical == true })
        return EvaluationResult(
            verdict: verdict, totalScore: total, objectives: objectives, indicatorResults: results, window: window,
            specPath: specPath)
    }

    /// The value of a JavaScript array-index key ("0", "17"; not "01", "-1" or "4294967295").
    package static func arrayIndex(_ id: String) -> UInt32? {
        guard let value = UInt32(id), value < UInt32.max, String(value) == id else { return nil }
        return value
    }
}
