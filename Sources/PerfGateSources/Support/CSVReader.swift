#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import PerfGateCore

/// One CSV record, valid only inside the callback that receives it: fields are views into the
/// reader's buffer, so nothing is copied unless asked for.
struct CSVRecord {
    let bytes: UnsafeBufferPointer<UInt8>
    let fields: [(range: Range<Int>, quoted: Bool)]

    var count: Int { fields.count }

    func string(_ index: Int) -> String {
        guard index < fields.count else { return "" }
        let field = fields[index]
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[field.range]), as: UTF8.self)
        return field.quoted ? text.replacingQuotePairs() : text
    }

    /// The field as a whole number, without making a String (the hot path for JTL files).
    func integer(_ index: Int) -> Int? {
        guard index < fields.count else { return nil }
        var value = 0
        var negative = false
        var sawDigit = false
        for position in fields[index].range {
            let byte = bytes[position]
            if byte == UInt8(ascii: "-"), !sawDigit, !negative {
                negative = true
            } else if byte >= 48 && byte <= 57 {
                let (product, overflow) = value.multipliedReportingOverflow(by: 10)
                guard !overflow else { return nil }
                value = product + Int(byte - 48)
                sawDigit = true
            } else {
                return nil
            }
        }
        return sawDigit ? (negative ? -value : value) : nil
    }

    /// Whether the field reads `true` (any case).
    func isTrue(_ index: Int) -> Bool {
        guard index < fields.count else { return false }
        let range = fields[index].range
        guard range.count == 4 else { return false }
        return bytes[range.lowerBound] | 0x20 == UInt8(ascii: "t") && bytes[range.lowerBound + 1] | 0x20 == UInt8(ascii: "r")
            && bytes[range.lowerBound + 2] | 0x20 == UInt8(ascii: "u") && bytes[range.lowerBound + 3] | 0x20 == UInt8(ascii: "e")
    }
}

extension String {
    fileprivate func replacingQuotePairs() -> String {
        guard contains("\"\"") else { return self }
        var result = ""
        var previousWasQuote = false
        for character in self {
            if character == "\"" && previousWasQuote {
                previousWasQuote = false
                continue
            }
            previousWasQuote = character == "\""
            result.append(character)
        }
        return result
    }
}

/// Streams an RFC 4180 CSV file record by record in fixed memory (plus the longest record):
/// quoted fields, doubled quotes, separators and newlines inside quotes, CRLF or LF.
struct CSVReader {
    var separator: UInt8 = UInt8(ascii: ",")
    var chunkSize = 1 << 18

    /// Calls `body` with each record and its 1-based line number; stop early by returning false.
    func read(path: String, _ body: (CSVRecord, Int) throws(SourceError) -> Bool) throws(SourceError) {
        guard let file = fopen(path, "rb") else {
            throw SourceError("cannot read \(path): \(FileSystem.reason())")
        }
        defer { fclose(file) }
        if FileSystem.isDirectory(path) { throw SourceError("cannot read \(path): it is a directory") }
        try read(file: file, name: path, body)
    }

    /// The same from an open stream (`name` is for messages): a file, or memory through fmemopen.
    func read(file: UnsafeMutablePointer<FILE>, name path: String, _ body: (CSVRecord, Int) throws(SourceError) -> Bool) throws(SourceError) {
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        var filled = 0
        var line = 1
        var atEOF = false
        var firstRecord = true
        while true {
            if !atEOF && filled < buffer.count {
                let count = buffer.withUnsafeMutableBytes { fread($0.baseAddress! + filled, 1, $0.count - filled, file) }
                filled += count
                if count == 0 {
                    if ferror(file) != 0 { throw SourceError("cannot read \(path): \(FileSystem.reason())") }
                    atEOF = true
                }
            }
            var consumed = 0
            var keepGoing = true
            try buffer.withUnsafeBufferPointer { (bytes) throws(SourceError) in
                var start = 0
                if firstRecord, filled >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
                while keepGoing, start < filled {
                    guard let (fields, end, newlines) = Self.scanRecord(bytes, from: start, to: filled, separator: separator, atEOF: atEOF) else {
                        break
                    }
                    firstRecord = false
                    let isBlank = fields.count == 1 && fields[0].range.isEmpty
                    if !isBlank {
                        keepGoing = try body(CSVRecord(bytes: bytes, fields: fields), line)
                    }
                    line += newlines
                    start = end
                }
                consumed = start
            }
            if !keepGoing || (atEOF && consumed >= filled) { return }
            if consumed == 0 && filled == buffer.count {
                // One record longer than the buffer: grow it.
                buffer += [UInt8](repeating: 0, count: buffer.count)
                continue
            }
            if consumed > 0 {
                buffer.withUnsafeMutableBufferPointer { pointer in
                    let base = pointer.baseAddress!
                    memmove(base, base + consumed, filled - consumed)
                }
                filled -= consumed
            }
            if atEOF && consumed == 0 { return }
        }
    }

    /// The fields of the record at `start`, the offset after it and how many line breaks it spans;
    /// nil when the record may continue past `limit` and more input is coming.
    static func scanRecord(
        _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to limit: Int, separator: UInt8, atEOF: Bool
    ) -> ([(range: Range<Int>, quoted: Bool)], Int, Int)? {
        var fields: [(range: Range<Int>, quoted: Bool)] = []
        fields.reserveCapacity(20)
        var index = start
        var newlines = 0
        while true {
            if index < limit, bytes[index] == UInt8(ascii: "\"") {
                let contentStart = index + 1
                index += 1
                while true {
                    guard index < limit else {
                        if !atEOF { return nil }
                        fields.append((contentStart..<limit, true))
                        return (fields, limit, newlines)
                    }
                    if bytes[index] == UInt8(ascii: "\"") {
                        if index + 1 < limit, bytes[index + 1] == UInt8(ascii: "\"") {
                            index += 2
                            continue
                        }
                        if index + 1 >= limit && !atEOF { return nil }
                        break
                    }
                    if bytes[index] == UInt8(ascii: "\n") { newlines += 1 }
                    index += 1
                }
                fields.append((contentStart..<index, true))
                index += 1
                // Skip anything between the closing quote and the separator, as lenient readers do.
                while index < limit, bytes[index] != separator, bytes[index] != UInt8(ascii: "\n") { index += 1 }
            } else {
                let fieldStart = index
                while index < limit, bytes[index] != separator, bytes[index] != UInt8(ascii: "\n") { index += 1 }
                var fieldEnd = index
                if fieldEnd > fieldStart, bytes[fieldEnd - 1] == UInt8(ascii: "\r"), index < limit || atEOF,
                   index >= limit || bytes[index] == UInt8(ascii: "\n") {
                    fieldEnd -= 1
                }
                fields.append((fieldStart..<fieldEnd, false))
            }
            guard index < limit else {
                if !atEOF { return nil }
                return (fields, limit, newlines)
            }
            if bytes[index] == separator {
                index += 1
                continue
            }
            // A line break ends the record.
            return (fields, index + 1, newlines + 1)
        }
    }
}
