import PerfGateCore

/// Reads a Prometheus HTTP API answer into measurements.
enum PrometheusResponse {
    static func measurements(_ response: HTTPResponse, request: String) throws(SourceError) -> SourceAnswer {
        let document = try? JSONParser.parse(response.body)
        guard (200..<300).contains(response.status) else {
            if let document, let type = document["errorType"]?.stringValue, let message = document["error"]?.stringValue {
                throw SourceError("\(request): HTTP \(response.status) \(type): \(message)")
            }
            throw SourceError("\(request): HTTP \(response.status): \(JSONWriter.quoted(response.bodyPreview()))")
        }
        guard let document else {
            throw SourceError("\(request): the answer is not JSON: \(JSONWriter.quoted(response.bodyPreview()))")
        }
        guard document["status"]?.stringValue == "success" else {
            let type = document["errorType"]?.stringValue ?? "error"
            throw SourceError("\(request): \(type): \(document["error"]?.stringValue ?? "status \(document["status"].map { JSONWriter.write($0) } ?? "missing")")")
        }
        let warnings = (document["warnings"]?.items ?? []).compactMap(\.stringValue)
        guard let data = document["data"], let type = data["resultType"]?.stringValue, let result = data["result"] else {
            throw SourceError("\(request): the answer has no data.resultType and data.result")
        }
        do throws(SourceError) {
            switch type {
            case "vector":
                return SourceAnswer(try (result.items ?? []).map { series throws(SourceError) in
                    try sample(series["value"], key: key(series["metric"]))
                }, warnings: warnings)
            case "matrix":
                // One result per sample, so `metric[5m]` grades every point.
                var samples: [Measurement] = []
                for series in result.items ?? [] {
                    let label = key(series["metric"])
                    for point in series["values"]?.items ?? [] { samples.append(try sample(point, key: label)) }
                }
                return SourceAnswer(samples, warnings: warnings)
            case "scalar":
                return SourceAnswer([try sample(result, key: "scalar")], warnings: warnings)
            case "string":
                throw SourceError("the query returned a string, not a number")
            default:
                throw SourceError("unknown resultType '\(type)'")
            }
        } catch {
            throw SourceError("\(request): \(error.message)")
        }
    }

    /// `[timestamp, "value"]`.
    static func sample(_ pair: Node?, key: String) throws(SourceError) -> Measurement {
        guard let items = pair?.items, items.count == 2 else { throw SourceError("a sample is not [timestamp, \"value\"]") }
        return Measurement(key: key, value: try NumericValue.parse(items[1]), timestamp: items[0].numberValue)
    }

    /// The series' labels as `{a="b",c="d"}`, sorted, escaped as in Prometheus' text format.
    static func key(_ metric: Node?) -> String {
        let labels = (metric?.members ?? []).sorted { $0.key < $1.key }.map { member in
            let value = (member.value.stringValue ?? JSONWriter.write(member.value))
                .replacingScalars(["\\": "\\\\", "\"": "\\\"", "\n": "\\n"])
            return "\(member.key)=\"\(value)\""
        }
        return "{" + labels.joined(separator: ",") + "}"
    }
}
