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
        var waiting: [CheckedContinuation<Void, Never>] = []
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
                continue
            }
            if entry.running < entry.limit {
                hosts[host, default: Host(limit: maximum)].running += 1
                return
            }
            await withCheckedContinuation { hosts[host, default: Host(limit: maximum)].waiting.append($0) }
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
        // Everyone waiting looks again: the limit or the pause may have changed.
        let waiting = entry.waiting
        entry.waiting = []
        hosts[host] = entry
        for continuation in waiting { continuation.resume() }
    }

    /// The host's limit now, for tests and notes.
    package func limit(_ host: String) -> Int { hosts[host]?.limit ?? maximum }
}
