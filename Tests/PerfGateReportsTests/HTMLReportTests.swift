import PerfGateCore
import PerfGateReports
import Testing

/// The HTML page: self-contained, escaped, and saying in text what its charts show.
@Suite struct HTMLReportTests {
    @Test func theMixedResultIsOnePageWithAChartPerValueAndNoActiveContent() {
        let html = HTMLReport.render(SampleResults.mixed)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<title>perfgate: ERROR, score 77.5</title>"))
        // No script, no outside fetch: a policy that forbids both, and nothing that would need them.
        #expect(html.contains("default-src 'none'"))
        for forbidden in ["<script", "src=", "href=", "url(", "@import", "javascript:"] { #expect(!html.lowercased().contains(forbidden), "\(forbidden)") }
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
        #expect(!html.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" } )
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
