import PerfGateCore

/// Reads the render API's JSON (`format=json`): a list of `{"target", "datapoints": [[value|null,
/// seconds], …]}`, one per series. An error is HTTP 400 with a plain-text message.
package enum GraphiteResponse {
    /// Each series' points, value first; null values are nil.
    package static func series(_ response: HTTPResponse, request: String) throws(SourceError) -> [(target: String, points: [Measurement])] {
        guard (200..<300).contains(response.status) else {
            throw SourceError("\(request): HTTP \(response.status): \(Excerpt.of(response.bodyPreview(500), limit: 500))")
        }
        let root: Node
        do {
            root = try JSONParser.parse(response.body)
        } catch {
            throw SourceError("\(request): the answer is not valid JSON (\(error)): \(JSONWriter.quoted(response.bodyPreview()))")
        }
        guard let items = root.items else {
            throw SourceError("\(request): the answer is not a list of series: \(JSONWriter.quoted(response.bodyPreview()))")
        }
        return try items.map { (item) throws(SourceError) in
            guard let target = item["target"]?.stringValue, let datapoints = item["datapoints"]?.items else {
                throw SourceError("\(request): a series lacks \"target\" or \"datapoints\": \(Excerpt.of(JSONWriter.write(item), limit: 200))")
            }
            let points = try datapoints.map { (point) throws(SourceError) in
                guard let pair = point.items, pair.count == 2, let seconds = pair[1].numberValue else {
                    throw SourceError("\(request): the series \(Excerpt.quoted(target)) has a point that is not [value, seconds]")
                }
                let value: Double?
                do throws(SourceError) {
                    value = try NumericValue.parse(pair[0])
                } catch {
                    throw SourceError("\(request): the series \(Excerpt.quoted(target)): \(error.message)")
                }
                return Measurement(key: target, value: value, timestamp: seconds)
            }
            return (target, points)
        }
    }
}
