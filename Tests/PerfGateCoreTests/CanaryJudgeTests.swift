import Foundation
@testable import PerfGateCore
import PerfGateTestSupport
import Testing

/// The canary judge against the 20 worked cases of canary-analysis.md (derived at full precision
/// into Fixtures/canary-cases-full.json by derive-canary-cases.py), and its properties.
@Suite struct CanaryJudgeTests {
    struct Case {
        var id: String
        var node: Node
    }

    static let cases: [Case] = {
        let path = Fixtures.packageRoot + "/Tests/PerfGateCoreTests/Fixtures/canary-cases-full.json"
        let root = try! JSONParser.parse(Fixtures.read(path))
        return root.items!.map { Case(id: $0["id"]!.stringValue!, node: $0) }
    }()

    static func samples(_ node: Node?) -> [Double?] { (node?.items ?? []).map(\.numberValue) }

    static func config(_ node: Node) -> CanaryConfig {
        let effect = node["effectSize"]!
        var config = CanaryConfig(metricScore: 1, measure: CanaryConfig.EffectMeasure(rawValue: effect["measure"]!.stringValue!)!)
        config.direction = CanaryConfig.Direction(rawValue: node["direction"]!.stringValue!)!
        config.nanStrategy = CanaryConfig.NaNStrategy(rawValue: node["nanStrategy"]!.stringValue!)!
        config.critical = node["critical"]!.boolValue!
        config.mustHaveData = node["mustHaveData"]!.boolValue!
        config.removeOutliers = node["outliers"]!["strategy"]!.stringValue == "remove"
        config.outlierFactor = node["outliers"]!["outlierFactor"]!.numberValue!
        config.allowedIncrease = effect["allowedIncrease"]!.numberValue!
        config.allowedDecrease = effect["allowedDecrease"]!.numberValue!
        config.criticalIncrease = effect["criticalIncrease"]!.numberValue!
        config.criticalDecrease = effect["criticalDecrease"]!.numberValue!
        return config
    }

    static func close(_ got: Double?, _ expected: Double?, relative: Double = 1e-9) -> Bool {
        guard let got, let expected else { return got == nil && expected == nil }
        return abs(got - expected) <= relative * max(abs(expected), 1e-300) || got == expected
    }

    @Test(arguments: cases.map(\.id))
    func everyReferenceCaseReproduces(_ id: String) throws {
        let node = Self.cases.first { $0.id == id }!.node
        // C20's noise is the reference's seeded draw: the same noisy samples go in.
        let noisy = node["noise"]?.boolValue == true
        let result = try CanaryJudge.judge(
            baseline: Self.samples(node["baseline"]), canary: Self.samples(node["canary"]), config: Self.config(node["config"]!),
            perturb: { role, values in noisy ? Self.samples(node[role == .canary ? "judged_canary" : "judged_baseline"]).map { $0! } : values })
        #expect(result.classification.rawValue == node["classification"]?.stringValue)
        #expect(result.critical == node["critical"]?.boolValue)
        #expect(result.baseline.count == Int(node["baseline_n"]!.numberValue!) && result.canary.count == Int(node["canary_n"]!.numberValue!))
        guard let ci = node["ci98"]?.items else {
            #expect(result.interval == nil)
            return
        }
        let interval = try #require(result.interval)
        #expect(Self.close(interval.lower, ci[0].numberValue), "lower \(interval.lower) vs \(ci[0].numberValue!)")
        #expect(Self.close(interval.upper, ci[1].numberValue), "upper \(interval.upper) vs \(ci[1].numberValue!)")
        #expect(Self.close(interval.estimate, node["estimate"]?.numberValue), "estimate \(interval.estimate) vs \(node["estimate"]!.numberValue!)")
        #expect(Self.close(result.tolerance, node["tolerance_band"]?.numberValue))
        #expect(Self.close(result.meanRatio, node["mean_ratio"]?.numberValue))
        #expect(Self.close(result.effectSize, node["effect_size"]?.numberValue))
        #expect(result.noiseAdded == noisy)
        // R's own estimate is the uncorrected root: the same machinery reproduces it too.
        if !noisy, let r = node["estimate_r_style"]?.numberValue {
            let judged = MannWhitney(
                canary: Self.samples(node["judged_canary"]).map { $0! }, baseline: Self.samples(node["judged_baseline"]).map { $0! })
            let low = judged.x.first! - judged.y.last!, high = judged.x.last! - judged.y.first!
            let root = Zeroin.root(
                of: { (try? judged.standardized($0, corrected: false)) ?? 0 }, from: low, to: high,
                valueAtFrom: try judged.standardized(low, corrected: false), valueAtTo: try judged.standardized(high, corrected: false))
            #expect(Self.close(root, r), "R-style estimate \(root) vs \(r)")
        }
    }

