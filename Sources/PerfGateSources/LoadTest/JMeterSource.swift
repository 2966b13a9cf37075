import Glibc
import PerfGateCore

/// JMeter results (JTL, CSV with its header line), graded per label.
///
/// ```
/// "query": {"file": "results.jtl", "label": "checkout", "stat": "p95"}
/// ```
/// Without `label` there is one result per label, in order of first appearance; `"label": "*"` is
/// one result over every sample, keyed `Total`, as JMeter's dashboard's Total row. perfgate computes
/// the statistics itself while streaming the file: `avg`, `min`, `max`, `median`, `p90`, `p95`,
/// `p99` (any `pNN`, nearest rank), `errorRate` (failed share, 0..1), `throughput` (samples per
/// second), `count`. With a window, only samples that started inside it count.
package struct JMeterSource: ResultFileSource {
    package let name = "jmeter"
    package init() {}

    static let example = #"{"file": "results.jtl", "label": "checkout", "stat": "p95"}"#

    /// A statistic of one label's samples, or of each label's. A Canary indicator's query has no
    /// statistic: it compares the samples themselves.
    package struct Query: ResultFileQuery {
        var file: String?
        var label: String?
        var stat: LoadTestStatistic?
        /// The query's own percentile definition, else the spec's default.
        var percentile: PercentileDefinition?
    }

    package func parse(_ query: Node, at path: SpecPath, context: ValidationContext) -> ParsedQuery<Query> {
        let read = ResultFile.fields(query, at: path, known: ["label", "stat", "percentile"], required: ["stat"], example: Self.example)
        guard let fields = read.query else { return .failed(read.diagnostics) }
        var diagnostics = read.diagnostics
        var percentile: PercentileDefinition?
        if let definition = fields["percentile"] {
            percentile = PercentileDefinition(rawValue: definition)
            if percentile == nil {
                diagnostics.append(
                    fields.error(
                        "percentile",
                        "unknown percentile definition '\(definition)'\(Suggestion.hint(for: definition, in: PercentileDefinition.names)); use one of \(PercentileDefinition.names.joined(separator: ", "))"
                    ))
            }
        }
        let stat = fields["stat"].flatMap(LoadTestStatistic.init)
        if let statName = fields["stat"], stat == nil {
            diagnostics.append(
                fields.error(
                    "stat",
                    "unknown statistic '\(statName)'\(Suggestion.hint(for: statName, in: LoadTestStatistic.names)); use one of \(LoadTestStatistic.names.joined(separator: ", "))"
                ))
        }
        guard !diagnostics.hasErrors else { return .failed(diagnostics) }
        return ParsedQuery(Query(file: fields.file, label: fields["label"], stat: stat, percentile: percentile), diagnostics: diagnostics)
    }

    func measurements(_ query: Query, context: SourceContext) async throws -> [Measurement] {
        guard let statistic = query.stat else { throw SourceError("the query needs a 'stat'") }
        // The query's own choice, else the spec's default (sources: {jmeter: {percentile: …}}), else JMeter's dashboard.
        let definition: PercentileDefinition
        if let chosen = query.percentile {
            definition = chosen
        } else if let chosen = context.sourceSettings?[name]?["percentile"]?.stringValue {
            guard let known = PercentileDefinition(rawValue: chosen) else {
                throw SourceError.invalidInput(
                    "unknown percentile definition '\(chosen)'\(Suggestion.hint(for: chosen, in: PercentileDefinition.names)); use one of \(PercentileDefinition.names.joined(separator: ", "))"
                )
            }
            definition = known
        } else {
            definition = .jmeter
        }
        let path = try ResultFile.path(for: query.file, source: name, context: context)
        let label = query.label
        // One read per file and window, whatever each indicator asks of it: every label's histogram.
        let (files, window) = (context.files, context.window)
        let summary = try await context.scans.answer(WholeFile(), of: "\(name)\u{0}\(path)\u{0}\(window.map { "\($0.start)-\($0.end)" } ?? "")") {
            _ in try JTLSummary.read(path: path, files: files, window: window, onlyLabel: nil)
        }.selecting(label)
        try summary.explainEmpty(path: path, label: label, window: context.window)
        let labels = label == LoadTestTotal.selector ? [LoadTestTotal.key] : label.map { [$0] } ?? summary.labelOrder
        return labels.compactMap { label in
            guard let histogram = summary.byLabel[label], histogram.count > 0 else { return nil }
            return Measurement(key: label, value: statistic.value(of: histogram, window: context.window, percentiles: definition))
        }
    }
}

