import Glibc
import PerfGateCore

/// The read buffer the record readers share (CSV records, lines): filled from a stream in chunks,
/// consumed from the front, and grown for a record longer than it, up to a limit. Memory stays
/// at the limit plus one chunk, whatever the file holds.
struct ChunkBuffer {
    private(set) var bytes: [UInt8]
    /// How many bytes of `bytes` hold data.
    private(set) var filled = 0
    private(set) var atEOF = false
    let limit: Int

    init(chunkSize: Int, limit: Int) {
        self.limit = limit
        bytes = [UInt8](repeating: 0, count: max(1, min(chunkSize, limit + 1)))
    }

    /// Reads more when there is room; at the end of the stream, `atEOF` is set.
    mutating func fill(from file: UnsafeMutablePointer<FILE>, path: String) throws(SourceError) {
        guard !atEOF && filled < bytes.count else { return }
        let start = filled
        let count = bytes.withUnsafeMutableBytes { fread($0.baseAddress! + start, 1, $0.count - start, file) }
        filled += count
        if count == 0 {
            if ferror(file) != 0 { throw SourceError("cannot read \(path): \(FileSystem.reason())") }
            atEOF = true
        }
    }

    /// Drops the `consumed` bytes at the front. When nothing could be consumed from a full
    /// buffer (one record longer than it), grows it instead; false when that record passes the limit.
    mutating func advance(consumed: Int) -> Bool {
        if consumed == 0 && filled == bytes.count {
            guard bytes.count <= limit else { return false }
            bytes += [UInt8](repeating: 0, count: min(bytes.count, limit + 1 - bytes.count))
            return true
        }
        if consumed > 0 {
            let remaining = filled - consumed
            bytes.withUnsafeMutableBufferPointer { pointer in
                let base = pointer.baseAddress!
                memmove(base, base + consumed, remaining)
            }
            filled = remaining
        }
        return true
    }
}
