import Synchronization

/// One budget for the response bytes all concurrent indicators hold at once: answers being read,
/// and answers read but not yet parsed. Together with the per-answer cap it bounds what a run's
/// answers can take, however many indicators run at once.
package final class ResponseBudget: Sendable {
    package let limit: Int
    private let used = Mutex(0)

    package init(limit: Int) { self.limit = limit }

    /// Takes `bytes` from the budget; false (taking nothing) when they do not fit.
    func take(_ bytes: Int) -> Bool {
        used.withLock { used in
            guard used + bytes <= limit else { return false }
            used += bytes
            return true
        }
    }

    func give(_ bytes: Int) { used.withLock { $0 -= bytes } }

    /// Bytes in use now (for tests).
    package var inUse: Int { used.withLock { $0 } }

    /// What one response holds of the budget; given back when the response is gone.
    final class Hold: Sendable {
        let budget: ResponseBudget
        let bytes: Int
        init(_ budget: ResponseBudget, bytes: Int) {
            self.budget = budget
            self.bytes = bytes
        }
        deinit { budget.give(bytes) }
    }
}
