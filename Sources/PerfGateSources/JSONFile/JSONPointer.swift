import PerfGateCore

/// RFC 6901 JSON Pointer: `/checkout/p95`, `/items/0`, with `~1` for `/` and `~0` for `~`.
package struct JSONPointer: Sendable {
    let tokens: [String]
    /// As written.
    let text: String

    package init?(_ text: String) {
        self.text = text
        if text.isEmpty {
            tokens = []
            return
        }
        guard text.hasPrefix("/") else { return nil }
        var tokens: [String] = []
        for raw in text.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            // "~1" before "~0": "~01" means "~1", not "/".
            guard !raw.contains("~") || raw.replacingTildes() != nil else { return nil }
            tokens.append(raw.replacingTildes() ?? String(raw))
        }
        self.tokens = tokens
    }

    /// The node the pointer names, or a message saying where it stopped.
    package func resolve(in root: Node) -> Result<Node, SourceError> {
        var node = root
        var walked = ""
        for token in tokens {
            walked += "/" + token
            switch node.value {
            case .object:
                guard let next = node[token] else {
                    let keys = node.members?.map(\.key) ?? []
                    return .failure(SourceError("nothing at \(walked)\(Suggestion.hint(for: token, in: keys))"))
                }
                node = next
            case .array(let items):
                guard let index = Int(token), String(index) == token, index >= 0, index < items.count else {
                    return .failure(SourceError("\(walked): '\(token)' is not an index of a list of \(items.count)"))
                }
                node = items[index]
            default:
                return .failure(SourceError("\(walked): cannot step into \(node.typeName)"))
            }
        }
        return .success(node)
    }
}

extension Substring {
    /// The token with `~1` and `~0` decoded; nil for any other use of `~`.
    fileprivate func replacingTildes() -> String? {
        var result = ""
        var iterator = makeIterator()
        while let character = iterator.next() {
            guard character == "~" else {
                result.append(character)
                continue
            }
            switch iterator.next() {
            case "0": result.append("~")
            case "1": result.append("/")
            default: return nil
            }
        }
        return result
    }
}
