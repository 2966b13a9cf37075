/// Writes a `Node` as JSON text, formatting numbers the way JavaScript does (`90`, `22.5`), so
/// results read the same as Pitometer's. Non-finite numbers become `null`: JSON has no NaN.
///
/// The text is built as UTF-8 bytes (a report of a million values is mostly short appends, which
/// a byte array takes at memcpy speed) and made a `String` once.
package enum JSONWriter {
    package static func write(_ node: Node, pretty: Bool = false) -> String {
        var output: [UInt8] = []
        write(node, into: &output, pretty: pretty, indent: 0)
        return String(decoding: output, as: UTF8.self)
    }

    /// `strings` (a redactor, say) sees every key and string before it is quoted.
    /// `spaced`: on one line, but with a space after each `:` and `,` (a pretty document's one-line parts).
    static func write(_ node: Node, into output: inout [UInt8], pretty: Bool, indent: Int, strings: ((String) -> String)? = nil, spaced: Bool = false)
    {
        switch node.value {
        case .null: append("null", to: &output)
        case .bool(let bool): append(bool ? "true" : "false", to: &output)
        // JSON has no infinities: they are written as Prometheus writes them, the strings "+Inf"
        // and "-Inf" (a value of null would read as "not measured"). NaN is null.
        case .number(let number):
            if number.isFinite {
                output.append(contentsOf: format(number).utf8)
            } else {
                append(number.isNaN ? "null" : number > 0 ? "\"+Inf\"" : "\"-Inf\"", to: &output)
            }
        case .string(let string): appendQuoted(strings?(string) ?? string, into: &output)
        case .array(let items):
            if items.isEmpty {
                append("[]", to: &output)
                return
            }
            output.append(UInt8(ascii: "["))
            for (offset, item) in items.enumerated() {
                if offset > 0 { append(spaced ? ", " : ",", to: &output) }
                newline(into: &output, pretty: pretty, indent: indent + 1)
                write(item, into: &output, pretty: pretty, indent: indent + 1, strings: strings, spaced: spaced)
            }
            newline(into: &output, pretty: pretty, indent: indent)
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            if members.isEmpty {
                append("{}", to: &output)
                return
            }
            output.append(UInt8(ascii: "{"))
            for (offset, member) in members.enumerated() {
                if offset > 0 { append(spaced ? ", " : ",", to: &output) }
                newline(into: &output, pretty: pretty, indent: indent + 1)
                appendQuoted(strings?(member.key) ?? member.key, into: &output)
                append(pretty || spaced ? ": " : ":", to: &output)
                write(member.value, into: &output, pretty: pretty, indent: indent + 1, strings: strings, spaced: spaced)
            }
            newline(into: &output, pretty: pretty, indent: indent)
            output.append(UInt8(ascii: "}"))
        }
    }

    static func append(_ text: StaticString, to output: inout [UInt8]) {
        text.withUTF8Buffer { output.append(contentsOf: $0) }
    }

    static func newline(into output: inout [UInt8], pretty: Bool, indent: Int) {
        guard pretty else { return }
        output.append(UInt8(ascii: "\n"))
        output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * indent))
    }

    /// A number as JavaScript prints it: integers without a fraction, others in shortest round-trip form.
    package static func format(_ number: Double) -> String {
        if number == 0 { return "0" }  // also -0, as JSON.stringify does
        if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
        return number.description
    }

    package static func quoted(_ string: String) -> String {
        var output: [UInt8] = []
        appendQuoted(string, into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    static func appendQuoted(_ string: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        // Native strings are contiguous UTF-8: read in place, the runs that need no escape copied whole.
        let done: Void? = string.utf8.withContiguousStorageIfAvailable { appendEscaped($0, into: &output) }
        if done == nil { appendEscaped(Array(string.utf8), into: &output) }
        output.append(UInt8(ascii: "\""))
    }

    /// The bytes of a string's content, escaped for JSON: quotes, backslashes and control
    /// characters; "##" as "#\u0023", so a report printed to a build log is never an Azure
    /// Pipelines logging command (`##vso[`); U+2028 and U+2029, which end a line in JavaScript.
    static func appendEscaped(_ utf8: some RandomAccessCollection<UInt8>, into output: inout [UInt8]) {
        var run = utf8.startIndex
        var index = utf8.startIndex
        var previous: UInt8 = 0
        while index != utf8.endIndex {
            let byte = utf8[index]
            var escape: StaticString?
            var skip = 0
            switch byte {
            case UInt8(ascii: "\""): escape = "\\\""
            case UInt8(ascii: "\\"): escape = "\\\\"
            case UInt8(ascii: "\n"): escape = "\\n"
            case UInt8(ascii: "\r"): escape = "\\r"
            case UInt8(ascii: "\t"): escape = "\\t"
            case UInt8(ascii: "#") where previous == UInt8(ascii: "#"): escape = "\\u0023"
            case 0xE2:
                let second = utf8.index(after: index)
                if second != utf8.endIndex, utf8[second] == 0x80 {
                    let third = utf8.index(after: second)
                    if third != utf8.endIndex, utf8[third] == 0xA8 || utf8[third] == 0xA9 {
                        escape = utf8[third] == 0xA8 ? "\\u2028" : "\\u2029"
                        skip = 2
                    }
                }
            case 0..<0x20, 0x7F: escape = "\\u00"
            default: break
            }
            guard let escape else {
                previous = byte
                index = utf8.index(after: index)
                continue
            }
            output.append(contentsOf: utf8[run..<index])
            append(escape, to: &output)
            if (byte < 0x20 || byte == 0x7F) && byte != UInt8(ascii: "\n") && byte != UInt8(ascii: "\r") && byte != UInt8(ascii: "\t") {
                let digits: StaticString = "0123456789abcdef"
                digits.withUTF8Buffer { hex in
                    output.append(hex[Int(byte >> 4)])
                    output.append(hex[Int(byte & 0xF)])
                }
            }
            // An escaped "#" is no longer a "#" that a next one could follow.
            previous = byte == UInt8(ascii: "#") ? 0 : byte
            index = utf8.index(index, offsetBy: 1 + skip)
            run = index
        }
        output.append(contentsOf: utf8[run..<index])
    }
}

/// Writes JSON piece by piece in exactly the layout `JSONWriter.write` gives a whole `Node`, for
/// documents too large to build as a tree first (a report of a million values): only one small
/// value exists as a `Node` at a time.
package struct JSONStreamWriter {
    /// The text so far, as UTF-8 (without a sink: all of it).
    private var bytes: [UInt8] = []
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
        bytes.reserveCapacity(capacity)
    }

    /// A writer that hands whole lines to `sink` about every `flushBytes`, so the text never
    /// exists in one piece: memory stays flat however large the document.
    package init(pretty: Bool, flushBytes: Int = 1 << 20, strings: ((String) -> String)? = nil, sink: @escaping (String) -> Void) {
        self.pretty = pretty
        self.strings = strings
        self.sink = sink
        self.flushBytes = flushBytes
        bytes.reserveCapacity(flushBytes + 4096)
    }

    package mutating func openObject() { open(UInt8(ascii: "{")) }
    package mutating func closeObject() { close(UInt8(ascii: "}")) }
    package mutating func openArray() { open(UInt8(ascii: "[")) }
    package mutating func closeArray() { close(UInt8(ascii: "]")) }

    /// An object's key; its value comes next.
    package mutating func key(_ name: String) {
        separate()
        JSONWriter.appendQuoted(strings?(name) ?? name, into: &bytes)
        JSONWriter.append(pretty ? ": " : ":", to: &bytes)
        keyPending = true
    }

    /// A whole value: an array's next element, or the value of the key just written. `compact`
    /// writes it on one line (a big list's elements: a line each reads as well, in a third of the bytes).
    package mutating func value(_ node: Node, compact: Bool = false) {
        separate()
        JSONWriter.write(node, into: &bytes, pretty: pretty && !compact, indent: counts.count, strings: strings, spaced: pretty && compact)
        flushIfFull()
    }

    package mutating func member(_ name: String, _ node: Node) {
        key(name)
        value(node)
    }

    /// The text, with a final line break (with a sink: the rest goes to it, and this is empty).
    package mutating func finish() -> String {
        bytes.append(UInt8(ascii: "\n"))
        let text = String(decoding: bytes, as: UTF8.self)
        bytes = []
        guard let sink else { return text }
        sink(text)
        return ""
    }

    /// Hands the text up to its last line break to the sink, once it is over `flushBytes`.
    private mutating func flushIfFull() {
        guard let sink, bytes.count >= flushBytes, let lastBreak = bytes.lastIndex(of: UInt8(ascii: "\n")) else { return }
        sink(String(decoding: bytes[...lastBreak], as: UTF8.self))
        bytes.removeSubrange(...lastBreak)
    }

    private mutating func open(_ bracket: UInt8) {
        separate()
        bytes.append(bracket)
        counts.append(0)
    }

    private mutating func close(_ bracket: UInt8) {
        let count = counts.removeLast()
        if count > 0 { JSONWriter.newline(into: &bytes, pretty: pretty, indent: counts.count) }
        bytes.append(bracket)
    }

    /// Before a key, or an element of an array: the comma and the line break; nothing for the
    /// value after a key.
    private mutating func separate() {
        if keyPending {
            keyPending = false
            return
        }
        guard !counts.isEmpty else { return }
        if counts[counts.count - 1] > 0 { bytes.append(UInt8(ascii: ",")) }
        counts[counts.count - 1] += 1
        JSONWriter.newline(into: &bytes, pretty: pretty, indent: counts.count)
    }
}
