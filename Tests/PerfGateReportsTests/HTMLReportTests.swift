import PerfGateCore
@testable import PerfGateReports
import Testing

/// The HTML page: self-contained, escaped, and saying in text what its charts show.
@Suite struct HTMLReportTests {
    @Test func theMixedResultIsOnePageWithAChartPerValueAndNoActiveContent() {
        let html = HTMLReport.render(SampleResults.mixed)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<title>perfgate: ERROR, score 77.5</title>"))
        // No script, no outside fetch: a policy that forbids both, and nothing that would need them.
        #expect(html.contains("default-src 'none'"))
        for forbidden in ["<script", "src=", "href=", "url(", "@import", "javascript:"] {
            #expect(!html.lowercased().contains(forbidden), "\(forbidden)")
        }
        // One section per indicator, the grade as a word too.
        #expect(html.components(separatedBy: "<section class=\"indicator").count - 1 == SampleResults.mixed.indicatorResults.count)
        #expect(html.contains("<span class=\"grade\">WARNING</span>") && html.contains("<span class=\"grade\">ERROR</span>"))
        // A chart per measured value, each with a title that says its numbers.
        let measured = SampleResults.mixed.indicatorResults.filter { $0.error == nil }.flatMap(\.measurements).filter { $0.value != nil }.count
        #expect(html.components(separatedBy: "<svg class=\"bullet\"").count - 1 == measured)
        #expect(html.contains("<title id=\"chart-1-1\">checkout: 581 against upperSevere 1200, upperWarning 800</title>"))
        // An indicator that could not be measured says why, in text.
        #expect(html.contains("Not measured: Prometheus said: bad_data &lt;parse error&gt;"))
    }

    @Test func hostileTextIsText() {
        let html = HTMLReport.render(SampleResults.mixed)
        // The hostile key: its markup is escaped, its control characters replaced.
        #expect(!html.contains("<b>") && html.contains("&lt;b&gt;&amp;&quot;&#39;"))
        #expect(!html.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        let id = "x\"><script>alert(1)</script><svg onload=alert(2)>"
        var result = SampleResults.passing
        result.indicatorResults[0].id = id
        result.specPath = "a\" onmouseover=\"b"
        let page = HTMLReport.render(result)
        #expect(!page.contains("<script>") && !page.contains("<svg onload") && !page.contains("\" onmouseover"))
    }

    @Test func theReportIsListedWithTheOthers() {
        #expect(Reports.named("html")?.defaultFileName == "perfgate.html")
    }
}

/// The charts over time: trends from the history, curves over the window.
@Suite struct HTMLChartTests {
    let html = HTMLReport.render(SampleResults.withPictures)

    @Test func theTrendShowsEveryEarlierRunAndRingsThisOne() {
        #expect(
            html.contains("<dt>Trend</dt><dd>the last 5 earlier runs of the history, 2024-04-24T23:06:40Z to 2024-04-28T23:06:40Z, and this run</dd>")
        )
        #expect(html.contains("<svg class=\"chart\" viewBox=\"0 0 640 220\"") && html.contains("aria-labelledby=\"trend-1\""))
        // Five earlier points and this run's, each a mark with its numbers; the warning is a square.
        let checkout = html.components(separatedBy: "id=\"indicator-2\"")[0]
        #expect(checkout.components(separatedBy: "<circle class=\"mark-ok\"").count - 1 == 5)
        #expect(checkout.components(separatedBy: "<rect class=\"mark-warning\"").count - 1 == 1)
        #expect(checkout.contains("<title>checkout, 2024-04-27T23:06:40Z: 560, warning, run score 80</title>"))
        #expect(checkout.contains("<title>checkout, this run: 581, pass</title>"))
        #expect(checkout.contains("class=\"current-ring\""))
        // The absolute limits across, and the numbers in a table, newest first.
        #expect(checkout.contains("<title>upperWarning 800</title></line>"))
        #expect(checkout.contains("<tr><td>2024-04-28T23:06:40Z</td><td>pass</td><td>100</td><td>580 (pass)</td></tr>"))
    }

    @Test func theCurveHasItsGapAndItsSummary() {
        let checkout = html.components(separatedBy: "id=\"indicator-2\"")[0]
        #expect(checkout.contains("<span class=\"key\">checkout</span>: 120 points, min 500, max 590, last 500"))
        // The missing point breaks the line: two pieces.
        let curve = checkout.components(separatedBy: "<figure class=\"series\">")[1]
        let path = curve.components(separatedBy: "<path class=\"line\" d=\"")[1].prefix { $0 != "\"" }
        #expect(path.filter { $0 == "M" }.count == 2)
    }

    @Test func hostileKeysInTrendsCurvesAndNotesAreText() {
        #expect(!html.contains("<b>") && !html.contains("\u{1B}") && !html.contains("\u{01}"))
        #expect(html.contains("no curve: eu|west &lt;b&gt;&amp;&quot;&#39;"))
        for forbidden in ["<script", "src=", "href=", "url(", "@import", "javascript:"] { #expect(!html.lowercased().contains(forbidden)) }
    }

    @Test func colourIsAnAttributeSoABlockedStyleSheetKeepsIt() {
        // Jenkins' HTML Publisher serves pages under a policy without inline styles: the charts must not need them.
        for band in ["band-ok", "band-warning", "band-severe"] { #expect(!HTMLReport.style.contains(band)) }
        #expect(html.contains("class=\"band-ok\" x=") && html.contains("fill=\"#dafbe1\""))
    }

    @Test func aKeptnObjectiveIsBandedByItsOwnCriteria() throws {
        let objective = SLOObjective(sli: "p95", pass: [["<=+10%", "<600"]], warning: [["<=800"]])
        var evaluated = SLOObjectiveResult(
            objective: objective, status: .warning, score: 0.5, value: 650, comparedValue: 500, passTargets: [], warningTargets: [])
        evaluated.hasComparison = true
        #expect(evaluated.status(at: 540) == .pass && evaluated.status(at: 560) == .warning && evaluated.status(at: 800) == .warning)
        #expect(evaluated.status(at: 800.5) == .fail)
        evaluated.hasComparison = false
        #expect(evaluated.status(at: 590) == .pass)
    }
}

/// Axes fit the data: a distribution of counts or durations never starts below 0 (issue 36).
@Suite struct ChartScaleTests {
    @Test func anAxisOfNonNegativeValuesStartsAtZeroAtTheLowest() {
        let counts = HTMLChart.Scale([0, 1, 2, 3, 7, 10], fromZero: false)
        #expect(counts.low == 0 && counts.ticks.first == 0)
        let latencies = HTMLChart.Scale([120, 130, 180], fromZero: false)
        #expect(latencies.low >= 100 && latencies.low <= 120)
        let deltas = HTMLChart.Scale([-5, 0, 5], fromZero: false)
        #expect(deltas.low < -5)
    }
}
