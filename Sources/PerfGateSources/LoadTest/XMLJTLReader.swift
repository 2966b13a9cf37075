import Glibc
import PerfGateCore

/// A start tag's attributes, read in place: valid only inside the callback that receives it.
struct XMLAttributes {
    let bytes: UnsafeBufferPointer<UInt8>
    /// Each attribute's name and value ranges in `bytes` (values still encoded).
    let ranges: [(name: Range<Int>, value: Range<Int>)]

    /// The value of `name`, entities decoded.
    subscript(_ name: String) -> String? {
        range(of: name).map { XMLJTLReader.decoded(String(decoding: UnsafeBufferPointer(rebasing: bytes[$0]), as: UTF8.self)) }
    }

    /// The values of a sample's `t`, `ts`, `lb` and `s`, found in one pass over the attributes
    /// (a lookup per name walked them four times per sample).
    var sampleFields: (elapsed: Range<Int>?, timeStamp: Range<Int>?, label: Range<Int>?, success: Range<Int>?) {
        var fields: (elapsed: Range<Int>?, timeStamp: Range<Int>?, label: Range<Int>?, success: Range<Int>?) = (nil, nil, nil, nil)
        // The first of a name counts, as for `range(of:)`.
        for entry in ranges where entry.name.count == 1 || entry.name.count == 2 {
            let first = bytes[entry.name.lowerBound]
            switch entry.name.count {
            case 1 where first == UInt8(ascii: "t"): fields.elapsed = fields.elapsed ?? entry.value
            case 1 where first == UInt8(ascii: "s"): fields.success = fields.success ?? entry.value
            case 2 where first == UInt8(ascii: "t") && bytes[entry.name.lowerBound + 1] == UInt8(ascii: "s"):
                fields.timeStamp = fields.timeStamp ?? entry.value
            case 2 where first == UInt8(ascii: "l") && bytes[entry.name.lowerBound + 1] == UInt8(ascii: "b"):
                fields.label = fields.label ?? entry.value
            default: break
            }
        }
        return fields
    }

    /// The value as a whole number, without making a String (the hot path).
    func integer(_ name: String) -> Int? { integer(in: range(of: name)) }

    /// The value in `range` as a whole number.
    func integer(in range: Range<Int>?) -> Int? {
        guard let range, !range.isEmpty, range.count <= 18 else { return nil }
        var value = 0
        for position in range {
            let digit = bytes[position] &- 48
            guard digit < 10 else { return nil }
            value = value * 10 + Int(digit)
        }
        return value
    }

    /// Whether the value in `range` reads `true` (any case).
    func isTrue(in range: Range<Int>?) -> Bool {
        guard let range, range.count == 4 else { return false }
        let at = range.lowerBound
        return bytes[at] | 0x20 == UInt8(ascii: "t") && bytes[at + 1] | 0x20 == UInt8(ascii: "r") && bytes[at + 2] | 0x20 == UInt8(ascii: "u")
            && bytes[at + 3] | 0x20 == UInt8(ascii: "e")
    }

    /// Whether the value in `range` is exactly `expected` (raw bytes, entities not decoded).
    func rawEquals(in range: Range<Int>?, _ expected: [UInt8]) -> Bool {
        guard let range, range.count == expected.count else { return false }
        return RecentLabels.same(expected, UnsafeBufferPointer(rebasing: bytes[range]))
    }

    func range(of name: String) -> Range<Int>? {
        var name = name
        return name.withUTF8 { wanted in
            // Length first, then the bytes by hand: names are a few bytes ("t", "ts", "lb"), where
            // a generic comparison or a memcmp call costs more than the comparison (8% of a read).
            for entry in ranges where entry.name.count == wanted.count {
                var index = 0
                while index < wanted.count, bytes[entry.name.lowerBound + index] == wanted[index] { index += 1 }
                if index == wanted.count { return entry.value }
            }
            return nil
        }
    }
}

/// Streams an XML JTL (`<testResults>` with `<httpSample>` and `<sample>` elements) in bounded
/// memory: the buffer holds one piece of markup at a time (at most 1 MiB), never the file. Only
/// top-level samples count: sub-samples nested in a sample are skipped, as the Jenkins Performance
/// Plugin does. Text, comments, CDATA and processing instructions are skipped.
struct XMLJTLReader {
    var chunkSize = 1 << 18
    var maxMarkupBytes = 1 << 20

