import Synchronization

/// How many connections are open, against the cap.
package final class ConnectionCounter: Sendable {
    let limit: Int
    private let open = Mutex(0)

    package init(limit: Int) { self.limit = limit }

    func admit() -> Bool {
        open.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
    }

    func release() { open.withLock { $0 -= 1 } }
}
