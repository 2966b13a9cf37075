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

    /// The policy of every page perfgate writes or serves: no script, nothing fetched, inline styles only.
    package static let contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'"

    /// A page's start, up to its `<body>`: the policy, the viewport, the title and the styles.
    static func head(title: String, style: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta http-equiv="Content-Security-Policy" content="\(contentSecurityPolicy)">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(text(title))</title>
        <style>\(style)</style>
        </head>
        <body>

        """
    }

    package static func render(_ result: EvaluationResult) -> String {
        var html =
            head(title: headline(result), style: style)
            + "<header class=\"verdict-\(result.verdict.rawValue)\">\n<h1>\(text(headline(result)))</h1>\n"
        html += "<p class=\"total\">\(text(TerminalReport.totalLine(result)))</p>\n<dl>\n"
        if let window = result.window {
            html +=
                "<dt>Window</dt><dd>\(text(CivilDate.rfc3339(window.start))) to \(text(CivilDate.rfc3339(window.end))) (\(text(ResultText.duration(window.duration))))</dd>\n"
        }
        if let spec = result.specPath { html += "<dt>Spec</dt><dd><code>\(text(spec))</code></dd>\n" }
        if !result.comparedRuns.isEmpty {
            html += "<dt>Compared with</dt><dd>\(text(result.comparedRuns.map(ResultText.comparedRun).joined(separator: ", ")))</dd>\n"
        }
        if let first = result.trend.first, let last = result.trend.last {
            html +=
                "<dt>Trend</dt><dd>the last \(result.trend.count) earlier run\(result.trend.count == 1 ? "" : "s") of the history, \(text(CivilDate.rfc3339(first.time))) to \(text(CivilDate.rfc3339(last.time))), and this run</dd>\n"
        }
        if let failure = result.failure { html += "<dt>Stopped</dt><dd>\(text(failure))</dd>\n" }
        html += "</dl>\n</header>\n<main>\n" + intervals(result)
        let trend = TrendIndex(result.trend)
        for (index, indicator) in result.indicatorResults.prefix(maxIndicators).enumerated() {
            html += section(indicator, index: index + 1, trend: trend)
        }
        if result.indicatorResults.count > maxIndicators {
            html += "<p>\(result.indicatorResults.count - maxIndicators) more indicators are in the JSON report.</p>\n"
        }
        return html + "</main>\n</body>\n</html>\n"
    }

    /// An analysis over intervals: the score at the end of each, with the pass and warning lines.
    static func intervals(_ result: EvaluationResult) -> String {
        guard !result.intervals.isEmpty else { return "" }
        let points = result.intervals.enumerated().map { index, interval in
            LineChart.Point(
                x: Double(index + 1), y: interval.totalScore,
                mark: (
                    grade: interval.verdict == .error ? "none" : interval.verdict.rawValue,
                    title: "interval \(index + 1): \(interval.verdict.rawValue), score \(NumberText.format(interval.totalScore))"
                ))
        }
        let rules = [
            LineChart.Rule(value: result.objectives.pass, label: "pass \(NumberText.format(result.objectives.pass))", grade: "pass", at: nil),
            LineChart.Rule(
                value: result.objectives.warning, label: "warning \(NumberText.format(result.objectives.warning))", grade: "warning", at: nil)
        ]
        let count = Double(result.intervals.count)
        let labels = result.intervals.enumerated().map { (x: Double($0.offset + 1), text: clock($0.element.window.end)) }
        let title = "The score at the end of each of \(result.intervals.count) interval\(result.intervals.count == 1 ? "" : "s")"
        let chart = LineChart(
            id: "intervals", title: title, lines: [LineChart.Line(label: "score", points: points)], rules: rules,
            xRange: 1...max(2, count), xLabels: labels.count > 12 ? [labels[0], labels[labels.count - 1]] : labels, highlight: count)
        return "<section class=\"intervals\">\n<h2>Intervals</h2>\n<figure class=\"trend\">\n<figcaption>\(text(title))</figcaption>\n"
            + chart.render() + "</figure>\n</section>\n"
    }

    static func headline(_ result: EvaluationResult) -> String {
        "perfgate: \(result.verdict.rawValue.uppercased()), score \(NumberText.format(result.totalScore))"
    }

    static func section(_ indicator: IndicatorResult, index: Int, trend: TrendIndex) -> String {
        let verdict = indicator.objective?.status == .info ? "info" : indicator.verdict.rawValue
        var html = "<section class=\"indicator verdict-\(verdict)\" id=\"indicator-\(index)\">\n"
        let dryRun = indicator.dryRun ? " <span class=\"dry-run\">dry run, not counted</span>" : ""
        html += "<h2><code class=\"id\">\(text(indicator.id))</code> <span class=\"grade\">\(verdict.uppercased())</span>\(dryRun)</h2>\n"
        html += "<p class=\"numbers\">score \(NumberText.format(indicator.score)) of \(NumberText.format(indicator.metricScore)); "
        if indicator.canary != nil {
            html += "compared with the baseline by the canary judge</p>\n"
        } else if let objective = indicator.objective {
            html += "\(text(SLOText.summary(objective)))</p>\n"
        } else {
            html += "limits: \(text(TerminalReport.thresholds(of: indicator)))</p>\n"
        }
        if let error = indicator.error {
            html += "<p class=\"error\">Not measured: \(text(error))</p>\n"
        } else if let canary = indicator.canary {
            html += Self.canary(canary, index: index)
        } else if let objective = indicator.objective {
            html += objectiveValue(objective, index: index)
        } else {
            html += values(indicator, index: index)
        }
        for warning in indicator.warnings.prefix(20) { html += "<p class=\"note\">Note: \(text(warning))</p>\n" }
        html += Self.trend(indicator, trend: trend, index: index)
        html += series(indicator, index: index)
        return html + "</section>\n"
    }

    /// Each value of a PerfSpec indicator, with a bullet chart against its limits.
    static func values(_ indicator: IndicatorResult, index: Int) -> String {
        var html = "<ul class=\"values\">\n"
        // Each key's first violation, looked up once: a scan per value is values × violations.
        let severity = Dictionary(indicator.violations.map { ($0.key, $0.breach.isSevere) }, uniquingKeysWith: { first, _ in first })
        for (offset, measurement) in indicator.measurements.prefix(maxValues).enumerated() {
            let value = measurement.value.map(NumberText.precise) ?? "no value"
            let grade = severity[measurement.key].map { $0 ? "severe" : "warning" } ?? (measurement.value == nil ? "severe" : "ok")
            html +=
                "<li class=\"value grade-\(grade)\"><span class=\"key\">\(text(measurement.key))</span> <span class=\"number\">\(text(value))</span> <span class=\"state\">\(grade)</span>\n"
            if let number = measurement.value, number.isFinite {
                let limits = comparisonLimits(indicator, key: measurement.key) ?? indicator.thresholds
                let ticks = Thresholds.keys.compactMap { key in limits[key].map { (value: $0, label: "\(key) \(NumberText.precise($0))") } }
                let title =
                    "\(measurement.key): \(value)" + (ticks.isEmpty ? ", no limits" : " against " + ticks.map(\.label).joined(separator: ", "))
                html += BulletChart(value: number, limits: ticks, grade: Self.grade(limits), title: title, id: "chart-\(index)-\(offset + 1)")
                    .render()
            }
            html += "</li>\n"
        }
        if indicator.measurements.count > maxValues {
            html += "<li>\(indicator.measurements.count - maxValues) more values are in the JSON report.</li>\n"
        }
        if indicator.measurements.isEmpty { html += "<li class=\"value grade-severe\">no values</li>\n" }
        return html + "</ul>\n"
    }

    /// A Keptn objective's value against its pass and warning criteria: the bands are the
    /// ranges where lighthouse would pass or warn, the ticks the criteria's targets.
    static func objectiveValue(_ objective: SLOObjectiveResult, index: Int) -> String {
        guard let value = objective.value, value.isFinite else {
            return "<ul class=\"values\"><li class=\"value grade-severe\">no value: \(text(objective.message ?? "none received"))</li></ul>\n"
        }
        let grade = HTMLChart.grade(of: objective.status.rawValue)
        var html =
            "<ul class=\"values\">\n<li class=\"value grade-\(grade)\"><span class=\"key\">\(text(objective.objective.sli))</span> <span class=\"number\">\(text(NumberText.precise(value)))</span> <span class=\"state\">\(objective.status.rawValue)</span>\n"
        if !objective.objective.pass.isEmpty {
            let ticks = criteriaTicks(objective)
            let title = "\(objective.objective.sli): \(NumberText.precise(value)) against " + ticks.map(\.label).joined(separator: ", ")
            html += BulletChart(
                value: value, limits: ticks, grade: { HTMLChart.grade(of: objective.status(at: $0).rawValue) }, title: title, id: "chart-\(index)-1"
            ).render()
        }
        return html + "</li>\n</ul>\n"
    }

    /// Each criterion's target, labelled `pass <=800` or `warning <=+10% (880)`.
    static func criteriaTicks(_ objective: SLOObjectiveResult) -> [(value: Double, label: String)] {
        let targets = objective.passTargets.map { ("pass", $0) } + objective.warningTargets.map { ("warning", $0) }
        return targets.compactMap { kind, target in
            // A relative criterion with nothing to compare with has no target.
            guard !target.criterion.isRelative || objective.hasComparison, target.targetValue.isFinite else { return nil }
            let relative = target.criterion.isRelative ? " (\(NumberText.precise(target.targetValue)))" : ""
            return (target.targetValue, "\(kind) \(target.criteria)\(relative)")
        }
    }

    /// Which range of a threshold set a value falls in, as the grader decides (limits inclusive).
    static func grade(_ limits: Thresholds) -> (Double) -> String {
        { value in
            if let limit = limits.lowerSevere, value <= limit { return "severe" }
            if let limit = limits.upperSevere, value >= limit { return "severe" }
            if let limit = limits.lowerWarning, value <= limit { return "warning" }
            if let limit = limits.upperWarning, value >= limit { return "warning" }
            return "ok"
        }
    }

    /// A key's limits as relative thresholds resolved them.
    static func comparisonLimits(_ indicator: IndicatorResult, key: String) -> Thresholds? {
        indicator.comparisons.first { $0.key == key }?.thresholds
    }

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
        .bullet,.chart{display:block;max-width:100%;height:auto}
        figure{margin:8px 0}figcaption{font-size:12px;color:#57606a}
        details{margin:4px 0;overflow-x:auto}table{border-collapse:collapse;font-size:12px}
        td,th{border:1px solid #d0d7de;padding:2px 6px;text-align:left;font-variant-numeric:tabular-nums}
        .series-summary{font-size:12px;margin:2px 0;padding-left:18px}.note{color:#57606a;font-size:12px}
        .error{color:#cf222e}
        """
}

/// The HTML report: a page with charts, for a person to open from the artifacts.
package struct HTMLReportFormat: Report {
    package init() {}
    package var identifier: String { "html" }
    package var defaultFileName: String { "perfgate.html" }
    package func render(_ result: EvaluationResult, presentation: Presentation, redactor: Redactor, to sink: @escaping (String) -> Void) {
        sink(redactor.redact(HTMLReport.render(result)) { HTMLReport.text($0) })
    }
}