    /// Calls `body` with each top-level sample's attributes and its line.
    func read(file: UnsafeMutablePointer<FILE>, name path: String, _ body: (XMLAttributes, Int) throws(SourceError) -> Void) throws(SourceError) {
        var buffer: [UInt8] = []
        var position = 0
        var atEOF = false
        var line = 1
        var depth = 0
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        var ranges: [(name: Range<Int>, value: Range<Int>)] = []

        /// Reads another chunk, first dropping what was consumed; false at the end of the file.
        func fill() throws(SourceError) -> Bool {
            guard !atEOF else { return false }
            if position > 0 {
                buffer.removeFirst(position)
                position = 0
            }
            let read = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if read == 0 {
                if ferror(file) != 0 { throw SourceError("cannot read \(path): \(FileSystem.reason())") }
                atEOF = true
                return false
            }
            buffer.append(contentsOf: chunk[0..<read])
            return true
        }

        /// The offset just past the markup that starts at `position`, reading more as needed; a
        /// start tag's attributes land in `ranges` on the way.
        func markupEnd() throws(SourceError) -> Int {
            var scanned = position  // resumes here after a fill, with the state below
            var state = MarkupScan()
            ranges.removeAll(keepingCapacity: true)
            while true {
                let found = buffer.withUnsafeBufferPointer { state.end(in: $0, start: position, from: &scanned, attributes: &ranges) }
                if let found { return found }
                guard buffer.count - position <= maxMarkupBytes else {
                    throw SourceError(
                        "\(path):\(line): a piece of markup longer than \(maxMarkupBytes >> 20) MiB; this is not an XML JTL, or it is cut")
                }
                let relative = scanned - position
                guard try fill() else {
                    throw SourceError("\(path):\(line): the file ends inside a piece of markup; it is cut or not an XML JTL")
                }
                scanned = position + relative
            }
        }

        while true {
            // Text up to the next '<' is skipped, counting its lines.
            var foundTag = false
            while !foundTag {
                if position >= buffer.count, !(try fill()) { return }
                buffer.withUnsafeBufferPointer { bytes in
                    while position < bytes.count {
                        let byte = bytes[position]
                        if byte == UInt8(ascii: "<") {
                            foundTag = true
                            return
                        }
                        if byte == UInt8(ascii: "\n") { line += 1 }
                        position += 1
                    }
                }
            }
            while buffer.count - position < 9, try fill() {}
            let end = try markupEnd()
            var sample = false
            var startTag: String?
            var closing = false
            buffer.withUnsafeBufferPointer { bytes in
                let markup = UnsafeBufferPointer(rebasing: bytes[position..<end])
                switch MarkupScan.kind(markup) {
                case .endTag: closing = true
                case .other: break
                case .startTag:
                    let name = MarkupScan.nameRange(markup)
                    let tag = UnsafeBufferPointer(rebasing: markup[name])
                    if depth == 1, Self.equal(Self.httpSample, tag) || Self.equal(Self.sample, tag) {
                        sample = true
                    } else if depth == 0, !Self.equal(Self.testResults, tag) {
                        startTag = String(decoding: UnsafeBufferPointer(rebasing: markup[name]), as: UTF8.self)
                    }
                    if markup.count < 3 || markup[markup.count - 2] != UInt8(ascii: "/") { depth += 1 }
                }
            }
            if closing { depth -= 1 }
            if let startTag {
                throw SourceError("\(path):\(line): the root element is <\(startTag)>, not <testResults>: this is not a JMeter XML JTL")
            }
            if sample {
                try buffer.withUnsafeBufferPointer { (bytes) throws(SourceError) in
                    let markup = UnsafeBufferPointer(rebasing: bytes[position..<end])
                    try body(XMLAttributes(bytes: markup, ranges: ranges), line)
                }
            }
            buffer.withUnsafeBufferPointer { bytes in
                // Lines inside the markup, found with memchr: most tags have none.
                guard let base = bytes.baseAddress else { return }
                var from = position
                while from < end, let found = memchr(base + from, 0x0A, end - from) {
                    line += 1
                    from = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - base + 1
                }
            }
            position = end
        }
    }

    static let (httpSample, sample, testResults) = (Array("httpSample".utf8), Array("sample".utf8), Array("testResults".utf8))

    /// Whether `bytes` are `array`'s (a generic `elementsEqual` against a String's UTF-8 was 6% of a read).
    static func equal(_ array: [UInt8], _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        array.count == bytes.count && RecentLabels.same(array, bytes)
    }

    /// XML's five entities and numeric character references.
    static func decoded(_ text: String) -> String {
        // Bytes, not Characters: this runs for every sample's label.
        guard text.utf8.contains(UInt8(ascii: "&")) else { return text }
        var output = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            output += rest[..<amp]
            guard let semicolon = rest[amp...].firstIndex(of: ";") else { break }
            let entity = rest[rest.index(after: amp)..<semicolon]
            switch entity {
            case "amp": output += "&"
            case "lt": output += "<"
            case "gt": output += ">"
            case "quot": output += "\""
            case "apos": output += "'"
            default:
                let number =
                    entity.hasPrefix("#x") ? UInt32(entity.dropFirst(2), radix: 16) : entity.hasPrefix("#") ? UInt32(entity.dropFirst()) : nil
                if let number, let scalar = Unicode.Scalar(number) { output.unicodeScalars.append(scalar) } else { output += "&" + entity + ";" }
            }
            rest = rest[rest.index(after: semicolon)...]
        }
        return output + rest
    }
}

/// Where a piece of markup ends, and what is in it.
private struct MarkupScan {
    enum Kind { case startTag, endTag, other }

