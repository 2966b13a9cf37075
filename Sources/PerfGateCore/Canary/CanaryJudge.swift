import Glibc

/// The canary judge: Kayenta's NetflixACAJudge metric classification (canary-analysis.md §1.3–1.4),
/// per indicator, on the baseline's and the canary's samples.
///
/// 1. Missing samples (NaN, ±Inf) are removed (or 0 with `nanStrategy: replace`); outliers beyond the IQR
///    fences (widened to P1/P99) are removed when asked.
/// 2. No data left on a side: Nodata (NodataFailMetric with `mustHaveData`; Pass with `replace`).
/// 3. Identical samples, or a single value in both: Pass.
/// 4. Both samples constant: a little Gaussian noise (sd = 1e-5 of the value) breaks the ties.
/// 5. The 98% Mann-Whitney interval for canary − baseline, and the estimate (`MannWhitney`).
/// 6. High when the direction allows it, the interval's lower bound is above 0.25·|estimate| and
///    the effect (mean ratio or CLES) is at or above `allowedIncrease` (or undefined); Low the
///    mirror image; otherwise Pass. A critical High or Low needs the critical effect too.
package enum CanaryJudge {
    /// The most samples one side may have.
    package static let maxSamples = 2_000_000
    /// The largest magnitude a sample may have. Shifts, sums and means of up to `maxSamples` such
    /// values stay finite; past it they overflow to ±Inf, and a verdict on them would mean nothing.
    package static let largestMagnitude = 1e300

    /// Why two samples cannot be judged: an indicator error with this reason, never a verdict.
    package struct CannotJudge: Error, Sendable, Equatable {
        package var reason: String
        package init(_ reason: String) { self.reason = reason }
    }

    /// - Parameters:
    ///   - perturb: adds the noise of step 4 to a constant sample (injected in tests; Kayenta's
    ///     generator is unseeded, perfgate's default is seeded, so a run repeats).
    ///   - deadline: the run's deadline; the interval's search stops there (as it does when the
    ///     task is cancelled), since CPU-bound work does not wait anywhere a timer could end it.
    package static func judge(
        baseline rawBaseline: [Double?], canary rawCanary: [Double?], config: CanaryConfig,
        perturb: (CanaryRole, [Double]) -> [Double] = SeededNoise.perturb, deadline: ContinuousClock.Instant? = nil
    ) throws(CannotJudge) -> CanaryResult {
        let baseline = prepare(rawBaseline, config: config)
        let canary = prepare(rawCanary, config: config)
        var result = CanaryResult(
            classification: .pass, critical: false, reason: "", baseline: baseline.summary, canary: canary.summary)
        result.measure = config.measure
        guard !baseline.values.isEmpty, !canary.values.isEmpty else {
            let side = baseline.values.isEmpty && canary.values.isEmpty ? "either side" : baseline.values.isEmpty ? "the baseline" : "the canary"
            switch config.nanStrategy {
            case .replace:
                result.reason = "no data from \(side); with nanStrategy replace that is a pass"
            case .remove where config.mustHaveData && !config.critical:
                result.classification = .nodataFail
                result.reason = "no data from \(side), and mustHaveData is set"
            case .remove:
                result.classification = .nodata
                result.critical = config.critical
                result.reason = "no data from \(side): not judged" + (config.critical ? "; the indicator is critical, so the gate fails" : "")
            }
            return result
        }
        for (side, sorted) in [("baseline", baseline.sorted), ("canary", canary.sorted)] {
            let largest = max(abs(sorted[0]), abs(sorted[sorted.count - 1]))
            if largest > largestMagnitude {
                throw CannotJudge(
                    "the \(side) has a sample of magnitude \(NumberText.precise(largest)), beyond ±1e300: its differences and means overflow a double, so no verdict would mean anything; check the query's unit (or scale it)"
                )
            }
        }
        let ratio = meanRatio(baseline: baseline.values, canary: canary.values)
        result.meanRatio = ratio.isNaN ? nil : ratio
        // Each side is sorted once, in `prepare`: the checks below and the interval use the sorted copies.
        if baseline.sorted == canary.sorted {
            result.reason = "the canary's samples are the baseline's"
            return result
        }
        let constant = (baseline: baseline.sorted.first == baseline.sorted.last, canary: canary.sorted.first == canary.sorted.last)
        if constant.baseline && constant.canary && baseline.sorted.first == canary.sorted.first {
            result.reason = "every sample has the same value"
            return result
        }
        var x = canary.values, y = baseline.values
        var judged = MannWhitney(sortedCanary: canary.sorted, sortedBaseline: baseline.sorted)
        if constant.baseline && constant.canary {
            x = perturb(.canary, x)
            y = perturb(.baseline, y)
            judged = MannWhitney(canary: x, baseline: y)
            result.noiseAdded = true
        }
        let interval: MannWhitney.Interval
        do throws(MannWhitney.Failure) {
            interval = try judged.interval(confidence: CanaryConfig.confidence) {
                Task.isCancelled || deadline.map { ContinuousClock.now >= $0 } ?? false
            }
        } catch {
            let counts = "\(baseline.values.count) baseline, \(canary.values.count) canary"
            switch error {
            case .allTied: throw CannotJudge("the canary judge cannot compare: every sample is tied (\(counts))")
            case .overflow: throw CannotJudge("the canary judge cannot compare: the samples' differences overflow a double (\(counts))")
            case .stopped: throw CannotJudge("deadline exceeded: the run's deadline passed while the canary judge compared the samples (\(counts))")
            }
        }
        let bound = CanaryConfig.tolerance * abs(interval.estimate)
        let noisyRatio = meanRatio(baseline: y, canary: x)
        let effect = config.measure == .cles ? commonLanguageEffect(judged) : noisyRatio
        // Means and bounds of samples within ±1e300 are finite, but a ratio of a huge mean to a tiny
        // one is not: an infinite effect (or interval) is no number to report or to compare.
        guard [interval.lower, interval.upper, interval.estimate, bound].allSatisfy(\.isFinite), effect.isNaN || effect.isFinite else {
            throw CannotJudge(
                "the canary judge cannot compare: the \(config.measure == .cles ? "CLES" : "mean ratio") or the interval overflows a double (means \(NumberText.precise(canary.summary.mean ?? 0)) and \(NumberText.precise(baseline.summary.mean ?? 0)))"
            )
        }
        result.interval = interval
        result.tolerance = bound
        result.meanRatio = noisyRatio.isNaN ? nil : noisyRatio
        result.effectSize = effect.isNaN ? nil : effect
        let high = config.direction != .decrease && interval.lower > bound && (effect.isNaN || effect >= config.allowedIncrease)
        let low = config.direction != .increase && interval.upper < -bound && (effect.isNaN || effect <= config.allowedDecrease)
        result.classification = high ? .high : low ? .low : .pass
        if config.critical {
            result.critical =
                (high && (effect.isNaN || effect >= config.criticalIncrease)) || (low && (effect.isNaN || effect <= config.criticalDecrease))
        }
        result.reason = reason(result, config: config, interval: interval, bound: bound, effect: effect)
        return result
    }

    /// Why the judge decided as it did, in the terms of its rule.
    static func reason(_ result: CanaryResult, config: CanaryConfig, interval: MannWhitney.Interval, bound: Double, effect: Double) -> String {
        let shown = "98% interval [\(NumberText.precise(interval.lower)), \(NumberText.precise(interval.upper))]"
        let effectText = effect.isNaN ? "undefined (a mean is 0)" : NumberText.precise(effect)
        let measure = config.measure == .cles ? "CLES" : "mean ratio"
        switch result.classification {
        case .high, .low:
            let side = result.classification == .high ? "above +" : "below -"
            let gate =
                result.classification == .high
                ? "at or above allowedIncrease \(NumberText.precise(config.allowedIncrease))"
                : "at or below allowedDecrease \(NumberText.precise(config.allowedDecrease))"
            return
                "\(result.classification == .high ? "higher" : "lower") than the baseline: the \(shown) lies \(side)\(NumberText.precise(bound)) (25% of the estimate) and the \(measure) \(effectText) is \(effect.isNaN ? "no gate" : gate)"
                + (result.critical ? "; critical" : "")
        default:
            if interval.lower <= 0 && interval.upper >= 0 { return "no significant difference: the \(shown) contains 0" }
            if (interval.lower > 0 && config.direction == .decrease) || (interval.upper < 0 && config.direction == .increase) {
                return "a change the direction (\(config.direction.rawValue)) ignores: the \(shown)"
            }
            if (interval.lower > 0 && interval.lower <= bound) || (interval.upper < 0 && interval.upper >= -bound) {
                return "within the tolerance: the \(shown) excludes 0 but not ±\(NumberText.precise(bound)) (25% of the estimate)"
            }
            return
                "within the allowed effect: the \(shown) clears the tolerance, but the \(measure) \(effectText) does not cross allowed\(interval.lower > 0 ? "Increase \(NumberText.precise(config.allowedIncrease))" : "Decrease \(NumberText.precise(config.allowedDecrease))")"
        }
    }

    /// One side's samples after the NaN strategy and the outlier removal (in their order, and
    /// sorted), and their summary.
    static func prepare(_ raw: [Double?], config: CanaryConfig) -> (values: [Double], sorted: [Double], summary: CanarySampleSummary) {
        var values: [Double] = []
        values.reserveCapacity(raw.count)
        var missing = 0
        for sample in raw {
            // An infinite point (histogram_quantile's +Inf) has no place on a shift: it is missing, as NaN is.
            if let value = sample, value.isFinite {
                values.append(value)
            } else {
                missing += 1
                if config.nanStrategy == .replace { values.append(0) }
            }
        }
        var removed = 0
        var sorted = values.sorted()
        if config.removeOutliers, !values.isEmpty {
            let q1 = percentile(sorted, 25), q3 = percentile(sorted, 75)
            let iqr = q3 - q1
            let lower = min(percentile(sorted, 1), q1 - config.outlierFactor * iqr)
            let upper = max(percentile(sorted, 99), q3 + config.outlierFactor * iqr)
            func kept(_ value: Double) -> Bool { !(value > upper || value < lower) }
            let before = values.count
            values = values.filter(kept)
            sorted = sorted.filter(kept)
            removed = before - values.count
        }
        return (values, sorted, CanarySampleSummary(values, sorted: sorted, missing: missing, outliersRemoved: removed))
    }

    /// The `p`-th percentile of sorted values, by linear interpolation between order statistics
    /// (R's type 7), computed as Kayenta's Commons Math computes it (`Percentile` with
    /// `EstimationType.R_7`): the position `1 + (n − 1)·(p/100)`, then `lower + frac·(upper − lower)`.
    /// numpy's form (`upper − (upper − lower)·(1 − frac)` past the middle) can differ in the last
    /// bit, and so decide whether a point lying exactly on an outlier fence is removed.
    package static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        let length = sorted.count
        let quantile = p / 100
        let position = quantile == 0 ? 0 : quantile == 1 ? Double(length) : 1 + Double(length - 1) * quantile
        if position < 1 { return sorted[0] }
        if position >= Double(length) { return sorted[length - 1] }
        let floor = position.rounded(.down)
        let lower = sorted[Int(floor) - 1], upper = sorted[Int(floor)]
        return lower + (position - floor) * (upper - lower)
    }

    /// mean(canary) / mean(baseline); NaN when either mean is 0 (Kayenta's rule).
    static func meanRatio(baseline: [Double], canary: [Double]) -> Double {
        let control = mean(baseline), experiment = mean(canary)
        return control == 0 || experiment == 0 ? .nan : experiment / control
    }

    /// P(canary > baseline) + ½·P(tie), from the canary's average ranks (Vargha–Delaney A).
    static func commonLanguageEffect(_ samples: MannWhitney) -> Double {
        let m = Double(samples.x.count), n = Double(samples.y.count)
        let rankSum = samples.ranks(shift: 0).rankSum
        return (2 * rankSum - m * (m + 1)) / (2.0 * n * m)
    }

    /// Kayenta's mean, Commons Math's `Mean` (`StatUtils.mean`): the sum in order over n, plus
    /// the second pass's correction `Σ(xᵢ − x̄)/n`. A plain sum over n can differ in the last bit,
    /// which flips a mean ratio that sits exactly on `allowedIncrease` or `allowedDecrease`.
    static func mean(_ values: [Double]) -> Double {
        let count = Double(values.count)
        var sum = 0.0
        for value in values { sum += value }
        let estimate = sum / count
        var correction = 0.0
        for value in values { correction += value - estimate }
        return estimate + correction / count
    }
}

