import ArgumentParser
import Glibc
import PerfGateCore
import PerfGateEngine

/// `--interval`, `--lifetime`, `--lookback`, `--failure-limit`, `--consecutive-error-limit`: an
/// analysis over a rollout's lifetime, judged at every interval (also a spec's `options`).
struct IntervalOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp("Judge at the end of every interval of this length (5m) over the data so far, until --lifetime.", valueName: "duration"))
    var interval: String?

    @Option(name: .long, help: ArgumentHelp("How long the analysis runs from the window's start (30m); needs --interval.", valueName: "duration"))
    var lifetime: String?

    @Option(
        name: .long, help: ArgumentHelp("Judge only the last DURATION of each interval's data, not all of it since the start.", valueName: "duration")
    )
    var lookback: String?

    @Option(
        name: .long, help: ArgumentHelp("Failed intervals allowed before the analysis fails (default 0: the first fails it).", valueName: "count"))
    var failureLimit: Int?

    @Option(name: .long, help: ArgumentHelp("Intervals in a row that could not measure before the analysis errs (default 4).", valueName: "count"))
    var consecutiveErrorLimit: Int?

    /// The analysis the flags or the spec's `options` ask for; nil for one evaluation.
    func analysis(spec options: Node?) throws -> IntervalAnalysis? {
        func text(_ flag: String?, _ key: String) -> String? {
            flag ?? options?[key]?.stringValue ?? options?[key]?.numberValue.map { JSONWriter.format($0) }
        }
        guard let intervalText = text(interval, "interval") else {
            if lifetime != nil || lookback != nil { throw ValidationError("--lifetime and --lookback need --interval") }
            return nil
        }
        guard let lifetimeText = text(lifetime, "lifetime") else {
            throw ValidationError("--interval needs --lifetime (how long the analysis runs), or options.lifetime in the spec")
        }
        let step = try ConnectionOptions.seconds(intervalText, flag: "--interval")
        let total = try ConnectionOptions.seconds(lifetimeText, flag: "--lifetime")
        guard total >= step else { throw ValidationError("--lifetime (\(lifetimeText)) must be at least --interval (\(intervalText))") }
        var analysis = IntervalAnalysis(
            interval: step, lifetime: total, lookback: try text(lookback, "lookback").map { try ConnectionOptions.seconds($0, flag: "--lookback") })
        if let limit = failureLimit ?? options?["failureLimit"]?.numberValue.map(Int.init) {
            guard limit >= 0 else { throw ValidationError("--failure-limit must be 0 or more") }
            analysis.failureLimit = limit
        }
        if let limit = consecutiveErrorLimit ?? options?["consecutiveErrorLimit"]?.numberValue.map(Int.init) {
            guard limit >= 0 else { throw ValidationError("--consecutive-error-limit must be 0 or more") }
            analysis.consecutiveErrorLimit = limit
        }
        return analysis
    }
}

/// SIGTERM and SIGINT during an analysis: it ends with the intervals so far, and reports them.
enum Termination {
    nonisolated(unsafe) static var signalled: sig_atomic_t = 0

    static func install() {
        signal(SIGTERM) { _ in Termination.signalled = 1 }
        signal(SIGINT) { _ in Termination.signalled = 1 }
    }

    @Sendable static func requested() -> Bool { signalled != 0 }
}

/// Diagnostics nobody reads: the spec's `options` are peeked at before the engine reads (and
/// reports on) the spec itself.
struct SilentDiagnostics: GateDiagnostics {
    func emit(_ message: LogMessage, as kind: GateNote) {}
}
