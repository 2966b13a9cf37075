import ArgumentParser
import PerfGateCore

/// The load test's window. Times are RFC 3339, Unix seconds, or relative to now (`now-15m`).
struct WindowOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("When the load test started (2024-05-01T12:00:00Z, 1714564800, now-15m).", valueName: "time"))
    var start: String?

    @Option(name: .long, help: ArgumentHelp("When it ended; defaults to now when --start is given.", valueName: "time"))
    var end: String?

    /// Checked while parsing, so a bad window is reported with `evaluate`'s usage.
    func validate() throws {
        _ = try window(now: Console.now())
    }

    /// The window, or nil when no time was given. Throws a usage error for bad or reversed times.
    func window(now: Double) throws -> Window? {
        guard start != nil || end != nil else { return nil }
        guard let start else { throw ValidationError("--end needs --start: give the time the load test started") }
        let startTime = try parse(start, flag: "--start", now: now)
        let endTime = try end.map { try parse($0, flag: "--end", now: now) } ?? now
        guard endTime >= startTime else {
            throw ValidationError("the window ends (\(CivilDate.rfc3339(endTime))) before it starts (\(CivilDate.rfc3339(startTime)))")
        }
        // A little slack for clocks that differ between the machine that marked and this one.
        guard startTime <= now + 60 else {
            throw ValidationError("the window starts in the future (\(CivilDate.rfc3339(startTime))); check --start and the machine's clock")
        }
        return Window(start: startTime, end: endTime)
    }

    private func parse(_ text: String, flag: String, now: Double) throws -> Double {
        do {
            return try TimeParser.parse(text, now: now)
        } catch {
            throw ValidationError("\(flag): \(error.message)")
        }
    }
}
