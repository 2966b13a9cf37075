import PerfGateCore

/// The SVG pictures of the HTML report. Colours are presentation attributes, not CSS: where the
/// page is served under a policy that blocks inline styles (Jenkins' HTML Publisher does), the
/// charts keep their colours. Every mark's grade is also its shape and its `<title>`.
enum HTMLChart {
    enum Palette {
        static let ok = "#1a7f37", warning = "#9a6700", severe = "#cf222e", ink = "#1b1f24", muted = "#57606a", grid = "#d0d7de"
        static let bands = ["ok": "#dafbe1", "warning": "#fff8c5", "severe": "#ffebe9"]
        static let lines = ["#0969da", "#8250df", "#bc4c00", "#1b7c83", "#6e7781", "#bf3989", "#4d2d00", "#0550ae", "#116329", "#a40e26"]
    }

    /// A grade as a word: `ok`, `warning` or `severe` (fail and error).
    static func grade(of status: String) -> String {
        switch status {
        case "pass", "ok", "info": return "ok"
        case "warning": return "warning"
        default: return "severe"
        }
    }

    static func colour(_ grade: String) -> String {
        grade == "ok" ? Palette.ok : grade == "warning" ? Palette.warning : Palette.severe
    }

    /// A point's mark: a circle when it passed, a square for a warning, a triangle for a failure.
    static func mark(x: Double, y: Double, grade: String, title: String) -> String {
        let colour = colour(grade), t = "<title>\(HTMLReport.text(title))</title>"
        switch grade {
        case "ok": return "<circle class=\"mark-ok\" cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"3.5\" fill=\"\(colour)\">\(t)</circle>"
        case "warning":
            return "<rect class=\"mark-warning\" x=\"\(f(x - 4))\" y=\"\(f(y - 4))\" width=\"8\" height=\"8\" fill=\"\(colour)\">\(t)</rect>"
        default:
            return
                "<path class=\"mark-severe\" d=\"M\(f(x)) \(f(y - 5))L\(f(x + 5)) \(f(y + 4))L\(f(x - 5)) \(f(y + 4))Z\" fill=\"\(colour)\">\(t)</path>"
        }
    }

    static func f(_ number: Double) -> String { NumberText.precise((number * 10).rounded() / 10) }

    /// A value axis from the data and the rules: from 0 when everything is positive, with a
    /// little room above, and about four round ticks.
    struct Scale {
        var low: Double
        var high: Double
        var ticks: [Double]

        /// - Parameter fromZero: start at 0 when everything is positive (levels); false fits the
        ///   data (distributions).
        init(_ values: [Double], fromZero: Bool = true) {
            var low = values.min() ?? 0, high = values.max() ?? 1
            if fromZero {
                if low >= 0 { low = 0 }
                if high <= 0, low < 0 { high = 0 }
            } else {
                let margin = (high - low) * 0.05
                // Counts and durations cannot be negative: the margin never takes the axis below 0.
                low = low >= 0 ? max(0, low - margin) : low - margin
                high += margin
            }
            if high == low { high = low + 1 }
            let step = Scale.nice((high - low) / 4)
            low = (low / step).rounded(.down) * step
            high = (high * 1.08 / step).rounded(.up) * step
            self.low = low
            self.high = high
            ticks = stride(from: low, through: high + step / 2, by: step).map { $0 }
        }

        static func nice(_ raw: Double) -> Double {
            guard raw > 0, raw.isFinite else { return 1 }
            var magnitude = 1.0
            while magnitude * 10 <= raw { magnitude *= 10 }
            while magnitude > raw { magnitude /= 10 }
            let fraction = raw / magnitude
            return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * magnitude
        }
    }
}

/// A line chart, 640 × 220: lines of points against x positions, horizontal rules for limits
/// (across the chart, or over one x for a limit that holds for one run), labelled ticks.
struct LineChart {
    struct Point {
        var x: Double
        var y: Double?
        /// A mark's grade and title; nil draws the line only (a curve of many points).
        var mark: (grade: String, title: String)?
    }

