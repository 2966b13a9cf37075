import PerfGateCore

/// A canary judgement in words, the same in every report: the classification with both roles'
/// means, the interval, and each role's summary.
package enum CanaryText {
    /// `High: canary mean 217.5 (n 10) vs baseline 182.6 (n 10); 98% interval [25, 47], estimate 35, mean ratio 1.19`
    package static func summary(_ canary: CanaryResult) -> String {
        var text =
            canary.classification.rawValue + (canary.critical ? " (critical)" : "") + ": canary "
            + role(canary.canary) + " vs baseline " + role(canary.baseline)
        if let interval = canary.interval {
            text +=
                "; 98% interval [\(NumberText.precise(interval.lower)), \(NumberText.precise(interval.upper))], estimate \(NumberText.precise(interval.estimate))"
        }
        text += "; mean ratio " + (canary.meanRatio.map(NumberText.precise) ?? "undefined")
        return text
    }

    /// `mean 217.5 (n 10)`, or `no data`.
    static func role(_ summary: CanarySampleSummary) -> String {
        guard let mean = summary.mean else { return "no data" }
        return "mean \(NumberText.precise(mean)) (n \(summary.count))"
    }

    /// `n 10, mean 217.5, median 218.5, 205 to 230; 2 missing; 1 outlier removed`
    package static func details(_ summary: CanarySampleSummary) -> String {
        var text = "n \(summary.count)"
        if let mean = summary.mean, let median = summary.median, let minimum = summary.minimum, let maximum = summary.maximum {
            text +=
                ", mean \(NumberText.precise(mean)), median \(NumberText.precise(median)), \(NumberText.precise(minimum)) to \(NumberText.precise(maximum))"
        }
        if summary.missing > 0 { text += "; \(summary.missing) missing" }
        if summary.outliersRemoved > 0 { text += "; \(summary.outliersRemoved) outlier\(summary.outliersRemoved == 1 ? "" : "s") removed" }
        return text
    }
}
