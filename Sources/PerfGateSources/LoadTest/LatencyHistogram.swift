/// Exact statistics of whole-millisecond samples in memory that grows with the largest value,
/// not with the number of samples: a count per millisecond, so nearest-rank percentiles are exact.
struct LatencyHistogram {
    /// Values below this are counted in a dense array; larger ones (rare) in a dictionary.
    static let denseLimit = 1 << 20

    private(set) var count = 0
    private(set) var errors = 0
    private(set) var sum = 0.0
    private(set) var minimum = Int.max
    private(set) var maximum = Int.min
    /// The earliest start and the latest end of a sample, in epoch milliseconds.
    private(set) var firstStart = Int.max
    private(set) var lastEnd = Int.min
    private var dense: [UInt32] = []
    private var sparse: [Int: Int] = [:]

    mutating func add(elapsed: Int, success: Bool, timestamp: Int) {
        count += 1
        if !success { errors += 1 }
        sum += Double(elapsed)
        minimum = Swift.min(minimum, elapsed)
        maximum = Swift.max(maximum, elapsed)
        firstStart = Swift.min(firstStart, timestamp)
        lastEnd = Swift.max(lastEnd, timestamp + Swift.max(elapsed, 0))
        if elapsed >= 0 && elapsed < Self.denseLimit {
            if elapsed >= dense.count {
                dense.append(contentsOf: repeatElement(0, count: Swift.max(elapsed + 1, dense.count * 2) - dense.count))
            }
            dense[elapsed] += 1
        } else {
            sparse[elapsed, default: 0] += 1
        }
    }

    /// The nearest-rank percentile: the `ceil(p/100 * n)`-th smallest value.
    func percentile(_ percent: Double) -> Int? {
        guard count > 0 else { return nil }
        let rank = Swift.max(1, Self.nearestRank(percent, count: count))
        var seen = 0
        // Negative values (only in broken files) sort first, then the dense range, then the rest.
        let sparseKeys = sparse.keys.sorted()
        for key in sparseKeys where key < 0 {
            seen += sparse[key]!
            if seen >= rank { return key }
        }
        for (value, hits) in dense.enumerated() where hits > 0 {
            seen += Int(hits)
            if seen >= rank { return value }
        }
        for key in sparseKeys where key >= 0 {
            seen += sparse[key]!
            if seen >= rank { return key }
        }
        return maximum
    }

    /// `ceil(percent/100 * count)` in integer arithmetic, so 95% of 20 is exactly 19, not 19.000000000000004.
    static func nearestRank(_ percent: Double, count: Int) -> Int {
        let scaled = Int((percent * 1000).rounded())  // percent to 1/1000ths: p99.9 is 99900
        let numerator = scaled * count
        return (numerator + 99_999) / 100_000
    }
}
