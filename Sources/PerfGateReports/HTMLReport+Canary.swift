import PerfGateCore

/// A Canary indicator on the HTML page: both roles' distributions as box plots on one axis (the
/// box from the lower to the upper quartile, the median a bar, the whiskers to the extremes, the
/// mean a diamond), with the judgement and both summaries in text.
extension HTMLReport {
    static func canary(_ canary: CanaryResult, index: Int) -> String {
        let grade = canary.failed ? "severe" : "ok"
        var html = "<p class=\"canary grade-\(grade)\">\(text(CanaryText.summary(canary)))</p>\n"
        html += "<p class=\"reason\">\(text(canary.reason))</p>\n"
        html += "<ul class=\"values\">\n<li><span class=\"key\">baseline</span> \(text(CanaryText.details(canary.baseline)))</li>\n"
        html += "<li><span class=\"key\">canary</span> \(text(CanaryText.details(canary.canary)))</li>\n</ul>\n"
        let roles = [("baseline", canary.baseline), ("canary", canary.canary)].filter { $0.1.minimum != nil }
        guard !roles.isEmpty else { return html }
        let values = roles.flatMap { [$0.1.minimum!, $0.1.maximum!] }
        let scale = HTMLChart.Scale(values, fromZero: false)
        let left = 80.0, right = 620.0
        func x(_ value: Double) -> Double { left + (right - left) * (value - scale.low) / (scale.high - scale.low) }
        let f = HTMLChart.f
        let title =
            "Distributions of \(roles.map { "the \($0.0)'s \($0.1.count) points" }.joined(separator: " and ")): \(canary.classification.rawValue)"
        var svg =
            "<svg class=\"chart distributions\" viewBox=\"0 0 640 130\" width=\"640\" height=\"130\" role=\"img\" aria-labelledby=\"canary-\(index)\" font-family=\"sans-serif\" font-size=\"11\">"
        svg += "<title id=\"canary-\(index)\">\(text(title))</title>"
        for tick in scale.ticks {
            svg += "<line x1=\"\(f(x(tick)))\" x2=\"\(f(x(tick)))\" y1=\"8\" y2=\"100\" stroke=\"\(HTMLChart.Palette.grid)\" stroke-width=\"1\"/>"
            svg +=
                "<text class=\"tick\" x=\"\(f(x(tick)))\" y=\"116\" text-anchor=\"middle\" fill=\"\(HTMLChart.Palette.muted)\">\(text(NumberText.format(tick)))</text>"
        }
        for (row, (role, summary)) in roles.enumerated() {
            let y = 30.0 + Double(row) * 45
            let colour = role == "baseline" ? HTMLChart.Palette.lines[0] : HTMLChart.colour(grade)
            let numbers =
                "min \(NumberText.precise(summary.minimum!)), quartiles \(NumberText.precise(summary.lowerQuartile!)) and \(NumberText.precise(summary.upperQuartile!)), median \(NumberText.precise(summary.median!)), max \(NumberText.precise(summary.maximum!)), mean \(NumberText.precise(summary.mean!))"
            svg += "<g class=\"role-\(role)\"><title>\(text("\(role): \(summary.count) points, \(numbers)"))</title>"
            svg += "<text x=\"4\" y=\"\(f(y + 4))\" fill=\"\(HTMLChart.Palette.ink)\">\(role)</text>"
            svg +=
                "<line class=\"whisker\" x1=\"\(f(x(summary.minimum!)))\" x2=\"\(f(x(summary.maximum!)))\" y1=\"\(f(y))\" y2=\"\(f(y))\" stroke=\"\(colour)\" stroke-width=\"1.5\"/>"
            svg +=
                "<rect class=\"box\" x=\"\(f(x(summary.lowerQuartile!)))\" y=\"\(f(y - 10))\" width=\"\(f(max(1, x(summary.upperQuartile!) - x(summary.lowerQuartile!))))\" height=\"20\" fill=\"#ffffff\" stroke=\"\(colour)\" stroke-width=\"2\"/>"
            svg +=
                "<line class=\"median\" x1=\"\(f(x(summary.median!)))\" x2=\"\(f(x(summary.median!)))\" y1=\"\(f(y - 10))\" y2=\"\(f(y + 10))\" stroke=\"\(colour)\" stroke-width=\"3\"/>"
            let mean = x(summary.mean!)
            svg +=
                "<path class=\"mean\" d=\"M\(f(mean)) \(f(y - 5))L\(f(mean + 5)) \(f(y))L\(f(mean)) \(f(y + 5))L\(f(mean - 5)) \(f(y))Z\" fill=\"\(HTMLChart.Palette.ink)\"/></g>"
        }
        return html
            + "<figure class=\"distributions\">\n<figcaption>\(text(title)); the box spans the quartiles, the bar is the median, the diamond the mean</figcaption>\n"
            + svg + "</svg>\n</figure>\n"
    }
}
