import PerfGateCore

/// How long a server asks us to wait before trying again.
package enum RetryAfter {
    /// Seconds to wait from `Retry-After` (delay-seconds or an HTTP-date), else from
    /// `X-RateLimit-Reset`; nil when neither is usable. Backends write the reset three ways, told
    /// apart by which reading falls within a day of now: Dynatrace as epoch microseconds,
    /// GitHub-style APIs as epoch seconds, and Datadog as the seconds left in the period.
    package static func delay(headers: [String: String], now: Double) -> Double? {
        if let value = headers["retry-after"]?.trimmingSpaces() {
            if let seconds = Double(value), seconds >= 0, seconds.isFinite { return seconds }
            if let date = httpDate(value) { return max(0, date - now) }
        }
        if let reset = headers["x-ratelimit-reset"].flatMap({ Double($0.trimmingSpaces()) }), reset.isFinite, reset >= 0 {
            // A reading within a day of now is the one meant; anything else is seconds left.
            if abs(reset / 1_000_000 - now) < 86_400 { return max(0, reset / 1_000_000 - now) }
            if abs(reset - now) < 86_400 { return max(0, reset - now) }
            return reset
        }
        return nil
    }

    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// IMF-fixdate, the form HTTP/1.1 requires: `Sun, 06 Nov 1994 08:49:37 GMT`.
    static func httpDate(_ text: String) -> Double? {
        let fields = text.split(separator: " ")
        guard fields.count == 6, fields[5] == "GMT", let day = Int(fields[1]), let year = Int(fields[3]),
            let month = months.firstIndex(of: String(fields[2])).map({ $0 + 1 })
        else { return nil }
        let clock = fields[4].split(separator: ":").compactMap { Int($0) }
        // Years beyond 9999 are no date a server means, and their day count would overflow.
        guard clock.count == 3, (1...31).contains(day), (1...9999).contains(year), clock.allSatisfy({ $0 >= 0 }), clock[0] < 24, clock[1] < 60,
            clock[2] <= 60
        else { return nil }
        let days = CivilDate.daysFromEpoch(year: year, month: month, day: day)
        return Double(days * 86400 + clock[0] * 3600 + clock[1] * 60 + clock[2])
    }
}
