import PerfGateCore

/// Where a `web` query's numbers are in an answer: a JSON Pointer (RFC 6901, `/data/0/value`)
/// with two additions: `*` for every element of a list (or member of an object), and a negative
/// index counting from the end (`-1` is the last element).
struct WebPath: Sendable, Equatable {
    enum Step: Sendable, Equatable {
        case member(String)
        case index(Int)
        case every
    }

    let steps: [Step]
    let text: String

    /// nil for text that is not a pointer (it must be empty or start with `/`).
    init?(_ text: String) {
        guard let pointer = JSONPointer(text) else { return nil }
        self.text = text
        steps = pointer.tokens.map { token in
            if token == "*" { return .every }
            if let index = Int(token), String(index) == token { return .index(index) }
            return .member(token)
        }
    }

    var hasWildcard: Bool { steps.contains(.every) }

    /// Every node the path reaches, in document order; nil where a step finds nothing.
    func resolve(_ root: Node) -> [Node?] {
        var nodes: [Node?] = [root]
        for step in steps {
            var next: [Node?] = []
            for node in nodes {
                guard let node else {
                    next.append(nil)
                    continue
                }
                switch step {
                case .every:
                    if let items = node.items {
                        next += items.map { $0 }
                    } else if let members = node.members {
                        next += members.map(\.value)
                    } else {
                        next.append(nil)
                    }
                case .index(let index):
                    next.append(Self.element(index, of: node))
                case .member(let name):
                    next.append(node[name])
                }
            }
            nodes = next
        }
        return nodes
    }

    /// " (did you mean …?)" for the first member the path does not find, or "".
    func hint(_ root: Node) -> String {
        var node = root
        for step in steps {
            switch step {
            case .member(let name):
                guard let next = node[name] else { return Suggestion.hint(for: name, in: node.members?.map(\.key) ?? []) }
                node = next
            case .index(let index):
                guard let next = Self.element(index, of: node) else { return "" }
                node = next
            case .every:
                guard let first = node.items?.first ?? node.members?.first?.value else { return "" }
                node = first
            }
        }
        return ""
    }

    /// A list's element (negative: from the end), or an object's member named by the number.
    static func element(_ index: Int, of node: Node) -> Node? {
        guard let items = node.items else { return node[String(index)] }
        let position = index < 0 ? items.count + index : index
        return items.indices.contains(position) ? items[position] : nil
    }
}
