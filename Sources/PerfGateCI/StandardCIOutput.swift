import Glibc
import PerfGateCore

/// The real thing: lines to stdout (where CI agents read commands), appends to files.
public struct StandardCIOutput: CIOutput {
    public init() {}

    public func line(_ message: LogMessage) { Log.write(message, to: .out) }

    public func note(_ message: LogMessage) { Log.write(message, to: .err) }

    public func append(_ text: String, to path: String) throws(FileError) {
        try FileSystem.append(text, to: path)
    }
}
