import Glibc
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
                let (sum, carry) = product.addingReportingOverflow(Int(byte - 48))
                guard !overflow, !carry else { return nil }
                value = sum
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

/// Streams an RFC 4180 CSV file record by record in bounded memory: quoted fields, doubled
/// quotes, separators and newlines inside quotes, CRLF or LF.
///
/// Strict where leniency would drop data silently: a quote still open at the end of the file, text
/// between a closing quote and the next separator, and a record longer than `maxRecordBytes` are
/// errors that name the line. The buffer never grows past `maxRecordBytes` plus one chunk, whatever
/// the file holds (one 1 GB line, `/dev/zero`, a sparse file).
struct CSVReader {
    var separator: UInt8 = UInt8(ascii: ",")
    var chunkSize = 1 << 18
    var maxRecordBytes = 1 << 20

    /// Calls `body` with each record and its 1-based line number; stop early by returning false.
    func read(path: String, files: any Files = LocalFiles(), _ body: (CSVRecord, Int) throws(SourceError) -> Bool) throws(SourceError) {
        try ResultFile.stream(path, files: files) { (file) throws(SourceError) in try read(file: file, name: path, body) }
    }

    /// The same from an open stream (`name` is for messages): a file, or memory through fmemopen.
    func read(file: UnsafeMutablePointer<FILE>, name path: String, _ body: (CSVRecord, Int) throws(SourceError) -> Bool) throws(SourceError) {
        var buffer = ChunkBuffer(chunkSize: chunkSize, limit: maxRecordBytes)
        var line = 1
        var firstRecord = true
        while true {
            try buffer.fill(from: file, path: path)
            let (filled, atEOF) = (buffer.filled, buffer.atEOF)
            var consumed = 0
            var keepGoing = true
            try buffer.bytes.withUnsafeBufferPointer { (bytes) throws(SourceError) in
                var start = 0
                if firstRecord, filled >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
                while keepGoing, start < filled {
                    switch Self.scanRecord(bytes, from: start, to: filled, separator: separator, atEOF: atEOF) {
                    case .needMore:
                        consumed = start
                        return
                    case .unterminatedQuote(let opened):
                        throw SourceError(
                            "\(path):\(line + opened): a quoted field opens here and is never closed; the rest of the file would be read as one field. Fix the stray '\"' (a quote inside a field is written as \"\")"
                        )
                    case .textAfterQuote(let at):
                        throw SourceError(
                            "\(path):\(line + at): text after a closing quote; a field that starts with '\"' must end with '\"' right before the next separator (a quote inside a field is written as \"\")"
                        )
                    case .record(let fields, let end, let newlines):
                        if end - start > maxRecordBytes { throw Self.tooLong(path, line: line, limit: maxRecordBytes) }
                        firstRecord = false
                        let isBlank = fields.count == 1 && fields[0].range.isEmpty
                        if !isBlank {
                            keepGoing = try body(CSVRecord(bytes: bytes, fields: fields), line)
                        }
                        line += newlines
                        start = end
                    }
                }
                consumed = start
            }
            if !keepGoing || (atEOF && consumed >= filled) { return }
            guard buffer.advance(consumed: consumed) else { throw Self.tooLong(path, line: line, limit: maxRecordBytes) }
            if atEOF && consumed == 0 { return }
        }
    }

    static func tooLong(_ path: String, line: Int, limit: Int) -> SourceError {
        SourceError("\(path):\(line): a record longer than \(limit >> 20) MiB; this is not a load-test result file, or a quote is missing")
    }

    enum Scan {
        /// The record may continue past the buffer, and more input is coming.
        case needMore
        /// The fields, the offset after the record, and how many line breaks it spans.
        case record([(range: Range<Int>, quoted: Bool)], end: Int, newlines: Int)
        /// A quote opened (this many line breaks into the record) and the file ended.
        case unterminatedQuote(openedAfter: Int)
        /// Something other than a separator or a line break after a closing quote.
        case textAfterQuote(atLine: Int)
    }

    /// The record at `start`.
    static func scanRecord(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to limit: Int, separator: UInt8, atEOF: Bool) -> Scan {
        var fields: [(range: Range<Int>, quoted: Bool)] = []
        fields.reserveCapacity(20)
        var index = start
        var newlines = 0
        let quote = UInt8(ascii: "\""), newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")
        while true {
            if index < limit, bytes[index] == quote {
                let contentStart = index + 1
                let openedAfter = newlines
                index += 1
                while true {
                    guard index < limit else { return atEOF ? .unterminatedQuote(openedAfter: openedAfter) : .needMore }
                    if bytes[index] == quote {
                        if index + 1 < limit, bytes[index + 1] == quote {
                            index += 2
                            continue
                        }
                        if index + 1 >= limit && !atEOF { return .needMore }
                        break
                    }
                    if bytes[index] == newline { newlines += 1 }
                    index += 1
                }
                fields.append((contentStart..<index, true))
                index += 1
                // RFC 4180: the separator or the line break (CRLF or LF) comes right after the closing quote.
                if index < limit, bytes[index] == carriageReturn {
                    if index + 1 < limit, bytes[index + 1] == newline {
                        index += 1
                    } else if index + 1 >= limit && !atEOF {
                        return .needMore
                    }
                }
                if index < limit, bytes[index] != separator, bytes[index] != newline { return .textAfterQuote(atLine: newlines) }
            } else {
                let fieldStart = index
                while index < limit, bytes[index] != separator, bytes[index] != newline { index += 1 }
                var fieldEnd = index
                if fieldEnd > fieldStart, bytes[fieldEnd - 1] == carriageReturn, index < limit || atEOF,
                    index >= limit || bytes[index] == newline
                {
                    fieldEnd -= 1
                }
                fields.append((fieldStart..<fieldEnd, false))
            }
            guard index < limit else { return atEOF ? .record(fields, end: limit, newlines: newlines) : .needMore }
            if bytes[index] == separator {
                index += 1
                continue
            }
            // A line break ends the record.
            return .record(fields, end: index + 1, newlines: newlines + 1)
        }
    }
}
