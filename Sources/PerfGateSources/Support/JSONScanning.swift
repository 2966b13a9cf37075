import Glibc
import PerfGateCore

/// A JSON syntax error at a byte offset.
package struct JSONMalformed: Error {
    var offset: Int
    var message: String
}

/// A string as it stands in the bytes: the range between its quotes, and whether it has escapes.
struct JSONRawString {
    var range: Range<Int>
    var escaped: Bool
}

/// A reader of JSON straight from bytes, for the single-pass parsers (Prometheus answers, JSON
/// pointer scans, k6 point streams): it reads only what the caller asks for and skips the rest,
/// still checking its syntax.
protocol JSONScanning {
    var bytes: UnsafeBufferPointer<UInt8> { get }
    var index: Int { get set }
}

/// The bare cursor, for scanners that keep no state of their own.
struct JSONCursor: JSONScanning {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
}

/// The JSON primitives: strings found with memchr, numbers read with strtod, values skipped with
/// their syntax checked.
extension JSONScanning {
    typealias Malformed = JSONMalformed
    typealias RawString = JSONRawString

    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }
    func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }
    mutating func skipSpace() { while index < bytes.count, isSpace(bytes[index]) { index += 1 } }
    func fail(_ message: String) -> Malformed { Malformed(offset: index, message: message) }

    mutating func expect(_ byte: UInt8) throws(Malformed) {
        skipSpace()
        guard peek == byte else { throw fail("expected '\(Character(Unicode.Scalar(byte)))'") }
        index += 1
    }

    /// Whether an escape-free key is `name`, compared on bytes.
    func matches(_ key: RawString, _ name: StaticString) -> Bool {
        // Only an escaped key needs decoding; any other of another length is another key (and
        // comparing it as text would build two strings per member).
        guard !key.escaped else { return text(key) == name.description }
        guard key.range.count == name.utf8CodeUnitCount else { return false }
        let expected = UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
        return bytes[key.range].elementsEqual(expected)
    }

    /// Calls `member` with each key; `member` must consume the value.
    mutating func object(_ member: (inout Self, RawString) throws(Malformed) -> Void) throws(Malformed) {
        try expect(UInt8(ascii: "{"))
        skipSpace()
        if peek == UInt8(ascii: "}") {
            index += 1
            return
        }
        while true {
            skipSpace()
            let key = try rawString()
            try expect(UInt8(ascii: ":"))
            try member(&self, key)
            skipSpace()
            guard let next = peek else { throw fail("unexpected end inside an object") }
            guard next == UInt8(ascii: ",") || next == UInt8(ascii: "}") else { throw fail("expected ',' or '}'") }
            index += 1
            if next == UInt8(ascii: "}") { return }
        }
    }

    mutating func array(_ element: (inout Self) throws(Malformed) -> Void) throws(Malformed) {
        try expect(UInt8(ascii: "["))
        skipSpace()
        if peek == UInt8(ascii: "]") {
            index += 1
            return
        }
        while true {
            try element(&self)
            skipSpace()
            guard let next = peek else { throw fail("unexpected end inside a list") }
            guard next == UInt8(ascii: ",") || next == UInt8(ascii: "]") else { throw fail("expected ',' or ']'") }
            index += 1
            if next == UInt8(ascii: "]") { return }
        }
    }

    mutating func null() throws(Malformed) -> Bool {
        skipSpace()
        guard peek == UInt8(ascii: "n") else { return false }
        guard bytes[index...].starts(with: "null".utf8) else { throw fail("invalid literal") }
        index += 4
        return true
    }

    mutating func stringOrNull() throws(Malformed) -> String? {
        if try null() { return nil }
        return text(try rawString())
    }

    /// The string at the current position, without decoding it. The closing quote is found with
    /// memchr; the span is then checked for backslashes (escapes) and control characters.
    mutating func rawString() throws(Malformed) -> RawString {
        skipSpace()
        guard peek == UInt8(ascii: "\""), let base = bytes.baseAddress else { throw fail("expected a string") }
        let start = index + 1
        var searchFrom = start
        var escaped = false
        while true {
            guard searchFrom < bytes.count,
                let found = memchr(base + searchFrom, Int32(UInt8(ascii: "\"")), bytes.count - searchFrom)
            else {
                throw fail("unterminated string")
            }
            let quote = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - base
            var position = searchFrom
            var endsHere = true
            while position < quote {
                let byte = base[position]
                if byte < 0x20 {
                    index = position
                    throw fail("control character in a string")
                }
                if byte == UInt8(ascii: "\\") {
                    escaped = true
                    position += 2
                    // An escaped quote ("\"") is not the end: search again after it.
                    if position > quote {
                        endsHere = false
                        break
                    }
                    continue
                }
                position += 1
            }
            if endsHere {
                index = quote + 1
                return RawString(range: start..<quote, escaped: escaped)
            }
            searchFrom = quote + 1
        }
    }

    /// A raw string's text: escape-free ones directly, others through the full JSON parser.
    func text(_ raw: RawString) -> String {
        guard raw.escaped else { return String(decoding: UnsafeBufferPointer(rebasing: bytes[raw.range]), as: UTF8.self) }
        let literal = Array(bytes[(raw.range.lowerBound - 1)...raw.range.upperBound])
        if case .string(let text)? = (try? JSONParser.parse(literal))?.value { return text }
        return String(decoding: literal, as: UTF8.self)
    }

    /// A number in the bytes (as strtod reads it: also NaN and Inf), or nil.
    func double(_ range: Range<Int>) -> Double? {
        let count = range.count
        guard count > 0, count < 64 else { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
            for offset in 0..<count { buffer[offset] = CChar(bitPattern: bytes[range.lowerBound + offset]) }
            buffer[count] = 0
            var end: UnsafeMutablePointer<CChar>?
            let value = strtod(buffer.baseAddress!, &end)
            guard let end, end - buffer.baseAddress! == count else { return nil }
            return value
        }
    }

    mutating func number() throws(Malformed) -> Double {
        skipSpace()
        let start = index
        while index < bytes.count, Self.isNumberByte(bytes[index]) { index += 1 }
        guard let value = double(start..<index), value.isFinite else {
            index = start
            throw fail("expected a number")
        }
        return value
    }

    /// A list of exactly two cells, each a number or null (a time series' point: Graphite's
    /// `[value, seconds]`, Datadog's `[ms, value]`); nil, with the value skipped, for anything else.
    mutating func numberPair() throws(Malformed) -> (Double?, Double?)? {
        skipSpace()
        guard peek == UInt8(ascii: "[") else {
            try skipValue()
            return nil
        }
        var cells: [Double?] = []
        var other = false
        try array { (parser) throws(Malformed) in
            parser.skipSpace()
            switch parser.peek {
            case UInt8(ascii: "n")?: _ = try parser.null(); cells.append(nil)
            case UInt8(ascii: "\"")?, UInt8(ascii: "t")?, UInt8(ascii: "f")?, UInt8(ascii: "{")?, UInt8(ascii: "[")?:
                try parser.skipValue()
                other = true
            default: cells.append(try parser.number())
            }
        }
        guard !other, cells.count == 2 else { return nil }
        return (cells[0], cells[1])
    }

    static func isNumberByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
            || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
    }

    /// Skips any JSON value, checking its syntax.
    mutating func skipValue(depth: Int = 0) throws(Malformed) {
        guard depth < 256 else { throw fail("nesting too deep") }
        skipSpace()
        switch peek {
        case UInt8(ascii: "{")?: try object { (parser, _) throws(Malformed) in try parser.skipValue(depth: depth + 1) }
        case UInt8(ascii: "[")?: try array { (parser) throws(Malformed) in try parser.skipValue(depth: depth + 1) }
        case UInt8(ascii: "\"")?: _ = try rawString()
        case UInt8(ascii: "t")?, UInt8(ascii: "f")?, UInt8(ascii: "n")?:
            for literal in ["true", "false", "null"] where bytes[index...].starts(with: literal.utf8) {
                index += literal.utf8.count
                return
            }
            throw fail("invalid literal")
        case nil: throw fail("unexpected end of the document")
        default: _ = try number()
        }
    }
}