/// Which side of a comparison.
package enum CanaryRole: String, Sendable { case baseline, canary }

/// What the judge decided about one canary indicator, with the numbers behind it.
package struct CanaryResult: Sendable, Equatable {
    /// Kayenta's metric classifications (NodataFailMetric is `mustHaveData`'s Nodata).
    package enum Classification: String, Sendable {
        case pass = "Pass", high = "High", low = "Low", nodata = "Nodata", nodataFail = "NodataFailMetric"
    }

    package var classification: Classification
    /// A critical High or Low (or a critical Nodata): the whole gate fails.
    package var critical: Bool
    package var reason: String
    package var baseline: CanarySampleSummary
    package var canary: CanarySampleSummary
    package var interval: MannWhitney.Interval?
    /// ±0.25·|estimate|: the band the interval must clear.
    package var tolerance: Double?
    /// mean(canary) / mean(baseline), Kayenta's "deviation"; nil when a mean is 0.
    package var meanRatio: Double?
    /// The measure the gate used (the mean ratio, or CLES); nil when undefined.
    package var effectSize: Double?
    /// Both samples were constant, and noise broke the ties.
    package var noiseAdded = false
    /// The effect size's measure.
    package var measure = CanaryConfig.EffectMeasure.meanRatio

    package init(
        classification: Classification, critical: Bool, reason: String, baseline: CanarySampleSummary, canary: CanarySampleSummary
    ) {
        self.classification = classification
        self.critical = critical
        self.reason = reason
        self.baseline = baseline
        self.canary = canary
    }

    /// High, Low and NodataFailMetric fail the indicator, as a critical Nodata does.
    package var failed: Bool { classification == .high || classification == .low || classification == .nodataFail || critical }
}

