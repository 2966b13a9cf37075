import PerfGateCore

/// Reads the answer of InfluxDB's `/query` (JSON, `epoch=ms`): one measurement per row of each
/// series, keyed by the series' name and tags, at the row's time.
///
/// ```
/// {"results":[{"statement_id":0,"series":[{"name":"http_req_duration","tags":{"name":"login"},
///   "columns":["time","p95"],"values":[[1714564800000,10]]}]}]}
/// ```
/// An error comes as `{"error": …}` (HTTP 400, 401, 5xx) or, with HTTP 200, as a statement's
/// `"error"` (an unknown database or retention policy): both fail the query. A statement
/// without `series` matched nothing: no values.
package enum InfluxDBResponse {
    package static func answer(_ response: HTTPResponse, column: String?, request: String) throws(SourceError) -> SourceAnswer {
        let root: Node
        do {
            root = try JSONParser.parse(response.body)
        } catch {
            guard (200..<300).contains(response.status) else {
                throw SourceError("\(request): HTTP \(response.status): \(JSONWriter.quoted(response.bodyPreview()))")
            }
            throw SourceError("\(request): the answer is not valid JSON (\(error)): \(JSONWriter.quoted(response.bodyPreview()))")
        }
        if let message = root["error"]?.stringValue {
            let hint = response.status == 401 ? " (check INFLUXDB_USERNAME and INFLUXDB_PASSWORD, or INFLUXDB_TOKEN)" : ""
            throw SourceError("\(request): HTTP \(response.status): \(Excerpt.of(message, limit: 500))\(hint)")
        }
        guard (200..<300).contains(response.status) else {
            throw SourceError("\(request): HTTP \(response.status): \(JSONWriter.quoted(response.bodyPreview()))")
        }
        guard let results = root["results"]?.items else {
            throw SourceError("\(request): the answer has no \"results\": \(JSONWriter.quoted(response.bodyPreview()))")
        }
        var measurements: [Measurement] = []
        var warnings: [String] = []
        for result in results {
            if let message = result["error"]?.stringValue { throw SourceError("\(request): \(Excerpt.of(message, limit: 500))") }
            for message in result["messages"]?.items ?? [] {
                if let text = message["text"]?.stringValue { warnings.append("influxdb: \(Excerpt.of(text, limit: 300))") }
            }
            for series in result["series"]?.items ?? [] {
                measurements += try rows(of: series, column: column, request: request)
            }
        }
        return SourceAnswer(measurements, warnings: warnings)
    }

    /// One series' rows as measurements.
    static func rows(of series: Node, column: String?, request: String) throws(SourceError) -> [Measurement] {
        let key = Self.key(series)
        let columns = (series["columns"]?.items ?? []).map { $0.stringValue ?? "" }
        let valueColumns = columns.filter { $0 != "time" }
        let index: Int
        if let column {
            guard let found = columns.firstIndex(of: column) else {
                throw SourceError(
                    "\(request): the series \(key) has no column \(Excerpt.quoted(column))\(Suggestion.hint(for: column, in: valueColumns)); its columns: \(Excerpt.list(valueColumns))"
                )
            }
            index = found
        } else {
            guard valueColumns.count == 1, let found = columns.firstIndex(of: valueColumns[0]) else {
                throw SourceError(
                    "\(request): the series \(key) has \(valueColumns.count) value columns (\(Excerpt.list(valueColumns))); name the one to grade with the query's 'column'"
                )
            }
            index = found
        }
        let timeIndex = columns.firstIndex(of: "time")
        return try (series["values"]?.items ?? []).map { (row) throws(SourceError) in
            let cells = row.items ?? []
            let value: Double?
            do throws(SourceError) {
                value = index < cells.count ? try NumericValue.parse(cells[index]) : nil
            } catch {
                throw SourceError("\(request): the series \(key): \(error.message)")
            }
            let milliseconds = timeIndex.flatMap { $0 < cells.count ? cells[$0].numberValue : nil }
            return Measurement(key: key, value: value, timestamp: milliseconds.map { $0 / 1000 })
        }
    }

    /// `name{tag="value",…}`, tags in byte order, as Prometheus keys are written; the name alone
    /// without tags.
    static func key(_ series: Node) -> String {
        let name = series["name"]?.stringValue ?? ""
        let tags = (series["tags"]?.members ?? []).map { ($0.key, $0.value.stringValue ?? "") }
            .sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
        guard !tags.isEmpty else { return name }
        return name + "{" + tags.map { "\($0.0)=\(quoted($0.1))" }.joined(separator: ",") + "}"
    }

    static func quoted(_ text: String) -> String {
        var result = "\""
        for character in text.unicodeScalars {
            switch character {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where character.value < 0x20 || character.value == 0x7F:
                result += "\\u" + String(repeating: "0", count: 4 - String(character.value, radix: 16).count) + String(character.value, radix: 16)
            default: result.unicodeScalars.append(character)
            }
        }
        return result + "\""
    }
}
