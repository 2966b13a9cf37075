import Glibc
import PerfGateCore

/// Streams a file line by line in bounded memory, for line-oriented results (k6 point streams).
/// Lines end with LF or CRLF; the last may have no end. The buffer never grows past
/// `maxLineBytes` plus one chunk, whatever the file holds (`ChunkBuffer`).
struct LineReader {
    var chunkSize = 1 << 18
    var maxLineBytes = 1 << 20

    /// Calls `body` with each line (without its line break), its 1-based number, and whether a line
    /// break ended it (only the last line of a file can lack one). The bytes are valid only inside
    /// the call.
    func read(file: UnsafeMutablePointer<FILE>, name path: String, _ body: (UnsafeBufferPointer<UInt8>, Int, Bool) throws(SourceError) -> Void)
        throws(SourceError)
    {
        var buffer = ChunkBuffer(chunkSize: chunkSize, limit: maxLineBytes)
        var line = 1
        while true {
            try buffer.fill(from: file, path: path)
            let (filled, atEOF) = (buffer.filled, buffer.atEOF)
            var consumed = 0
            try buffer.bytes.withUnsafeBufferPointer { (bytes) throws(SourceError) in
                let base = bytes.baseAddress!
                while consumed < filled {
                    let end: Int
                    var terminated = true
                    if let found = memchr(base + consumed, Int32(UInt8(ascii: "\n")), filled - consumed) {
                        end = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - base
                    } else if atEOF {
                        end = filled
                        terminated = false
                    } else {
                        return
                    }
                    if end - consumed > maxLineBytes { throw Self.tooLong(path, line: line, limit: maxLineBytes) }
                    var stop = end
                    if stop > consumed, base[stop - 1] == UInt8(ascii: "\r") { stop -= 1 }
                    try body(UnsafeBufferPointer(start: base + consumed, count: stop - consumed), line, terminated)
                    line += 1
                    consumed = min(end + 1, filled)
                }
            }
            if atEOF && consumed >= filled { return }
            guard buffer.advance(consumed: consumed) else { throw Self.tooLong(path, line: line, limit: maxLineBytes) }
        }
    }

    static func tooLong(_ path: String, line: Int, limit: Int) -> SourceError {
        SourceError("\(path):\(line): a line longer than \(limit >> 20) MiB; this is not a line-per-record result file")
    }
}
