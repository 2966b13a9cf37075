import Foundation
import PerfGateCore
@testable import PerfGateReports
import Testing

/// The pull request comment: the marker that finds it again, failures first with the baseline's
/// value and the change, untrusted text that cannot mention, link, reference or add HTML, and
/// the platform's size limit kept.
@Suite struct PullRequestCommentTests {
    static func withBaseline(_ result: EvaluationResult) -> EvaluationResult {
        var result = result
        result.baseline = HistoryRecord(
            time: 1_714_560_000, window: nil, specKind: "perfspec", specPath: nil, specDigest: nil, context: [:], result: .pass, score: 90,
            values: [
                .init(id: "checkout_p95_ms", key: "checkout", value: 500, status: "pass", success: true),
                .init(id: "error_rate", key: "http_req_failed", value: 0, status: "pass", success: true)
            ])
        return result
    }

    @Test func theMarkerIsTheSpecsPathAndCannotEndTheHTMLComment() {
        #expect(PullRequestComment.marker(specPath: "perf/checkout.perfspec.yaml") == "<!-- perfgate-comment: perf/checkout.perfspec.yaml -->")
        #expect(PullRequestComment.marker(specPath: "a-->b <x>--!") == "<!-- perfgate-comment: a-__b__x_-__ -->")
        #expect(!PullRequestComment.marker(specPath: String(repeating: "-", count: 50)).dropFirst(4).dropLast(3).contains("--"))
        #expect(PullRequestComment.marker(specPath: nil) == "<!-- perfgate-comment: default -->")
    }

    @Test func failuresComeFirstWithTheBaselineAndTheChange() {
        let text = PullRequestComment.render(Self.withBaseline(SampleResults.mixed), flavor: .github)
        let rows = text.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| Indicator") }.map(String.init)
        #expect(rows.first == "| error\\_rate | http\\_req\\_failed | 0.0612 | 0 | – | ❌ fail |")
        #expect(rows.contains("| checkout\\_p95\\_ms | checkout | 581 | 500 | +16.2% | ✅ pass |"))
        // Failures and errors outside, passing values folded.
        let folded = text.range(of: "<details><summary>")!.lowerBound
        #expect(text.range(of: "| error\\_rate |")!.lowerBound < folded)
        #expect(text.range(of: "| cpu |")!.lowerBound < folded)
        #expect(text.contains("baseline: the run of 2024-05-01T10:40:00Z (pass, score 90)"))
    }

    @Test(arguments: PullRequestComment.Flavor.allCases)
    func untrustedTextCannotMentionLinkReferenceOrAddHTML(_ flavor: PullRequestComment.Flavor) {
        var result = SampleResults.mixed
        result.notes = ["@team see [x](javascript:alert(1)) <script> #12 !3 ~bug %milestone $snippet &epic GH-7 https://evil.example"]
        // An earlier run, so GitHub and GitLab draw a trend chart that Azure must not.
        result.trend = [Self.withBaseline(result).baseline!]
        let text = PullRequestComment.render(result, flavor: flavor)
        #expect(flavor == .azure || text.contains("```mermaid"), "the trend chart the Azure check relies on")
        let warning = text.split(separator: "\n").first { $0.hasPrefix("- ") && $0.contains("team") }.map(String.init) ?? ""
        #expect(warning.contains("@\u{200B}team"))
        #expect(warning.contains("\\[x\\]\\(javascript:alert\\(1\\)\\)"))
        #expect(warning.contains("&lt;script&gt;") && !warning.contains("<script"))
        for reference in [
            "#\u{200B}12", "!\u{200B}3", "~\u{200B}bug", "%\u{200B}milestone", "$\u{200B}snippet", "&\u{200B}epic", "GH\u{200B}-7", "https:\u{200B}//"
        ] {
            #expect(warning.contains(reference), "\(reference) in \(warning)")
        }
        // The hostile key stays in its cell: every table row has its six columns.
        for row in text.split(separator: "\n") where row.hasPrefix("| ") {
            let unescaped = row.replacingOccurrences(of: "\\|", with: "")
            #expect(unescaped.filter { $0 == "|" }.count == 7, "\(row)")
        }
        #expect(flavor == .azure ? !text.contains("```mermaid") : true)
    }

    @Test(arguments: PullRequestComment.Flavor.allCases)
    func aHugeRunFitsThePlatformsLimitWithANote(_ flavor: PullRequestComment.Flavor) {
        let measurements = (0..<100_000).map { Measurement(key: "series-\($0)-" + String(repeating: "x", count: 40), value: Double($0)) }
        let violations = (0..<50_000).map {
            Violation(breach: .upperSevere, key: "series-\($0)-" + String(repeating: "x", count: 40), value: Double($0), threshold: 0)
        }
        let result = EvaluationResult(
            verdict: .fail, totalScore: 0, objectives: Objectives(pass: 1, warning: 1),
            indicatorResults: [
                IndicatorResult(
                    id: "latency", source: "prometheus", score: 0, metricScore: 1, violations: violations, measurements: measurements,
                    thresholds: Thresholds(upperSevere: 0))
            ], specPath: "perfspec.json")
        let text = PullRequestComment.render(result, flavor: flavor)
        #expect(text.utf8.count <= flavor.sizeLimit)
        #expect(text.contains("more in the run's JSON report"))
        #expect(text.components(separatedBy: "<details>").count == text.components(separatedBy: "</details>").count)
    }

    @Test func aStoppedRunSaysWhy() {
        let text = PullRequestComment.render(.stopped("the spec is invalid: [x](y)", specPath: "perfspec.json"), flavor: .gitlab)
        #expect(text.contains("### 💥 perfgate: ERROR\n"))
        #expect(text.contains("perfgate could not evaluate: the spec is invalid: \\[x\\]\\(y\\)"))
    }
}
