import PerfGateCore
import Testing

@testable import PerfGateSources

@Suite struct ExactSelectionTests {
    /// Random streams (negatives, zeros, duplicates, tiny and huge magnitudes) against sorting,
    /// at limits that force one to four narrowing passes.
    @Test func agreesWithSorting() throws {
        var generator = SystemRandomNumberGenerator()
        for trial in 0..<12 {
            let count = Int.random(in: 1...1000, using: &generator)
            let values: [Double] = (0..<count).map { _ in
                switch Int.random(in: 0..<5, using: &generator) {
                case 0: return Double(Int.random(in: -3...3, using: &generator))  // many duplicates
                case 1: return Double.random(in: -1e-300...1e-300, using: &generator)
                case 2: return Double.random(in: -1e300...1e300, using: &generator)
                default: return Double.random(in: 0...2000, using: &generator).rounded() / 8
                }
            }
            let sorted = values.sorted()
            let ranks = [0, count / 2, count - 1, Int.random(in: 0..<count, using: &generator)]
            for limit in [0, 1, 7, count] {
                var passes = 0
                let selected = try ExactSelection(limit: limit).values(atRanks: ranks, count: count) { (visit) throws(SourceError) in
                    passes += 1
                    values.forEach(visit)
                }
                #expect(selected == ranks.map { sorted[$0] }, "trial \(trial), limit \(limit)")
                #expect(passes <= 5)
            }
        }
    }

    @Test func aStreamThatChangesBetweenPassesIsAnError() {
        var calls = 0
        #expect(throws: ExactSelection.changed) {
            _ = try ExactSelection(limit: 1).values(atRanks: [1], count: 3) { (visit) throws(SourceError) in
                calls += 1
                (calls == 1 ? [1.0, 2, 3] : [1.0, 2, 2]).forEach(visit)
            }
        }
    }

    @Test func keysKeepTheNumbersOrder() {
        let values: [Double] = [-.infinity, -1e300, -1, -1e-300, -0.0, 0, 1e-300, 1, 1e300, .infinity]
        let keys = values.map(ExactSelection.key)
        #expect(keys == keys.sorted())
        #expect(values.map { ExactSelection.value(ExactSelection.key($0)).bitPattern } == values.map(\.bitPattern))
    }
}
