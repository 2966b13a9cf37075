import PerfGateCore

/// Reads a Prometheus HTTP API answer into measurements.
enum PrometheusResponse {
    static func measurements(_ response: HTTPResponse, request: String) throws(SourceError) -> SourceAnswer {
        let parsed: PrometheusAnswerParser.Answer
        do {
            parsed = try PrometheusAnswerParser.parse(response.body)
        } catch {
            guard (200..<300).contains(response.status) else {
                throw SourceError("\(request): HTTP \(response.status): \(JSONWriter.quoted(response.bodyPreview()))")
            }
            throw SourceError("\(request): the answer is not valid JSON (\(error.message) at byte \(error.offset)): \(JSONWriter.quoted(response.bodyPreview()))")
        }
        guard (200..<300).contains(response.status) else {
            if let type = parsed.errorType, let message = parsed.error {
                throw SourceError("\(request): HTTP \(response.status) \(type): \(message)")
            }
            throw SourceError("\(request): HTTP \(response.status): \(JSONWriter.quoted(response.bodyPreview()))")
        }
        guard parsed.status == "success" else {
            throw SourceError("\(request): \(parsed.errorType ?? "error"): \(parsed.error ?? "status \(parsed.status.map(JSONWriter.quoted) ?? "missing")")")
        }
        guard let type = parsed.resultType, parsed.hasResult else {
            throw SourceError("\(request): the answer has no data.resultType and data.result")
        }
        switch type {
        case "vector", "matrix":
            // A matrix gives one result per sample, so `metric[5m]` grades every point.
            return SourceAnswer(parsed.samples, warnings: parsed.warnings)
        case "scalar":
            guard let single = parsed.single else { throw SourceError("\(request): the scalar answer has no [timestamp, value]") }
            // NumericValue reads NaN as a missing value, and +Inf/-Inf as numbers.
            let value: Double?
            do {
                value = try NumericValue.parse(.string(single.value))
            } catch {
                throw SourceError("\(request): \(error.message)")
            }
            return SourceAnswer([Measurement(key: "scalar", value: value, timestamp: single.timestamp)], warnings: parsed.warnings)
        case "string":
            throw SourceError("\(request): the query returned a string, not a number")
        default:
            throw SourceError("\(request): unknown resultType '\(type)'")
        }
    }
}