    struct Line {
        var label: String
        var points: [Point]
    }

    struct Rule {
        var value: Double
        var label: String
        var grade: String
        /// The x it holds at (a relative limit of one run); nil: everywhere.
        var at: Double?
    }

    var id: String
    var title: String
    var lines: [Line]
    var rules: [Rule]
    var xRange: ClosedRange<Double>
    var xLabels: [(x: Double, text: String)]
    /// The x to ring (this run).
    var highlight: Double?

    static let width = 640.0, height = 220.0
    static let left = 60.0, right = 620.0, top = 14.0, bottom = 186.0

    func render() -> String {
        let values = lines.flatMap { $0.points.compactMap(\.y) } + rules.map(\.value)
        let scale = HTMLChart.Scale(values.filter(\.isFinite))
        let span = xRange.upperBound - xRange.lowerBound
        func x(_ value: Double) -> Double {
            span == 0 ? (Self.left + Self.right) / 2 : Self.left + (Self.right - Self.left) * (value - xRange.lowerBound) / span
        }
        func y(_ value: Double) -> Double {
            let clamped = max(scale.low, min(scale.high, value))
            return Self.bottom - (Self.bottom - Self.top) * (clamped - scale.low) / (scale.high - scale.low)
        }
        let f = HTMLChart.f
        var svg =
            "<svg class=\"chart\" viewBox=\"0 0 640 220\" width=\"640\" height=\"220\" role=\"img\" aria-labelledby=\"\(id)\" font-family=\"sans-serif\" font-size=\"11\">"
        svg += "<title id=\"\(id)\">\(HTMLReport.text(title))</title>"
        for tick in scale.ticks {
            svg +=
                "<line x1=\"\(f(Self.left))\" x2=\"\(f(Self.right))\" y1=\"\(f(y(tick)))\" y2=\"\(f(y(tick)))\" stroke=\"\(HTMLChart.Palette.grid)\" stroke-width=\"1\"/>"
            svg +=
                "<text class=\"tick\" x=\"\(f(Self.left - 6))\" y=\"\(f(y(tick) + 4))\" text-anchor=\"end\" fill=\"\(HTMLChart.Palette.muted)\">\(HTMLReport.text(NumberText.format(tick)))</text>"
        }
        for label in xLabels {
            let anchor = x(label.x) < Self.left + 40 ? "start" : x(label.x) > Self.right - 40 ? "end" : "middle"
            svg +=
                "<text class=\"tick\" x=\"\(f(x(label.x)))\" y=\"204\" text-anchor=\"\(anchor)\" fill=\"\(HTMLChart.Palette.muted)\">\(HTMLReport.text(label.text))</text>"
        }
        for rule in rules {
            let colour = HTMLChart.colour(rule.grade)
            let (from, to) = rule.at.map { (max(Self.left, x($0) - 14), min(Self.right, x($0) + 14)) } ?? (Self.left, Self.right)
            svg +=
                "<line class=\"rule rule-\(rule.grade)\" x1=\"\(f(from))\" x2=\"\(f(to))\" y1=\"\(f(y(rule.value)))\" y2=\"\(f(y(rule.value)))\" stroke=\"\(colour)\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\"><title>\(HTMLReport.text(rule.label))</title></line>"
            if rule.at == nil {
                svg +=
                    "<text class=\"rule-label\" x=\"\(f(Self.left + 4))\" y=\"\(f(y(rule.value) - 3))\" fill=\"\(colour)\">\(HTMLReport.text(rule.label))</text>"
            }
        }
        for (index, line) in lines.enumerated() {
            let colour = HTMLChart.Palette.lines[index % HTMLChart.Palette.lines.count]
            // A gap (no value) breaks the line.
            var path = "", pen = false
            for point in line.points {
                guard let value = point.y, value.isFinite else { pen = false; continue }
                path += "\(pen ? "L" : "M")\(f(x(point.x))) \(f(y(value)))"
                pen = true
            }
            if !path.isEmpty {
                svg +=
                    "<path class=\"line\" d=\"\(path)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"><title>\(HTMLReport.text(line.label))</title></path>"
            }
            for point in line.points {
                guard let value = point.y, value.isFinite, let mark = point.mark else { continue }
                svg += HTMLChart.mark(x: x(point.x), y: y(value), grade: mark.grade, title: mark.title)
            }
        }
        if let highlight {
            for line in lines {
                guard let point = line.points.last(where: { $0.x == highlight }), let value = point.y, value.isFinite else { continue }
                svg +=
                    "<circle class=\"current-ring\" cx=\"\(f(x(highlight)))\" cy=\"\(f(y(value)))\" r=\"8\" fill=\"none\" stroke=\"\(HTMLChart.Palette.ink)\" stroke-width=\"1.5\"/>"
            }
            svg +=
                "<line class=\"current\" x1=\"\(f(x(highlight)))\" x2=\"\(f(x(highlight)))\" y1=\"\(f(Self.top))\" y2=\"\(f(Self.bottom))\" stroke=\"\(HTMLChart.Palette.ink)\" stroke-width=\"1\" stroke-dasharray=\"2 2\"><title>this run</title></line>"
        }
        svg +=
            "<line x1=\"\(f(Self.left))\" x2=\"\(f(Self.right))\" y1=\"\(f(Self.bottom))\" y2=\"\(f(Self.bottom))\" stroke=\"\(HTMLChart.Palette.muted)\"/>"
        return svg + "</svg>\n"
    }
}

