import CYAML

/// Reads YAML through libyaml's event API into the same `Node` tree the JSON parser builds.
///
/// Plain scalars resolve with the YAML 1.2 core schema (`true`, `null`, `12`, `1.5e3`, `.inf`);
/// quoted scalars and `!!str` stay strings. Aliases are expanded with a budget, so an alias bomb
/// ("billion laughs") is rejected instead of eating memory, and `<<` merge keys are applied.
package enum YAMLParser {
    /// The most nodes a document may expand to, counting every alias expansion.
    package static let defaultNodeBudget = 1_000_000
    package static let defaultMaxDepth = 512

    package static func parse(
        _ bytes: [UInt8], nodeBudget: Int = defaultNodeBudget, maxDepth: Int = defaultMaxDepth
    ) throws(DocumentError) -> Node {
        var input = bytes
        if input.starts(with: [0xEF, 0xBB, 0xBF]) { input.removeFirst(3) }
        let outcome: Result<Node, DocumentError> = input.withUnsafeBufferPointer { buffer in
            if let bad = firstInvalidUTF8Offset(buffer) {
                return .failure(DocumentError("invalid UTF-8", at: location(ofOffset: bad, in: buffer)))
            }
            var builder = TreeBuilder(nodeBudget: nodeBudget, maxDepth: maxDepth)
            do throws(DocumentError) {
                return .success(try builder.build(buffer))
            } catch {
                return .failure(error)
            }
        }
        return try outcome.get()
    }

    package static func parse(_ text: String) throws(DocumentError) -> Node {
        try parse(Array(text.utf8))
    }
}

private struct TreeBuilder {
    let nodeBudget: Int
    let maxDepth: Int
    var nodesMade = 0
    var anchors: [String: (node: Node, size: Int)] = [:]

    init(nodeBudget: Int, maxDepth: Int) {
        self.nodeBudget = nodeBudget
        self.maxDepth = maxDepth
    }

    /// A container being filled: its start, and for mappings the key waiting for its value.
    struct Frame {
        var isMapping: Bool
        var location: TextLocation
        var anchor: String?
        var items: [Node] = []
        var members: [Node.Member] = []
        var pendingKey: (String, TextLocation)?
        var size = 1
    }

