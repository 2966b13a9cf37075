import PerfGateCore

/// How many requests run at once to each host, adapted to what the host says: a 429 or 503
/// halves its limit (down to 1) and holds every request to it until `Retry-After` has passed;
/// each success raises the limit by one again, up to the most allowed. A backend that rate-limits
/// slows perfgate down instead of failing it; one that keeps up gets every request at once.
package actor HostThrottle {
    struct Host {
        var limit: Int
        var running = 0
        var pausedUntil = 0.0
        /// Requests waiting for a turn, first come first served: `waiting[head...]`. Each is
        /// resumed with whether it was given a turn.
        var waiting: [CheckedContinuation<Bool, Never>] = []
        var head = 0

        var queued: Int { waiting.count - head }

        mutating func next() -> CheckedContinuation<Bool, Never>? {
            guard head < waiting.count else { return nil }
            let first = waiting[head]
            head += 1
            // Drop the served prefix when the queue empties, and now and then before, so it does
            // not grow with every request.
            if head == waiting.count {
                waiting.removeAll(keepingCapacity: true)
                head = 0
            } else if head >= 64, head * 2 >= waiting.count {
                waiting.removeFirst(head)
                head = 0
            }
            return first
        }
    }

    let maximum: Int
    let now: @Sendable () -> Double
    let sleep: @Sendable (Double) async -> Void
    private var hosts: [String: Host] = [:]

    package init(maximum: Int, now: @escaping @Sendable () -> Double, sleep: @escaping @Sendable (Double) async -> Void) {
        self.maximum = max(1, maximum)
        self.now = now
        self.sleep = sleep
    }

    /// Waits for a turn at the host (and for its pause, if it asked for one).
    package func acquire(_ host: String) async {
        while true {
            let entry = hosts[host, default: Host(limit: maximum)]
            let pause = entry.pausedUntil - now()
            if pause > 0 {
                await sleep(pause)
                // Those queued before the pause go first.
                admit(host)
                continue
            }
            if entry.running < entry.limit && entry.queued == 0 {
                hosts[host, default: Host(limit: maximum)].running += 1
                return
            }
            let granted = await withCheckedContinuation { hosts[host, default: Host(limit: maximum)].waiting.append($0) }
            if granted { return }
        }
    }

    /// The turn is over; `throttled` (a 429 or 503, with the wait the host asked for) narrows the host.
    package func release(_ host: String, throttled: Double?) {
        var entry = hosts[host, default: Host(limit: maximum)]
        entry.running = max(0, entry.running - 1)
        if let wait = throttled {
            entry.limit = max(1, entry.limit / 2)
            entry.pausedUntil = max(entry.pausedUntil, now() + wait)
        } else {
            entry.limit = min(maximum, entry.limit + 1)
        }
        hosts[host] = entry
        admit(host)
    }

    /// Gives free turns to the first requests waiting: only as many as there are turns, since
    /// waking every waiter at each release costs each of them a resumption (quadratic under a
    /// queue). While the host is paused, one waiter, when nothing runs, sleeps out the pause and
    /// then lets the queue in.
    private func admit(_ host: String) {
        guard var entry = hosts[host], entry.queued > 0 else { return }
        var woken: [(CheckedContinuation<Bool, Never>, Bool)] = []
        if entry.pausedUntil > now() {
            if entry.running == 0, let first = entry.next() { woken.append((first, false)) }
        } else {
            while entry.running < entry.limit, let first = entry.next() {
                entry.running += 1
                woken.append((first, true))
            }
        }
        hosts[host] = entry
        wakeups += woken.count
        for (continuation, granted) in woken { continuation.resume(returning: granted) }
    }

    /// Waiters resumed so far, for tests.
    private(set) var wakeups = 0

    /// Requests waiting at the host, for tests.
    func queued(_ host: String) -> Int { hosts[host]?.queued ?? 0 }

    /// The host's limit now, for tests and notes.
    package func limit(_ host: String) -> Int { hosts[host]?.limit ?? maximum }
}
