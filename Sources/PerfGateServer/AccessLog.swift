import PerfGateCore

/// One JSON line per request: the time, method, route, status, duration and outcome. The route
/// is one of the service's own (or `other`) and the method one of a few, so no request text, no
/// body and no header ever reaches the log.
package struct AccessLog: Sendable {
    let now: @Sendable () -> Double
    let write: @Sendable (String) -> Void

    /// `write` takes a whole line, newline included.
    package init(now: @escaping @Sendable () -> Double, write: @escaping @Sendable (String) -> Void) {
        self.now = now
        self.write = write
    }

    package static let off = AccessLog(now: { 0 }, write: { _ in })

    func record(method: String, route: String, status: Int, seconds: Double, outcome: String?) {
        let method = ["GET", "POST", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS"].contains(method) ? method : "other"
        var pairs: [(String, Node)] = [
            ("time", .string(CivilDate.rfc3339(now()))), ("method", .string(method)), ("route", .string(route)),
            ("status", .number(Double(status))), ("durationMs", .number((seconds * 1_000_000).rounded() / 1000))
        ]
        if let outcome { pairs.append(("result", .string(outcome))) }
        write(JSONWriter.write(.object(pairs)) + "\n")
    }

    /// A line about the service itself (listening, draining, stopped), in the same stream.
    package func event(_ name: String, _ fields: [(String, Node)] = []) {
        write(JSONWriter.write(.object([("time", .string(CivilDate.rfc3339(now()))), ("event", .string(name))] + fields)) + "\n")
    }
}