/// One pass over a JTL file: a histogram per label.
package struct JTLSummary: Sendable {
    /// What a query of `label` reads of a scan of every label: that label's histogram, all of
    /// them (nil), or all of them merged as `Total` ("*"), as a scan of only those would give.
    func selecting(_ label: String?) -> JTLSummary {
        guard let label else { return self }
        var selected = self
        if label == LoadTestTotal.selector {
            var total = LatencyHistogram()
            for name in labelOrder { total.merge(byLabel[name] ?? LatencyHistogram()) }
            selected.byLabel = total.count > 0 ? [LoadTestTotal.key: total] : [:]
        } else {
            selected.byLabel = byLabel[label].map { [label: $0] } ?? [:]
        }
        selected.labelOrder = Array(selected.byLabel.keys)
        return selected
    }

    /// The largest `elapsed` read: about 35 years in milliseconds, far beyond any sample, and small
    /// enough that no sum of timestamps and durations can overflow.
    static let maxElapsed = 1 << 40
    /// 9999-12-31T23:59:59.999Z in epoch milliseconds.
    static let maxTimeStamp = 253_402_300_799_999
    package var byLabel: [String: LatencyHistogram] = [:]
    package var labelOrder: [String] = []
    /// Every label in the file (the first 1,000), inside the window or not: for the message when a
    /// query's label matches none.
    var labelsSeen: [String] = []
    /// The same, for the lookup: labels that alternate sample by sample would search the list each time.
    private var labelsSeenSet: Set<String> = []
    /// The label `add` registered last: labels come in runs, so the list is searched only when it changes.
    private var lastSeen: String?
    /// Samples left out by the window, and the time span of all samples (epoch ms).
    var outsideWindow = 0
    var earliest = Int.max
    var latest = Int.min

    /// One sample, from either format: the label bookkeeping, the window, the histogram.
    mutating func add(label: String, elapsed: Int, timeStamp: Int, success: Bool, window: (Double, Double)?, onlyLabel: String?) {
        if label != lastSeen {
            lastSeen = label
            if labelsSeen.count < 1000, labelsSeenSet.insert(label).inserted { labelsSeen.append(label) }
        }
        earliest = min(earliest, timeStamp)
        latest = max(latest, timeStamp)
        if let (start, end) = window, Double(timeStamp) < start || Double(timeStamp) > end {
            outsideWindow += 1
            return
        }
        // "*": every sample in one histogram, as JMeter's dashboard computes its Total row.
        let label = onlyLabel == LoadTestTotal.selector ? LoadTestTotal.key : label
        if let onlyLabel, onlyLabel != LoadTestTotal.selector, onlyLabel != label { return }
        if byLabel[label] == nil { labelOrder.append(label) }
        byLabel[label, default: LatencyHistogram()].add(elapsed: elapsed, success: success, timestamp: timeStamp)
    }

    /// An error instead of "no values" when the query's label is not in the file, or when no
    /// sample falls inside the window though some lie outside it: a spec mistake or a clock skew
    /// must not look like a bad build.
    func explainEmpty(path: String, label: String?, window: Window?) throws(SourceError) {
        guard byLabel.values.allSatisfy({ $0.count == 0 }) else { return }
        if let label, label != LoadTestTotal.selector, !labelsSeen.isEmpty, !labelsSeen.contains(label) {
            let quoted = labelsSeen.map { JSONWriter.quoted($0) }
            let hint = Suggestion.closest(to: label, in: labelsSeen).map { " (did you mean \(JSONWriter.quoted($0))? whitespace counts)" } ?? ""
            throw SourceError("\(path) has no sample labelled \(JSONWriter.quoted(label))\(hint); its labels: \(Excerpt.list(quoted))")
        }
        if let window, outsideWindow > 0 {
            throw SourceError(
                "no sample of \(path) falls inside the window \(CivilDate.rfc3339(window.start)) to \(CivilDate.rfc3339(window.end)); its \(outsideWindow) samples run from \(CivilDate.rfc3339(Double(earliest) / 1000)) to \(CivilDate.rfc3339(Double(latest) / 1000)). Check the window, and the clocks of the load generator and this machine"
            )
        }
    }

    static func read(path: String, files: any Files, window: Window?, onlyLabel: String?) throws(SourceError) -> JTLSummary {
        try ResultFile.stream(path, files: files) { (file) throws(SourceError) in
            try read(file: file, name: path, window: window, onlyLabel: onlyLabel)
        }
    }

    /// The summary of an open JTL stream; `name` names it in messages.
    package static func read(file: UnsafeMutablePointer<FILE>, name path: String, window: Window?, onlyLabel: String?) throws(SourceError)
        -> JTLSummary
    {
        var summary = JTLSummary()
        var columns: (timeStamp: Int, elapsed: Int, label: Int, success: Int)?
        var width = 0
        // Labels repeat on every row: compare the raw bytes with the last one before making a String.
        var lastLabelBytes: [UInt8] = []
        var lastLabel = ""
        var recent = RecentLabels()
        let windowMillis = window.map { ($0.start * 1000, $0.end * 1000) }
        if try JTLFormat.isXML(file: file) {
            try XMLJTLReader().read(file: file, name: path) { (attributes, line) throws(SourceError) in
                let fields = attributes.sampleFields
                guard let elapsed = attributes.integer(in: fields.elapsed), (0...Self.maxElapsed).contains(elapsed) else {
                    throw SourceError(
                        "\(path):\(line): a sample's 't' (elapsed) must be a whole number of milliseconds from 0 to \(Self.maxElapsed), found \(Excerpt.quoted(attributes["t"] ?? "nothing"))"
                    )
                }
                guard let timeStamp = attributes.integer(in: fields.timeStamp), (0...Self.maxTimeStamp).contains(timeStamp) else {
                    throw SourceError(
                        "\(path):\(line): a sample's 'ts' must be epoch milliseconds before the year 10000, found \(Excerpt.quoted(attributes["ts"] ?? "nothing"))"
                    )
                }
                // Labels repeat, in runs or in turn: compare the raw bytes with the last one, then
                // with the labels made recently, before making (and decoding) a String.
                if !attributes.rawEquals(in: fields.label, lastLabelBytes) || lastLabelBytes.isEmpty {
                    let range = fields.label
                    if let range, let cached = recent.label(for: UnsafeBufferPointer(rebasing: attributes.bytes[range])) {
                        lastLabel = cached
                    } else {
                        lastLabel = attributes["lb"] ?? ""
                        if let range { recent.add(Array(attributes.bytes[range]), lastLabel) }
                    }
                    lastLabelBytes = range.map { Array(attributes.bytes[$0]) } ?? []
                }
                summary.add(
                    label: lastLabel, elapsed: elapsed, timeStamp: timeStamp, success: attributes.isTrue(in: fields.success),
                    window: windowMillis, onlyLabel: onlyLabel)
            }
            return summary
        }
        let separator = try JTLFormat.separator(file: file, path: path)
        try CSVReader(separator: separator).read(file: file, name: path) { (record, line) throws(SourceError) in
            guard let known = columns else {
                columns = try header(record, path: path, separator: separator)
                width = record.count
                return true
            }
            // A row that does not match the header is an error, never skipped: a field with an
            // unquoted separator would otherwise shift 'success' and the label silently.
            guard record.count == width else {
                throw SourceError("\(path):\(line): \(record.count) fields, but the header has \(width); a field holding a ',' must be quoted")
            }
            guard let elapsed = record.integer(known.elapsed), (0...Self.maxElapsed).contains(elapsed) else {
                throw SourceError(
                    "\(path):\(line): 'elapsed' must be a whole number of milliseconds from 0 to \(Self.maxElapsed), found \(Excerpt.quoted(record.string(known.elapsed)))"
                )
            }
            guard let timeStamp = record.integer(known.timeStamp), (0...Self.maxTimeStamp).contains(timeStamp) else {
                let text = record.string(known.timeStamp)
                if text.contains("-") || text.contains("/") || text.contains(":") {
                    throw SourceError(
                        "\(path):\(line): 'timeStamp' is a formatted date (\(Excerpt.quoted(text))): JMeter wrote it with jmeter.save.saveservice.timestamp_format; perfgate reads epoch milliseconds, JMeter's default: remove that setting (or set it to ms) and run the test again"
                    )
                }
                throw SourceError(
                    "\(path):\(line): 'timeStamp' must be epoch milliseconds (the JTL default) before the year 10000, found \(Excerpt.quoted(text))")
            }
            if !record.labelEquals(known.label, lastLabelBytes) {
                lastLabel = record.string(known.label)
                lastLabelBytes = Array(lastLabel.utf8)
            }
            summary.add(
                label: lastLabel, elapsed: elapsed, timeStamp: timeStamp, success: record.isTrue(known.success),
                window: windowMillis, onlyLabel: onlyLabel)
            return true
        }
        guard columns != nil else { throw SourceError("\(path) is empty: expected a JTL CSV with a header line") }
        return summary
    }

    static func header(_ record: CSVRecord, path: String, separator: UInt8) throws(SourceError) -> (Int, Int, Int, Int) {
        let names = (0..<record.count).map { record.string($0) }
        if let wrong = JTLFormat.wrongKind(names) { throw SourceError("\(path) \(wrong)") }
        func column(_ name: String) throws(SourceError) -> Int {
            guard let index = names.firstIndex(of: name) else {
                throw SourceError(
                    "\(path) has no '\(name)' column; perfgate reads JTL CSV files with the header line (jmeter.save.saveservice.print_field_names=true); found: \(Excerpt.list(names, limit: 8))"
                )
            }
            return index
        }
        return (try column("timeStamp"), try column("elapsed"), try column("label"), try column("success"))
    }
}

