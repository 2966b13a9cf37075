/// One `slo.yaml` objective: an SLI, criteria sets for pass and warning, a weight, a key flag.
package struct SLOObjective: Sendable, Equatable {
    package var sli: String
    package var displayName: String?
    /// OR across the sets, AND within each; parsed once, when the spec is read.
    package var pass: [[Criterion]]
    package var warning: [[Criterion]]
    package var weight: Double
    package var keySLI: Bool

    package init(sli: String, displayName: String? = nil, pass: [[Criterion]], warning: [[Criterion]] = [], weight: Double = 1, keySLI: Bool = false)
    {
        self.sli = sli
        self.displayName = displayName
        self.pass = pass
        self.warning = warning
        self.weight = weight
        self.keySLI = keySLI
    }

    package var name: String { displayName.flatMap { $0.isEmpty ? nil : $0 } ?? sli }
}

/// A criterion after evaluation: the value it resolved to, and whether the measurement broke it.
package struct SLOTarget: Sendable, Equatable {
    package var criterion: Criterion
    package var targetValue: Double
    package var violated: Bool
    package init(_ criterion: Criterion, targetValue: Double, violated: Bool) {
        self.criterion = criterion
        self.targetValue = targetValue
        self.violated = violated
    }

    /// The criterion as the spec wrote it.
    package var criteria: String { criterion.text }
}

/// The lighthouse outcome of one objective.
package struct SLOObjectiveResult: Sendable, Equatable {
    package enum Status: String, Sendable { case pass, warning, fail, info }

    package var objective: SLOObjective
    package var status: Status
    package var score: Double
    package var value: Double?
    package var comparedValue: Double
    package var passTargets: [SLOTarget]
    package var warningTargets: [SLOTarget]
    /// Why the SLI has no value, when it has none.
    package var message: String?
    /// Whether an earlier value existed to compare with (`comparedValue` is 0 either way, as in lighthouse).
    package var hasComparison = false

    package init(
        objective: SLOObjective, status: Status, score: Double, value: Double?, comparedValue: Double, passTargets: [SLOTarget],
        warningTargets: [SLOTarget], message: String? = nil
    ) {
        self.objective = objective
        self.status = status
        self.score = score
        self.value = value
        self.comparedValue = comparedValue
        self.passTargets = passTargets
        self.warningTargets = warningTargets
        self.message = message
    }
}

/// The per-objective step of Keptn's lighthouse (1.4.5), as `keptn-quality-gates.md` §2 states it.
package enum SLOObjectiveEvaluator {
    /// `value` nil (with `message`) means the provider sent none; `previous` are earlier successful values.
    package static func evaluate(
        _ objective: SLOObjective, value: Double?, message: String? = nil, previous: [Double], aggregate function: SLOSpec.AggregateFunction
    ) -> SLOObjectiveResult {
        let aggregate = SLOAggregate.value(previous, function: function)
        var result = SLOObjectiveResult(
            objective: objective, status: .info, score: 0, value: value, comparedValue: aggregate ?? 0, passTargets: [],
            warningTargets: [], message: nil)
        result.hasComparison = aggregate != nil
        // Without pass criteria an objective only informs: no score, no targets.
        guard !objective.pass.isEmpty else {
            result.comparedValue = 0
            result.hasComparison = false
            return result
        }
        guard let value else {
            result.status = .fail
            result.message = message ?? "no value received from SLI provider"
            // Listed as violated; a relative target shows the raw aggregate.
            func violated(_ criterion: Criterion) -> SLOTarget {
                SLOTarget(criterion, targetValue: criterion.isRelative ? (aggregate ?? 0) : criterion.value, violated: true)
            }
            result.passTargets = objective.pass.joined().map(violated)
            result.warningTargets = objective.warning.joined().map(violated)
            return result
        }
        let (passed, passTargets) = evaluate(objective.pass, value: value, aggregate: aggregate)
        result.passTargets = passTargets
        let warned = evaluate(objective.warning, value: value, aggregate: aggregate)
        result.warningTargets = warned.targets
        if passed {
            result.status = .pass
            result.score = objective.weight
        } else if warned.met {
            result.status = .warning
            result.score = objective.weight / 2
        } else {
            result.status = .fail
        }
        return result
    }

    /// OR over the sets, AND within each; every set is evaluated so every target is listed.
    static func evaluate(_ sets: [[Criterion]], value: Double, aggregate: Double?) -> (met: Bool, targets: [SLOTarget]) {
        var anySetMet = false
        var targets: [SLOTarget] = []
        for set in sets {
            var setMet = true
            for criterion in set {
                guard let target = criterion.target(aggregate: aggregate) else {
                    // A relative criterion with no usable history is met; its target shows as 0.
                    targets.append(SLOTarget(criterion, targetValue: 0, violated: false))
                    continue
                }
                let met = criterion.isMet(value, target: target)
                targets.append(SLOTarget(criterion, targetValue: target, violated: !met))
                if !met { setMet = false }
            }
            if setMet { anySetMet = true }
        }
        return (anySetMet, targets)
    }
}

/// Lighthouse's total: a percentage of the scored weights, unrounded, against `total_score`.
package enum SLOScorer {
    package struct Outcome: Sendable, Equatable {
        package var score: Double
        package var result: Verdict
        package var message: String
        package init(score: Double, result: Verdict, message: String) {
            self.score = score
            self.result = result
            self.message = message
        }
    }

    package static func score(
        _ results: [SLOObjectiveResult], pass: Double, warning: Double?, keyFailure: (name: String, message: String)? = nil
    ) -> Outcome {
        let maximum = results.filter { !$0.objective.pass.isEmpty }.reduce(0) { $0 + $1.objective.weight }
        guard maximum > 0 else { return Outcome(score: 100, result: .pass, message: "") }
        let achieved = results.filter { !$0.passTargets.isEmpty }.reduce(0) { $0 + $1.score }
        let score = 100 * achieved / maximum
        let shown = format(score)
        if score >= pass && keyFailure == nil { return Outcome(score: score, result: .pass, message: "") }
        if let warning, keyFailure == nil {
            if score >= warning {
                return Outcome(
                    score: score, result: .warning,
                    message:
                        "Evaluation returned a warning: the calculated score of \(shown) is close to the warning target value of \(format(warning))")
            }
            return Outcome(
                score: score, result: .fail,
                message: "Evaluation failed since the calculated score of \(shown) is below the warning value of \(format(warning))")
        }
        if let keyFailure {
            return Outcome(
                score: score, result: .fail, message: "Evaluation failed due to key_sli objective '\(keyFailure.name)': \(keyFailure.message)")
        }
        return Outcome(
            score: score, result: .fail,
            message: "Evaluation failed since the calculated score of \(shown) is below the target value of \(format(pass))")
    }

    /// Go's `%v` for a float: `74`, `75.3`.
    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : value.description
    }
}

extension SLOObjectiveResult {
    /// The status another value would have had against the same criteria and the same compared
    /// value: what a chart draws as the objective's pass and warning ranges.
    package func status(at value: Double) -> Status {
        guard !objective.pass.isEmpty else { return .info }
        let aggregate = hasComparison ? comparedValue : nil
        if SLOObjectiveEvaluator.evaluate(objective.pass, value: value, aggregate: aggregate).met { return .pass }
        if SLOObjectiveEvaluator.evaluate(objective.warning, value: value, aggregate: aggregate).met { return .warning }
        return .fail
    }
}
