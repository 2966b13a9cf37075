#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import PerfGateCore

/// The real thing: lines to stdout (where CI agents read commands), appends to files.
public struct StandardCIOutput: CIOutput {
    public init() {}

    public func line(_ text: String) {
        let bytes = Array((text + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }

    public func append(_ text: String, to path: String) throws(FileError) {
        try FileSystem.append(text, to: path)
    }
}
