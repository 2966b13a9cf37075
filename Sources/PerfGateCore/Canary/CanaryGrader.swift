/// Grades a Canary indicator from its two roles' samples: the judge's classification scores like a
/// threshold (the full metricScore on Pass, 0 on High or Low), and a side with fewer points than
/// `minimumPoints` is warned about.
package enum CanaryGrader {
    package static func grade(
        _ indicator: Indicator, config: CanaryConfig, baseline: Result<SourceAnswer, SourceError>, canary: Result<SourceAnswer, SourceError>,
        deadline: ContinuousClock.Instant? = nil
    ) -> IndicatorResult {
        var result = IndicatorResult(
            id: indicator.id, source: indicator.source, score: 0, metricScore: config.metricScore, violations: [], measurements: [],
            thresholds: Thresholds())
        let samples: (baseline: SourceAnswer, canary: SourceAnswer)
        switch (baseline, canary) {
        case (.failure(let error), _):
            result.error = "baseline: " + error.message
            result.invalidInput = error.isInvalidInput
            return result
        case (_, .failure(let error)):
            result.error = "canary: " + error.message
            result.invalidInput = error.isInvalidInput
            return result
        case (.success(let baseline), .success(let canary)):
            samples = (baseline, canary)
        }
        result.warnings = samples.baseline.warnings.map { "baseline: " + $0 } + samples.canary.warnings.map { "canary: " + $0 }
        let judged: CanaryResult
        do {
            judged = try CanaryJudge.judge(
                baseline: samples.baseline.measurements.map(\.value), canary: samples.canary.measurements.map(\.value), config: config,
                deadline: deadline)
        } catch {
            result.error = error.reason
            return result
        }
        result.kind = .canary(judged)
        result.score = judged.failed ? 0 : config.metricScore
        // What a history keeps and a trend draws: each role's mean.
        result.measurements = [
            Measurement(key: "canary", value: judged.canary.mean), Measurement(key: "baseline", value: judged.baseline.mean)
        ]
        let few = [("baseline", judged.baseline.count), ("canary", judged.canary.count)].filter { $0.1 > 0 && $0.1 < config.minimumPoints }
        if !few.isEmpty {
            result.warnings.append(
                "few points: \(few.map { "\($0.0) \($0.1)" }.joined(separator: ", ")), under minimumPoints \(config.minimumPoints); the 98% interval is wide, and with 4 or fewer a side it spans every difference, so any two samples that do not overlap come out High or Low"
            )
        }
        return result
    }
}
