/// perfgate's exit codes: the one table that every command, CI platform, wrapper and the
/// service's `exitCode` field use (k6 keeps its codes in one file the same way). The only other
/// code is a user's own for a warning on GitLab (`--warning-exit-code`, within `userCodes`).
package enum ExitCode: Int32, Sendable, CaseIterable {
    /// Pass, and warning unless `--fail-on warning`.
    case pass = 0
    /// Fail, and warning with `--fail-on warning`.
    case fail = 1
    /// An indicator could not be measured, or a report could not be written.
    case couldNotMeasure = 2
    /// A usage error: a flag, a command or a request is wrong.
    case usage = 64
    /// The spec or an input (a result file, a history) is invalid.
    case invalidInput = 65

    /// The codes left for a user to give a warning (0 to 2 and 64 up are perfgate's).
    package static let userCodes: ClosedRange<Int32> = 3...63

    /// The code of an evaluated run.
    package static func of(_ verdict: Verdict, failOnWarning: Bool = false) -> ExitCode {
        switch verdict {
        case .pass: return .pass
        case .warning: return failOnWarning ? .fail : .pass
        case .fail: return .fail
        case .error: return .couldNotMeasure
        }
    }
}