/// A horizontal bullet chart, 320 × 28: the grades' ranges as bands, each limit as a tick, the
/// value as a bar. `grade(at:)` says which range a value falls in, so thresholds and Keptn
/// criteria (any mix of `<`, `>=`, `=` and relative targets) draw the same way.
struct BulletChart {
    var value: Double
    /// The limits to tick and to fit in, with their labels.
    var limits: [(value: Double, label: String)]
    var grade: (Double) -> String
    var title: String
    var id: String

    func render() -> String {
        let points = [value, 0] + limits.map(\.value)
        let low = points.min()!
        var high = points.max()!
        if high == low { high = low + 1 }
        let span = (high - low) * 1.1
        func x(_ number: Double) -> Double { 10 + 300 * (number - low) / span }
        // One column per 2 units of the 300-wide scale: a run of equal grades is one band.
        var bands = ""
        var start = 10.0, current: String?
        func close(_ end: Double) {
            guard let current, end > start else { return }
            bands +=
                "<rect class=\"band-\(current)\" x=\"\(HTMLChart.f(start))\" y=\"4\" width=\"\(HTMLChart.f(end - start))\" height=\"20\" fill=\"\(HTMLChart.Palette.bands[current] ?? "#eee")\"/>"
        }
        for column in stride(from: 10.0, to: 310, by: 2) {
            let grade = self.grade(low + (column + 1 - 10) / 300 * span)
            if grade != current {
                close(column)
                current = grade
                start = column
            }
        }
        close(310)
        var ticks = ""
        for limit in limits {
            ticks +=
                "<line class=\"limit\" x1=\"\(HTMLChart.f(x(limit.value)))\" x2=\"\(HTMLChart.f(x(limit.value)))\" y1=\"2\" y2=\"26\" stroke=\"\(HTMLChart.Palette.muted)\" stroke-width=\"2\"><title>\(HTMLReport.text(limit.label))</title></line>"
        }
        let bar =
            "<rect class=\"bar\" x=\"10\" y=\"11\" width=\"\(HTMLChart.f(max(1, x(value) - 10)))\" height=\"6\" fill=\"\(HTMLChart.Palette.ink)\"/>"
        return "<svg class=\"bullet\" viewBox=\"0 0 320 28\" width=\"320\" height=\"28\" role=\"img\" aria-labelledby=\"\(id)\">"
            + "<title id=\"\(id)\">\(HTMLReport.text(title))</title>\(bands)\(ticks)\(bar)</svg>\n"
    }
}
