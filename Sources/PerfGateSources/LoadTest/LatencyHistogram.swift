/// Exact statistics of whole-millisecond samples: a count per millisecond, so nearest-rank
/// percentiles are exact. Memory grows with the spread of the values, not with the number of
/// samples: a dense array for the usual range, a dictionary for the rare large values.
package struct LatencyHistogram: Sendable {
    /// The dense array never exceeds this many entries (4 MiB of counts).
    static let denseLimit = 1 << 20
    /// Nor this many per sample beyond its first 1,024 entries: a hostile file of many labels with
    /// one huge value each must not allocate megabytes per label.
    static let entriesPerSample = 64

    private(set) var count = 0
    private(set) var errors = 0
    private(set) var sum = 0.0
    private(set) var minimum = Int.max
    private(set) var maximum = Int.min
    /// The earliest start and the latest end of a sample, in epoch milliseconds.
    private(set) var firstStart = Int.max
    private(set) var lastEnd = Int.min
    private var dense: [UInt32] = []
    /// Entries of the dense array, for tests of its bound.
    var denseEntries: Int { dense.count }
    private var sparse: [Int: Int] = [:]

    mutating func add(elapsed: Int, success: Bool, timestamp: Int) {
        count += 1
        if !success { errors += 1 }
        sum += Double(elapsed)
        minimum = Swift.min(minimum, elapsed)
        maximum = Swift.max(maximum, elapsed)
        firstStart = Swift.min(firstStart, timestamp)
        lastEnd = Swift.max(lastEnd, timestamp + Swift.max(elapsed, 0))
        record(elapsed, hits: 1)
    }

    /// Adds another histogram's samples: the same as adding each of them (a label's histograms
    /// merged into JMeter's Total row).
    mutating func merge(_ other: LatencyHistogram) {
        guard other.count > 0 else { return }
        count += other.count
        errors += other.errors
        // Sums of whole milliseconds are exact in a Double below 2^53, so the order does not matter.
        sum += other.sum
        minimum = Swift.min(minimum, other.minimum)
        maximum = Swift.max(maximum, other.maximum)
        firstStart = Swift.min(firstStart, other.firstStart)
        lastEnd = Swift.max(lastEnd, other.lastEnd)
        other.forEachValue { value, hits in
            record(value, hits: hits)
            return true
        }
    }

    private mutating func record(_ elapsed: Int, hits: Int) {
        if elapsed >= 0 && elapsed < dense.count, let added = UInt32(exactly: Int(dense[elapsed]) + hits) {
            dense[elapsed] = added
            return
        }
        let wanted = Swift.min(Self.denseLimit, Swift.max(elapsed + 1, dense.count * 2))
        if elapsed >= dense.count, elapsed < Self.denseLimit, hits <= Int(UInt32.max), wanted <= Swift.max(1024, count * Self.entriesPerSample) {
            dense.append(contentsOf: repeatElement(0, count: wanted - dense.count))
            dense[elapsed] = UInt32(hits)
        } else {
            sparse[elapsed, default: 0] += hits
        }
    }

    /// The nearest-rank percentile: the `ceil(p/100 * n)`-th smallest value.
    func percentile(_ percent: Double) -> Int? {
        guard count > 0 else { return nil }
        return orderStatistic(Self.nearestRank(percent, count: count))
    }

    /// The `rank`-th smallest sample, 1-based (clamped to 1...count): exact, from the counts.
    func orderStatistic(_ rank: Int) -> Int? {
        guard count > 0 else { return nil }
        let rank = Swift.min(Swift.max(1, rank), count)
        var seen = 0
        var found: Int?
        forEachValue { value, hits in
            seen += hits
            if seen >= rank { found = value }
            return found == nil
        }
        return found ?? maximum
    }

    /// Each distinct value with its count, ascending, until `body` returns false.
    func forEachValue(_ body: (_ value: Int, _ count: Int) -> Bool) {
        // The dictionary can hold values inside the dense range too (it grew after they came):
        // walk both in value order.
        let sparseKeys = sparse.keys.sorted()
        var next = 0
        for (value, hits) in dense.enumerated() {
            while next < sparseKeys.count, sparseKeys[next] < value {
                guard body(sparseKeys[next], sparse[sparseKeys[next]]!) else { return }
                next += 1
            }
            var total = Int(hits)
            if next < sparseKeys.count, sparseKeys[next] == value {
                total += sparse[value]!
                next += 1
            }
            if total > 0 { guard body(value, total) else { return } }
        }
        while next < sparseKeys.count {
            guard body(sparseKeys[next], sparse[sparseKeys[next]]!) else { return }
            next += 1
        }
    }

    /// `ceil(percent/100 * count)` in integer arithmetic, so 95% of 20 is exactly 19, not 19.000000000000004.
    static func nearestRank(_ percent: Double, count: Int) -> Int {
        let scaled = Int((percent * 1000).rounded())  // percent to 1/1000ths: p99.9 is 99900
        let numerator = scaled * count
        return (numerator + 99_999) / 100_000
    }
}
