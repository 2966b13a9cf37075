#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import PerfGateCore

/// JMeter results (JTL, CSV with its header line), graded per label.
///
/// ```
/// "query": {"file": "results.jtl", "label": "checkout", "stat": "p95"}
/// ```
/// Without `label` there is one result per label, in order of first appearance. perfgate computes
/// the statistics itself while streaming the file: `avg`, `min`, `max`, `median`, `p90`, `p95`,
/// `p99` (any `pNN`, nearest rank), `errorRate` (failed share, 0..1), `throughput` (samples per
/// second), `count`. With a window, only samples that started inside it count.
public struct JMeterSource: MetricSource {
    public let name = "jmeter"
    public init() {}

    static let example = #"{"file": "results.jtl", "label": "checkout", "stat": "p95"}"#

    public func validate(_ query: Node, at path: SpecPath, context: ValidationContext) -> [Diagnostic] {
        var (reader, diagnostics) = ResultFile.validate(query, at: path, known: ["label", "stat"], required: ["stat"], example: Self.example)
        if let stat = reader?["stat"]?.stringValue, LoadTestStatistic(stat) == nil {
            diagnostics.append(.error(path.appending("stat"), reader?["stat"]?.location,
                "unknown statistic '\(stat)'\(Suggestion.hint(for: stat, in: LoadTestStatistic.names)); use one of \(LoadTestStatistic.names.joined(separator: ", "))"))
        }
        return diagnostics
    }

    public func fetch(_ query: Node, context: SourceContext) async throws -> [Measurement] {
        guard let statName = query["stat"]?.stringValue, let statistic = LoadTestStatistic(statName) else {
            throw SourceError("the query needs a valid 'stat'")
        }
        let path = try ResultFile.path(for: query, source: name, context: context)
        let label = query["label"]?.stringValue
        let summary = try JTLSummary.read(path: path, window: context.window, onlyLabel: label)
        let labels = label.map { [$0] } ?? summary.labelOrder
        return labels.compactMap { label in
            guard let histogram = summary.byLabel[label], histogram.count > 0 else { return nil }
            return Measurement(key: label, value: statistic.value(of: histogram, window: context.window))
        }
    }
}

/// One pass over a JTL file: a histogram per label.
struct JTLSummary {
    /// The largest `elapsed` read: about 35 years in milliseconds, far beyond any sample, and small
    /// enough that no sum of timestamps and durations can overflow.
    static let maxElapsed = 1 << 40
    /// 9999-12-31T23:59:59.999Z in epoch milliseconds.
    static let maxTimeStamp = 253_402_300_799_999
    var byLabel: [String: LatencyHistogram] = [:]
    var labelOrder: [String] = []

    static func read(path: String, window: Window?, onlyLabel: String?) throws(SourceError) -> JTLSummary {
        try ResultFile.stream(path) { (file) throws(SourceError) in
            try read(file: file, name: path, window: window, onlyLabel: onlyLabel)
        }
    }

    /// The summary of an open JTL stream; `name` names it in messages.
    static func read(file: UnsafeMutablePointer<FILE>, name path: String, window: Window?, onlyLabel: String?) throws(SourceError) -> JTLSummary {
        var summary = JTLSummary()
        var columns: (timeStamp: Int, elapsed: Int, label: Int, success: Int)?
        var width = 0
        // Labels repeat on every row: compare the raw bytes with the last one before making a String.
        var lastLabelBytes: [UInt8] = []
        var lastLabel = ""
        let windowMillis = window.map { ($0.start * 1000, $0.end * 1000) }
        try CSVReader().read(file: file, name: path) { (record, line) throws(SourceError) in
            guard let known = columns else {
                columns = try header(record, path: path)
                width = record.count
                return true
            }
            // A row that does not match the header is an error, never skipped: a field with an
            // unquoted separator would otherwise shift 'success' and the label silently.
            guard record.count == width else {
                throw SourceError("\(path):\(line): \(record.count) fields, but the header has \(width); a field holding a ',' must be quoted")
            }
            guard let elapsed = record.integer(known.elapsed), (0...Self.maxElapsed).contains(elapsed) else {
                throw SourceError("\(path):\(line): 'elapsed' must be a whole number of milliseconds from 0 to \(Self.maxElapsed), found \(Excerpt.quoted(record.string(known.elapsed)))")
            }
            guard let timeStamp = record.integer(known.timeStamp), (0...Self.maxTimeStamp).contains(timeStamp) else {
                throw SourceError("\(path):\(line): 'timeStamp' must be epoch milliseconds (the JTL default) before the year 10000, found \(Excerpt.quoted(record.string(known.timeStamp)))")
            }
            if let (start, end) = windowMillis, Double(timeStamp) < start || Double(timeStamp) > end { return true }
            if !record.labelEquals(known.label, lastLabelBytes) {
                lastLabel = record.string(known.label)
                lastLabelBytes = Array(lastLabel.utf8)
            }
            if let onlyLabel, onlyLabel != lastLabel { return true }
            if summary.byLabel[lastLabel] == nil { summary.labelOrder.append(lastLabel) }
            summary.byLabel[lastLabel, default: LatencyHistogram()].add(
                elapsed: elapsed, success: record.isTrue(known.success), timestamp: timeStamp)
            return true
        }
        guard columns != nil else { throw SourceError("\(path) is empty: expected a JTL CSV with a header line") }
        return summary
    }

    static func header(_ record: CSVRecord, path: String) throws(SourceError) -> (Int, Int, Int, Int) {
        let names = (0..<record.count).map { record.string($0) }
        func column(_ name: String) throws(SourceError) -> Int {
            guard let index = names.firstIndex(of: name) else {
                throw SourceError("\(path) has no '\(name)' column; perfgate reads JTL CSV files with the header line (jmeter.save.saveservice.print_field_names=true); found: \(Excerpt.list(names, limit: 8))")
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
