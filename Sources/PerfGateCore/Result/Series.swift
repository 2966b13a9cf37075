/// One key's values over the window, for a chart: what `--series` asks the backend for beside
/// the graded value. Never graded.
package struct SeriesLine: Sendable, Equatable {
    package var key: String
    /// Oldest first; a nil value is a gap.
    package var points: [Point]

    package struct Point: Sendable, Equatable {
        /// Seconds since the epoch.
        package var time: Double
        package var value: Double?
        package init(time: Double, value: Double?) {
            self.time = time
            self.value = value
        }
    }

    package init(key: String, points: [Point]) {
        self.key = key
        self.points = points
    }

    /// The most lines one indicator draws; the rest are counted, not drawn.
    package static let maxLines = 10

    /// A range answer's measurements as lines, in the order the keys first appear, each sorted
    /// by time. Measurements without a timestamp have no place on a curve and are left out.
    package static func lines(_ measurements: [Measurement]) -> [SeriesLine] {
        var order: [String] = []
        var points: [String: [Point]] = [:]
        for measurement in measurements {
            guard let time = measurement.timestamp, time.isFinite else { continue }
            if points[measurement.key] == nil { order.append(measurement.key) }
            points[measurement.key, default: []].append(Point(time: time, value: measurement.value.flatMap { $0.isFinite ? $0 : nil }))
        }
        return order.map { SeriesLine(key: $0, points: points[$0]!.sorted { $0.time < $1.time }) }
    }

    /// The step of a range query over a window: about 200 points, rounded up to a readable step.
    package static func step(for window: Window) -> Double {
        readableStep(atLeast: window.duration / 200)
    }

    /// The smallest step a person reads (1, 2, 5, 10, 15, 30 s; 1, 2, 5, 10, 15, 30 min; 1, 2, 3,
    /// 6, 12 h; then whole days) that is at least `seconds`, and at least 1 s.
    package static func readableStep(atLeast seconds: Double) -> Double {
        let wanted = max(1, seconds)
        let steps: [Double] = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200]
        if let step = steps.first(where: { $0 >= wanted }) { return step }
        return (wanted / 86400).rounded(.up) * 86400
    }
}