    mutating func build(_ buffer: UnsafeBufferPointer<UInt8>) throws(DocumentError) -> Node {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { throw DocumentError("could not start the YAML parser") }
        defer { yaml_parser_delete(&parser) }
        if let base = buffer.baseAddress {
            yaml_parser_set_input_string(&parser, base, buffer.count)
        } else {
            var empty: UInt8 = 0
            yaml_parser_set_input_string(&parser, &empty, 0)
        }

        var stack: [Frame] = []
        var root: (Node, Int)?
        var documents = 0
        while true {
            var event = yaml_event_t()
            guard yaml_parser_parse(&parser, &event) == 1 else { throw parserError(parser) }
            defer { yaml_event_delete(&event) }
            let mark = TextLocation(line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
            switch event.type {
            case YAML_STREAM_END_EVENT:
                guard let root else { throw DocumentError("the document is empty") }
                return root.0
            case YAML_DOCUMENT_START_EVENT:
                documents += 1
                if documents > 1 { throw DocumentError("the file holds more than one YAML document", at: mark) }
            case YAML_SCALAR_EVENT:
                let scalar = event.data.scalar
                let text = string(scalar.value, Int(scalar.length))
                let tag = scalar.tag.map { String(cString: $0) }
                let node = Node(
                    try resolve(text, plain: scalar.style == YAML_PLAIN_SCALAR_STYLE, tag: tag, at: mark), at: mark)
                try add((node, 1), anchor: scalar.anchor.map { String(cString: $0) }, to: &stack, root: &root, at: mark)
            case YAML_ALIAS_EVENT:
                let name = String(cString: event.data.alias.anchor)
                guard let target = anchors[name] else { throw DocumentError("unknown alias *\(name)", at: mark) }
                try add(target, anchor: nil, to: &stack, root: &root, at: mark)
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                guard stack.count < maxDepth else { throw DocumentError("nesting deeper than \(maxDepth) levels", at: mark) }
                let isMapping = event.type == YAML_MAPPING_START_EVENT
                let anchor = isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor
                stack.append(Frame(isMapping: isMapping, location: mark, anchor: anchor.map { String(cString: $0) }))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                let frame = stack.removeLast()
                let node = Node(frame.isMapping ? .object(frame.members) : .array(frame.items), at: frame.location)
                try add((node, frame.size), anchor: frame.anchor, to: &stack, root: &root, at: frame.location)
            default:
                break
            }
        }
    }

    mutating func add(
        _ entry: (node: Node, size: Int), anchor: String?, to stack: inout [Frame], root: inout (Node, Int)?,
        at mark: TextLocation
    ) throws(DocumentError) {
        nodesMade += entry.size
        if nodesMade > nodeBudget {
            throw DocumentError("the document expands to more than \(nodeBudget) values (an alias bomb?)", at: mark)
        }
        if let anchor { anchors[anchor] = entry }
        guard var frame = stack.popLast() else {
            root = entry
            return
        }
        frame.size += entry.size
        if !frame.isMapping {
            frame.items.append(entry.node)
        } else if let (key, keyLocation) = frame.pendingKey {
            frame.pendingKey = nil
            if key == "<<", let merged = mergeMembers(entry.node) {
                for member in merged where !frame.members.contains(where: { $0.key == member.key }) {
                    frame.members.append(member)
                }
            } else {
                frame.members.append(Node.Member(key: key, keyLocation: keyLocation, value: entry.node))
            }
        } else {
            switch entry.node.value {
            case .string(let key): frame.pendingKey = (key, mark)
            case .number, .bool, .null: frame.pendingKey = (scalarText(entry.node), mark)
            default: throw DocumentError("a mapping key must be a plain value, not \(entry.node.typeName)", at: mark)
            }
        }
        stack.append(frame)
    }

    /// The members a `<<` merge key brings in: one mapping, or a list of them (earlier ones win).
    func mergeMembers(_ node: Node) -> [Node.Member]? {
        if let members = node.members { return members }
        guard let items = node.items else { return nil }
        var merged: [Node.Member] = []
        for item in items {
            guard let members = item.members else { return nil }
            for member in members where !merged.contains(where: { $0.key == member.key }) { merged.append(member) }
        }
        return merged
    }

    func scalarText(_ node: Node) -> String {
        switch node.value {
        case .number(let number): return JSONWriter.format(number)
        case .bool(let bool): return bool ? "true" : "false"
        case .null: return "null"
        default: return ""
        }
    }

    func string(_ pointer: UnsafeMutablePointer<UInt8>?, _ length: Int) -> String {
        guard let pointer else { return "" }
        return String(decoding: UnsafeBufferPointer(start: pointer, count: length), as: UTF8.self)
    }

    func resolve(_ text: String, plain: Bool, tag: String?, at mark: TextLocation) throws(DocumentError) -> Node.Value {
        if let tag {
            switch tag {
            case "tag:yaml.org,2002:str": return .string(text)
            case "tag:yaml.org,2002:int", "tag:yaml.org,2002:float":
                guard let number = YAMLScalar.number(text) else {
                    throw DocumentError("'\(text)' is tagged as a number but is not one", at: mark)
                }
                return .number(number)
            case "tag:yaml.org,2002:bool":
                guard let bool = YAMLScalar.bool(text) else {
                    throw DocumentError("'\(text)' is tagged as a boolean but is not one", at: mark)
                }
                return .bool(bool)
            case "tag:yaml.org,2002:null": return .null
            case "!": return .string(text)
            default: throw DocumentError("unsupported YAML tag \(tag)", at: mark)
            }
        }
        guard plain else { return .string(text) }
        if YAMLScalar.isNull(text) { return .null }
        if let bool = YAMLScalar.bool(text) { return .bool(bool) }
        if let number = YAMLScalar.number(text) { return .number(number) }
        return .string(text)
    }

    func parserError(_ parser: yaml_parser_t) -> DocumentError {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        let context = parser.context.map { String(cString: $0) + ": " } ?? ""
        let mark = TextLocation(line: Int(parser.problem_mark.line) + 1, column: Int(parser.problem_mark.column) + 1)
        return DocumentError("YAML: \(context)\(problem)", at: mark)
    }
}

/// The YAML 1.2 core schema's plain-scalar rules.
enum YAMLScalar {
    static func isNull(_ text: String) -> Bool {
        text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL"
    }

    static func bool(_ text: String) -> Bool? {
        switch text {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: return nil
        }
    }

    static func number(_ text: String) -> Double? {
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: break
        }
        if text.hasPrefix("0x"), let value = Int64(text.dropFirst(2), radix: 16) { return Double(value) }
        if text.hasPrefix("0o"), let value = Int64(text.dropFirst(2), radix: 8) { return Double(value) }
        // Only digits, signs, '.' and exponents; Double(_:) checks the order but alone would also
        // accept "nan", "infinity" and hex floats.
        var sawDigit = false
        for character in text.unicodeScalars {
            switch character {
            case "0"..."9": sawDigit = true
            case "+", "-", ".", "e", "E": break
            default: return nil
            }
        }
        guard sawDigit, let value = Double(text) else { return nil }
        return value
    }
}
