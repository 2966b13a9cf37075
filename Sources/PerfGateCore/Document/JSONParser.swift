/// A strict JSON (RFC 8259) parser that keeps each value's line and column.
///
/// Written by hand because FoundationEssentials' decoder reports neither positions nor unknown keys,
/// and a spec error without a line is hard to fix. Nesting is bounded so hostile input cannot
/// exhaust the stack.
public struct JSONParser {
    public static let defaultMaxDepth = 512

    public static func parse(_ bytes: [UInt8], maxDepth: Int = defaultMaxDepth) throws(DocumentError) -> Node {
        let result: Result<Node, DocumentError> = bytes.withUnsafeBufferPointer { buffer in
            var parser = Parser(bytes: buffer, maxDepth: maxDepth)
            do throws(DocumentError) {
                return .success(try parser.parseDocument())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    package static func parse(_ text: String, maxDepth: Int = defaultMaxDepth) throws(DocumentError) -> Node {
        try parse(Array(text.utf8), maxDepth: maxDepth)
    }
}

private struct Parser {
    let bytes: UnsafeBufferPointer<UInt8>
    let maxDepth: Int
    var index = 0
    var line = 1
    var lineStart = 0

    init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    // Newlines occur only in whitespace in JSON, so the line is tracked there, and the column is
    // counted forward from the last position asked for: positions stay linear in the document's
    // size even when it is all on one line (as API answers are).
    var countedOffset = 0
    var countedColumn = 1

    var here: TextLocation {
        mutating get {
            if countedOffset < lineStart {
                countedOffset = lineStart
                countedColumn = 1
            }
            while countedOffset < index {
                if bytes[countedOffset] & 0xC0 != 0x80 { countedColumn += 1 }
                countedOffset += 1
            }
            return TextLocation(line: line, column: countedColumn)
        }
    }

    mutating func fail(_ message: String, at offset: Int? = nil) -> DocumentError {
        DocumentError(message, at: offset.map { location(ofOffset: $0, in: bytes) } ?? here)
    }

    mutating func parseDocument() throws(DocumentError) -> Node {
        if let bad = firstInvalidUTF8Offset(bytes) { throw fail("invalid UTF-8", at: bad) }
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            index = 3
            lineStart = 3
        }
        skipWhitespace()
        guard index < bytes.count else { throw fail("the document is empty") }
        let node = try parseValue(depth: 0)
        skipWhitespace()
        if index < bytes.count { throw fail("unexpected \(describeByte()) after the end of the document") }
        return node
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x0A:
                index += 1
                line += 1
                lineStart = index
            case 0x20, 0x09, 0x0D: index += 1
            default: return
            }
        }
    }

    func describeByte() -> String {
        guard index < bytes.count else { return "end of file" }
        let byte = bytes[index]
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x\(String(byte, radix: 16))"
    }

    mutating func parseValue(depth: Int) throws(DocumentError) -> Node {
        guard depth < maxDepth else { throw fail("nesting deeper than \(maxDepth) levels") }
        guard index < bytes.count else { throw fail("unexpected end of file, expected a value") }
        let start = here
        switch bytes[index] {
        case UInt8(ascii: "{"): return Node(.object(try parseObject(depth: depth)), at: start)
        case UInt8(ascii: "["): return Node(.array(try parseArray(depth: depth)), at: start)
        case UInt8(ascii: "\""): return Node(.string(try parseString()), at: start)
        case UInt8(ascii: "t"): try expectLiteral("true"); return Node(.bool(true), at: start)
        case UInt8(ascii: "f"): try expectLiteral("false"); return Node(.bool(false), at: start)
        case UInt8(ascii: "n"): try expectLiteral("null"); return Node(.null, at: start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return Node(.number(try parseNumber()), at: start)
        default:
            throw fail("unexpected \(describeByte()), expected a value")
        }
    }

    mutating func expectLiteral(_ literal: StaticString) throws(DocumentError) {
        let text = literal.utf8Start
        for offset in 0..<literal.utf8CodeUnitCount {
            guard index + offset < bytes.count, bytes[index + offset] == text[offset] else {
                throw fail("unexpected \(describeByte()), expected a value")
            }
        }
        index += literal.utf8CodeUnitCount
    }

    mutating func parseObject(depth: Int) throws(DocumentError) -> [Node.Member] {
        index += 1
        var members: [Node.Member] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return members
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw fail("expected a quoted key, found \(describeByte())")
            }
            let keyLocation = here
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw fail("expected ':' after key \"\(key)\", found \(describeByte())")
            }
            index += 1
            skipWhitespace()
            let value = try parseValue(depth: depth + 1)
            members.append(Node.Member(key: key, keyLocation: keyLocation, value: value))
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end of file inside an object") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            if bytes[index] == UInt8(ascii: "}") {
                index += 1
                return members
            }
            throw fail("expected ',' or '}' in an object, found \(describeByte())")
        }
    }

    mutating func parseArray(depth: Int) throws(DocumentError) -> [Node] {
        index += 1
        var items: [Node] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return items
        }
        while true {
            skipWhitespace()
            items.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end of file inside a list") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            if bytes[index] == UInt8(ascii: "]") {
                index += 1
                return items
            }
            throw fail("expected ',' or ']' in a list, found \(describeByte())")
        }
    }

    mutating func parseNumber() throws(DocumentError) -> Double {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw fail("invalid number") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw fail("invalid number: digits expected after '.'") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw fail("invalid number: digits expected in the exponent") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let number = Double(text), number.isFinite else {
            throw fail("number \(text) is out of range", at: start)
        }
        return number
    }

    func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    mutating func parseString() throws(DocumentError) -> String {
        let quote = index
        index += 1
        var scalars = String.UnicodeScalarView()
        var runStart = index
        func flush(_ upTo: Int, into scalars: inout String.UnicodeScalarView) {
            if upTo > runStart {
                scalars.append(contentsOf: String(decoding: UnsafeBufferPointer(rebasing: bytes[runStart..<upTo]), as: UTF8.self).unicodeScalars)
            }
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                // Most strings have no escape: one decode of the bytes, no scalar-by-scalar copy.
                if runStart == quote + 1 {
                    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[runStart..<index]), as: UTF8.self)
                    index += 1
                    return text
                }
                flush(index, into: &scalars)
                index += 1
                return String(scalars)
            }
            if byte < 0x20 { throw fail("control character in a string (escape it, e.g. \\n)") }
            if byte == UInt8(ascii: "\\") {
                flush(index, into: &scalars)
                index += 1
                guard index < bytes.count else { break }
                let escaped = bytes[index]
                index += 1
                switch escaped {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "b"): scalars.append("\u{08}")
                case UInt8(ascii: "f"): scalars.append("\u{0C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"): scalars.append(try parseUnicodeEscape())
                default:
                    index -= 2  // point at the backslash
                    throw fail("invalid escape \\\(Character(Unicode.Scalar(escaped)))")
                }
                runStart = index
                continue
            }
            index += 1
        }
        throw fail("unterminated string", at: quote)
    }

    mutating func readHex4() throws(DocumentError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw fail("incomplete \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw fail("invalid \\u escape")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    mutating func parseUnicodeEscape() throws(DocumentError) -> Unicode.Scalar {
        let high = try readHex4()
        if (0xD800...0xDBFF).contains(high) {
            guard index + 2 <= bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                throw fail("unpaired surrogate in \\u escape")
            }
            index += 2
            let low = try readHex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw fail("unpaired surrogate in \\u escape") }
            return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!
        }
        guard let scalar = Unicode.Scalar(high) else { throw fail("unpaired surrogate in \\u escape") }
        return scalar
    }
}
