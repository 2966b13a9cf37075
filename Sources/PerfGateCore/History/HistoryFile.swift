/// The `--history` file: JSON Lines, oldest first, one record per evaluation.
///
/// Appending rewrites the file through a temporary file and a rename, so a run that dies midway
/// leaves the old history whole. A line that cannot be read is kept as it is (nothing is lost)
/// and reported, and never compared with.
package struct HistoryFile: Sendable {
    package struct Line: Sendable {
        package var number: Int
        package var text: String
        package var record: Result<HistoryRecord, HistoryLineError>
    }

    package var path: String
    /// Every non-empty line, in the file's order.
    package var lines: [Line]

    /// How many records the file keeps by default; the oldest go first.
    package static let defaultKeep = 500

    /// The file's records; an empty history when the file does not exist yet.
    package static func load(_ path: String) throws(FileError) -> HistoryFile {
        guard FileSystem.exists(path) else { return HistoryFile(path: path, lines: []) }
        return parse(try FileSystem.read(path), path: path)
    }

    /// The records in a history's text (a server's request carries it).
    package static func parse(_ bytes: [UInt8], path: String) -> HistoryFile {
        var lines: [Line] = []
        for (index, raw) in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            var text = String(decoding: raw, as: UTF8.self)
            if text.hasSuffix("\r") { text.removeLast() }
            guard !text.trimmingSpaces().isEmpty else { continue }
            lines.append(Line(number: index + 1, text: text, record: HistoryRecord.parse(text)))
        }
        return HistoryFile(path: path, lines: lines)
    }

    /// The records that could be read, oldest first.
    package var records: [HistoryRecord] {
        lines.compactMap { line in
            if case .success(let record) = line.record { return record }
            return nil
        }
    }

    /// Lines that could not be read, as `line N: reason`.
    package var problems: [String] {
        lines.compactMap { line in
            if case .failure(let error) = line.record { return "line \(line.number): \(error.reason)" }
            return nil
        }
    }

    /// Writes the file with `record` added at the end, keeping at most `keep` lines.
    package mutating func append(_ record: HistoryRecord, keep: Int = defaultKeep) throws(FileError) {
        let number = (lines.last?.number ?? 0) + 1
        lines.append(Line(number: number, text: record.line(), record: .success(record)))
        if lines.count > keep { lines.removeFirst(lines.count - max(1, keep)) }
        try FileSystem.writeAtomically(lines.map { $0.text + "\n" }.joined(), to: path)
    }
}

extension HistoryFile {
    /// What trend charts show: the last `count` runs of the same project, stage and service,
    /// whatever their result, oldest first.
    package static func trend(_ records: [HistoryRecord], context: [String: String], count: Int) -> [HistoryRecord] {
        Array(records.filter { $0.context == context }.suffix(max(0, count)))
    }
}
