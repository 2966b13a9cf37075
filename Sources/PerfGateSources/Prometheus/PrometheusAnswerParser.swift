#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import PerfGateCore

/// A single pass over a Prometheus API answer's bytes, straight to measurements.
///
/// A general document tree for a 100,000-series answer costs a million small values; this reads
/// only what perfgate needs (`status`, `errorType`, `error`, `warnings`, `data.resultType`,
/// `data.result`), skips everything else, and still rejects malformed JSON with its offset. Keys,
/// labels and numbers are read from the raw bytes; a String is made once per series key.
struct PrometheusAnswerParser {
    struct Answer {
        var status: String?
        var errorType: String?
        var error: String?
        var warnings: [String] = []
        var resultType: String?
        /// Series results (vector and matrix), in order.
        var samples: [Measurement] = []
        /// A scalar or string result: `[timestamp, "value"]`, the value as written.
        var single: (timestamp: Double, value: String)?
        var hasResult = false
    }

    struct Malformed: Error {
        var offset: Int
        var message: String
    }

    /// A string as it stands in the bytes: the range between its quotes, and whether it has escapes.
    struct RawString {
        var range: Range<Int>
        var escaped: Bool
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var labelScratch: [(name: RawString, value: RawString)] = []
    private var keyScratch: [UInt8] = []

    static func parse(_ body: [UInt8]) throws(Malformed) -> Answer {
        let outcome: Result<Answer, Malformed> = body.withUnsafeBufferPointer { buffer in
            var parser = PrometheusAnswerParser(bytes: buffer)
            do throws(Malformed) {
                return .success(try parser.document())
            } catch {
                return .failure(error)
            }
        }
        return try outcome.get()
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    private mutating func document() throws(Malformed) -> Answer {
        var answer = Answer()
        try object { (parser, key) throws(Malformed) in
            if parser.matches(key, "status") {
                answer.status = try parser.stringOrNull()
            } else if parser.matches(key, "errorType") {
                answer.errorType = try parser.stringOrNull()
            } else if parser.matches(key, "error") {
                answer.error = try parser.stringOrNull()
            } else if parser.matches(key, "warnings") {
                try parser.array { (parser) throws(Malformed) in
                    if let warning = try parser.stringOrNull() { answer.warnings.append(warning) }
                }
            } else if parser.matches(key, "data") {
                try parser.data(into: &answer)
            } else {
                try parser.skipValue()
            }
        }
        skipSpace()
        guard index == bytes.count else { throw fail("unexpected data after the answer") }
        return answer
    }

    private mutating func data(into answer: inout Answer) throws(Malformed) {
        if try null() { return }
        try object { (parser, key) throws(Malformed) in
            if parser.matches(key, "resultType") {
                answer.resultType = try parser.stringOrNull()
            } else if parser.matches(key, "result") {
                answer.hasResult = true
                try parser.result(into: &answer)
            } else {
                try parser.skipValue()
            }
        }
    }

    /// A list of series, or `[timestamp, "value"]` for a scalar or string.
    private mutating func result(into answer: inout Answer) throws(Malformed) {
        skipSpace()
        guard peek == UInt8(ascii: "[") else { throw fail("'result' must be a list") }
        var probe = index + 1
        while probe < bytes.count, isSpace(bytes[probe]) { probe += 1 }
        if probe < bytes.count, bytes[probe] != UInt8(ascii: "{"), bytes[probe] != UInt8(ascii: "]") {
            try expect(UInt8(ascii: "["))
            let timestamp = try number()
            try expect(UInt8(ascii: ","))
            skipSpace()
            let value = peek == UInt8(ascii: "\"") ? text(try rawString()) : JSONWriter.format(try number())
            try expect(UInt8(ascii: "]"))
            answer.single = (timestamp, value)
            return
        }
        try array { (parser) throws(Malformed) in try parser.series(into: &answer.samples) }
    }

    /// `{"metric": {…}, "value": [t, "v"]}` or `{"metric": {…}, "values": [[t, "v"], …]}`.
    private mutating func series(into samples: inout [Measurement]) throws(Malformed) {
        var key = "{}"
        let first = samples.count
        try object { (parser, name) throws(Malformed) in
            if parser.matches(name, "metric") {
                key = try parser.labels()
                // Points read before the labels (an unusual key order) get the key now.
                for index in first..<samples.count { samples[index].key = key }
            } else if parser.matches(name, "value") {
                samples.append(try parser.point(key: key))
            } else if parser.matches(name, "values") {
                try parser.array { (parser) throws(Malformed) in samples.append(try parser.point(key: key)) }
            } else {
                try parser.skipValue()
            }
        }
    }

    /// `[timestamp, "value"]`; NaN is a missing value, `+Inf`/`-Inf` are numbers.
    private mutating func point(key: String) throws(Malformed) -> Measurement {
        try expect(UInt8(ascii: "["))
        let timestamp = try number()
        try expect(UInt8(ascii: ","))
        skipSpace()
        let value: Double
        if peek == UInt8(ascii: "\"") {
            let raw = try rawString()
            guard let parsed = raw.escaped ? Double(text(raw)) : double(raw.range) else {
                index = raw.range.lowerBound
                throw fail("a sample value is not a number: \(JSONWriter.quoted(text(raw)))")
            }
            value = parsed
        } else {
            value = try number()
        }
        try expect(UInt8(ascii: "]"))
        return Measurement(key: key, value: value, timestamp: timestamp)
    }

    /// The labels as `{a="b",c="d"}`, sorted by name, escaped as in Prometheus' text format.
    private mutating func labels() throws(Malformed) -> String {
        labelScratch.removeAll(keepingCapacity: true)
        try object { (parser, name) throws(Malformed) in
            parser.skipSpace()
            guard parser.peek == UInt8(ascii: "\"") else { throw parser.fail("a label value must be a string") }
            parser.labelScratch.append((name, try parser.rawString()))
        }
        let source = bytes
        labelScratch.sort { left, right in
            // Byte order of UTF-8 is code point order, as Prometheus sorts.
            let a = source[left.name.range]
            let b = source[right.name.range]
            return a.lexicographicallyPrecedes(b)
        }
        keyScratch.removeAll(keepingCapacity: true)
        keyScratch.append(UInt8(ascii: "{"))
        for (offset, label) in labelScratch.enumerated() {
            if offset > 0 { keyScratch.append(UInt8(ascii: ",")) }
            appendEscaped(label.name)
            keyScratch.append(contentsOf: [UInt8(ascii: "="), UInt8(ascii: "\"")])
            appendEscaped(label.value)
            keyScratch.append(UInt8(ascii: "\""))
        }
        keyScratch.append(UInt8(ascii: "}"))
        return String(decoding: keyScratch, as: UTF8.self)
    }

    private mutating func appendEscaped(_ raw: RawString) {
        guard raw.escaped else {
            // Without escapes a JSON string holds no quote, backslash or line break: nothing to escape.
            keyScratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[raw.range]))
            return
        }
        for byte in text(raw).utf8 { appendEscaped(byte) }
    }

