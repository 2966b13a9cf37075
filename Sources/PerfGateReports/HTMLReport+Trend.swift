import PerfGateCore

/// The HTML report's charts over time: the trend of the last runs (`--history`) and the metric
/// over the window (`--series`). Each has its numbers in a table or a sentence beside it.
extension HTMLReport {
    /// The most keys of one indicator a trend chart draws.
    static let maxTrendKeys = 5

    /// The trend of an indicator's values over the earlier runs and this one; empty without history.
    static func trend(_ indicator: IndicatorResult, trend: TrendIndex, index: Int) -> String {
        let runs = trend.runs
        guard !runs.isEmpty else { return "" }
        let keys = trendKeys(indicator, trend: trend)
        guard !keys.isEmpty else { return "" }
        let now = runs.count
        var lines: [LineChart.Line] = []
        for key in keys {
            var points: [LineChart.Point] = runs.enumerated().map { offset, run in
                let entry = trend.value(run: offset, id: indicator.id, key: key)
                let value = entry?.value.flatMap { $0.isFinite ? $0 : nil }
                let status = entry?.status ?? "none"
                let title =
                    "\(key), \(CivilDate.rfc3339(run.time)): \(value.map(NumberText.precise) ?? "no value"), \(status), run score \(NumberText.format(run.score))"
                return LineChart.Point(x: Double(offset), y: value, mark: (HTMLChart.grade(of: status), title))
            }
            let current = currentValue(indicator, key: key)
            points.append(
                LineChart.Point(
                    x: Double(now), y: current.value,
                    mark: (
                        HTMLChart.grade(of: current.status),
                        "\(key), this run: \(current.value.map(NumberText.precise) ?? "no value"), \(current.status)"
                    )))
            lines.append(LineChart.Line(label: key, points: points))
        }
        let xLabels =
            [(x: 0.0, text: shortTime(runs[0].time)), (x: Double(now), text: "this run")]
            + (now >= 4 ? [(x: Double(now / 2), text: shortTime(runs[now / 2].time))] : [])
        let title =
            "Trend of \(indicator.id) over the last \(runs.count) run\(runs.count == 1 ? "" : "s") and this one"
            + (keys.count > 1 ? " (\(keys.joined(separator: ", ")))" : "")
        let chart = LineChart(
            id: "trend-\(index)", title: title, lines: lines, rules: rules(indicator, keys: keys, at: Double(now)),
            xRange: 0...Double(now), xLabels: xLabels, highlight: Double(now))
        return
            "<figure class=\"trend\">\n<figcaption>\(text(title)), this run ringed; a circle passed, a square warned, a triangle failed</figcaption>\n"
            + chart.render() + trendTable(indicator, keys: keys, trend: trend) + "</figure>\n"
    }

    /// The keys a trend draws: this run's, else the history's, at most `maxTrendKeys`.
    static func trendKeys(_ indicator: IndicatorResult, trend: TrendIndex) -> [String] {
        var keys: [String] = []
        if indicator.objective != nil { return trend.keys(of: indicator.id).isEmpty ? [] : [indicator.id] }
        for key in indicator.measurements.map(\.key) + trend.keys(of: indicator.id) where !keys.contains(key) {
            keys.append(key)
            if keys.count == maxTrendKeys { break }
        }
        return keys
    }

    /// This run's value and status for a key, as the history will record it.
    static func currentValue(_ indicator: IndicatorResult, key: String) -> (value: Double?, status: String) {
        if let objective = indicator.objective { return (objective.value, objective.status.rawValue) }
        let value = indicator.measurements.first { $0.key == key }?.value
        let violation = indicator.violations.first { $0.key == key }
        let status = indicator.error != nil || value == nil ? "fail" : violation.map { $0.breach.isSevere ? "fail" : "warning" } ?? "pass"
        return (value, status)
    }

