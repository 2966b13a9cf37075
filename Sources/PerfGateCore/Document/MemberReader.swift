/// Reads one object of a spec: reports duplicate and unknown keys once, then hands out members
/// by name, recording a diagnostic for each one that is missing or of the wrong type.
package struct MemberReader {
    package let node: Node
    package let path: SpecPath

    /// nil, with a diagnostic, when `node` is not an object.
    package init?(_ node: Node, at path: SpecPath, known: [String], ignored: [String] = [], into diagnostics: inout [Diagnostic]) {
        guard let members = node.members else {
            diagnostics.append(.error(path, node.location, "expected an object, found \(node.typeName)"))
            return nil
        }
        self.node = node
        self.path = path
        // Objects are small: comparing with the earlier keys costs less than hashing each one,
        // and only a larger object gets a dictionary.
        var seen: [String: TextLocation?] = [:]
        for (index, member) in members.enumerated() {
            // The key's previous occurrence, if any.
            let first: TextLocation??
            if members.count <= 16 {
                first = members[..<index].last { $0.key == member.key }.map(\.keyLocation)
            } else {
                first = seen[member.key]
                seen[member.key] = member.keyLocation
            }
            if let first {
                let also = first.map { " (first at line \($0.line))" } ?? ""
                diagnostics.append(.error(path.appending(member.key), member.keyLocation, "duplicate key '\(member.key)'\(also)"))
            }
            if !known.contains(member.key) && !ignored.contains(member.key) {
                diagnostics.append(
                    .warning(
                        path.appending(member.key), member.keyLocation,
                        "unknown key '\(member.key)' is ignored\(Suggestion.hint(for: member.key, in: known))"))
            }
        }
    }

    package subscript(key: String) -> Node? { node[key] }

    package func location(of key: String) -> TextLocation? {
        node.members?.last(where: { $0.key == key })?.keyLocation
    }

    package func required(_ key: String, _ what: String, into diagnostics: inout [Diagnostic]) -> Node? {
        if let value = node[key] { return value }
        diagnostics.append(.error(path, node.location, "missing '\(key)' (\(what))"))
        return nil
    }

    package func number(_ key: String, required: Bool, _ what: String, into diagnostics: inout [Diagnostic]) -> Double? {
        guard let value = node[key] else {
            if required { diagnostics.append(.error(path, node.location, "missing '\(key)' (\(what))")) }
            return nil
        }
        guard let number = value.numberValue else {
            diagnostics.append(.error(path.appending(key), value.location, "'\(key)' must be a number, found \(value.typeName)"))
            return nil
        }
        guard number.isFinite else {
            diagnostics.append(.error(path.appending(key), value.location, "'\(key)' must be a finite number"))
            return nil
        }
        return number
    }

    package func string(_ key: String, required: Bool, _ what: String, into diagnostics: inout [Diagnostic]) -> String? {
        guard let value = node[key] else {
            if required { diagnostics.append(.error(path, node.location, "missing '\(key)' (\(what))")) }
            return nil
        }
        guard let string = value.stringValue else {
            diagnostics.append(.error(path.appending(key), value.location, "'\(key)' must be a string, found \(value.typeName)"))
            return nil
        }
        return string
    }

    package func bool(_ key: String, into diagnostics: inout [Diagnostic]) -> Bool? {
        guard let value = node[key], !value.isNull else { return nil }
        guard let bool = value.boolValue else {
            diagnostics.append(.error(path.appending(key), value.location, "'\(key)' must be true or false, found \(value.typeName)"))
            return nil
        }
        return bool
    }
}
