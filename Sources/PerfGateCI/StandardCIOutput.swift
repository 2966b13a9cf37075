import Glibc
import PerfGateCore

/// The real thing: lines to stdout (where CI agents read commands), appends to files.
package struct StandardCIOutput: CIOutput {
    package init() {}

    package func line(_ message: LogMessage) { Log.write(message, to: .out) }

    package func note(_ message: LogMessage) { Log.write(message, to: .err) }

    package func append(_ text: String, to path: String) throws(FileError) {
        try FileSystem.append(text, to: path)
    }
}
