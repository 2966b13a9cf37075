import Glibc
import PerfGateCore

/// Locust's `*_stats.csv`, one row per request name.
///
/// ```
/// "query": {"file": "stats_stats.csv", "name": "/checkout", "stat": "95%"}
/// ```
/// `stat` is a column header as Locust writes it (`95%`, `Average Response Time`, `Requests/s`,
/// `Failure Count`, …). Without `name` there is one result per row except `Aggregated`; `"*"` is
/// the `Aggregated` row (keyed `Total`), every request together; `type`
/// (`GET`, `POST`) narrows rows that share a name. Locust's file has no timestamps, so the window
/// does not filter it.
package struct LocustSource: ResultFileSource {
    package let name = "locust"
    package init() {}

    static let example = #"{"file": "stats_stats.csv", "name": "/checkout", "stat": "95%"}"#

    /// A column of the rows a name (and a type) picks.
    package struct Query: ResultFileQuery {
        var file: String?
        var name: String?
        var type: String?
        var stat: String
    }

    package func parse(_ query: Node, at path: SpecPath, context: ValidationContext) -> ParsedQuery<Query> {
        let read = ResultFile.fields(query, at: path, known: ["name", "type", "stat"], required: ["stat"], example: Self.example)
        guard let fields = read.query, let stat = fields["stat"], !read.diagnostics.hasErrors else { return .failed(read.diagnostics) }
        return ParsedQuery(Query(file: fields.file, name: fields["name"], type: fields["type"], stat: stat), diagnostics: read.diagnostics)
    }

    func measurements(_ query: Query, context: SourceContext) async throws -> [Measurement] {
        let path = try ResultFile.path(for: query.file, source: name, context: context)
        return try ResultFile.stream(path, files: context.files) { (file) throws(SourceError) in
            try Self.measurements(file: file, name: path, stat: query.stat, wantedName: query.name, wantedType: query.type)
        }
    }

    /// One result per matching row of an open stats stream; `name` names it in messages.
    package static func measurements(
        file: UnsafeMutablePointer<FILE>, name path: String, stat: String, wantedName: String?, wantedType: String?
    ) throws(SourceError) -> [Measurement] {
        var header: [String]?
        var statColumn = 0
        var results: [Measurement] = []
        try CSVReader().read(file: file, name: path) { (record, line) throws(SourceError) in
            let fields = (0..<record.count).map { record.string($0) }
            guard let columns = header else {
                if fields.contains("Timestamp") && fields.contains("User Count") {
                    throw SourceError(
                        "\(path) is Locust's stats history (*_stats_history.csv), a time series; perfgate reads the summary of the same run: the *_stats.csv file beside it"
                    )
                }
                guard fields.contains("Name") else {
                    throw SourceError("\(path) has no 'Name' column: expected Locust's *_stats.csv")
                }
                statColumn = try Self.column(stat, in: fields, path: path)
                header = fields
                return true
            }
            guard fields.count == columns.count else {
                throw SourceError(
                    "\(path):\(line): \(fields.count) fields, but the header has \(columns.count); a field holding a ',' must be quoted")
            }
            let field = { (name: String) in columns.firstIndex(of: name).map { $0 < fields.count ? fields[$0] : "" } }
            let rowName = field("Name") ?? ""
            // Locust before 1.0 (*_requests.csv) calls the type 'Method' and the total row 'Total'.
            let rowType = field("Type") ?? field("Method") ?? ""
            let isTotal = rowName == "Aggregated" || rowType == "Aggregated" || (rowName == "Total" && ["None", ""].contains(rowType))
            // "*" is the total row, as JMeter's Total: every request together.
            if wantedName == LoadTestTotal.selector {
                guard isTotal else { return true }
            } else if let wantedName, rowName != wantedName {
                return true
            }
            if wantedName == nil, isTotal { return true }
            if let wantedType, wantedName != LoadTestTotal.selector, rowType.lowercased() != wantedType.lowercased() { return true }
            let text = statColumn < fields.count ? fields[statColumn] : ""
            do throws(SourceError) {
                results.append(
                    Measurement(key: wantedName == LoadTestTotal.selector ? LoadTestTotal.key : rowName, value: try NumericValue.parse(.string(text)))
                )
            } catch {
                throw SourceError("\(path):\(line): column '\(stat)': \(error.message)")
            }
            return true
        }
        guard header != nil else { throw SourceError("\(path) is empty: expected Locust's *_stats.csv") }
        return results
    }

    static func column(_ stat: String, in header: [String], path: String) throws(SourceError) -> Int {
        if let exact = header.firstIndex(of: stat) { return exact }
        if let loose = header.firstIndex(where: { $0.lowercased() == stat.lowercased() }) { return loose }
        throw SourceError(
            "\(path) has no column '\(stat)'\(Suggestion.hint(for: stat, in: header)); columns: \(Excerpt.list(header))")
    }
}
