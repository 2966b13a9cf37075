/// Pitometer's run scoring: the total is the sum of the indicator scores; `pass` when it reaches
/// `objectives.pass`, else `warning` when it reaches `objectives.warning`, else `fail`. perfgate adds
/// `error` when any indicator could not be measured (Pitometer rejected the whole run instead).
package enum Scorer {
    /// The sum of the counted (not dry-run) indicators' scores.
    package static func total(of results: [IndicatorResult]) -> Double {
        // Sum in the order Pitometer did (the JavaScript key order of its id map: integer-like ids
        // ascending, then the rest in spec order), so floating-point totals match it to the bit.
        let counted = results.filter { !$0.dryRun }
        let integerLike = counted.filter { arrayIndex($0.id) != nil }.sorted { arrayIndex($0.id)! < arrayIndex($1.id)! }
        let others = counted.filter { arrayIndex($0.id) == nil }
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

    /// The run's result. Dry-run indicators are graded and kept, never counted: not in the total,
    /// an error of theirs is no error of the run, a critical failure of theirs fails nothing.
    package static func result(
        of results: [IndicatorResult], objectives: Objectives, window: Window? = nil, specPath: String? = nil, groupWeights: [String: Double]? = nil
    ) -> EvaluationResult {
        let counted = results.filter { !$0.dryRun }
        let groups = groupWeights.map { groupScores(counted, weights: $0) } ?? []
        let total = groupWeights == nil ? total(of: results) : summary(counted, groups)
        let verdict = verdict(
            total: total, objectives: objectives, anyError: counted.contains { $0.error != nil },
            criticalFailure: counted.contains { $0.canary?.critical == true })
        var result = EvaluationResult(
            verdict: verdict, totalScore: total, objectives: objectives, indicatorResults: results, window: window,
            specPath: specPath)
        result.groupScores = groups
        return result
    }

    /// Kayenta's label of an indicator for its group: passed, counted against, or not counted
    /// (Nodata, Error). A threshold indicator passes on pass; a warning or a failure counts against.
    enum GroupLabel { case passed, against, nodata, notCounted }

    static func label(_ result: IndicatorResult) -> GroupLabel {
        if result.error != nil { return .notCounted }
        if let canary = result.canary {
            switch canary.classification {
            case .pass: return .passed
            case .nodata: return .nodata
            default: return .against
            }
        }
        return result.verdict == .pass ? .passed : .against
    }

    /// Each group's score, in the order groups first appear (Kayenta's `ScoreCalculator`): 100 ·
    /// passed ÷ (passed + counted against); a group with nothing counted is `noData`. Groups
    /// without a weight share what the weights given leave of 100.
    static func groupScores(_ counted: [IndicatorResult], weights: [String: Double]) -> [GroupScore] {
        var order: [String] = []
        var tallies: [String: (passed: Int, counted: Int)] = [:]
        for result in counted {
            let group = result.group ?? ""
            if tallies[group] == nil {
                order.append(group)
                tallies[group] = (0, 0)
            }
            switch label(result) {
            case .passed: tallies[group]!.passed += 1; tallies[group]!.counted += 1
            case .against: tallies[group]!.counted += 1
            case .nodata, .notCounted: break
            }
        }
        let unweighted = order.filter { weights[$0] == nil }
        let share = unweighted.isEmpty ? 0 : (100 - weights.values.reduce(0, +)) / Double(unweighted.count)
        return order.map { group in
            let tally = tallies[group]!
            let noData = tally.counted == 0
            return GroupScore(
                group: group, score: noData ? 0 : 100 * Double(tally.passed) / Double(tally.counted), weight: weights[group] ?? share, noData: noData)
        }
    }

    /// Kayenta's summary score: Σ effective score · weight ÷ 100 (a noData group counts as 100),
    /// rounded half up to 2 decimals; 0 when a critical indicator did not pass, or when at least
    /// half the indicators had no data.
    static func summary(_ counted: [IndicatorResult], _ groups: [GroupScore]) -> Double {
        if counted.contains(where: { $0.canary.map { $0.critical && $0.classification != .pass } ?? false }) { return 0 }
        let nodata = counted.filter { label($0) == .nodata }.count
        if !counted.isEmpty, Double(nodata) * 100 / Double(counted.count) >= 50 { return 0 }
        let total = groups.reduce(0.0) { $0 + ($1.noData ? 100 : $1.score) * $1.weight / 100 }
        return roundedHalfUp(total, places: 2)
    }

    /// Commons Math's `Precision.round(x, 2)`: the shortest decimal text of `x`, rounded half up.
    static func roundedHalfUp(_ value: Double, places: Int) -> Double {
        let text = "\(value)"
        guard value.isFinite, !text.contains("e"), let dot = text.firstIndex(of: ".") else { return value }
        let decimals = text[text.index(after: dot)...]
        guard decimals.count > places else { return value }
        let kept = String(text[..<text.index(dot, offsetBy: places + 1)])
        let next = decimals[decimals.index(decimals.startIndex, offsetBy: places)]
        guard let base = Double(kept) else { return value }
        guard next >= "5" else { return base }
        // Half up: one more unit in the last kept place, rounded to it (the sum may carry a bit).
        return ((base * pow10(places)).rounded() + (value < 0 ? -1 : 1)) / pow10(places)
    }

    static func pow10(_ places: Int) -> Double { (0..<places).reduce(1.0) { value, _ in value * 10 } }

    /// The value of a JavaScript array-index key ("0", "17"; not "01", "-1" or "4294967295").
    package static func arrayIndex(_ id: String) -> UInt32? {
        guard let value = UInt32(id), value < UInt32.max, String(value) == id else { return nil }
        return value
    }
}
