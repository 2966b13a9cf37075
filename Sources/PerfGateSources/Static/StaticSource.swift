import PerfGateCore

/// The `static` source: the query is the result itself. For dry runs, docs and tests.
///
/// ```
/// "query": 42                                   -> one result, key "value"
/// "query": [120, 95]                            -> keys "0", "1"
/// "query": [{"key": "checkout", "value": 120}]  -> one result per item (value may be null)
/// "query": {"error": "message"}                 -> the source fails with that message
/// ```
package struct StaticSource: MetricSource {
    package let name = "static"
    package init() {}

    /// What a static query stands for: its results, or the failure it plays.
    package enum Query: Sendable, Equatable {
        case results([Measurement])
        case failure(String)
    }

    package func parse(_ query: Node, at path: SpecPath, context: ValidationContext) -> ParsedQuery<Query> {
        if let message = query["error"], query.members?.count == 1 {
            guard let text = message.stringValue else {
                return .failed([.error(path.appending("error"), message.location, "'error' must be a string")])
            }
            return ParsedQuery(.failure(text))
        }
        do {
            return ParsedQuery(.results(try Self.measurements(from: query)))
        } catch {
            return .failed([.error(path, query.location, error.message)])
        }
    }

    package func answer(_ query: Query, context: SourceContext) async throws -> SourceAnswer {
        SourceAnswer(try measurements(query))
    }

    func measurements(_ query: Query) throws(SourceError) -> [Measurement] {
        switch query {
        case .results(let results): return results
        case .failure(let message): throw SourceError(message)
        }
    }

    /// The results a static query stands for. Anything that is not a value or a list of results is
    /// an error (Pitometer crashed on `false` or `null`).
    package static func measurements(from query: Node) throws(SourceError) -> [Measurement] {
        switch query.value {
        case .number, .string:
            return [Measurement(key: "value", value: try NumericValue.parse(query))]
        case .array(let items):
            var results: [Measurement] = []
            for (index, item) in items.enumerated() {
                do {
                    results.append(try measurement(item, index: index))
                } catch {
                    throw SourceError("result [\(index)]: \(error.message)")
                }
            }
            return results
        default:
            throw SourceError(
                "a static query must be a number, a list of numbers or of {\"key\", \"value\"} objects, or {\"error\": \"message\"}; found \(query.typeName)"
            )
        }
    }

    static func measurement(_ item: Node, index: Int) throws(SourceError) -> Measurement {
        guard item.members != nil else {
            return Measurement(key: String(index), value: try NumericValue.parse(item))
        }
        let key: String
        switch item["key"]?.value {
        case .string(let text): key = text
        case .number(let number): key = JSONWriter.format(number)
        case nil, .null?: key = String(index)
        default: throw SourceError("'key' must be a string")
        }
        guard let value = item["value"] else { throw SourceError("missing 'value'") }
        return Measurement(key: key, value: try NumericValue.parse(value), timestamp: item["timestamp"]?.numberValue)
    }
}
