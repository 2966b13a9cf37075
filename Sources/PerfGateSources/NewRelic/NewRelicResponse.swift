import PerfGateCore

/// Reads NerdGraph's answer to an NRQL query: `data.actor.account.nrql.results`, a list of rows
/// whose members depend on the NRQL (`{"percentile.duration": {"95": 0.31}}`; with `FACET`, a
/// `facet` per row; with `TIMESERIES`, `beginTimeSeconds`). GraphQL reports errors in `errors`,
/// often with HTTP 200: any error fails the query, whatever the status.
package enum NewRelicResponse {
    /// Members that say where a row sits, never what it measures.
    static let positional: Set<String> = ["facet", "beginTimeSeconds", "endTimeSeconds", "timestamp", "inspectedCount"]

    static func measurements(_ response: HTTPResponse, request: String, value: String?) throws(SourceError) -> [Measurement] {
        let reader = reader(request)
        let parsed = reader.parse(response)
        if let errors = (try? parsed.get()).flatMap({ errorText($0) }) {
            throw SourceError("\(request): HTTP \(response.status): New Relic: \(Excerpt.of(errors, limit: 500))\(hint(response.status))")
        }
        let document = try reader.document(response, parsed: parsed)
        guard let results = document["data"]?["actor"]?["account"]?["nrql"]?["results"] else {
            throw SourceError("\(request): the answer has no data.actor.account.nrql.results: \(JSONWriter.quoted(response.bodyPreview()))")
        }
        guard let rows = results.items else { return [] }
        var measurements: [Measurement] = []
        for row in rows {
            guard let members = row.members else { throw SourceError("\(request): a result is not an object") }
            let facet = row["facet"].flatMap { facet in
                facet.stringValue ?? facet.items.map { $0.map(JSONAnswer.text).joined(separator: ",") } ?? JSONAnswer.text(facet)
            }
            let (name, number) = try pick(members, value: value, facet: row["facet"], request: request)
            let time = row["beginTimeSeconds"]?.numberValue ?? row["timestamp"]?.numberValue.map { $0 / 1000 }
            measurements.append(Measurement(key: facet ?? name, value: number, timestamp: time))
        }
        return measurements
    }

    /// The graded member: the one named, else the row's one numeric member (a one-member object,
    /// such as a single percentile, counts as its number).
    static func pick(_ members: [Node.Member], value: String?, facet: Node?, request: String) throws(SourceError) -> (String, Double?) {
        func number(_ node: Node) -> Double?? {
            if node.isNull { return .some(nil) }
            if let number = node.numberValue { return .some(number) }
            if let inner = node.members, inner.count == 1 { return number(inner[0].value) }
            return nil
        }
        if let value {
            guard let member = members.first(where: { $0.key == value }) else {
                let names = members.map(\.key).filter { !positional.contains($0) }
                throw SourceError(
                    "\(request): the results have no '\(Excerpt.of(value, limit: 80))'\(Suggestion.hint(for: value, in: names)); they have \(Excerpt.list(names))"
                )
            }
            guard let found = number(member.value) else {
                throw SourceError(
                    "\(request): '\(Excerpt.of(value, limit: 80))' is \(member.value.typeName), not a number: name a single value (one percentile per member)"
                )
            }
            return (value, found)
        }
        let candidates = members.filter { !positional.contains($0.key) && $0.value != facet }.compactMap { member in
            number(member.value).map { (member.key, $0) }
        }
        guard candidates.count == 1 else {
            let names = candidates.map(\.0)
            throw SourceError(
                candidates.isEmpty
                    ? "\(request): a result has no numeric member: \(Excerpt.list(members.map(\.key)))"
                    : "\(request): each result has \(names.count) values (\(Excerpt.list(names))): name the one to grade with \"value\", such as {\"nrql\": …, \"value\": \(JSONWriter.quoted(names[0]))}"
            )
        }
        return candidates[0]
    }

    /// GraphQL's `errors[].message`, when any.
    static func errorText(_ document: Node) -> String? {
        guard let errors = document["errors"]?.items, !errors.isEmpty else { return nil }
        return errors.map { $0["message"]?.stringValue ?? JSONWriter.write($0) }.joined(separator: "; ")
    }

    static func hint(_ status: Int) -> String {
        status == 401 || status == 403 ? " (check NEW_RELIC_API_KEY: a User key, NRAK-…, of a user in the account)" : ""
    }

    static func reader(_ request: String) -> JSONAnswer {
        JSONAnswer(request: request, errorText: { errorText($0) ?? JSONAnswer.texts($0["error"]) }, hint: hint)
    }
}