    /// What ends the markup, known from its first bytes (at least 9 are buffered, or the file ends):
    /// up to three bytes, kept inline (an array per tag was a malloc per sample).
    private var terminator: (UInt8, UInt8, UInt8) = (0, 0, 0)
    private var terminatorCount = 0
    /// How far past the `<` the terminator may start: "<!-->" is no whole comment.
    private var prefix = 0
    private var quotes = false
    private var quote: UInt8?
    /// The attribute whose value is open: its name, and where the value starts (from `start`).
    private var name: Range<Int> = 0..<0
    private var valueStart = 0

    /// The offset just past the markup whose `<` is at `start`, or nil when the buffer ends first
    /// (`scanned` then says where to resume; it starts at `start`). A tag's quoted attribute
    /// values, with their names, are added to `attributes` as they are passed (offsets from
    /// `start`, which stay true when the buffer is refilled): the tag is read once.
    mutating func end(
        in bytes: UnsafeBufferPointer<UInt8>, start: Int, from scanned: inout Int, attributes: inout [(name: Range<Int>, value: Range<Int>)]
    ) -> Int? {
        if terminatorCount == 0 {
            let rest = bytes[start...]
            // A tag is the common case: only markup starting "<!" or "<?" needs a longer look.
            let second = start + 1 < bytes.count ? bytes[start + 1] : 0
            if second == UInt8(ascii: "!"), rest.starts(with: "<!--".utf8) {
                (terminator, terminatorCount, prefix) = ((UInt8(ascii: "-"), UInt8(ascii: "-"), UInt8(ascii: ">")), 3, 4)
            } else if second == UInt8(ascii: "!"), rest.starts(with: "<![CDATA[".utf8) {
                (terminator, terminatorCount, prefix) = ((UInt8(ascii: "]"), UInt8(ascii: "]"), UInt8(ascii: ">")), 3, 9)
            } else if second == UInt8(ascii: "?") {
                (terminator, terminatorCount, prefix) = ((0, UInt8(ascii: "?"), UInt8(ascii: ">")), 2, 2)
            } else {
                // '>' may stand raw inside a tag's attribute value, not in <!DOCTYPE …>.
                (terminator, terminatorCount, prefix) = ((0, 0, UInt8(ascii: ">")), 1, 1)
                quotes = second != UInt8(ascii: "!")
            }
            scanned = start + prefix
        }
        let last = terminator.2
        while scanned < bytes.count {
            let byte = bytes[scanned]
            scanned += 1
            if quotes {
                if let open = quote {
                    // The rest of the value at once: memchr finds its closing quote.
                    guard let base = bytes.baseAddress, let found = memchr(base + scanned - 1, Int32(open), bytes.count - scanned + 1) else {
                        scanned = bytes.count
                        return nil
                    }
                    scanned = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - base + 1
                    quote = nil
                    attributes.append((name, valueStart..<(scanned - 1 - start)))
                    continue
                }
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    quote = byte
                    valueStart = scanned - start
                    name = Self.name(before: scanned - 1, in: bytes, start: start)
                    continue
                }
            }
            if byte == last, scanned - terminatorCount >= start + prefix, matchesTerminator(bytes, endingAt: scanned) {
                return scanned
            }
        }
        return nil
    }

    private func matchesTerminator(_ bytes: UnsafeBufferPointer<UInt8>, endingAt end: Int) -> Bool {
        switch terminatorCount {
        case 1: return true
        case 2: return bytes[end - 2] == terminator.1
        default: return bytes[end - 3] == terminator.0 && bytes[end - 2] == terminator.1
        }
    }

    static func kind(_ markup: UnsafeBufferPointer<UInt8>) -> Kind {
        guard markup.count > 1 else { return .other }
        switch markup[1] {
        case UInt8(ascii: "/"): return .endTag
        case UInt8(ascii: "!"), UInt8(ascii: "?"): return .other
        default: return .startTag
        }
    }

    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

    static func nameRange(_ markup: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        var index = 1
        while index < markup.count, !isSpace(markup[index]), markup[index] != UInt8(ascii: ">"), markup[index] != UInt8(ascii: "/") { index += 1 }
        return 1..<index
    }

    /// The name before the `=` of the value whose quote is at `quote`, as an offset from `start`:
    /// white space and `=` back from the quote, then the name back to white space, a quote, or
    /// the tag's start (`a="1"b="2"` still names `b`).
    static func name(before quote: Int, in bytes: UnsafeBufferPointer<UInt8>, start: Int) -> Range<Int> {
        var index = quote
        while index > start + 1, isSpace(bytes[index - 1]) || bytes[index - 1] == UInt8(ascii: "=") { index -= 1 }
        let end = index
        while index > start + 1 {
            let byte = bytes[index - 1]
            if isSpace(byte) || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: ">") {
                break
            }
            index -= 1
        }
        // Back at the element's name: `<sample"…` names no attribute.
        guard index > start + 1 else { return 0..<0 }
        return (index - start)..<(end - start)
    }
}
