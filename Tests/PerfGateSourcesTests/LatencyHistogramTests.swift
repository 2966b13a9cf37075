import Testing

@testable import PerfGateSources

@Suite struct LatencyHistogramTests {
    @Test func nearestRankIsExactInIntegerArithmetic() {
        #expect(LatencyHistogram.nearestRank(95, count: 20) == 19)
        #expect(LatencyHistogram.nearestRank(95, count: 21) == 20)
        #expect(LatencyHistogram.nearestRank(50, count: 1) == 1)
        #expect(LatencyHistogram.nearestRank(99.9, count: 1000) == 999)
        #expect(LatencyHistogram.nearestRank(100, count: 7) == 7)
    }

    /// JMeter's Total row from the labels' histograms: the same as one histogram of every sample.
    @Test func mergedHistogramsAreTheHistogramOfAllTheirSamples() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            var parts = Array(repeating: LatencyHistogram(), count: Int.random(in: 1...5, using: &generator))
            var whole = LatencyHistogram()
            for _ in 0..<Int.random(in: 0...400, using: &generator) {
                // Dense values, values past the dense range, and some that land in a part's sparse map.
                let value =
                    Bool.random(using: &generator)
                    ? Int.random(in: 0...2000, using: &generator) : Int.random(in: 0...(LatencyHistogram.denseLimit + 9000), using: &generator)
                let (success, timestamp) = (Int.random(in: 0...9, using: &generator) > 0, Int.random(in: 0...100_000, using: &generator))
                parts[Int.random(in: 0..<parts.count, using: &generator)].add(elapsed: value, success: success, timestamp: timestamp)
                whole.add(elapsed: value, success: success, timestamp: timestamp)
            }
            var merged = LatencyHistogram()
            for part in parts { merged.merge(part) }
            #expect(merged.count == whole.count && merged.errors == whole.errors && merged.sum == whole.sum)
            #expect(merged.minimum == whole.minimum && merged.maximum == whole.maximum)
            #expect(merged.firstStart == whole.firstStart && merged.lastEnd == whole.lastEnd)
            var (mergedValues, wholeValues) = ([(Int, Int)](), [(Int, Int)]())
            merged.forEachValue { value, hits in
                mergedValues.append((value, hits))
                return true
            }
            whole.forEachValue { value, hits in
                wholeValues.append((value, hits))
                return true
            }
            #expect(mergedValues.map(\.0) == wholeValues.map(\.0) && mergedValues.map(\.1) == wholeValues.map(\.1))
        }
    }

    @Test func matchesSortingForRandomSamples() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            var histogram = LatencyHistogram()
            // Mostly dense values, plus a few past the dense range (and a broken negative one).
            var values = (0..<Int.random(in: 1...500, using: &generator)).map { _ in Int.random(in: 0...3000, using: &generator) }
            values += (0..<Int.random(in: 0...5, using: &generator)).map { _ in
                LatencyHistogram.denseLimit + Int.random(in: 0...5000, using: &generator)
            }
            if Bool.random(using: &generator) { values.append(-3) }
            for value in values { histogram.add(elapsed: value, success: true, timestamp: 0) }
            let sorted = values.sorted()
            for percent in [1.0, 50, 90, 95, 99, 99.9, 100] {
                let rank = max(1, Int((percent / 100 * Double(sorted.count)).rounded(.up)))
                #expect(histogram.percentile(percent) == sorted[min(rank, sorted.count) - 1], "p\(percent) of \(sorted.count)")
            }
            #expect(histogram.minimum == sorted.first && histogram.maximum == sorted.last)
        }
    }

    /// Found while fuzzing (a JTL input took seconds): one huge value must not allocate megabytes.
    @Test func oneHugeValueStaysInTheDictionary() {
        var histogram = LatencyHistogram()
        histogram.add(elapsed: 900_000, success: true, timestamp: 0)
        histogram.add(elapsed: 12, success: true, timestamp: 0)
        #expect(histogram.denseEntries <= 1024)
        #expect(histogram.percentile(100) == 900_000 && histogram.percentile(50) == 12)
        for value in 0..<100_000 { histogram.add(elapsed: value % 5000, success: true, timestamp: 0) }
        #expect(histogram.denseEntries >= 5000 && histogram.denseEntries <= 10_000)
        #expect(histogram.percentile(100) == 900_000)
    }

    @Test func countsErrorsAndSpan() {
        var histogram = LatencyHistogram()
        histogram.add(elapsed: 100, success: true, timestamp: 1000)
        histogram.add(elapsed: 50, success: false, timestamp: 1500)
        #expect(histogram.errors == 1)
        #expect(histogram.firstStart == 1000 && histogram.lastEnd == 1550)
        #expect(histogram.percentile(50) == 50)
    }
}
