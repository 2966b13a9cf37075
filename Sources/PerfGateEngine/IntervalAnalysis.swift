import PerfGateCore

/// An analysis over a rollout's lifetime (Kayenta's standalone canary analysis, Argo Rollouts'
/// `interval` and `count`): the gate is evaluated at the end of every interval over the data so
/// far (or the last `lookback`), and the analysis ends
/// - early, failed, when an interval fails more often than `failureLimit` allows (by default the
///   first failure: a score below `objectives.warning`, Kayenta's marginal) or a critical indicator fails;
/// - with an error after more than `consecutiveErrorLimit` intervals in a row could not measure;
/// - else with the last interval's verdict at the end of the lifetime, or when it is stopped.
package struct IntervalAnalysis: Sendable {
    package var interval: Double
    package var lifetime: Double
    package var lookback: Double?
    /// Argo Rollouts' names and defaults.
    package var failureLimit = 0
    package var consecutiveErrorLimit = 4

    package init(interval: Double, lifetime: Double, lookback: Double? = nil) {
        self.interval = interval
        self.lifetime = lifetime
        self.lookback = lookback
    }

    /// How many intervals the lifetime holds (the last may be shorter).
    package var count: Int { max(1, Int((lifetime / interval).rounded(.up))) }

    /// Why the analysis ended before its lifetime did, or nil.
    package enum Ending: Equatable, Sendable {
        case failed(String)
        case errors(String)
        case stopped(String)
    }

    /// Runs the analysis from `start`. `evaluate` grades one window; `report` hears of each
    /// interval as it ends; `stopped` says whether to end now (SIGTERM) with the intervals so far.
    package func run(
        from start: Double, now: @Sendable () -> Double, sleep: @Sendable (Double) async -> Void,
        stopped: @Sendable () -> Bool = { false }, evaluate: (Window) async throws -> EvaluationResult,
        report: (Int, EvaluationResult) -> Void
    ) async throws -> (result: EvaluationResult?, ending: Ending?) {
        var outcomes: [IntervalOutcome] = []
        var last: EvaluationResult?
        var failures = 0, errorsInARow = 0
        var ending: Ending?
        for index in 1...count {
            let end = min(start + Double(index) * interval, start + lifetime)
            // Wait for the interval's end, in steps short enough to notice a SIGTERM.
            while now() < end && !stopped() { await sleep(min(end - now(), 1)) }
            if stopped() {
                ending = .stopped("stopped after \(outcomes.count) of \(count) intervals")
                break
            }
            let window = Window(start: lookback.map { max(start, end - $0) } ?? start, end: end)
            var result = try await evaluate(window)
            outcomes.append(IntervalOutcome(window: window, verdict: result.verdict, totalScore: result.totalScore))
            result.intervals = outcomes
            report(index, result)
            last = result
            switch result.verdict {
            case .error:
                errorsInARow += 1
                if errorsInARow > consecutiveErrorLimit {
                    ending = .errors("\(errorsInARow) intervals in a row could not be measured (consecutiveErrorLimit \(consecutiveErrorLimit))")
                }
            case .fail:
                errorsInARow = 0
                failures += 1
                let critical = result.indicatorResults.contains { !$0.dryRun && $0.canary?.critical == true }
                if critical {
                    ending = .failed("interval \(index) failed a critical indicator")
                } else if failures > failureLimit {
                    ending = .failed(
                        "interval \(index) failed: \(failures) failed interval\(failures == 1 ? "" : "s") (failureLimit \(failureLimit))")
                }
            case .pass, .warning:
                errorsInARow = 0
            }
            if ending != nil { break }
        }
        guard var result = last else { return (nil, ending) }
        switch ending {
        case .failed: result.verdict = .fail
        case .errors: result.verdict = .error
        case .stopped, nil: break
        }
        result.intervals = outcomes
        return (result, ending)
    }
}
