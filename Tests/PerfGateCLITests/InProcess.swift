import Foundation
import PerfGateCLI
import PerfGateCore
import PerfGateTestSupport
import Synchronization

/// Runs perfgate's command line in this process, as `PerfGateBinary.run` runs the binary: the
/// same arguments, environment (the test's own, without CI variables, plus `environment`) and
/// folder, and the same output, in an `Invocation` of its own, so runs in parallel never see each
/// other's variables, folders or secrets. For everything the binary adds nothing to: signals,
/// a killed process and the server stay with the binary.
enum InProcess {
    /// Seconds after which a run counts as hung (`timedOut`), as `PerfGateBinary.run`'s default.
    /// Unlike the binary it cannot be killed, so it goes on in the background of a failed test.
    static let hangLimit = 300.0

    static func run(_ arguments: [String], environment: [String: String] = [:], in directory: String? = nil, clock: RunClock? = nil) async throws
        -> PerfGateBinary.Output
    {
        let variables = PerfGateBinary.environment(environment)
        let streams = Mutex((out: "", err: ""))
        var configured = Invocation(
            environment: variables, directory: try directory ?? Fixtures.temporaryFolder(),
            output: { stream, text in
                streams.withLock { if stream == .out { $0.out += text } else { $0.err += text } }
            })
        configured.clock = clock
        let invocation = configured
        let started = ContinuousClock.now
        let status: Int32? = await withCheckedContinuation { continuation in
            let answered = Mutex(false)
            let answer: @Sendable (Int32?) -> Void = { status in
                let first = answered.withLock { done in
                    defer { done = true }
                    return !done
                }
                if first { continuation.resume(returning: status) }
            }
            let timer = Task {
                try? await Task.sleep(for: .seconds(Self.hangLimit))
                answer(nil)
            }
            Task {
                answer(await Invocation.$current.withValue(invocation) { await PerfGateCLI.run(arguments) })
                timer.cancel()
            }
        }
        let elapsed = ContinuousClock.now - started
        let (out, err) = streams.withLock { ($0.out, $0.err) }
        return PerfGateBinary.Output(
            status: status ?? -1, stdout: out, stderr: err, timedOut: status == nil,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
}
