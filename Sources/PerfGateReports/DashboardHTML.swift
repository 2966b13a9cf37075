import PerfGateCore

/// One key's runs at a glance, for the dashboard's first page.
package struct DashboardService: Sendable {
    package var project: String
    package var stage: String
    package var service: String
    package var runs: Int
    package var latest: DashboardRun

    package init(project: String, stage: String, service: String, runs: Int, latest: DashboardRun) {
        self.project = project
        self.stage = stage
        self.service = service
        self.runs = runs
        self.latest = latest
    }
}

/// A stored run as the dashboard shows it.
package struct DashboardRun: Sendable {
    package var id: String
    package var record: HistoryRecord
    package var branch: String
    /// Why it was invalidated; nil for a valid run.
    package var invalidReason: String?
    package var tag: String?

    package init(id: String, record: HistoryRecord, branch: String, invalidReason: String?, tag: String?) {
        self.id = id
        self.record = record
        self.branch = branch
        self.invalidReason = invalidReason
        self.tag = tag
    }
}

/// The dashboard `perfgate serve` shows at `/` from its store: the services with their last
/// verdict, and per service a heatmap of runs × indicators (Keptn Bridge's view) and a trend chart
/// per indicator. The HTML report's rules: no script, nothing fetched (a Content-Security-Policy
/// forbids both), every grade said in text as well as colour, readable at 400 px.
package enum DashboardHTML {
    /// The most indicator columns (id and key) a heatmap draws; the others are counted.
    package static let maxColumns = 40

    package static func overview(_ services: [DashboardService]) -> String {
        var html = page(title: "perfgate: \(services.count) service\(services.count == 1 ? "" : "s")")
        html += "<header><h1>perfgate</h1><p>The services with stored runs, and each one's latest verdict.</p></header>\n<main>\n"
        guard !services.isEmpty else {
            return html
                + "<p>No run is stored yet: evaluations through POST /api/v1/evaluate (perfgate evaluate --server) are.</p>\n</main>\n</body>\n</html>\n"
        }
        html +=
            "<div class=\"scroll\"><table class=\"services\">\n<thead><tr><th>Project</th><th>Stage</th><th>Service</th><th>Latest</th><th>Score</th><th>When</th><th>Branch</th><th>Runs</th></tr></thead>\n<tbody>\n"
        for service in services {
            let record = service.latest.record
            let link = "/dashboard?" + query([("project", service.project), ("stage", service.stage), ("service", service.service)])
            html +=
                "<tr><td>\(text(service.project.isEmpty ? "–" : short(service.project)))</td><td>\(text(service.stage.isEmpty ? "–" : short(service.stage)))</td>"
            html += "<td><a href=\"\(text(link))\">\(text(service.service.isEmpty ? "(no service)" : short(service.service)))</a></td>"
            html += "<td class=\"g-\(record.result.rawValue)\">\(symbol(record.result.rawValue)) \(record.result.rawValue.uppercased())</td>"
            html += "<td>\(NumberText.format(record.score))</td><td>\(text(CivilDate.rfc3339(record.time)))</td>"
            html += "<td>\(text(service.latest.branch.isEmpty ? "–" : short(service.latest.branch)))</td><td>\(service.runs)</td></tr>\n"
        }
        return html + "</tbody></table></div>\n</main>\n</body>\n</html>\n"
    }

    /// A key's page: `runs` newest first.
    package static func service(project: String, stage: String, service: String, branch: String?, runs: [DashboardRun]) -> String {
        let name = [project, stage, service].filter { !$0.isEmpty }.joined(separator: " / ")
        var html = page(title: "perfgate: \(name.isEmpty ? "runs without a service" : name)")
        html += "<header><h1>\(text(name.isEmpty ? "Runs without project, stage or service" : name))</h1>\n"
        html += "<p><a href=\"/\">All services</a>. The last \(runs.count) run\(runs.count == 1 ? "" : "s")"
        html += branch.map { " on branch <code>\(text($0))</code>" } ?? ""
        html += ", newest first. Each cell: the value, and ✓ passed, ! warned, ✗ failed, – not measured.</p></header>\n<main>\n"
        guard !runs.isEmpty else { return html + "<p>No stored run.</p>\n</main>\n</body>\n</html>\n" }
        let columns = self.columns(runs)
        html += heatmap(runs, columns: Array(columns.prefix(maxColumns)))
        if columns.count > maxColumns {
            html += "<p class=\"note\">\(columns.count - maxColumns) more indicators are in each run's report.</p>\n"
        }
        html += "<h2>Trends</h2>\n"
        for (index, column) in columns.prefix(maxColumns).enumerated() { html += trend(runs, column: column, index: index + 1) }
        return html + "</main>\n</body>\n</html>\n"
    }

    struct Column: Hashable {
        var id: String
        var key: String
        var label: String { id == key || key.isEmpty ? id : "\(id) (\(key))" }
    }

    /// The indicators and keys, the newest run's first.
    static func columns(_ runs: [DashboardRun]) -> [Column] {
        var seen = Set<Column>()
        var columns: [Column] = []
        for run in runs {
            for value in run.record.values {
                let column = Column(id: value.id, key: value.key)
                if seen.insert(column).inserted { columns.append(column) }
            }
        }
        return columns
    }

    static func heatmap(_ runs: [DashboardRun], columns: [Column]) -> String {
        var html = "<div class=\"scroll\"><table class=\"heatmap\">\n<thead><tr><th>Run</th><th>When</th><th>Branch</th><th>Result</th><th>Score</th>"
        for column in columns { html += "<th>\(text(short(column.label)))</th>" }
        html += "</tr></thead>\n<tbody>\n"
        for run in runs {
            var values: [Column: HistoryRecord.Value] = [:]
            for value in run.record.values where values[Column(id: value.id, key: value.key)] == nil {
                values[Column(id: value.id, key: value.key)] = value
            }
            let result = run.record.result.rawValue
            html += run.invalidReason == nil ? "<tr>" : "<tr class=\"invalid\">"
            html += "<td><a href=\"/api/v1/runs/\(text(run.id))\">#\(text(run.id))</a>\(run.tag.map { " <code>\(text($0))</code>" } ?? "")</td>"
            html += "<td>\(text(HTMLReport.shortTime(run.record.time)))</td><td>\(text(run.branch.isEmpty ? "–" : short(run.branch)))</td>"
            html += "<td class=\"g-\(result)\">\(symbol(result)) \(result)\(run.invalidReason.map { ", invalid: \(text($0))" } ?? "")</td>"
            html += "<td>\(NumberText.format(run.record.score))</td>"
            for column in columns {
                guard let value = values[column] else {
                    html += "<td></td>"
                    continue
                }
                let status = value.value == nil ? "none" : value.status
                html += "<td class=\"g-\(grade(status))\">\(value.value.map { NumberText.format($0) } ?? "") \(symbol(status))</td>"
            }
            html += "</tr>\n"
        }
        return html + "</tbody></table></div>\n"
    }

    /// One indicator's values over the runs, oldest first, invalidated runs left out.
    static func trend(_ runs: [DashboardRun], column: Column, index: Int) -> String {
        let ordered = runs.reversed().filter { $0.invalidReason == nil }
        guard !ordered.isEmpty else { return "" }
        let points = ordered.enumerated().map { offset, run in
            LineChart.Point(
                x: Double(offset), y: run.record.values.first { $0.id == column.id && $0.key == column.key }?.value, mark: nil)
        }
        guard points.contains(where: { $0.y != nil }) else { return "" }
        let last = Double(ordered.count - 1)
        let labels =
            [(x: 0.0, text: HTMLReport.shortTime(ordered[0].record.time))]
            + (last > 0 ? [(x: last, text: HTMLReport.shortTime(ordered[ordered.count - 1].record.time))] : [])
        let title = "Trend of \(column.label) over \(ordered.count) valid run\(ordered.count == 1 ? "" : "s"), oldest first"
        let chart = LineChart(
            id: "trend-\(index)", title: title, lines: [LineChart.Line(label: column.label, points: points)], rules: [],
            xRange: 0...max(1, last), xLabels: labels, highlight: nil)
        return "<figure class=\"trend\">\n<figcaption>\(text(title))</figcaption>\n" + chart.render() + "</figure>\n"
    }

    static func grade(_ status: String) -> String {
        switch status {
        case "pass", "info": return "pass"
        case "warning": return "warning"
        case "fail": return "fail"
        default: return "none"
        }
    }

    /// The grade in text: readable without colour.
    static func symbol(_ status: String) -> String {
        switch grade(status) {
        case "pass": return "✓"
        case "warning": return "!"
        case "fail": return "✗"
        default: return "–"
        }
    }

    static func text(_ raw: String) -> String { HTMLReport.text(raw) }

    /// A name cut to fit a table's column; the run's report has it whole.
    static func short(_ raw: String) -> String { raw.count <= 32 ? raw : String(raw.prefix(31)) + "…" }

    /// A query string of our own parameters, each percent-encoded.
    static func query(_ pairs: [(String, String)]) -> String {
        pairs.map { "\($0.0)=\(PercentEncoding.encoded($0.1))" }.joined(separator: "&")
    }

    static func page(title: String) -> String { HTMLReport.head(title: title, style: HTMLReport.style + style) }

    static let style = """
        .scroll{overflow-x:auto;max-width:100%}table.heatmap td,table.services td{white-space:nowrap}
        .g-pass{background:#dafbe1}.g-warning{background:#fff8c5}.g-fail,.g-error{background:#ffebe9}.g-none{background:#f6f8fa}
        tr.invalid td{text-decoration:line-through;color:#57606a}a{color:#0969da}
        """
}
