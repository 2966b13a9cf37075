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
        let parsed: InfluxDBAnswerParser.Answer
        do {
            parsed = try InfluxDBAnswerParser.parse(response.body, column: column)
        } catch {
            guard (200..<300).contains(response.status) else {
                throw SourceError("\(request): HTTP \(response.status): \(JSONWriter.quoted(response.bodyPreview()))")
            }
            throw SourceError(
                "\(request): the answer is not valid JSON (\(error.message) at byte \(error.offset)): \(JSONWriter.quoted(response.bodyPreview()))"
                    + NonAPIAnswer.hint(response, request: request))
        }
        if let message = parsed.error {
            let hint = response.status == 401 ? " (check INFLUXDB_USERNAME and INFLUXDB_PASSWORD, or INFLUXDB_TOKEN)" : ""
            throw SourceError("\(request): HTTP \(response.status): \(Excerpt.of(message, limit: 500))\(hint)")
        }
        guard (200..<300).contains(response.status) else {
            throw SourceError("\(request): HTTP \(response.status): \(JSONWriter.quoted(response.bodyPreview()))")
        }
        guard let statements = parsed.statements else {
            throw SourceError("\(request): the answer has no \"results\": \(JSONWriter.quoted(response.bodyPreview()))")
        }
        var measurements: [Measurement] = []
        var warnings: [String] = []
        for statement in statements {
            if let message = statement.error { throw SourceError("\(request): \(Excerpt.of(message, limit: 500))") }
            if let problem = statement.problem { throw SourceError("\(request): \(problem)") }
            warnings += statement.messages.map { "influxdb: \(Excerpt.of($0, limit: 300))" }
            measurements += statement.measurements
        }
        return SourceAnswer(measurements, warnings: warnings)
    }
}