extension CSVRecord {
    /// Whether field `index` holds exactly `expected` (unquoted fields only; quoted ones are re-read).
    func labelEquals(_ index: Int, _ expected: [UInt8]) -> Bool {
        guard index < count, !expected.isEmpty || fields[index].range.isEmpty else { return false }
        let field = fields[index]
        guard !field.quoted, field.range.count == expected.count else { return false }
        var offset = 0
        for position in field.range {
            if bytes[position] != expected[offset] { return false }
            offset += 1
        }
        return true
    }
}

/// What kind of file a JTL query got, before reading it as one.
enum JTLFormat {
    /// The field separator JMeter wrote (jmeter.save.saveservice.default_delimiter): the one of
    /// ',', tab and ';' the header line splits on into a `timeStamp` column, else the most frequent.
    /// Reads the start of the file and rewinds it.
    static func separator(file: UnsafeMutablePointer<FILE>, path: String) throws(SourceError) -> UInt8 {
        var head = ResultFile.head(file)[...]
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { head = head.dropFirst(3) }
        let line = Array(head.prefix { $0 != UInt8(ascii: "\n") })
        let text = String(decoding: line, as: UTF8.self)
        if let wrong = wrongStart(text, head: head) { throw SourceError("\(path) \(wrong)") }
        let candidates: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: "\t"), UInt8(ascii: ";")]
        let unquoted = { (field: Substring) in String(field.filter { $0 != "\"" && $0 != "\r" && $0 != " " }) }
        for candidate in candidates where text.split(separator: Character(Unicode.Scalar(candidate))).map(unquoted).contains("timeStamp") {
            return candidate
        }
        return candidates.max { a, b in line.filter { $0 == a }.count < line.filter { $0 == b }.count } ?? UInt8(ascii: ",")
    }

    /// Whether the file is an XML JTL (it starts with `<`, after a byte-order mark and white space). Rewinds it.
    static func isXML(file: UnsafeMutablePointer<FILE>) throws(SourceError) -> Bool {
        var bytes = ResultFile.head(file, count: 4096)[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        return bytes.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) } == UInt8(ascii: "<")
    }

    /// Files that are not a JTL at all, from their first line and the start of the file.
    static func wrongStart(_ line: String, head: ArraySlice<UInt8>) -> String? {
        if let first = head.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }), first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
            if String(decoding: head.prefix(4096), as: UTF8.self).contains("\"pct1ResTime\"") {
                return
                    "is JMeter's HTML dashboard statistics.json, a summary, not a JTL: give the JTL the dashboard was made from, or read this file with the json source (pointer /LABEL/pct2ResTime is the dashboard's p95)"
            }
            return "is JSON, not a JMeter JTL: perfgate reads the results JMeter writes with -l results.jtl (CSV or XML)"
        }
        if line.hasPrefix("RUN\t") || line.hasPrefix("RUN ") {
            return "is a Gatling simulation.log, not a JMeter JTL: gate Gatling's js/stats.json with the json source (see Examples/gatling)"
        }
        return nil
    }

    /// A header that names what the file is instead (a summary, a file without a header).
    static func wrongKind(_ names: [String]) -> String? {
        if names.contains("# Samples") || (names.first == "Label" && names.contains("Average")) {
            return
                "is JMeter's Aggregate or Summary Report table (Save Table Data), a summary; perfgate needs the raw results the test wrote: jmeter -n -t plan.jmx -l results.jtl"
        }
        if let first = names.first, first.count == 13, first.allSatisfy(\.isNumber) {
            return
                "has no header line (its first line is a sample); perfgate reads JTL CSV files with the header line: set jmeter.save.saveservice.print_field_names=true (JMeter's default)"
        }
        return nil
    }
}

