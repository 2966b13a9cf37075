import PerfGateCore

/// One self-contained HTML page: the verdict, and per indicator a bullet chart of each value
/// against its warning and severe limits, with the exact numbers beside it. Inline CSS and SVG
/// only: no script, no fetch (a Content-Security-Policy forbids both), so it reads the same as an
/// artifact opened from disk. Outside text is escaped; every chart has a `<title>` and its
/// numbers in text, and the grade is a word as well as a colour.
package enum HTMLReport {
    /// Charts per indicator and indicators shown; the JSON report has the rest.
    static let maxValues = 50
    static let maxIndicators = 500

    package static func render(_ result: EvaluationResult) -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(text(headline(result)))</title>
            <style>\(style)</style>
            </head>
            <body>
            <header class="verdict-\(result.verdict.rawValue)">
            <h1>\(text(headline(result)))</h1>

            """
        html += "<p class=\"total\">\(text(TerminalReport.totalLine(result)))</p>\n<dl>\n"
        if let window = result.window {
            html += "<dt>Window</dt><dd>\(text(CivilDate.rfc3339(window.start))) to \(text(CivilDate.rfc3339(window.end))) (\(text(ResultText.duration(window.duration))))</dd>\n"
        }
        if let spec = result.specPath { html += "<dt>Spec</dt><dd><code>\(text(spec))</code></dd>\n" }
        if !result.comparedRuns.isEmpty {
            html += "<dt>Compared with</dt><dd>\(text(result.comparedRuns.map(ResultText.comparedRun).joined(separator: ", ")))</dd>\n"
        }
        if let failure = result.failure { html += "<dt>Stopped</dt><dd>\(text(failure))</dd>\n" }
        html += "</dl>\n</header>\n<main>\n"
        for (index, indicator) in result.indicatorResults.prefix(maxIndicators).enumerated() {
            html += section(indicator, index: index + 1)
        }
        if result.indicatorResults.count > maxIndicators {
            html += "<p>\(result.indicatorResults.count - maxIndicators) more indicators are in the JSON report.</p>\n"
        }
        return html + "</main>\n</body>\n</html>\n"
    }

    static func headline(_ result: EvaluationResult) -> String {
        "perfgate: \(result.verdict.rawValue.uppercased()), score \(NumberText.format(result.totalScore))"
    }

    static func section(_ indicator: IndicatorResult, index: Int) -> String {
        let verdict = indicator.objective?.status == .info ? "info" : indicator.verdict.rawValue
        var html = "<section class=\"indicator verdict-\(verdict)\" id=\"indicator-\(index)\">\n"
        html += "<h2><code>\(text(indicator.id))</code> <span class=\"grade\">\(verdict.uppercased())</span></h2>\n"
        html += "<p class=\"numbers\">score \(NumberText.format(indicator.score)) of \(NumberText.format(indicator.metricScore)); "
        if let objective = indicator.objective {
            html += "\(text(SLOText.summary(objective)))</p>\n"
        } else {
            html += "limits: \(text(TerminalReport.thresholds(of: indicator)))</p>\n"
        }
        if let error = indicator.error {
            return html + "<p class=\"error\">Not measured: \(text(error))</p>\n</section>\n"
        }
        let limits = indicator.objective == nil ? indicator.thresholds : Thresholds()
        html += "<ul class=\"values\">\n"
        for (offset, measurement) in indicator.measurements.prefix(maxValues).enumerated() {
            let value = measurement.value.map(NumberText.precise) ?? "no value"
            let grade = indicator.violations.first { $0.key == measurement.key }.map { $0.breach.isSevere ? "severe" : "warning" } ?? (measurement.value == nil ? "severe" : "ok")
            html += "<li class=\"value grade-\(grade)\"><span class=\"key\">\(text(measurement.key))</span> <span class=\"number\">\(text(value))</span> <span class=\"state\">\(grade)</span>\n"
            if let number = measurement.value {
                html += chart(number, limits: comparisonLimits(indicator, key: measurement.key) ?? limits, label: "\(measurement.key): \(value)", id: "chart-\(index)-\(offset + 1)")
            }
            html += "</li>\n"
        }
        if indicator.measurements.count > maxValues {
            html += "<li>\(indicator.measurements.count - maxValues) more values are in the JSON report.</li>\n"
        }
        if indicator.measurements.isEmpty { html += "<li class=\"value grade-severe\">no values</li>\n" }
        return html + "</ul>\n</section>\n"
    }

    /// A key's limits as relative thresholds resolved them.
    static func comparisonLimits(_ indicator: IndicatorResult, key: String) -> Thresholds? {
        indicator.comparisons.first { $0.key == key }?.thresholds
    }

    /// A horizontal bullet chart, 320 × 28: the ranges (ok, warning, severe) as bands, each limit
    /// as a tick, the value as a bar.
    static func chart(_ value: Double, limits: Thresholds, label: String, id: String) -> String {
        let points = [value, 0] + Thresholds.keys.compactMap { limits[$0] }
        let low = points.min()!
        var high = points.max()!
        if high == low { high = low + 1 }
        let span = (high - low) * 1.1
        func x(_ number: Double) -> Double { 10 + 300 * (number - low) / span }
        var bands = ""
        func band(_ from: Double, _ to: Double, _ kind: String) {
            let left = max(10, min(310, x(from)))
            let right = max(10, min(310, x(to)))
            guard right > left else { return }
            bands += "<rect class=\"band-\(kind)\" x=\"\(format(left))\" y=\"4\" width=\"\(format(right - left))\" height=\"20\"/>"
        }
        band(low, low + span, "ok")
        if let upper = limits.upperWarning { band(upper, limits.upperSevere ?? low + span, "warning") }
        if let upper = limits.upperSevere { band(upper, low + span, "severe") }
        if let lower = limits.lowerWarning { band(limits.lowerSevere ?? low, lower, "warning") }
        if let lower = limits.lowerSevere { band(low, lower, "severe") }
        var ticks = ""
        for key in Thresholds.keys {
            guard let limit = limits[key] else { continue }
            ticks += "<line class=\"limit\" x1=\"\(format(x(limit)))\" x2=\"\(format(x(limit)))\" y1=\"2\" y2=\"26\"><title>\(key) \(NumberText.precise(limit))</title></line>"
        }
        let bar = "<rect class=\"bar\" x=\"10\" y=\"11\" width=\"\(format(max(1, x(value) - 10)))\" height=\"6\"/>"
        let limitsText = Thresholds.keys.compactMap { key in limits[key].map { "\(key) \(NumberText.precise($0))" } }.joined(separator: ", ")
        let title = label + (limitsText.isEmpty ? ", no limits" : " against " + limitsText)
        return "<svg class=\"bullet\" viewBox=\"0 0 320 28\" width=\"320\" height=\"28\" role=\"img\" aria-labelledby=\"\(id)\">"
            + "<title id=\"\(id)\">\(text(title))</title>\(bands)\(ticks)\(bar)</svg>\n"
    }

    static func format(_ number: Double) -> String { NumberText.precise((number * 10).rounded() / 10) }

    /// Outside text in HTML text or attribute context: the five characters that matter, and
    /// control characters, escaped.
    static func text(_ raw: String) -> String {
        var output = ""
        for scalar in LogText.sanitize(raw).unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output
    }

    static let style = """
        body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1b1f24;background:#fff}
        header{padding:16px 24px;border-bottom:4px solid #8c959f}
        header.verdict-pass{border-color:#1a7f37}header.verdict-warning{border-color:#bf8700}
        header.verdict-fail,header.verdict-error{border-color:#cf222e}
        h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:0 0 4px}
        dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:8px 0 0}dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}
        main{padding:8px 24px}
        .indicator{border:1px solid #d0d7de;border-left-width:6px;border-radius:6px;padding:8px 12px;margin:12px 0;overflow-wrap:anywhere}
        .verdict-pass{border-left-color:#1a7f37}.verdict-warning{border-left-color:#bf8700}
        .verdict-fail,.verdict-error{border-left-color:#cf222e}.verdict-info{border-left-color:#8c959f}
        .grade{font-size:12px;border:1px solid currentColor;border-radius:10px;padding:0 6px}
        .values{list-style:none;padding:0;margin:4px 0}.value{margin:4px 0}
        .number{font-variant-numeric:tabular-nums;font-weight:600}.state{font-size:12px;color:#57606a}
        .bullet{display:block;max-width:100%;height:auto}
        .band-ok{fill:#dafbe1}.band-warning{fill:#fff8c5}.band-severe{fill:#ffebe9}
        .limit{stroke:#57606a;stroke-width:2}.bar{fill:#1b1f24}
        .error{color:#cf222e}
        """
}

/// The HTML report: a page with charts, for a person to open from the artifacts.
package struct HTMLReportFormat: Report {
    package init() {}
    package var identifier: String { "html" }
    package var defaultFileName: String { "perfgate.html" }
    package func render(_ result: EvaluationResult, redactor: Redactor, to sink: @escaping (String) -> Void) {
        sink(redactor.redact(HTMLReport.render(result)) { HTMLReport.text($0) })
    }
}
