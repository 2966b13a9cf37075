import Glibc
import PerfGateCore

/// Metrics' points in a k6 `--out json` stream: NDJSON, where a `{"type":"Metric",…}` line
/// declares each metric and one `{"type":"Point","metric":…,"data":{"time","value","tags"}}` line
/// records each sample. Streamed line by line; only the queried metrics' numbers are kept. One
/// pass answers any number of questions (a metric with its tags), each with its own `Scan`.
package struct K6PointStream {
    let path: String
    /// What is asked, in order: a metric with the tags its points must carry.
    let metrics: [K6MetricName]
    /// Seconds; points outside are left out, as a window cannot filter a summary.
    let window: (start: Double, end: Double)?
    /// Per metric: whether to find the time span of all points (a counter's rate without a window).
    let needsSpan: [Bool]
    /// Trend values kept in memory per metric (32 MiB); a stream with more is re-read to select exactly.
    var keepLimits: [Int]
    /// The distinct metric names asked, and which questions ask each.
    private let bases: [[UInt8]]
    private let askersOfBase: [[Int]]
    /// Per distinct name: every tag key its questions want; per question: its tags as (index of
    /// the key in its name's list, the wanted value).
    private let tagKeysOfBase: [[[UInt8]]]
    private let wantedTags: [[(key: Int, value: [UInt8])]]
    private let builtInTypes: [K6MetricType?]

    /// One metric: `scan` gives its Scan.
    package init(path: String, metric: K6MetricName, window: (start: Double, end: Double)?, needsSpan: Bool) {
        self.init(path: path, metrics: [metric], window: window, needsSpan: [needsSpan])
    }

    package init(path: String, metrics: [K6MetricName], window: (start: Double, end: Double)?, needsSpan: [Bool]) {
        self.path = path
        self.metrics = metrics
        self.window = window
        self.needsSpan = needsSpan
        keepLimits = Array(repeating: 1 << 22, count: metrics.count)
        var bases: [[UInt8]] = []
        var askers: [[Int]] = []
        var keys: [[[UInt8]]] = []
        var tags: [[(key: Int, value: [UInt8])]] = []
        for (question, metric) in metrics.enumerated() {
            let base = Array(metric.base.utf8)
            let index =
                bases.firstIndex(of: base)
                ?? {
                    bases.append(base)
                    askers.append([])
                    keys.append([])
                    return bases.count - 1
                }()
            askers[index].append(question)
            tags.append(
                metric.tags.map { tag in
                    let key = Array(tag.key.utf8)
                    let position =
                        keys[index].firstIndex(of: key)
                        ?? {
                            keys[index].append(key)
                            return keys[index].count - 1
                        }()
                    return (position, Array(tag.value.utf8))
                })
        }
        self.bases = bases
        askersOfBase = askers
        tagKeysOfBase = keys
        wantedTags = tags
        builtInTypes = metrics.map { K6MetricType.builtIn($0.base) }
    }

    /// The first metric's keep limit (a single-metric stream's).
    var keepLimit: Int {
        get { keepLimits.first ?? 0 }
        set { keepLimits = keepLimits.map { _ in newValue } }
    }

    /// What a pass found.
    package struct Scan: Sendable {
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

        mutating func add(_ value: Double, keepLimit: Int) {
            count += 1
            sum += value
            minimum = min(minimum, value)
            maximum = max(maximum, value)
            last = value
            if value != 0 { nonZero += 1 }
            if kept != nil {
                if count <= keepLimit { kept!.append(value) } else { kept = nil }
            }
        }
    }

    /// Reads the whole stream once for the first metric, calling `visit` with each wanted value.
    package func scan(file: UnsafeMutablePointer<FILE>, visit: (Double) -> Void = { _ in }) throws(SourceError) -> Scan {
        try scanAll(file: file) { question, value in if question == 0 { visit(value) } }[0]
    }

    /// Reads the whole stream once for every metric, calling `visit` with each wanted value and
    /// the index of the metric it answers.
    package func scanAll(file: UnsafeMutablePointer<FILE>, visit: (Int, Double) -> Void = { _, _ in }) throws(SourceError) -> [Scan] {
        var scans = Array(repeating: Scan(), count: metrics.count)
        var metricsSeen: [String] = []
        var lastOther: [UInt8] = []
        try LineReader().read(file: file, name: path) { (line, number, terminated) throws(SourceError) in
            var cursor = JSONCursor(bytes: line)
            cursor.skipSpace()
            guard cursor.index < line.count else { return }  // blank lines
            // Only a counter's rate needs the span: once the metric is known to be another kind,
            // the other metrics' times are not read.
            var spanWanted = false
            for question in metrics.indices where needsSpan[question] {
                let type = scans[question].declaredType ?? builtInTypes[question]
                if type == nil || type == .counter { spanWanted = true }
            }
            var point = PointLine()
            do throws(JSONMalformed) {
                try point.read(&cursor, bases: bases, tagKeys: tagKeysOfBase, timeOfAll: spanWanted)
            } catch {
                throw Self.malformed(path, line: number, error, cut: !terminated)
            }
            switch point.kind {
            case .declaration(let name, let type):
                if metricsSeen.count < 1000, !metricsSeen.contains(name) { metricsSeen.append(name) }
                if let type {
                    for question in metrics.indices where metrics[question].base == name { scans[question].declaredType = type }
                }
            case .point(let base, let metricName):
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
                    for question in metrics.indices where needsSpan[question] {
                        scans[question].streamStart = min(scans[question].streamStart, at)
                        scans[question].streamEnd = max(scans[question].streamEnd, at)
                    }
                }
                guard let base else {
                    if let metricName, !line[metricName].elementsEqual(lastOther) {
                        lastOther = Array(line[metricName])
                        let name = cursor.text(JSONRawString(range: metricName, escaped: point.metricEscaped))
                        if metricsSeen.count < 1000, !metricsSeen.contains(name) { metricsSeen.append(name) }
                    }
                    return
                }
                for question in askersOfBase[base] {
                    let tags = wantedTags[question]
                    scans[question].pointsOfMetric += 1
                    guard tags.allSatisfy({ tag in point.tagValues[tag.key].map { cursor.rawEquals($0, tag.value) } ?? false }) else {
                        if let first = tags.first, let seen = point.tagValues[first.key], scans[question].tagValuesSeen.count < 20 {
                            let text = cursor.text(seen)
                            if !scans[question].tagValuesSeen.contains(text) { scans[question].tagValuesSeen.append(text) }
                        }
                        continue
                    }
                    guard let value = point.value else {
                        throw SourceError("\(path):\(number): a point of '\(metrics[question].base)' without a numeric 'value'")
                    }
                    let at = try timeOfPoint()
                    scans[question].earliest = min(scans[question].earliest, at)
                    scans[question].latest = max(scans[question].latest, at)
                    if let window, at < window.start || at > window.end {
                        scans[question].outsideWindow += 1
                        continue
                    }
                    scans[question].add(value, keepLimit: keepLimits[question])
                    visit(question, value)
                }
            case .other:
                return
            }
        }
        for question in scans.indices { scans[question].metricsSeen = metricsSeen }
        return scans
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
        /// Which of the wanted names the point's metric is (nil: none); the range of its name when none.
        case point(base: Int?, metric: Range<Int>?)
    }

    var kind = Kind.other
    var time: Range<Int>?
    var value: Double?
    /// The values of the wanted name's tag keys, by their index in its list.
    var tagValues: [JSONRawString?] = []
    var metricEscaped = false

    /// Reads a line; the data of a point only when it is a wanted metric's, or for its time when
    /// `timeOfAll`.
    mutating func read(_ cursor: inout JSONCursor, bases: [[UInt8]], tagKeys: [[[UInt8]]], timeOfAll: Bool) throws(JSONMalformed) {
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
            let base = bases.firstIndex { cursor.rawEquals(metric, $0) }
            kind = .point(base: base, metric: base == nil ? metric.range : nil)
            if let base {
                tagValues = Array(repeating: nil, count: tagKeys[base].count)
                try readPoint(&cursor, tagKeys: tagKeys[base])
            } else if timeOfAll {
                try readPoint(&cursor, tagKeys: [])
            }
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

    /// A wanted metric's point: its time, its value, and the values of the wanted tag keys.
    mutating func readPoint(_ cursor: inout JSONCursor, tagKeys: [[UInt8]]) throws(JSONMalformed) {
        try cursor.object { (cursor, key) throws(JSONMalformed) in
            if cursor.matches(key, "time") {
                let raw = try cursor.rawString()
                time = raw.range
            } else if cursor.matches(key, "value") {
                value = try cursor.null() ? nil : try cursor.number()
            } else if cursor.matches(key, "tags"), !tagKeys.isEmpty {
                if try cursor.null() { return }
                try cursor.object { (cursor, key) throws(JSONMalformed) in
                    guard let wanted = tagKeys.firstIndex(where: { cursor.rawEquals(key, $0) }) else {
                        try cursor.skipValue()
                        return
                    }
                    cursor.skipSpace()
                    // Tags are strings in k6; any other literal is compared as written.
                    if cursor.peek == UInt8(ascii: "\"") {
                        tagValues[wanted] = try cursor.rawString()
                    } else {
                        let start = cursor.index
                        try cursor.skipValue()
                        tagValues[wanted] = JSONRawString(range: start..<cursor.index, escaped: false)
                    }
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
