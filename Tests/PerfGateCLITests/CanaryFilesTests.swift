import Foundation
import PerfGateCore
import PerfGateReports
import PerfGateTestSupport
import Testing

/// Canary indicators on load-test files: this build's raw samples against the last build's, from
/// two JTLs or two k6 streams. With thousands of samples every difference is significant, and the
/// effect size is what keeps the verdict meaningful.
@Suite struct CanaryFilesTests {
    /// A JTL CSV of `count` samples of one label, elapsed around `mean` ms, one per 100 ms from 12:00.
    static func jtl(count: Int, mean: Double, seed: UInt64) -> String {
        var state = seed, lines = ["timeStamp,elapsed,label,responseCode,success"]
        for index in 0..<count {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let elapsed = Int((mean * (0.8 + 0.4 * Double(state >> 11) / 9_007_199_254_740_992)).rounded())
            lines.append("\(1_714_564_800_000 + index * 100),\(elapsed),checkout,200,true")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func run(allowedIncrease: Double?, canaryMean: Double, in folder: String) async throws -> (PerfGateBinary.Output, Node) {
        try Fixtures.write(Self.jtl(count: 5000, mean: 200, seed: 1), to: folder + "/stable.jtl")
        try Fixtures.write(Self.jtl(count: 5000, mean: canaryMean, seed: 2), to: folder + "/canary.jtl")
        let effect = allowedIncrease.map { ", effectSize: {allowedIncrease: \($0)}" } ?? ""
        try Fixtures.write(
            """
            indicators:
              - id: checkout
                source: jmeter
                query: {file: canary.jtl, label: checkout}
                baseline: {file: stable.jtl, label: checkout}
                grading: {type: Canary, metricScore: 1, direction: increase\(effect)}
            objectives: {pass: 1, warning: 0.5}
            """, to: folder + "/perfspec.yaml")
        let output = try await InProcess.run(["evaluate", "--spec", "perfspec.yaml", "--json", "r.json"], in: folder)
        return (output, try JSONParser.parse(Fixtures.read(folder + "/r.json"))["indicatorResults"]!.items![0]["canary"]!)
    }

    @Test func thousandsOfSamplesNeedTheEffectSize() async throws {
        let folder = try Fixtures.temporaryFolder()
        // 3% slower: the interval excludes 0 and its band, so Kayenta's default (1.0) calls it High.
        let (strict, judged) = try await run(allowedIncrease: nil, canaryMean: 206, in: folder)
        #expect(strict.status == 1 && judged["classification"]?.stringValue == "High", "\(judged)")
        #expect(judged["baseline"]?["count"]?.numberValue == 5000 && judged["canary"]?["count"]?.numberValue == 5000)
        #expect(judged["interval"]?["lower"]?.numberValue ?? 0 > 0)
        // allowedIncrease 1.1: 3% is within it; 30% is not.
        let (tolerant, within) = try await run(allowedIncrease: 1.1, canaryMean: 206, in: folder)
        #expect(tolerant.status == 0 && within["classification"]?.stringValue == "Pass", "\(within)")
        #expect(within["reason"]?.stringValue?.hasPrefix("within the allowed effect") == true)
        let (_, worse) = try await run(allowedIncrease: 1.1, canaryMean: 260, in: folder)
        #expect(worse["classification"]?.stringValue == "High")
    }

    @Test func twoK6StreamsCompareTheirPoints() async throws {
        let folder = try Fixtures.temporaryFolder()
        func stream(_ values: [Double]) -> String {
            (["{\"type\":\"Metric\",\"data\":{\"type\":\"trend\",\"contains\":\"time\"},\"metric\":\"http_req_duration\"}"]
                + values.enumerated().map { index, value in
                    "{\"type\":\"Point\",\"data\":{\"time\":\"2024-05-01T12:00:\(String(format: "%02d", index % 60)).000Z\",\"value\":\(value),\"tags\":{\"name\":\"checkout\"}},\"metric\":\"http_req_duration\"}"
                }).joined(separator: "\n") + "\n"
        }
        try Fixtures.write(stream((0..<60).map { 100 + Double($0 % 10) }), to: folder + "/stable.json")
        try Fixtures.write(stream((0..<60).map { 150 + Double($0 % 10) }), to: folder + "/canary.json")
        try Fixtures.write(
            """
            indicators:
              - id: checkout
                source: k6
                query: {file: canary.json, metric: http_req_duration, tags: {name: checkout}}
                baseline: {file: stable.json, metric: http_req_duration, tags: {name: checkout}}
                grading: {type: Canary, metricScore: 1}
            objectives: {pass: 1, warning: 0.5}
            """, to: folder + "/perfspec.yaml")
        let output = try await InProcess.run(["evaluate", "--spec", "perfspec.yaml", "--json", "r.json"], in: folder)
        let judged = try JSONParser.parse(Fixtures.read(folder + "/r.json"))["indicatorResults"]!.items![0]["canary"]!
        #expect(
            output.status == 1 && judged["classification"]?.stringValue == "High" && judged["canary"]?["count"]?.numberValue == 60, "\(output.stdout)"
        )
        // A k6 summary holds no samples: said so.
        try Fixtures.write(try Fixtures.read(Fixtures.packageRoot + "/Examples/k6/summary.json"), to: folder + "/canary.json")
        let summary = try await InProcess.run(["evaluate", "--spec", "perfspec.yaml"], in: folder)
        #expect(summary.status == 2 && summary.stdout.contains("is a k6 summary, which holds no samples"), "\(summary.stdout)")
    }

    @Test func theJudgementReadsBackFromTheJSONReport() throws {
        let judged = try CanaryJudge.judge(baseline: [1, 2, 3, 4, 5, 6], canary: [3, 4, 5, 6, 7, 9, nil], config: CanaryConfig(metricScore: 2))
        var indicator = IndicatorResult(
            id: "c", source: "static", score: 2, metricScore: 2, violations: [], measurements: [], thresholds: Thresholds())
        indicator.kind = .canary(judged)
        let result = EvaluationResult(verdict: .pass, totalScore: 2, objectives: Objectives(pass: 2, warning: 1), indicatorResults: [indicator])
        let json = JSONReportFormat().render(result)
        let back = try JSONReportReader.result(try JSONParser.parse(json))
        #expect(back.indicatorResults[0].canary == judged)
        for report in Reports.all { #expect(report.render(back) == report.render(result), "\(report.identifier)") }
    }

    /// The README's canary example, as written: the slower candidate fails, the like one passes.
    @Test func theExampleCanaryFailsTheSlowerCandidateAndPassesTheLikeOne() async throws {
        let root = Fixtures.packageRoot + "/Examples/canary"
        let slower = try await InProcess.run(["evaluate", "--spec", root + "/canary.yaml", "--results", "canary.jtl=\(root)/canary-slower.jtl"])
        #expect(slower.status == 1, "\(slower.stdout)")
        #expect(slower.stdout.contains("FAIL  checkout_latency") && slower.stdout.contains("High (critical)"))
        let like = try await InProcess.run(["evaluate", "--spec", root + "/canary.yaml", "--results", "canary.jtl=\(root)/canary-like.jtl"])
        #expect(like.status == 0, "\(like.stdout)")
        #expect(like.stdout.contains("result: PASS"))
    }
}
