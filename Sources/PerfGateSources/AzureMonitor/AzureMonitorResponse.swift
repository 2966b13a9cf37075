import PerfGateCore

/// Reads Azure Monitor's answers. Both APIs report errors as `{"error": {"code", "message",
/// "innererror"?}}`; a metric that failed alone has its own `errorCode` and `errorMessage`; a
/// logs answer with an `error` beside its tables is partial: each fails the query.
package enum AzureMonitorResponse {
    /// Metrics: one measurement per point of each time series, keyed by its dimension values
    /// (`Instance=web-1`), or by the metric's name when it has none.
    static func metricPoints(_ response: HTTPResponse, request: String, aggregation: String) throws(SourceError) -> [(
        key: String, points: [Measurement]
    )] {
        let document = try reader(request).document(response)
        guard let metrics = document["value"]?.items else {
            throw SourceError("\(request): the answer has no \"value\": \(JSONWriter.quoted(response.bodyPreview()))")
        }
        let field = aggregation.lowercased()
        var series: [(key: String, points: [Measurement])] = []
        for metric in metrics {
            let name = metric["name"]?["value"]?.stringValue ?? metric["name"]?.stringValue ?? "metric"
            if let code = metric["errorCode"]?.stringValue, code != "Success" {
                let message = metric["errorMessage"]?.stringValue.map { ": " + Excerpt.of($0, limit: 400) } ?? ""
                throw SourceError("\(request): the metric \(Excerpt.quoted(name)) failed: \(Excerpt.of(code, limit: 80))\(message)")
            }
            for timeseries in metric["timeseries"]?.items ?? [] {
                let dimensions = (timeseries["metadatavalues"]?.items ?? []).map { pair in
                    (pair["name"]?["value"]?.stringValue ?? pair["name"]?.stringValue ?? "") + "=" + (pair["value"]?.stringValue ?? "")
                }
                let key = dimensions.isEmpty ? name : dimensions.joined(separator: ",")
                let points = (timeseries["data"]?.items ?? []).map { point in
                    Measurement(
                        key: key, value: point[field]?.numberValue,
                        timestamp: point["timeStamp"]?.stringValue.flatMap { try? TimeParser.parseRFC3339($0) })
                }
                series.append((key, points))
            }
        }
        return series
    }

    /// Logs: one measurement per row of the first table, valued by `value` (else its one numeric
    /// column outside the key) and keyed by the `key` columns (else its text columns), at its
    /// first `datetime` column's time.
    static func rows(_ response: HTTPResponse, request: String, value: String?, key: [String]?) throws(SourceError) -> [Measurement] {
        let document = try reader(request).document(response)
        if let error = document["error"], !error.isNull {
            throw SourceError("\(request): a partial answer: \(errorText(document) ?? JSONWriter.write(error))")
        }
        guard let table = document["tables"]?.items?.first else {
            throw SourceError("\(request): the answer has no \"tables\": \(JSONWriter.quoted(response.bodyPreview()))")
        }
        let columns = (table["columns"]?.items ?? []).map { (name: $0["name"]?.stringValue ?? "", type: $0["type"]?.stringValue?.lowercased() ?? "") }
        let names = columns.map(\.name)
        func index(_ name: String) throws(SourceError) -> Int {
            guard let found = names.firstIndex(of: name) else {
                throw SourceError(
                    "\(request): the result has no column '\(Excerpt.of(name, limit: 80))'\(Suggestion.hint(for: name, in: names)); it has \(Excerpt.list(names))"
                )
            }
            return found
        }
        var keyColumns: [Int] = []
        if let key {
            for name in key { keyColumns.append(try index(name)) }
        } else {
            keyColumns = columns.indices.filter { ["string", "guid", "dynamic"].contains(columns[$0].type) }
        }
        let numeric: Set<String> = ["int", "long", "real", "decimal", "double"]
        let valueColumn: Int
        if let value {
            valueColumn = try index(value)
        } else {
            let candidates = columns.indices.filter { numeric.contains(columns[$0].type) && !keyColumns.contains($0) }
            guard candidates.count == 1 else {
                let found = candidates.map { names[$0] }
                throw SourceError(
                    candidates.isEmpty
                        ? "\(request): the result has no numeric column: \(Excerpt.list(names))"
                        : "\(request): the result has \(found.count) numeric columns (\(Excerpt.list(found))): name the one to grade with \"value\"")
            }
            valueColumn = candidates[0]
        }
        let timeColumn = columns.indices.first { columns[$0].type == "datetime" }
        return (table["rows"]?.items ?? []).map { row in
            let cells = row.items ?? []
            func cell(_ index: Int) -> Node? { index < cells.count ? cells[index] : nil }
            let parts = keyColumns.map { cell($0).map(JSONAnswer.text) ?? "" }
            let number = cell(valueColumn).flatMap { $0.numberValue ?? $0.stringValue.flatMap { Double($0) } }
            let time = timeColumn.flatMap { cell($0)?.stringValue }.flatMap { try? TimeParser.parseRFC3339($0) }
            return Measurement(key: parts.isEmpty ? names[valueColumn] : parts.joined(separator: ","), value: number, timestamp: time)
        }
    }

    /// `code: message`, and the innermost error's message when there is one.
    static func errorText(_ document: Node) -> String? {
        guard let error = document["error"], error.members != nil else { return JSONAnswer.texts(document["error"]) }
        var text = [error["code"]?.stringValue, error["message"]?.stringValue].compactMap { $0 }.joined(separator: ": ")
        var inner = error["innererror"]
        var deepest: String?
        var depth = 0
        while let next = inner, depth < 8 {
            deepest = next["message"]?.stringValue ?? deepest
            inner = next["innererror"]
            depth += 1
        }
        if let deepest, deepest != error["message"]?.stringValue { text += " (\(deepest))" }
        return text.isEmpty ? nil : text
    }

    static func reader(_ request: String) -> JSONAnswer {
        JSONAnswer(request: request, errorText: errorText) { status in
            switch status {
            case 401: return " (the token was refused: check the Entra ID credentials and that the token is for this API)"
            case 403:
                return " (the identity lacks access: give it the Monitoring Reader role on the resource, or Log Analytics Reader on the workspace)"
            default: return ""
            }
        }
    }
}
