import Glibc
import PerfGateCore

/// One metric's points in a k6 `--out json` stream: NDJSON, where a `{"type":"Metric",…}` line
/// declares each metric and one `{"type":"Point","metric":…,"data":{"time","value","tags"}}` line
/// records each sample. Streamed line by line; only the queried metric's numbers are kept.
package struct K6PointStream {
    let path: String
    let metric: K6MetricName
    /// Seconds; points outside are left out, as a window cannot filter a summary.
    let window: (start: Double, end: Double)?
    /// Whether to find the time span of all points (a counter's rate without a window).
    let needsSpan: Bool
    /// Trend values kept in memory (32 MiB); a stream with more is re-read to select exactly.
    var keepLimit = 1 << 22

    package init(path: String, metric: K6MetricName, window: (start: Double, end: Double)?, needsSpan: Bool) {
        self.path = path
        self.metric = metric
        self.window = window
        self.needsSpan = needsSpan
    }

    /// What a pass found.
    package struct Scan {
        var declaredType: K6MetricType?
        /// Metric names met (declared or with points), the first 1,000, for messages.
        var metricsSeen: [String] = []
        /// Points of the metric, any tags, any time; and the values of the first wanted tag
        /// among them (the first 20), for the message when no point has the wanted tags.
        var pointsOfMetric = 0
        var tagValuesSeen: [String] = []
        /// Points with the wanted tags: how many fell outside the window, and their time span.
        var outsideWindow = 0
        var earliest = Double.infinity
        var latest = -Double.infinity
        /// The time span of all points of all metrics (only when `needsSpan`).
        var streamStart = Double.infinity
        var streamEnd = -Double.infinity
        /// The wanted points inside the window.
        var count = 0
        var sum = 0.0
        var minimum = Double.infinity
        var maximum = -Double.infinity
        var last = 0.0
        var nonZero = 0
        /// Every value, in order, while there are at most `keepLimit`.
        package var kept: [Double]? = []
    }

    /// Reads the whole stream once, calling `visit` with each wanted value.
    package func scan(file: UnsafeMutablePointer<FILE>, visit: (Double) -> Void = { _ in }) throws(SourceError) -> Scan {
        var scan = Scan()
        let wantedMetric = Array(metric.base.utf8)
        let wantedTags = metric.tags.map { (Array($0.key.utf8), Array($0.value.utf8)) }
        var lastOther: [UInt8] = []
        let builtInType = K6MetricType.builtIn(metric.base)
        try LineReader().read(file: file, name: path) { (line, number, terminated) throws(SourceError) in
            var cursor = JSONCursor(bytes: line)
            cursor.skipSpace()
            guard cursor.index < line.count else { return }  // blank lines
            // Only a counter's rate needs the span: once the metric is known to be another kind,
            // the other metrics' times are not read.
            let type = scan.declaredType ?? builtInType
            let spanWanted = needsSpan && (type == nil || type == .counter)
            var point = PointLine()
            do throws(JSONMalformed) {
                try point.read(&cursor, metric: wantedMetric, tags: wantedTags, timeOfAll: spanWanted)
            } catch {
                throw Self.malformed(path, line: number, error, cut: !terminated)
            }
            switch point.kind {
            case .declaration(let name, let type):
                if scan.metricsSeen.count < 1000, !scan.metricsSeen.contains(name) { scan.metricsSeen.append(name) }
                if name == metric.base, let type { scan.declaredType = type }
            case .point(let isWanted, let metricName):
                var time: Double?
                func timeOfPoint() throws(SourceError) -> Double {
                    if let time { return time }
                    guard let range = point.time else {
                        throw SourceError("\(path):\(number): a point without its 'time'; this is not k6's --out json output")
                    }
                    do {
                        let parsed = try TimeParser.parseRFC3339(bytes: UnsafeBufferPointer(rebasing: line[range]))
                        time = parsed
                        return parsed
                    } catch {
                        throw SourceError("\(path):\(number): the point's time \(error.message)")
                    }
                }
                if spanWanted {
                    let at = try timeOfPoint()
                    scan.streamStart = min(scan.streamStart, at)
                    scan.streamEnd = max(scan.streamEnd, at)
                }
                guard isWanted else {
                    if let metricName, !line[metricName].elementsEqual(lastOther) {
                        lastOther = Array(line[metricName])
                        let name = cursor.text(JSONRawString(range: metricName, escaped: point.metricEscaped))
                        if scan.metricsSeen.count < 1000, !scan.metricsSeen.contains(name) { scan.metricsSeen.append(name) }
                    }
                    return
                }
                scan.pointsOfMetric += 1
                guard point.tagsMatched == wantedTags.count else {
                    if let seen = point.firstTagValue, scan.tagValuesSeen.count < 20 {
                        let text = cursor.text(seen)
                        if !scan.tagValuesSeen.contains(text) { scan.tagValuesSeen.append(text) }
                    }
                    return
                }
                guard let value = point.value else {
                    throw SourceError("\(path):\(number): a point of '\(metric.base)' without a numeric 'value'")
                }
                let at = try timeOfPoint()
                scan.earliest = min(scan.earliest, at)
                scan.latest = max(scan.latest, at)
                if let window, at < window.start || at > window.end {
                    scan.outsideWindow += 1
                    return
                }
                scan.count += 1
                scan.sum += value
                scan.minimum = min(scan.minimum, value)
                scan.maximum = max(scan.maximum, value)
                scan.last = value
                if value != 0 { scan.nonZero += 1 }
                if scan.kept != nil {
                    if scan.count <= keepLimit { scan.kept!.append(value) } else { scan.kept = nil }
                }
                visit(value)
            case .other:
                return
            }
        }
        return scan
    }

    static func malformed(_ path: String, line: Int, _ error: JSONMalformed, cut: Bool) -> SourceError {
        let cut = cut ? " (the last line ends early: the file is cut, as when k6 is killed before it finishes writing)" : ""
        return SourceError(
            "\(path):\(line): not a k6 JSON line: \(error.message) at column \(error.offset + 1)\(cut); k6 --out json writes one JSON object per line"
        )
    }
}

