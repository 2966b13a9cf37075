import PerfGateCore

/// Reads Dynatrace API answers (Timeseries v1, topology v1, Metrics v2) into measurements.
package enum DynatraceResponse {
    package static func answer(_ response: HTTPResponse, for query: DynatraceQuery, request: String) throws(SourceError) -> SourceAnswer {
        try page(response, for: query, request: request).answer
    }

    /// One answer, and the Metrics v2 `nextPageKey` when the server has more pages.
    /// `allPoints`: every Timeseries v1 point of each entity (a series), not the first.
    static func page(
        _ response: HTTPResponse, for query: DynatraceQuery, request: String, allPoints: Bool = false
    ) throws(SourceError) -> (answer: SourceAnswer, nextPageKey: String?) {
        let document = try? JSONParser.parse(response.body)
        guard (200..<300).contains(response.status) else { throw SourceError("\(request): \(failure(response, document))") }
        guard let document else {
            throw SourceError(
                "\(request): the answer is not JSON: \(JSONWriter.quoted(response.bodyPreview()))" + NonAPIAnswer.hint(response, request: request))
        }
        do throws(SourceError) {
            switch query {
            case .timeseries: return (SourceAnswer(try timeseries(document, allPoints: allPoints)), nil)
            case let .smartscape(_, relationship, relation, _): return (SourceAnswer(try entities(document, relationship, relation)), nil)
            case .metrics:
                let next = document["nextPageKey"]
                guard next == nil || next!.isNull || next!.stringValue != nil else { throw SourceError("'nextPageKey' is not a string") }
                return (try metrics(document), next?.stringValue.flatMap { $0.isEmpty ? nil : $0 })
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
    static func timeseries(_ document: Node, allPoints: Bool = false) throws(SourceError) -> [Measurement] {
        guard let points = document["dataResult"]?["dataPoints"]?.members else {
            throw SourceError("the answer has no dataResult.dataPoints")
        }
        var results: [Measurement] = []
        for entity in points {
            // An entity without points has no value; anything else that is not [[ms, value], …] is an error.
            guard let list = entity.value.items else {
                throw SourceError("dataPoints of \(Excerpt.quoted(entity.key)) is not a list of [timestamp, value]")
            }
            guard let first = list.first else {
                results.append(Measurement(key: entity.key, value: nil))
                continue
            }
            for item in allPoints ? list : [first] {
                guard let pair = item.items, pair.count == 2 else {
                    throw SourceError("a data point of \(Excerpt.quoted(entity.key)) is not [timestamp, value]")
                }
                results.append(try point(key: entity.key, value: pair[1], milliseconds: pair[0]))
            }
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
            guard let id = entity["entityId"]?.stringValue else { throw SourceError("an entity in the answer has no 'entityId'") }
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
            guard let data = result["data"]?.items else { throw SourceError("the result for \(Excerpt.quoted(metricId)) has no 'data' list") }
            for series in data {
                let dimensions = (series["dimensionMap"]?.members ?? []).sorted { $0.key < $1.key }
                    .map { "\($0.key)=\($0.value.stringValue ?? JSONWriter.write($0.value))" }
                var key = dimensions.isEmpty ? metricId : dimensions.joined(separator: ",")
                if results.count > 1, !dimensions.isEmpty { key = metricId + " " + key }
                // Values without their timestamps, or lists of different lengths, are not an answer to grade.
                guard let values = series["values"]?.items, let timestamps = series["timestamps"]?.items, values.count == timestamps.count else {
                    throw SourceError("a series of \(Excerpt.quoted(metricId)) has no 'values' and 'timestamps' lists of the same length")
                }
                for (index, value) in values.enumerated() {
                    measurements.append(try point(key: key, value: value, milliseconds: index < timestamps.count ? timestamps[index] : nil))
                }
            }
        }
        return SourceAnswer(measurements, warnings: warnings)
    }
}
