import PerfGateCore

/// The statistics perfgate computes from raw samples (JMeter JTL).
package enum LoadTestStatistic: Equatable, Sendable {
    case average, minimum, maximum, count, errorRate, throughput
    /// By the query's percentile definition; `median` is the 50th.
    case percentile(Double)

    static let names = ["avg", "min", "max", "median", "p90", "p95", "p99", "pNN", "errorRate", "throughput", "count"]

    package init?(_ name: String) {
        switch name.lowercased() {
        case "avg", "mean", "average": self = .average
        case "min": self = .minimum
        case "max": self = .maximum
        case "count": self = .count
        case "errorrate", "error_rate": self = .errorRate
        case "throughput": self = .throughput
        case "median", "med": self = .percentile(50)
        default:
            var digits = Substring(name.lowercased())
            guard digits.first == "p" else { return nil }
            digits = digits.dropFirst()
            if digits.first == "(" && digits.last == ")" { digits = digits.dropFirst().dropLast() }
            guard let percent = Double(digits), percent > 0, percent <= 100 else { return nil }
            self = .percentile(percent)
        }
    }

    /// The statistic of one label's samples; nil when it has none (or no time span for throughput).
    package func value(of histogram: LatencyHistogram, window: Window?, percentiles: PercentileDefinition = .jmeter) -> Double? {
        guard histogram.count > 0 else { return nil }
        switch self {
        case .average: return histogram.sum / Double(histogram.count)
        case .minimum: return Double(histogram.minimum)
        case .maximum: return Double(histogram.maximum)
        case .count: return Double(histogram.count)
        case .errorRate: return Double(histogram.errors) / Double(histogram.count)
        case .percentile(let percent): return percentiles.value(percent, of: histogram)
        case .throughput:
            // Samples per second over the window, else over the samples' own span (as JMeter's
            // reports compute it: from the first start to the last end).
            let seconds = window?.duration ?? Double(histogram.lastEnd - histogram.firstStart) / 1000
            return seconds > 0 ? Double(histogram.count) / seconds : nil
        }
    }
}

/// How a percentile is computed from the samples. Each is exact: the histogram gives the order
/// statistics around the position, and memory stays bounded.
package enum PercentileDefinition: String, CaseIterable, Sendable {
    /// JMeter's HTML dashboard: Apache Commons Math `Percentile` with the legacy estimation.
    /// Position p/100 × (n+1), 1-based; linear between the two samples around it; clamped to the
    /// minimum and the maximum.
    case jmeter
    /// JMeter's Aggregate and Summary Reports (`StatCalculator.getPercentPoint`): the sample at
    /// rank `Math.round(n × p/100)` (at least the first; p = 100 is the maximum).
    case jmeterAggregate = "jmeter-aggregate"
    /// The `ceil(n × p/100)`-th sample: always a real sample.
    case nearestRank = "nearest-rank"
    /// Linear between closest ranks, position (n−1) × p/100, 0-based: numpy's default, and k6's Trend.
    case linear

    static let names = allCases.map(\.rawValue)

    func value(_ percent: Double, of histogram: LatencyHistogram) -> Double? {
        let n = histogram.count
        guard n > 0 else { return nil }
        func x(_ rank: Int) -> Double { Double(histogram.orderStatistic(rank) ?? 0) }
        switch self {
        case .nearestRank:
            return histogram.percentile(percent).map(Double.init)
        case .jmeterAggregate:
            if percent >= 100 { return Double(histogram.maximum) }
            // Java's Math.round: halves go up.
            let rank = CheckedNumber.clamped((Double(n) * percent / 100 + 0.5).rounded(.down), to: 1...n)
            return x(rank)
        case .jmeter:
            let position = percent / 100 * Double(n + 1)
            if position < 1 { return x(1) }
            if position >= Double(n) { return x(n) }
            let lower = Int(position.rounded(.down))
            let fraction = position - Double(lower)
            return x(lower) + fraction * (x(lower + 1) - x(lower))
        case .linear:
            // As k6 computes it (p/100 first), so the last digit agrees too.
            let position = percent / 100 * Double(n - 1)
            let lower = Int(position.rounded(.down))
            let fraction = position - Double(lower)
            return lower + 1 >= n ? x(n) : x(lower + 1) + fraction * (x(lower + 2) - x(lower + 1))
        }
    }
}
