import ArgumentParser
import PerfGateCore

/// The exit-code contract shared by every command and wrapper.
package enum ExitStatus: Int32 {
    case pass = 0
    case fail = 1
    case error = 2
    case usage = 64
    case invalidInput = 65

    package var code: ExitCode { ExitCode(rawValue) }

    /// The exit status for a verdict; `failOnWarning` turns a warning into a failure.
    package static func of(_ verdict: Verdict, failOnWarning: Bool) -> ExitStatus {
        switch verdict {
        case .pass: return .pass
        case .warning: return failOnWarning ? .fail : .pass
        case .fail: return .fail
        case .error: return .error
        }
    }
}
