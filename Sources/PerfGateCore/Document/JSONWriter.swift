/// Writes a `Node` as JSON text, formatting numbers the way JavaScript does (`90`, `22.5`), so
/// results read the same as Pitometer's. Non-finite numbers become `null`: JSON has no NaN.
package enum JSONWriter {
    package static func write(_ node: Node, pretty: Bool = false) -> String {
        var output = ""
        write(node, into: &output, pretty: pretty, indent: 0)
        return output
    }

    /// `strings` (a redactor, say) sees every key and string before it is quoted.
    static func write(_ node: Node, into output: inout String, pretty: Bool, indent: Int, strings: ((String) -> String)? = nil) {
        switch node.value {
        case .null: output += "null"
        case .bool(let bool): output += bool ? "true" : "false"
        // JSON has no infinities: they are written as Prometheus writes them, the strings "+Inf"
        // and "-Inf" (a value of null would read as "not measured"). NaN is null.
        case .number(let number): output += number.isFinite ? format(number) : number.isNaN ? "null" : number > 0 ? "\"+Inf\"" : "\"-Inf\""
        case .string(let string): appendQuoted(strings?(string) ?? string, into: &output)
        case .array(let items):
            if items.isEmpty {
                output += "[]"
                return
            }
            output += "["
            for (offset, item) in items.enumerated() {
                if offset > 0 { output += "," }
                newline(into: &output, pretty: pretty, indent: indent + 1)
                write(item, into: &output, pretty: pretty, indent: indent + 1, strings: strings)
            }
            newline(into: &output, pretty: pretty, indent: indent)
            output += "]"
        case .object(let members):
            if members.isEmpty {
                output += "{}"
                return
            }
            output += "{"
            for (offset, member) in members.enumerated() {
                if offset > 0 { output += "," }
                newline(into: &output, pretty: pretty, indent: indent + 1)
                appendQuoted(strings?(member.key) ?? member.key, into: &output)
                output += pretty ? ": " : ":"
                write(member.value, into: &output, pretty: pretty, indent: indent + 1, strings: strings)
            }
            newline(into: &output, pretty: pretty, indent: indent)
            output += "}"
        }
    }

    static func newline(into output: inout String, pretty: Bool, indent: Int) {
        guard pretty else { return }
        output += "\n"
        output += String(repeating: "  ", count: indent)
    }

    /// A number as JavaScript prints it: integers without a fraction, others in shortest round-trip form.
    package static func format(_ number: Double) -> String {
        if number == 0 { return "0" }  // also -0, as JSON.stringify does
        if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
        return number.description
    }

    package static func quoted(_ string: String) -> String {
        var output = ""
        appendQuoted(string, into: &output)
        return output
    }

    static func appendQuoted(_ string: String, into output: inout String) {
        // Byte by byte over UTF-8, appending runs that need no escape whole: the hot loop of large reports.
        var bytes: [UInt8] = [UInt8(ascii: "\"")]
        bytes.reserveCapacity(string.utf8.count + 8)
        let utf8 = Array(string.utf8)
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            switch byte {
            case UInt8(ascii: "\""): bytes += [UInt8(ascii: "\\"), byte]
            case UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), byte]
            case UInt8(ascii: "\n"): bytes += Array("\\n".utf8)
            case UInt8(ascii: "\r"): bytes += Array("\\r".utf8)
            case UInt8(ascii: "\t"): bytes += Array("\\t".utf8)
            // "##" is written "#\u0023": the same string to a JSON reader, but never an Azure
            // Pipelines logging command (`##vso[`) when the JSON is printed to a build log.
            case UInt8(ascii: "#") where bytes.last == UInt8(ascii: "#"): bytes += Array("\\u0023".utf8)
            // U+2028 and U+2029 (E2 80 A8/A9) end a line in JavaScript.
            case 0xE2 where index + 2 < utf8.count && utf8[index + 1] == 0x80 && (utf8[index + 2] == 0xA8 || utf8[index + 2] == 0xA9):
                bytes += Array((utf8[index + 2] == 0xA8 ? "\\u2028" : "\\u2029").utf8)
                index += 2
            case 0..<0x20, 0x7F:
                let hex = Array(String(byte, radix: 16).utf8)
                bytes += Array("\\u".utf8) + Array(repeating: UInt8(ascii: "0"), count: 4 - hex.count) + hex
            default: bytes.append(byte)
            }
            index += 1
        }
        bytes.append(UInt8(ascii: "\""))
        output += String(decoding: bytes, as: UTF8.self)
    }
}