    /// The shared file, when it is beside the clone: the derived cases are its cases.
    @Test(.enabled(if: Shared.enabled, Shared.skipped))
    func theDerivedCasesAreTheSharedOnes() throws {
        let lines = try Fixtures.read(Shared.folder + "/reference/canary-cases.jsonl").split(separator: "\n")
        #expect(lines.count == Self.cases.count)
        for (line, derived) in zip(lines, Self.cases) {
            let shared = try JSONParser.parse(String(line))
            #expect(shared["id"]?.stringValue == derived.id)
            #expect(shared["baseline"] == derived.node["baseline"] && shared["canary"] == derived.node["canary"])
            let expected = shared["expected_kayenta"]!
            #expect(expected["classification"]?.stringValue == derived.node["classification"]?.stringValue)
            // The shared values are rounded to 6 decimals.
            if let ci = expected["ci98"]?.items, let full = derived.node["ci98"]?.items {
                for (rounded, exact) in zip(ci, full) { #expect(abs(rounded.numberValue! - exact.numberValue!) <= 5.1e-7) }
                #expect(abs(expected["estimate"]!.numberValue! - derived.node["estimate"]!.numberValue!) <= 5.1e-7)
            }
        }
    }
}

/// What must hold whatever the data.
@Suite struct CanaryJudgePropertyTests {
    /// Deterministic samples: a linear congruential walk.
    static func samples(_ count: Int, mean: Double, spread: Double, seed: UInt64) -> [Double?] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return mean + spread * (Double(state >> 11) / 9_007_199_254_740_992 - 0.5)
        }
    }

    @Test(arguments: [(20, 0.0), (50, 5.0), (50, -5.0), (200, 0.5), (7, 30.0), (4, 40.0)])
    func swappingTheRolesMirrorsHighAndLow(_ count: Int, _ shift: Double) throws {
        let config = CanaryConfig(metricScore: 1)
        let baseline = Self.samples(count, mean: 100, spread: 20, seed: 1)
        let canary = Self.samples(count, mean: 100 + shift, spread: 20, seed: 2)
        let forward = try CanaryJudge.judge(baseline: baseline, canary: canary, config: config)
        let backward = try CanaryJudge.judge(baseline: canary, canary: baseline, config: config)
        let mirrored: [CanaryResult.Classification: CanaryResult.Classification] = [.high: .low, .low: .high, .pass: .pass]
        #expect(backward.classification == mirrored[forward.classification], "\(forward.reason) / \(backward.reason)")
        let (f, b) = (try #require(forward.interval), try #require(backward.interval))
        #expect(abs(f.lower + b.upper) < 2e-4 && abs(f.upper + b.lower) < 2e-4, "\(f) vs \(b)")
    }

    @Test(arguments: [1, 5, 50, 1000])
    func identicalSamplesPass(_ count: Int) throws {
        let values = Self.samples(count, mean: 10, spread: 3, seed: 9)
        let result = try CanaryJudge.judge(baseline: values, canary: values.reversed(), config: CanaryConfig(metricScore: 1))
        #expect(result.classification == .pass && result.reason == "the canary's samples are the baseline's")
    }

    @Test func missingDataIsNodataUnlessItMustBeThere() throws {
        let nan: [Double?] = [nil, .nan, nil]
        var config = CanaryConfig(metricScore: 1)
        let values = Self.samples(10, mean: 1, spread: 1, seed: 3)
        #expect(try CanaryJudge.judge(baseline: nan, canary: nan, config: config).classification == .nodata)
        #expect(try CanaryJudge.judge(baseline: values, canary: nan, config: config).classification == .nodata)
        #expect(try CanaryJudge.judge(baseline: values, canary: [], config: config).classification == .nodata)
        config.mustHaveData = true
        #expect(try CanaryJudge.judge(baseline: nan, canary: values, config: config).classification == .nodataFail)
        config.critical = true
        let critical = try CanaryJudge.judge(baseline: nan, canary: values, config: config)
        #expect(critical.classification == .nodata && critical.critical && critical.failed)
    }

    @Test func thousandsOfRawSamplesMakeEverythingSignificantAndTheEffectSizeDecides() throws {
        // 5,000 samples a side, the canary 1% slower: the interval excludes 0 and clears its band…
        let baseline = Self.samples(5000, mean: 200, spread: 40, seed: 11)
        let canary = Self.samples(5000, mean: 202, spread: 40, seed: 12)
        var config = CanaryConfig(metricScore: 1)
        let strict = try CanaryJudge.judge(baseline: baseline, canary: canary, config: config)
        #expect(strict.classification == .high, "\(strict.reason)")
        #expect(try #require(strict.interval).lower > 0)
        // …so only the effect size keeps the verdict meaningful: allow 5%, and 1% passes while 20% does not.
        config.allowedIncrease = 1.05
        #expect(try CanaryJudge.judge(baseline: baseline, canary: canary, config: config).classification == .pass)
        let worse = Self.samples(5000, mean: 240, spread: 40, seed: 12)
        #expect(try CanaryJudge.judge(baseline: baseline, canary: worse, config: config).classification == .high)
    }

    @Test func smallSamplesGiveTheWholeRange() throws {
        // n ≤ 4 a side: |W| never reaches 2.326, the interval is [min diff, max diff] (case C10's rule).
        let result = try CanaryJudge.judge(baseline: [1, 2, 3, 4], canary: [11, 12, 13, 14], config: CanaryConfig(metricScore: 1))
        let interval = try #require(result.interval)
        #expect(interval.lower == 7 && interval.upper == 13 && result.classification == .high)
    }

    @Test func infiniteAndHugeValuesAreMissingOrJudgedWithoutTrouble() throws {
        let result = try CanaryJudge.judge(
            baseline: [1, 2, .infinity, 3, -.infinity, 4], canary: [1e300, -1e300, 5, 6, .nan, 7], config: CanaryConfig(metricScore: 1))
        #expect(result.baseline.count == 4 && result.baseline.missing == 2 && result.canary.missing == 1)
        #expect(result.interval.map { $0.lower.isFinite && $0.upper.isFinite } == true)
    }

    /// Cases decided in the last bit, where Kayenta's Commons Math arithmetic and a plain one
    /// disagree (canary-analysis.md §1.3, §1.4 step 7; found by search, values of two or three decimals).
    @Test func aMeanRatioExactlyOnAllowedIncreaseIsHighAsKayentasMeanMakesIt() throws {
        // Decimal means exactly 100.00 and 110.00: a plain sum ÷ n gives 1.0999999999999996 (Pass);
        // Commons Math's two-pass mean gives 1.1, on allowedIncrease, so the effect is crossed.
        let baseline: [Double?] = [100.64, 99.23, 101.26, 99.1, 101.42, 100.07, 101.36, 99.42, 99.02, 98.48]
        let canary: [Double?] = [111.47, 111.42, 109.46, 110.4, 108.99, 111.3, 108.82, 111.38, 108.8, 107.96]
        var config = CanaryConfig(metricScore: 1)
        config.allowedIncrease = 1.1
        let result = try CanaryJudge.judge(baseline: baseline, canary: canary, config: config)
        #expect(result.meanRatio == 1.1)
        #expect(result.classification == .high, "\(result.reason)")
        // The other of the pair: a plain mean gives 1.1000000000000003, Commons Math 1.1 again.
        let other = try CanaryJudge.judge(
            baseline: [98.96, 101.32, 100.67, 98.8, 101.39, 99.13, 99.64, 101.48, 98.81, 99.8],
            canary: [111.45, 111.49, 110.53, 108.75, 109.63, 108.73, 111.35, 109.18, 109.98, 108.91], config: config)
        #expect(other.meanRatio == 1.1 && other.classification == .high)
        // Just below the line is a Pass.
        config.allowedIncrease = 1.1000000000000003
        #expect(try CanaryJudge.judge(baseline: baseline, canary: canary, config: config).classification == .pass)
    }

    @Test(arguments: [
        // (baseline with the point, the point, Commons Math's upper fence)
        ([0.144, 0.154, 0.196, 0.363, 0.364, 0.376, 0.435, 0.626, 0.682, 1.089], 1.089, 1.0889999999999997),
        ([0.265, 0.288, 0.391, 0.431, 0.638, 0.995], 0.995, 0.9949999999999999)
    ])
    func aPointOnTheUpperFenceIsRemovedWhenCommonsMathsR7PutsTheFenceBelowIt(_ values: [Double], _ point: Double, _ fence: Double) throws {
        var config = CanaryConfig(metricScore: 1)
        config.removeOutliers = true
        config.outlierFactor = 1.5
        let sorted = values.sorted()
        let q1 = CanaryJudge.percentile(sorted, 25), q3 = CanaryJudge.percentile(sorted, 75)
        #expect(max(CanaryJudge.percentile(sorted, 99), q3 + 1.5 * (q3 - q1)) == fence)
        let prepared = CanaryJudge.prepare(values, config: config)
        #expect(!prepared.values.contains(point) && prepared.summary.outliersRemoved == 1)
    }

    @Test func aPointJustAboveTheFenceByNumpysArithmeticIsKept() throws {
        // numpy's form puts this fence at 0.9859999999999999, below the point; Commons Math's at
        // 0.9860000000000002, above it: Kayenta keeps the point.
        var config = CanaryConfig(metricScore: 1)
        config.removeOutliers = true
        config.outlierFactor = 1.5
        let prepared = CanaryJudge.prepare([0.133, 0.305, 0.309, 0.434, 0.626, 0.986], config: config)
        #expect(prepared.values.contains(0.986) && prepared.summary.outliersRemoved == 0)
    }

    @Test func commonsMathsR7AndMeanOnPlainCases() {
        #expect(CanaryJudge.percentile([1, 2, 3, 4], 25) == 1.75)
        #expect(CanaryJudge.percentile([1, 2, 3, 4], 100) == 4 && CanaryJudge.percentile([7], 99) == 7)
        #expect(CanaryJudge.percentile([1, 2, 3, 4, 5], 1) == 1.04)
        #expect(CanaryJudge.mean([0.1, 0.2, 0.3]) == 0.2)
    }

    @Test func theNormalQuantileIsExact() {
        #expect(abs(NormalQuantile.value(0.99) - 2.3263478740408408) < 1e-15)
        #expect(abs(NormalQuantile.value(0.5)) < 1e-300)
        #expect(abs(NormalQuantile.value(1e-10) + 6.361340902404056) < 1e-12)
    }
}
