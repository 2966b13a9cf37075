/// A canary indicator's `grading` (`type: Canary`): how the canary's samples are judged against
/// the baseline's, with Kayenta's NetflixACAJudge defaults.
package struct CanaryConfig: Sendable, Equatable {
    /// Which change can fail: `increase` (latency, errors), `decrease` (throughput), or `either`.
    package enum Direction: String, Sendable, CaseIterable { case increase, decrease, either }
    /// What a missing sample (NaN, no value) becomes: dropped, or 0 (for counts that report nothing when nothing happened).
    package enum NaNStrategy: String, Sendable, CaseIterable { case remove, replace }
    /// The effect size gate: the ratio of the means, or the common-language effect size.
    package enum EffectMeasure: String, Sendable, CaseIterable { case meanRatio, cles }

    package var direction = Direction.either
    package var nanStrategy = NaNStrategy.remove
    /// IQR outlier removal (`outliers: {strategy: remove, outlierFactor: 3}`); kept by default.
    package var removeOutliers = false
    package var outlierFactor = 3.0
    package var measure = EffectMeasure.meanRatio
    /// High needs the effect at or above this; Low at or below `allowedDecrease`.
    package var allowedIncrease: Double
    package var allowedDecrease: Double
    /// A critical High needs the effect at or above this; a critical Low at or below `criticalDecrease`.
    package var criticalIncrease: Double
    package var criticalDecrease: Double
    /// A critical High or Low (or no data) fails the whole gate.
    package var critical = false
    /// No data is a failure (Kayenta's NodataFailMetric) instead of "not judged".
    package var mustHaveData = false
    /// Fewer points than this on a side is warned about in every report (Kayenta warns under 50).
    package var minimumPoints = 50
    /// The range query's step for time series (Prometheus, Dynatrace); nil: from the window.
    package var step: Double?
    /// Points the indicator is worth on Pass.
    package var metricScore: Double

    package init(metricScore: Double, measure: EffectMeasure = .meanRatio) {
        self.metricScore = metricScore
        self.measure = measure
        let neutral = measure == .cles ? 0.5 : 1.0
        allowedIncrease = neutral
        allowedDecrease = neutral
        criticalIncrease = neutral
        criticalDecrease = neutral
    }

    /// The judge's fixed settings, as Kayenta's NetflixACAJudge hard-codes them.
    package static let confidence = 0.98
    package static let tolerance = 0.25

    /// The default step for a window: a sixtieth of it, rounded up to a step a person reads, and
    /// never under 15 s (a common scrape interval: a finer step repeats the same sample).
    package static func defaultStep(for window: Window) -> Double {
        max(15, SeriesLine.readableStep(atLeast: window.duration / 60))
    }
}
