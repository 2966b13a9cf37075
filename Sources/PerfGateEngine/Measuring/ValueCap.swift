import Synchronization
import PerfGateCore

/// The most values one run may have graded, shared by every fetch of the run: a service sets it so
/// that one request cannot make it grade, keep and render hundreds of thousands of values (the
/// static source takes any number, and a backend may answer with any number of series).
package final class ValueCap: Sendable {
    package let limit: Int
    private let state = Mutex((taken: 0, exceeded: false))

    package init(limit: Int) { self.limit = max(0, limit) }

    /// Takes `count` values from what is left; false (and `exceeded` from then on) when they do not fit.
    package func take(_ count: Int) -> Bool {
        state.withLock { state in
            guard count <= limit - state.taken else {
                state.exceeded = true
                return false
            }
            state.taken += count
            return true
        }
    }

    /// Some answer did not fit.
    package var exceeded: Bool { state.withLock { $0.exceeded } }

    /// What an answer that does not fit says instead.
    package func error(_ count: Int) -> SourceError {
        SourceError("the answer has \(count) values, more than the \(limit) values one run may grade here")
    }
}
