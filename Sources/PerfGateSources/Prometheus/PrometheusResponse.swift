import PerfGateCore

/// Reads a Prometheus HTTP API answer into measurements.
package enum PrometheusResponse {
    package static func measurements(_ response: HTTPResponse, request: String) throws(SourceError) -> SourceAnswer {
        let parsed: PrometheusAnswerParser.Answer
        do {
            parsed = try PrometheusAnswerParser.parse(response.body)
        } catch {
            guard (200..<300).contains(response.status) else {
                throw SourceError(
                    "\(request): HTTP \(response.status): \(JSONWriter.quoted(response.bodyPreview()))"
                        + NonAPIAnswer.hint(response, request: request, always: false))
            }
            throw SourceError(
                "\(request): the answer is not valid JSON (\(error.message) at byte \(error.offset)): \(JSONWriter.quoted(response.bodyPreview()))"
                    + NonAPIAnswer.hint(response, request: request))
        }
        guard (200..<300).contains(response.status) else {
            if let type = parsed.errorType, let message = parsed.error {
                throw SourceError("\(request): HTTP \(response.status) \(type): \(Excerpt.of(message, limit: 500))")
            }
            throw SourceError("\(request): HTTP \(response.status): \(JSONWriter.quoted(response.bodyPreview()))")
        }
        guard parsed.status == "success" else {
            throw SourceError(
                "\(request): \(parsed.errorType.map { Excerpt.of($0) } ?? "error"): \(parsed.error.map { Excerpt.of($0, limit: 500) } ?? "status \(parsed.status.map { Excerpt.quoted($0) } ?? "missing")")"
            )
        }
        guard let type = parsed.resultType, parsed.hasResult else {
            throw SourceError("\(request): the answer has no data.resultType and data.result")
        }
        switch type {
        case "vector", "matrix":
            // An answer that does not have the shape its resultType names is an error, never "no
            // values": with ignoreEmpty, "no values" would pass the gate.
            let point = type == "vector" ? "value" : "values"
            guard parsed.single == nil else {
                throw SourceError(
                    "\(request): the \(type) answer's result is [timestamp, value], not a list of series {\"metric\": …, \"\(point)\": …}; the server's answer is not what its resultType says"
                )
            }
            let withPoints = type == "vector" ? parsed.seriesWithValue : parsed.seriesWithValues
            let withOther = type == "vector" ? parsed.seriesWithValues : parsed.seriesWithValue
            guard withPoints == parsed.seriesCount, withOther == 0 else {
                throw SourceError(
                    "\(request): \(parsed.seriesCount - withPoints + withOther) of \(parsed.seriesCount) series in the \(type) answer lack '\(point)' (or carry the other form); the server's answer is not what its resultType says"
                )
            }
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
