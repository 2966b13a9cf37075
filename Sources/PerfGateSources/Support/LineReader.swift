import Glibc
import PerfGateCore

/// Streams a file line by line in bounded memory, for line-oriented results (k6 point streams).
/// Lines end with LF or CRLF; the last may have no end. The buffer never grows past
/// `maxLineBytes` plus one chunk, whatever the file holds.
struct LineReader {
    var chunkSize = 1 << 18
    var maxLineBytes = 1 << 20

    /// Calls `body` with each line (without its line break), its 1-based number, and whether a line
    /// break ended it (only the last line of a file can lack one). The bytes are valid only inside
    /// the call.
    func read(file: UnsafeMutablePointer<FILE>, name path: String, _ body: (UnsafeBufferPointer<UInt8>, Int, Bool) throws(SourceError) -> Void) throws(SourceError) {
        var buffer = [UInt8](repeating: 0, count: max(1, min(chunkSize, maxLineBytes + 1)))
        var filled = 0
        var line = 1
        var atEOF = false
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
            try buffer.withUnsafeBufferPointer { (bytes) throws(SourceError) in
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
            if consumed == 0 && filled == buffer.count {
                // One line longer than the buffer: grow it, up to the line limit.
                guard buffer.count <= maxLineBytes else { throw Self.tooLong(path, line: line, limit: maxLineBytes) }
                buffer += [UInt8](repeating: 0, count: min(buffer.count, maxLineBytes + 1 - buffer.count))
                continue
            }
            if consumed > 0 {
                buffer.withUnsafeMutableBufferPointer { pointer in
                    let base = pointer.baseAddress!
                    memmove(base, base + consumed, filled - consumed)
                }
                filled -= consumed
            }
        }
    }

    static func tooLong(_ path: String, line: Int, limit: Int) -> SourceError {
        SourceError("\(path):\(line): a line longer than \(limit >> 20) MiB; this is not a line-per-record result file")
    }
}