    /// The limits as lines: absolute ones across the chart; relative ones, resolved for this run,
    /// over this run only (earlier runs were compared with other values).
    static func rules(_ indicator: IndicatorResult, keys: [String], at now: Double) -> [LineChart.Rule] {
        if let objective = indicator.objective {
            let targets = objective.passTargets.map { ("pass", "warning", $0) } + objective.warningTargets.map { ("warning", "severe", $0) }
            var seen = Set<String>()
            return targets.compactMap { kind, grade, target in
                guard !target.criterion.isRelative || objective.hasComparison, target.targetValue.isFinite,
                    seen.insert("\(kind)\(target.targetValue)").inserted
                else { return nil }
                return LineChart.Rule(
                    value: target.targetValue,
                    label: "\(kind) \(target.criteria)" + (target.criterion.isRelative ? " = \(NumberText.precise(target.targetValue))" : ""),
                    grade: grade, at: target.criterion.isRelative ? now : nil)
            }
        }
        var rules = Thresholds.keys.compactMap { key in
            indicator.thresholds[key].map {
                LineChart.Rule(value: $0, label: "\(key) \(NumberText.precise($0))", grade: key.hasSuffix("Severe") ? "severe" : "warning", at: nil)
            }
        }
        for comparison in indicator.comparisons where keys.contains(comparison.key) {
            for key in Thresholds.keys where comparison.thresholds[key] != indicator.thresholds[key] {
                guard let limit = comparison.thresholds[key], limit.isFinite else { continue }
                rules.append(
                    LineChart.Rule(
                        value: limit, label: "\(comparison.key): \(key) \(NumberText.precise(limit)), relative to earlier runs",
                        grade: key.hasSuffix("Severe") ? "severe" : "warning", at: now))
            }
        }
        return rules
    }

    /// The trend's numbers, for anyone who cannot see the chart.
    static func trendTable(_ indicator: IndicatorResult, keys: [String], trend: TrendIndex) -> String {
        var html = "<details><summary>The numbers</summary>\n<table class=\"trend-table\"><thead><tr><th>Run</th><th>Result</th><th>Score</th>"
        html += keys.map { "<th>\(text($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
        for (offset, run) in trend.runs.enumerated().reversed() {
            html += "<tr><td>\(text(CivilDate.rfc3339(run.time)))</td><td>\(run.result.rawValue)</td><td>\(NumberText.format(run.score))</td>"
            for key in keys {
                let entry = trend.value(run: offset, id: indicator.id, key: key)
                html += "<td>\(entry?.value.map(NumberText.precise) ?? "")\(entry.map { " (\(text($0.status)))" } ?? "")</td>"
            }
            html += "</tr>\n"
        }
        return html + "</tbody></table></details>\n"
    }

    /// The metric over the window with the limits, or why there is no curve.
    static func series(_ indicator: IndicatorResult, index: Int) -> String {
        var html = ""
        let lines = indicator.series.filter { $0.points.contains { $0.value != nil } }
        if let first = lines.flatMap(\.points).map(\.time).min(), let last = lines.flatMap(\.points).map(\.time).max() {
            let chartLines = lines.map { line in
                LineChart.Line(label: line.key, points: line.points.map { LineChart.Point(x: $0.time, y: $0.value, mark: nil) })
            }
            let middle = (first + last) / 2
            let title = "\(indicator.id) over the window, \(lines.count) series"
            let chart = LineChart(
                id: "series-\(index)", title: title, lines: chartLines, rules: rules(indicator, keys: [], at: last).filter { $0.at == nil },
                xRange: first...last, xLabels: [(first, clock(first)), (middle, clock(middle)), (last, clock(last))], highlight: nil)
            html += "<figure class=\"series\">\n<figcaption>Over the window (UTC): \(text(title))</figcaption>\n" + chart.render()
            html += "<ul class=\"series-summary\">\n"
            for line in lines {
                let values = line.points.compactMap(\.value)
                html +=
                    "<li><span class=\"key\">\(text(line.key))</span>: \(values.count) points, min \(NumberText.precise(values.min()!)), max \(NumberText.precise(values.max()!)), last \(NumberText.precise(values.last!))</li>\n"
            }
            html += "</ul>\n</figure>\n"
        }
        if let note = indicator.seriesNote { html += "<p class=\"note\">\(text(note))</p>\n" }
        return html
    }

    /// `11-25 10:00` (UTC), for a run on an axis.
    static func shortTime(_ time: Double) -> String {
        let stamp = Array(CivilDate.rfc3339(time))
        return stamp.count >= 16 ? String(stamp[5..<10]) + " " + String(stamp[11..<16]) : String(stamp)
    }

    /// `10:05:30` (UTC), for a point in the window.
    static func clock(_ time: Double) -> String {
        let stamp = Array(CivilDate.rfc3339(time))
        return stamp.count >= 19 ? String(stamp[11..<19]) : String(stamp)
    }
}
