import PerfGateCore

/// The parts of a `web` request and answer that need no server: the URL's query, and the results
/// the pointers pick.
enum WebRequest {
    /// The URL before `?`, and the query after it (nil without one).
    static func split(_ url: String) -> (String, String?) {
        guard let mark = url.firstIndex(of: "?") else { return (url, nil) }
        return (String(url[..<mark]), String(url[url.index(after: mark)...]))
    }

    /// The URL with every byte a query may not hold as it is (spaces, quotes, `<>`, non-ASCII)
    /// percent-encoded; what the spec wrote encoded stays as it is.
    static func queryEscaped(_ url: String) -> String {
        let (location, query) = split(url)
        guard let query else { return url }
        let allowed = "-._~!$&'()*+,;=:@/?%"
        var escaped = ""
        for byte in query.utf8 {
            let plain =
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || allowed.utf8.contains(byte)
            if plain && byte != UInt8(ascii: "'") {
                escaped.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                escaped += "%" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        return location + "?" + escaped
    }

    /// Each result's key and points (one without `*` in `value`).
    static func results(_ document: Node, query: WebQuery, request: String) throws(SourceError) -> [(key: String, points: [Measurement])] {
        var results: [(name: String?, node: Node)] = [(nil, document)]
        if let pointer = query.results {
            guard let found = pointer.resolve(document).first, let node = found, pointer.steps.contains(.every) == false else {
                throw SourceError("\(request): nothing at \(pointer.text) in the answer\(pointer.hint(document))")
            }
            if let items = node.items {
                results = items.enumerated().map { (String($0.offset), $0.element) }
            } else if let members = node.members {
                results = members.map { ($0.key, $0.value) }
            } else {
                results = [(nil, node)]
            }
        }
        var found = false
        var answer: [(key: String, points: [Measurement])] = []
        for result in results {
            let key: String
            if query.key.isEmpty {
                key = result.name ?? query.value.text
            } else {
                key = query.key.map { pointer in pointer.resolve(result.node).first.flatMap { $0 }.map(JSONAnswer.text) ?? "" }.joined(
                    separator: ",")
            }
            let values = query.value.resolve(result.node)
            let times = query.timestamp.map { $0.resolve(result.node) }
            var points: [Measurement] = []
            for (index, value) in values.enumerated() {
                guard let value else { continue }
                found = true
                let number = value.numberValue ?? value.stringValue.flatMap { Double($0.trimmingSpaces()) }
                if number == nil, !value.isNull, value.stringValue == nil {
                    throw SourceError("\(request): \(query.value.text) in a result is \(value.typeName), not a number")
                }
                let time = times.flatMap { index < $0.count ? $0[index] : nil }.flatMap(Self.seconds)
                points.append(Measurement(key: key, value: number, timestamp: time))
            }
            answer.append((key, points))
        }
        if !found, !results.isEmpty {
            throw SourceError("\(request): no result has a value at \(query.value.text)\(query.value.hint(results[0].node))")
        }
        return answer
    }

    /// A time: epoch seconds, or milliseconds when it is past the year 5138, or RFC 3339 text.
    static func seconds(_ node: Node) -> Double? {
        if let number = node.numberValue ?? node.stringValue.flatMap({ Double($0) }) { return number > 1e11 ? number / 1000 : number }
        return node.stringValue.flatMap { try? TimeParser.parseRFC3339($0) }
    }
}
