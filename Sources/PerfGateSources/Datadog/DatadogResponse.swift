import PerfGateCore

/// Reads Datadog's answers. Errors come as `{"errors": ["…"]}` with HTTP 4xx and 5xx; the v1 API
/// may also answer HTTP 200 with `"status": "error"` and an `"error"`, and v2 with `"errors"`
/// beside partial data: each fails the query.
package enum DatadogResponse {
    /// The v1 series, each keyed by its group's tags (`host:a,env:prod`), else by its scope.
    /// Where two series have one key (a query of several metrics), the key starts with the
    /// series' expression.
    static func series(_ response: HTTPResponse, request: String) throws(SourceError) -> [(key: String, points: [Measurement])] {
        guard (200..<300).contains(response.status) else {
            throw reader(request).failure(response, parsed: try? JSONParser.parse(response.body))
        }
        let answer: DatadogAnswerParser.Answer
        do {
            answer = try DatadogAnswerParser.parse(response.body)
        } catch {
            throw SourceError(
                "\(request): the answer is not valid JSON (\(error.message) at byte \(error.offset)): \(JSONWriter.quoted(response.bodyPreview()))"
                    + NonAPIAnswer.hint(response, request: request))
        }
        if answer.status == "error" || answer.error.map({ !$0.isEmpty }) == true {
            throw SourceError("\(request): Datadog: \(Excerpt.of(answer.error ?? "status error", limit: 500))")
        }
        if let problem = answer.problem { throw SourceError("\(request): \(problem)") }
        var keys = answer.series.map { $0.tags.isEmpty ? $0.scope : $0.tags.joined(separator: ",") }
        var counts: [String: Int] = [:]
        for key in keys { counts[key, default: 0] += 1 }
        for index in keys.indices where counts[keys[index]]! > 1 { keys[index] = answer.series[index].expression + " " + keys[index] }
        return zip(keys, answer.series).map { key, series in
            (key, series.points.map { Measurement(key: key, value: $0.value, timestamp: $0.milliseconds / 1000) })
        }
    }

    /// The v2 scalar answer: one measurement per row, keyed by its group columns
    /// (`env:prod,resource_name:GET /`), valued by the formula's number column.
    static func scalar(_ response: HTTPResponse, request: String, at time: Double?) throws(SourceError) -> [Measurement] {
        let document = try reader(request).document(response)
        try failIfErrors(document, request: request)
        guard let columns = document["data"]?["attributes"]?["columns"]?.items else {
            if document["data"] != nil, document["data"]?["attributes"]?["columns"] == nil { return [] }
            throw SourceError("\(request): the answer has no data.attributes.columns: \(JSONWriter.quoted(response.bodyPreview()))")
        }
        let groups = columns.filter { $0["type"]?.stringValue == "group" }
        guard let numbers = columns.first(where: { $0["type"]?.stringValue == "number" }) else { return [] }
        let values = numbers["values"]?.items ?? []
        return values.indices.map { row in
            let key = groups.compactMap { column -> String? in
                guard let name = column["name"]?.stringValue, let tags = column["values"]?.items, row < tags.count else { return nil }
                let value = tags[row].items?.compactMap(\.stringValue).joined(separator: ",") ?? tags[row].stringValue ?? ""
                return name + ":" + value
            }.joined(separator: ",")
            return Measurement(key: key.isEmpty ? "*" : key, value: values[row].numberValue, timestamp: time)
        }
    }

    /// The v2 time-series answer: `times` (ms), one `series` per group with its `group_tags`,
    /// and `values`, one list per series (or per formula) aligned with `times`.
    static func timeseries(_ response: HTTPResponse, request: String) throws(SourceError) -> [Measurement] {
        let document = try reader(request).document(response)
        try failIfErrors(document, request: request)
        guard let attributes = document["data"]?["attributes"] else { return [] }
        let times = attributes["times"]?.items?.map { $0.numberValue.map { $0 / 1000 } } ?? []
        let series = attributes["series"]?.items ?? []
        let values = attributes["values"]?.items ?? []
        var points: [Measurement] = []
        for (index, list) in values.enumerated() {
            let tags = index < series.count ? series[index]["group_tags"]?.items?.compactMap(\.stringValue) ?? [] : []
            let key = tags.isEmpty ? "*" : tags.joined(separator: ",")
            for (time, value) in zip(times, list.items ?? []) { points.append(Measurement(key: key, value: value.numberValue, timestamp: time)) }
        }
        return points
    }

    static func failIfErrors(_ document: Node, request: String) throws(SourceError) {
        if let errors = JSONAnswer.texts(document["errors"]), !errors.isEmpty {
            throw SourceError("\(request): Datadog: \(Excerpt.of(errors, limit: 500))")
        }
    }

    static func reader(_ request: String) -> JSONAnswer {
        JSONAnswer(request: request, errorText: { JSONAnswer.texts($0["errors"]) ?? JSONAnswer.texts($0["error"]) }) { status in
            switch status {
            case 401, 403:
                return
                    " (check DD_API_KEY and DD_APP_KEY: the application key needs the timeseries_query scope, and both keys must belong to the site's organization, DD_SITE)"
            default: return ""
            }
        }
    }
}