    private mutating func appendEscaped(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\\"): keyScratch.append(UInt8(ascii: "\\")); keyScratch.append(byte)
        case UInt8(ascii: "\""): keyScratch.append(UInt8(ascii: "\\")); keyScratch.append(byte)
        case UInt8(ascii: "\n"): keyScratch.append(UInt8(ascii: "\\")); keyScratch.append(UInt8(ascii: "n"))
        default: keyScratch.append(byte)
        }
    }

    // MARK: JSON primitives

    private var peek: UInt8? { index < bytes.count ? bytes[index] : nil }
    private func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }
    private mutating func skipSpace() { while index < bytes.count, isSpace(bytes[index]) { index += 1 } }
    private func fail(_ message: String) -> Malformed { Malformed(offset: index, message: message) }

    private mutating func expect(_ byte: UInt8) throws(Malformed) {
        skipSpace()
        guard peek == byte else { throw fail("expected '\(Character(Unicode.Scalar(byte)))'") }
        index += 1
    }

    /// Whether an escape-free key is `name`, compared on bytes.
    private func matches(_ key: RawString, _ name: StaticString) -> Bool {
        guard !key.escaped, key.range.count == name.utf8CodeUnitCount else { return text(key) == name.description }
        let expected = UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
        return bytes[key.range].elementsEqual(expected)
    }

    /// Calls `member` with each key; `member` must consume the value.
    private mutating func object(_ member: (inout PrometheusAnswerParser, RawString) throws(Malformed) -> Void) throws(Malformed) {
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

    private mutating func array(_ element: (inout PrometheusAnswerParser) throws(Malformed) -> Void) throws(Malformed) {
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

    private mutating func null() throws(Malformed) -> Bool {
        skipSpace()
        guard peek == UInt8(ascii: "n") else { return false }
        guard bytes[index...].starts(with: "null".utf8) else { throw fail("invalid literal") }
        index += 4
        return true
    }

    private mutating func stringOrNull() throws(Malformed) -> String? {
        if try null() { return nil }
        return text(try rawString())
    }

    /// The string at the current position, without decoding it. The closing quote is found with
    /// memchr; the span is then checked for backslashes (escapes) and control characters.
    private mutating func rawString() throws(Malformed) -> RawString {
        skipSpace()
        guard peek == UInt8(ascii: "\""), let base = bytes.baseAddress else { throw fail("expected a string") }
        let start = index + 1
        var searchFrom = start
        var escaped = false
        while true {
            guard searchFrom < bytes.count,
                  let found = memchr(base + searchFrom, Int32(UInt8(ascii: "\"")), bytes.count - searchFrom) else {
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
    private func text(_ raw: RawString) -> String {
        guard raw.escaped else { return String(decoding: UnsafeBufferPointer(rebasing: bytes[raw.range]), as: UTF8.self) }
        let literal = Array(bytes[(raw.range.lowerBound - 1)...raw.range.upperBound])
        if case .string(let text)? = (try? JSONParser.parse(literal))?.value { return text }
        return String(decoding: literal, as: UTF8.self)
    }

    /// A number in the bytes (as strtod reads it: also NaN and Inf), or nil.
    private func double(_ range: Range<Int>) -> Double? {
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

    private mutating func number() throws(Malformed) -> Double {
        skipSpace()
        let start = index
        while index < bytes.count, Self.isNumberByte(bytes[index]) { index += 1 }
        guard let value = double(start..<index), value.isFinite else {
            index = start
            throw fail("expected a number")
        }
        return value
    }

    private static func isNumberByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
            || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
    }

    /// Skips any JSON value, checking its syntax.
    private mutating func skipValue(depth: Int = 0) throws(Malformed) {
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
        case nil: throw fail("unexpected end of the answer")
        default: _ = try number()
        }
    }
}
