import PerfGateCore

/// Reads Dynatrace API answers (Timeseries v1, topology v1, Metrics v2) into measurements.
enum DynatraceResponse {
    static func answer(_ response: HTTPResponse, for query: DynatraceQuery, request: String) throws(SourceError) -> SourceAnswer {
        let document = try? JSONParser.parse(response.body)
        guard (200..<300).contains(response.status) else { throw SourceError("\(request): \(failure(response, document))") }
        guard let document else {
            throw SourceError("\(request): the answer is not JSON: \(JSONWriter.quoted(response.bodyPreview()))")
        }
        do throws(SourceError) {
            switch query {
            case .timeseries: return SourceAnswer(try timeseries(document))
            case let .smartscape(_, relationship, relation, _): return SourceAnswer(try entities(document, relationship, relation))
            case .metrics: return try metrics(document)
            }
        } catch {
            throw SourceError("\(request): \(error.message)")
        }
    }

    /// `HTTP 400: message (path: message; …)` from Dynatrace's error envelope, else the body's start.
    static func failure(_ response: HTTPResponse, _ document: Node?) -> String {
        guard let error = document?["error"], let message = error["message"]?.stringValue else {
            return "HTTP \(response.status): \(JSONWriter.quoted(response.bodyPreview()))"
        }
        let violations = (error["constraintViolations"]?.items ?? []).compactMap { violation -> String? in
            guard let text = violation["message"]?.stringValue else { return nil }
            return (violation["path"]?.stringValue.map { $0 + ": " } ?? "") + text
        }
        return "HTTP \(response.status): \(message)" + (violations.isEmpty ? "" : " (\(violations.joined(separator: "; ")))")
    }

    /// `dataResult.dataPoints`: entity → `[[ms, value|null], …]`; with queryMode TOTAL, one point each.
    static func timeseries(_ document: Node) throws(SourceError) -> [Measurement] {
        guard let points = document["dataResult"]?["dataPoints"]?.members else {
            throw SourceError("the answer has no dataResult.dataPoints")
        }
        var results: [Measurement] = []
        for entity in points {
            guard let first = entity.value.items?.first?.items, first.count >= 2 else { continue }
            results.append(try point(key: entity.key, value: first[1], milliseconds: first[0]))
        }
        return results
    }

    /// One data point; Dynatrace stamps points in epoch milliseconds.
    // (A separate function also keeps Swift 6.3's optimizer from crashing on the loops that use it.)
    static func point(key: String, value: Node, milliseconds: Node?) throws(SourceError) -> Measurement {
        let parsed = try NumericValue.parse(value)
        guard let milliseconds = milliseconds?.numberValue else { return Measurement(key: key, value: parsed) }
        return Measurement(key: key, value: parsed, timestamp: milliseconds / 1000)
    }

    /// Topology entities: the size of each one's relation list (0 when absent).
    static func entities(_ document: Node, _ relationship: String, _ relation: String) throws(SourceError) -> [Measurement] {
        guard let entities = document.items else { throw SourceError("the answer is not a list of entities") }
        var results: [Measurement] = []
        for entity in entities {
            guard let id = entity["entityId"]?.stringValue else { continue }
            let count = entity[relationship]?[relation]?.items?.count ?? 0
            results.append(try point(key: id, value: .number(Double(count)), milliseconds: entity["lastSeenTimestamp"]))
        }
        return results
    }

    /// `result[].data[]`: one result per data series and point, keyed by its dimensions.
    static func metrics(_ document: Node) throws(SourceError) -> SourceAnswer {
        guard let results = document["result"]?.items else { throw SourceError("the answer has no 'result' list") }
        var warnings = (document["warnings"]?.items ?? []).compactMap(\.stringValue)
        var measurements: [Measurement] = []
        for result in results {
            warnings += (result["warnings"]?.items ?? []).compactMap(\.stringValue)
            let metricId = result["metricId"]?.stringValue ?? ""
            for series in result["data"]?.items ?? [] {
                let dimensions = (series["dimensionMap"]?.members ?? []).sorted { $0.key < $1.key }
                    .map { "\($0.key)=\($0.value.stringValue ?? JSONWriter.write($0.value))" }
                var key = dimensions.isEmpty ? metricId : dimensions.joined(separator: ",")
                if results.count > 1, !dimensions.isEmpty { key = metricId + " " + key }
                let values = series["values"]?.items ?? []
                let timestamps = series["timestamps"]?.items ?? []
                for (index, value) in values.enumerated() {
                    measurements.append(try point(key: key, value: value, milliseconds: index < timestamps.count ? timestamps[index] : nil))
                }
            }
        }
        return SourceAnswer(measurements, warnings: warnings)
    }
}
