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

    /// The value as a whole number, without making a String (the hot path).
    func integer(_ name: String) -> Int? {
        guard let range = range(of: name), !range.isEmpty, range.count <= 18 else { return nil }
        var value = 0
        for position in range {
            let digit = bytes[position] &- 48
            guard digit < 10 else { return nil }
            value = value * 10 + Int(digit)
        }
        return value
    }

    /// Whether the value reads `true` (any case).
    func isTrue(_ name: String) -> Bool {
        guard let range = range(of: name), range.count == 4 else { return false }
        return zip(bytes[range], "true".utf8).allSatisfy { $0 | 0x20 == $1 }
    }

    /// Whether the value is exactly `expected` (raw bytes, entities not decoded).
    func rawEquals(_ name: String, _ expected: [UInt8]) -> Bool {
        guard let range = range(of: name), range.count == expected.count else { return false }
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

        /// The offset just past the markup that starts at `position`, reading more as needed.
        func markupEnd() throws(SourceError) -> Int {
            var scanned = position  // resumes here after a fill, with the state below
            var state = MarkupScan()
            while true {
                let found = buffer.withUnsafeBufferPointer { state.end(in: $0, start: position, from: &scanned) }
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
                    let isSample = markup[name].elementsEqual("httpSample".utf8) || markup[name].elementsEqual("sample".utf8)
                    if depth == 1, isSample {
                        sample = true
                    } else if depth == 0, !markup[name].elementsEqual("testResults".utf8) {
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
                    MarkupScan.attributes(markup, into: &ranges)
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

    /// The offset just past the markup whose `<` is at `start`, or nil when the buffer ends first
    /// (`scanned` then says where to resume; it starts at `start`).
    mutating func end(in bytes: UnsafeBufferPointer<UInt8>, start: Int, from scanned: inout Int) -> Int? {
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
                    continue
                }
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    quote = byte
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

    /// The name and value ranges of a start tag's attributes.
    static func attributes(_ markup: UnsafeBufferPointer<UInt8>, into ranges: inout [(name: Range<Int>, value: Range<Int>)]) {
        ranges.removeAll(keepingCapacity: true)
        var index = nameRange(markup).upperBound
        while index < markup.count {
            while index < markup.count, isSpace(markup[index]) { index += 1 }
            let keyStart = index
            while index < markup.count, markup[index] != UInt8(ascii: "="), !isSpace(markup[index]),
                markup[index] != UInt8(ascii: ">"), markup[index] != UInt8(ascii: "/")
            { index += 1 }
            let key = keyStart..<index
            while index < markup.count, isSpace(markup[index]) || markup[index] == UInt8(ascii: "=") { index += 1 }
            guard index < markup.count, markup[index] == UInt8(ascii: "\"") || markup[index] == UInt8(ascii: "'") else {
                if key.isEmpty { index += 1 }
                continue
            }
            let quote = markup[index]
            index += 1
            let valueStart = index
            while index < markup.count, markup[index] != quote { index += 1 }
            ranges.append((key, valueStart..<min(index, markup.count)))
            index += 1
        }
    }
}