/// The last labels a JTL made, by their raw bytes: a file whose labels take turns (a thread group
/// of several requests) would otherwise decode and allocate a String per sample.
struct RecentLabels {
    static let capacity = 64
    private var entries: [(bytes: [UInt8], label: String)] = []
    private var next = 0

    /// The entry found last: a thread group's labels come round in the same order, so the one
    /// after it is tried first.
    private var lastFound = 0

    mutating func label(for bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard !entries.isEmpty else { return nil }
        let next = (lastFound + 1) % entries.count
        if entries[next].bytes.count == bytes.count && Self.same(entries[next].bytes, bytes) {
            lastFound = next
            return entries[next].label
        }
        guard let index = entries.firstIndex(where: { $0.bytes.count == bytes.count && Self.same($0.bytes, bytes) }) else { return nil }
        lastFound = index
        return entries[index].label
    }

    /// memcmp: a generic `elementsEqual` walks iterators and was a quarter of a read.
    static func same(_ array: [UInt8], _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        array.withUnsafeBufferPointer { mine in
            guard let a = mine.baseAddress, let b = bytes.baseAddress else { return mine.count == bytes.count }
            return memcmp(a, b, mine.count) == 0
        }
    }

    mutating func add(_ bytes: [UInt8], _ label: String) {
        if entries.count < Self.capacity {
            entries.append((bytes, label))
        } else {
            entries[next] = (bytes, label)
            next = (next + 1) % Self.capacity
        }
    }
}