/// One side's samples as judged: how many, what was left out, and where they lie.
package struct CanarySampleSummary: Sendable, Equatable {
    package var count: Int
    /// Missing samples (removed, or replaced by 0).
    package var missing: Int
    package var outliersRemoved: Int
    package var mean: Double?
    package var minimum: Double?
    package var lowerQuartile: Double?
    package var median: Double?
    package var upperQuartile: Double?
    package var maximum: Double?

    package init(count: Int, missing: Int = 0, outliersRemoved: Int = 0) {
        self.count = count
        self.missing = missing
        self.outliersRemoved = outliersRemoved
    }

    /// - Parameters: values in their order (the mean sums them so), and the same sorted.
    init(_ values: [Double], sorted: [Double], missing: Int, outliersRemoved: Int) {
        self.init(count: values.count, missing: missing, outliersRemoved: outliersRemoved)
        guard !values.isEmpty else { return }
        mean = CanaryJudge.mean(values)
        minimum = sorted[0]
        lowerQuartile = CanaryJudge.percentile(sorted, 25)
        median = CanaryJudge.percentile(sorted, 50)
        upperQuartile = CanaryJudge.percentile(sorted, 75)
        maximum = sorted[sorted.count - 1]
    }
}

/// Kayenta's tie-breaking noise for two constant samples: N(0, (value·1e-5)²) per sample, here
/// from a fixed seed (SplitMix64 and Box–Muller), so the same samples always judge the same.
package enum SeededNoise {
    package static func perturb(_ role: CanaryRole, _ values: [Double]) -> [Double] {
        var state: UInt64 = role == .canary ? 0x9E37_79B9_7F4A_7C15 : 0xD1B5_4A32_D192_ED03
        func uniform() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return (Double(z >> 11) + 0.5) / 9_007_199_254_740_992
        }
        // Kayenta's sd is value·1e-5; under the smallest normal double it underflows (to 0 for a
        // subnormal value), adds nothing and leaves the ties it is there to break.
        let sd = max(abs(values[0] * 1e-5), Double.leastNormalMagnitude)
        return values.map { value in
            let gaussian = (-2 * log(uniform())).squareRoot() * cos(2 * Double.pi * uniform())
            return value + sd * gaussian
        }
    }
}