/// One line of a k6 stream, read in a single pass over its bytes.
private struct PointLine {
    enum Kind {
        case other
        case declaration(name: String, type: K6MetricType?)
        /// Whether the point's metric is the wanted one; the range of its name when it is not.
        case point(isWanted: Bool, metric: Range<Int>?)
    }

    var kind = Kind.other
    var time: Range<Int>?
    var value: Double?
    var tagsMatched = 0
    var firstTagValue: JSONRawString?
    var metricEscaped = false

    /// Reads a line; the data of a point only when it is the wanted metric's, or for its time
    /// when `timeOfAll`.
    mutating func read(_ cursor: inout JSONCursor, metric wanted: [UInt8], tags: [([UInt8], [UInt8])], timeOfAll: Bool) throws(JSONMalformed) {
        var type: JSONRawString?
        var metric: JSONRawString?
        var data: Int?
        try cursor.object { (cursor, key) throws(JSONMalformed) in
            if cursor.matches(key, "type") {
                type = try cursor.rawString()
            } else if cursor.matches(key, "metric") {
                metric = try cursor.rawString()
            } else if cursor.matches(key, "data") {
                cursor.skipSpace()
                data = cursor.index
                try cursor.skipValue()
            } else {
                try cursor.skipValue()
            }
        }
        cursor.skipSpace()
        guard cursor.index == cursor.bytes.count else { throw cursor.fail("text after the object") }
        guard let type, let data else { return }
        let end = cursor.index
        defer { cursor.index = end }
        cursor.index = data
        if cursor.matches(type, "Point") {
            guard let metric else { throw cursor.fail("a point without its 'metric'") }
            metricEscaped = metric.escaped
            let isWanted = cursor.rawEquals(metric, wanted)
            kind = .point(isWanted: isWanted, metric: isWanted ? nil : metric.range)
            if isWanted || timeOfAll { try readPoint(&cursor, tags: isWanted ? tags : []) }
        } else if cursor.matches(type, "Metric") {
            var name: String?
            var metricType: K6MetricType?
            try cursor.object { (cursor, key) throws(JSONMalformed) in
                if cursor.matches(key, "name") {
                    name = cursor.text(try cursor.rawString())
                } else if cursor.matches(key, "type") {
                    metricType = K6MetricType(rawValue: cursor.text(try cursor.rawString()))
                } else {
                    try cursor.skipValue()
                }
            }
            if let name = name ?? metric.map({ cursor.text($0) }) { kind = .declaration(name: name, type: metricType) }
        }
    }

    /// A wanted metric's point: its time, its value, and how many of the wanted tags it has.
    mutating func readPoint(_ cursor: inout JSONCursor, tags: [([UInt8], [UInt8])]) throws(JSONMalformed) {
        try cursor.object { (cursor, key) throws(JSONMalformed) in
            if cursor.matches(key, "time") {
                let raw = try cursor.rawString()
                time = raw.range
            } else if cursor.matches(key, "value") {
                value = try cursor.null() ? nil : try cursor.number()
            } else if cursor.matches(key, "tags"), !tags.isEmpty {
                if try cursor.null() { return }
                try cursor.object { (cursor, key) throws(JSONMalformed) in
                    guard let wanted = tags.firstIndex(where: { cursor.rawEquals(key, $0.0) }) else {
                        try cursor.skipValue()
                        return
                    }
                    cursor.skipSpace()
                    // Tags are strings in k6; any other literal is compared as written.
                    let raw: JSONRawString
                    if cursor.peek == UInt8(ascii: "\"") {
                        raw = try cursor.rawString()
                    } else {
                        let start = cursor.index
                        try cursor.skipValue()
                        raw = JSONRawString(range: start..<cursor.index, escaped: false)
                    }
                    if wanted == 0 { firstTagValue = raw }
                    if cursor.rawEquals(raw, tags[wanted].1) { tagsMatched += 1 }
                }
            } else {
                try cursor.skipValue()
            }
        }
    }
}

extension JSONScanning {
    /// Whether a raw string, escapes decoded, is `expected` (UTF-8).
    func rawEquals(_ raw: JSONRawString, _ expected: [UInt8]) -> Bool {
        raw.escaped ? Array(text(raw).utf8) == expected : bytes[raw.range].elementsEqual(expected)
    }
}
