@testable import PerfGateCore
import Testing

/// The judge on numbers a double barely holds: huge values are an error with a reason (never a
/// hang, never a verdict on overflowed arithmetic), tiny ones are judged, and the run's deadline
/// stops the search. A time limit keeps a regression from hanging the suite.
@Suite(.timeLimit(.minutes(1))) struct CanaryExtremeValuesTests {
    static let config = CanaryConfig(metricScore: 1)

    @Test func valuesNearTheLargestDoubleAreAnErrorNotAHang() {
        let baseline: [Double?] = [-1.7e308, -1e308, 1.7e308, 1e308]
        let canary: [Double?] = [1.7e308, -1.7e308, 1e308, -1e308]
        #expect(throws: CanaryJudge.CannotJudge.self) { try CanaryJudge.judge(baseline: baseline, canary: canary, config: Self.config) }
    }

    @Test func aCanaryFarAboveWhoseValuesOverflowIsNeverAPass() {
        let baseline: [Double?] = (1...20).map { Double($0) }
        let canary: [Double?] = (1...20).map { 1e307 * Double($0) / 2 }
        do {
            let result = try CanaryJudge.judge(baseline: baseline, canary: canary, config: Self.config)
            Issue.record("judged \(result.classification.rawValue): \(result.reason)")
        } catch {
            #expect(error.reason.contains("beyond ±1e300"), "\(error.reason)")
        }
    }

    @Test func largeButSafeValuesAreJudgedWithFiniteNumbers() throws {
        let baseline: [Double?] = (1...20).map { 1e298 * Double($0) }
        let canary: [Double?] = (1...20).map { 1e298 * Double($0) * 3 }
        let result = try CanaryJudge.judge(baseline: baseline, canary: canary, config: Self.config)
        #expect(result.classification == .high)
        let interval = try #require(result.interval)
        #expect([interval.lower, interval.upper, interval.estimate, result.tolerance!, result.meanRatio!].allSatisfy { $0.isFinite })
    }

    @Test func anInfiniteMeanRatioIsAnErrorNotAVerdict() {
        let baseline: [Double?] = (1...10).map { 1e-300 * Double($0) }
        let canary: [Double?] = (1...10).map { 1e300 * Double($0) }
        #expect(throws: CanaryJudge.CannotJudge.self) { try CanaryJudge.judge(baseline: baseline, canary: canary, config: Self.config) }
    }

    @Test func subnormalConstantsAgainstZeroAreJudgedNotTied() throws {
        let result = try CanaryJudge.judge(baseline: Array(repeating: 0, count: 10), canary: Array(repeating: 5e-324, count: 10), config: Self.config)
        #expect(result.noiseAdded)
        #expect(result.interval != nil)
    }

    @Test func thePassedDeadlineStopsTheSearch() {
        let baseline: [Double?] = (0..<50_000).map { Double($0 % 997) }
        let canary: [Double?] = (0..<50_000).map { Double($0 % 991) + 3 }
        do {
            let result = try CanaryJudge.judge(baseline: baseline, canary: canary, config: Self.config, deadline: .now - .seconds(1))
            Issue.record("judged past the deadline: \(result.classification.rawValue)")
        } catch {
            #expect(error.reason.hasPrefix("deadline exceeded"), "\(error.reason)")
        }
    }

    @Test func aNaNShiftEndsTheRankWalk() {
        let judged = MannWhitney(canary: [1, 2, 3], baseline: [2, 3, 4])
        _ = judged.ranks(shift: .nan)
        #expect(throws: MannWhitney.Failure.overflow) {
            try MannWhitney(canary: [-1.7e308, 1.7e308], baseline: [1.7e308, -1.7e308]).interval()
        }
    }

    /// Any mix of extreme magnitudes: an error, or a verdict on finite numbers only.
    @Test(arguments: 0..<200)
    func anyExtremeMixEndsInAnErrorOrFiniteNumbers(_ seed: Int) {
        var state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 &+ 1
        func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
        let magnitudes: [Double] = [0, 5e-324, 2.2e-308, 1, 1e150, 1e299, 1e300, 1.1e300, 1e307, 8.9e307, 1.7976931348623157e308]
        func sample() -> [Double?] {
            (0..<Int(next() % 12 + 1)).map { _ in
                let magnitude = magnitudes[Int(next() % UInt64(magnitudes.count))]
                return (next() & 1 == 0 ? 1 : -1) * magnitude * (1 + Double(next() % 100) / 1000)
            }
        }
        var config = Self.config
        config.removeOutliers = next() & 1 == 0
        config.measure = next() & 1 == 0 ? .meanRatio : .cles
        guard let result = try? CanaryJudge.judge(baseline: sample(), canary: sample(), config: config) else { return }
        if let interval = result.interval {
            #expect([interval.lower, interval.upper, interval.estimate, result.tolerance ?? 0, result.effectSize ?? 0].allSatisfy { $0.isFinite })
        }
    }
}