/// Writes JSON piece by piece in exactly the layout `JSONWriter.write` gives a whole `Node`, for
/// documents too large to build as a tree first (a report of a million values): only one small
/// value exists as a `Node` at a time.
package struct JSONStreamWriter {
    package private(set) var text = ""
    let pretty: Bool
    /// Sees every key and string before it is quoted (the report's redactor).
    let strings: ((String) -> String)?
    /// Where full lines go once `text` passes `flushBytes` (nil: everything stays in `text`).
    let sink: ((String) -> Void)?
    let flushBytes: Int
    /// How many members or elements each open container has so far.
    private var counts: [Int] = []
    /// A key was written and its value is next.
    private var keyPending = false

    package init(pretty: Bool, reservingCapacity capacity: Int = 0) {
        self.pretty = pretty
        strings = nil
        sink = nil
        flushBytes = .max
        text.reserveCapacity(capacity)
    }

    /// A writer that hands whole lines to `sink` about every `flushBytes`, so the text never
    /// exists in one piece: memory stays flat however large the document.
    package init(pretty: Bool, flushBytes: Int = 1 << 20, strings: ((String) -> String)? = nil, sink: @escaping (String) -> Void) {
        self.pretty = pretty
        self.strings = strings
        self.sink = sink
        self.flushBytes = flushBytes
        text.reserveCapacity(flushBytes + 4096)
    }

    package mutating func openObject() { open("{") }
    package mutating func closeObject() { close("}") }
    package mutating func openArray() { open("[") }
    package mutating func closeArray() { close("]") }

    /// An object's key; its value comes next.
    package mutating func key(_ name: String) {
        separate()
        JSONWriter.appendQuoted(strings?(name) ?? name, into: &text)
        text += pretty ? ": " : ":"
        keyPending = true
    }

    /// A whole value: an array's next element, or the value of the key just written.
    package mutating func value(_ node: Node) {
        separate()
        JSONWriter.write(node, into: &text, pretty: pretty, indent: counts.count, strings: strings)
        flushIfFull()
    }

    package mutating func member(_ name: String, _ node: Node) {
        key(name)
        value(node)
    }

    /// The text, with a final line break (with a sink: the rest goes to it, and this is empty).
    package mutating func finish() -> String {
        text += "\n"
        guard let sink else { return text }
        sink(text)
        text = ""
        return ""
    }

    /// Hands the text up to its last line break to the sink, once it is over `flushBytes`.
    private mutating func flushIfFull() {
        guard let sink, text.utf8.count >= flushBytes, let lastBreak = text.utf8.lastIndex(of: UInt8(ascii: "\n")) else { return }
        let cut = text.utf8.index(after: lastBreak)
        sink(String(text[..<cut]))
        text = String(text[cut...])
        text.reserveCapacity(flushBytes + 4096)
    }

    private mutating func open(_ bracket: String) {
        separate()
        text += bracket
        counts.append(0)
    }

    private mutating func close(_ bracket: String) {
        let count = counts.removeLast()
        if count > 0 { JSONWriter.newline(into: &text, pretty: pretty, indent: counts.count) }
        text += bracket
    }

    /// Before a key, or an element of an array: the comma and the line break; nothing for the
    /// value after a key.
    private mutating func separate() {
        if keyPending {
            keyPending = false
            return
        }
        guard !counts.isEmpty else { return }
        if counts[counts.count - 1] > 0 { text += "," }
        counts[counts.count - 1] += 1
        JSONWriter.newline(into: &text, pretty: pretty, indent: counts.count)
    }
}
