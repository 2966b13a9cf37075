/// Pitometer's threshold grader (pitometer-grader-thresholds 1.0.1), with its bugs fixed on purpose:
/// a threshold of 0 is active, and a missing value (null, NaN) is a violation instead of 0 or a pass.
///
/// Per result, lower and upper are checked independently, severe before warning, with non-strict
/// comparisons (a value equal to a threshold breaches it). A severe breach zeroes the result's
/// score and a warning halves it, so two warnings quarter it. The indicator's score is the lowest
/// result score. Pure: no I/O, no clock.
package enum ThresholdGrader {
    package struct Grade: Sendable, Equatable {
        package var score: Double
        package var violations: [Violation]
        package init(score: Double, violations: [Violation]) {
            self.score = score
            self.violations = violations
        }
    }

    package static func grade(_ results: [Measurement], with grading: Grading) -> Grade {
        grade(results, with: grading) { _ in grading.thresholds }
    }

    /// Grades with limits that may differ per key (relative thresholds resolved against earlier runs).
    package static func grade(_ results: [Measurement], with grading: Grading, thresholdsFor: (Measurement) -> Thresholds) -> Grade {
        var violations: [Violation] = []
        var lowest: Double?
        for result in results {
            guard let value = result.value else {
                if grading.ignoreEmpty { continue }
                violations.append(Violation(breach: .missingValue, key: result.key, metadata: grading.metadata))
                lowest = 0
                continue
            }
            let thresholds = thresholdsFor(result)
            var score = grading.metricScore
            func breach(_ kind: Breach, _ threshold: Double) -> Violation {
                Violation(breach: kind, key: result.key, value: value, threshold: threshold, metadata: grading.metadata)
            }
            if let limit = thresholds.lowerSevere, value <= limit {
                score = 0
                violations.append(breach(.lowerSevere, limit))
            } else if let limit = thresholds.lowerWarning, value <= limit {
                score /= 2
                violations.append(breach(.lowerWarning, limit))
            }
            if let limit = thresholds.upperSevere, value >= limit {
                score = 0
                violations.append(breach(.upperSevere, limit))
            } else if let limit = thresholds.upperWarning, value >= limit {
                score /= 2
                violations.append(breach(.upperWarning, limit))
            }
            if lowest == nil || score < lowest! { lowest = score }
        }
        if let lowest { return Grade(score: lowest, violations: violations) }
        // No results, or (only with ignoreEmpty) every one was skipped.
        if grading.ignoreEmpty {
            return Grade(score: grading.metricScore, violations: violations)
        }
        return Grade(score: 0, violations: [Violation(breach: .noValues, metadata: grading.metadata)])
    }
}
