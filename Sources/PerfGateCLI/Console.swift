import Glibc
import PerfGateCore

/// The process: its streams (both through `Log`, the one path to the CI log), environment and clock.
enum Console {
    static let stdoutDescriptor: Int32 = 1
    static let stderrDescriptor: Int32 = 2

    /// Results, through the one path to the log.
    static func out(_ message: LogMessage) { Log.write(message, to: .out) }

    /// Everything for a person's eyes about the run, through the one path to the log.
    static func err(_ message: LogMessage) { Log.write(message, to: .err) }

    static func isTerminal(_ stream: Int32) -> Bool { isatty(stream) == 1 }

    static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }

    /// The whole process environment.
    static func environment() -> [String: String] {
        var variables: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            if let equals = text.firstIndex(of: "=") {
                variables[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            entry += 1
        }
        return variables
    }

    /// Seconds since the epoch, now.
    @Sendable static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
