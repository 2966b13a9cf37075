import PerfGateCore

/// The statistics perfgate computes from raw samples (JMeter JTL).
enum LoadTestStatistic: Equatable {
    case average, minimum, maximum, count, errorRate, throughput
    /// Nearest rank; `median` is the 50th.
    case percentile(Double)

    static let names = ["avg", "min", "max", "median", "p90", "p95", "p99", "pNN", "errorRate", "throughput", "count"]

    init?(_ name: String) {
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
    func value(of histogram: LatencyHistogram, window: Window?) -> Double? {
        guard histogram.count > 0 else { return nil }
        switch self {
        case .average: return histogram.sum / Double(histogram.count)
        case .minimum: return Double(histogram.minimum)
        case .maximum: return Double(histogram.maximum)
        case .count: return Double(histogram.count)
        case .errorRate: return Double(histogram.errors) / Double(histogram.count)
        case .percentile(let percent): return histogram.percentile(percent).map(Double.init)
        case .throughput:
            // Samples per second over the window, else over the samples' own span (as JMeter's
            // reports compute it: from the first start to the last end).
            let seconds = window?.duration ?? Double(histogram.lastEnd - histogram.firstStart) / 1000
            return seconds > 0 ? Double(histogram.count) / seconds : nil
        }
    }
}
