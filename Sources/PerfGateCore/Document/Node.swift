/// A position in a spec or input file, 1-based.
package struct TextLocation: Sendable, Hashable, CustomStringConvertible {
    package var line: Int
    package var column: Int
    package init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
    package var description: String { "\(line):\(column)" }
}

/// One value of a JSON or YAML document, with where it stood in the file.
///
/// Both loaders produce this tree, so the spec decoder and every source see one model whatever the
/// file format was. Equality compares values only (objects as unordered key sets), never locations.
public struct Node: Sendable, Equatable {
    package enum Value: Sendable {
        case null
        case bool(Bool)
        case number(Double)
        case string(String)
        case array([Node])
        case object([Member])
    }

    /// One `key: value` pair of an object, in file order (duplicates are kept for the validator to report).
    package struct Member: Sendable {
        package var key: String
        package var keyLocation: TextLocation?
        package var value: Node
        package init(key: String, keyLocation: TextLocation? = nil, value: Node) {
            self.key = key
            self.keyLocation = keyLocation
            self.value = value
        }
    }

    package var value: Value
    package var location: TextLocation?

    package init(_ value: Value, at location: TextLocation? = nil) {
        self.value = value
        self.location = location
    }

    package static let null = Node(.null)
    package static func number(_ number: Double) -> Node { Node(.number(number)) }
    package static func string(_ string: String) -> Node { Node(.string(string)) }
    package static func bool(_ bool: Bool) -> Node { Node(.bool(bool)) }
    package static func array(_ items: [Node]) -> Node { Node(.array(items)) }
    /// An object from ordered pairs.
    package static func object(_ pairs: [(String, Node)]) -> Node {
        Node(.object(pairs.map { Member(key: $0.0, value: $0.1) }))
    }

    public static func == (lhs: Node, rhs: Node) -> Bool {
        switch (lhs.value, rhs.value) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.number(a), .number(b)): return a == b || (a.isNaN && b.isNaN)
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            guard a.count == b.count else { return false }
            for member in a {
                guard let other = b.first(where: { $0.key == member.key }), other.value == member.value else {
                    return false
                }
            }
            return true
        default: return false
        }
    }
}

extension Node {
    /// The member named `key` (the last one, if the key is duplicated), or nil.
    public subscript(key: String) -> Node? {
        guard case .object(let members) = value else { return nil }
        return members.last(where: { $0.key == key })?.value
    }

    package var members: [Member]? {
        if case .object(let members) = value { return members }
        return nil
    }
    package var items: [Node]? {
        if case .array(let items) = value { return items }
        return nil
    }
    package var stringValue: String? {
        if case .string(let string) = value { return string }
        return nil
    }
    package var numberValue: Double? {
        if case .number(let number) = value { return number }
        return nil
    }
    package var boolValue: Bool? {
        if case .bool(let bool) = value { return bool }
        return nil
    }
    package var isNull: Bool {
        if case .null = value { return true }
        return false
    }

    /// The JSON type name a person would use in an error message.
    package var typeName: String {
        switch value {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "a list"
        case .object: return "an object"
        }
    }
}
