import Glibc
import PerfGateCore

/// The run's side of the process (see `Invocation`): its streams (both through `Log`, the one
/// path to the CI log), environment and clock.
enum Console {
    /// Results, through the one path to the log.
    static func out(_ message: LogMessage) { Log.write(message, to: .out) }

    /// Everything for a person's eyes about the run, through the one path to the log.
    static func err(_ message: LogMessage) { Log.write(message, to: .err) }

    static func isTerminal(_ stream: Log.Stream) -> Bool { Invocation.current.isTerminal(stream) }

    static func environment(_ name: String) -> String? { Invocation.current.environment[name] }

    /// The run's environment.
    static func environment() -> [String: String] { Invocation.current.environment }

    /// Seconds since the epoch, now (the invocation's clock, when it has one).
    @Sendable static func now() -> Double {
        if let clock = Invocation.current.clock { return clock.now() }
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// Waits `seconds` (on the invocation's clock, when it has one).
    @Sendable static func sleep(_ seconds: Double) async {
        if let clock = Invocation.current.clock { return await clock.sleep(seconds) }
        try? await Task.sleep(for: .milliseconds(Int(min(max(seconds, 0), 86_400) * 1000)))
    }
}
