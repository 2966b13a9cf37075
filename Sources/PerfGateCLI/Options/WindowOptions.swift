import ArgumentParser
import PerfGateCI
import PerfGateCore
import PerfGateEngine

/// The load test's window. Times are RFC 3339, Unix seconds, or relative to now (`now-15m`).
struct WindowOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("When the load test started (2024-05-01T12:00:00Z, 1714564800, now-15m).", valueName: "time"))
    var start: String?

    @Option(name: .long, help: ArgumentHelp("When it ended; defaults to now when --start is given.", valueName: "time"))
    var end: String?

    @Option(
        name: .long,
        help: ArgumentHelp("The window file written by 'perfgate mark' (default: .perfgate/window.json in the workspace).", valueName: "file"))
    var windowFile: String?

    /// The window and where it came from: the flags, then `PERFGATE_START`/`PERFGATE_END`, then the
    /// window file; nil when none has one.
    func resolve(now: Double, environment: [String: String], workspace: String, run: String?) throws -> (Window, String)? {
        if let window = try fromFlags(now: now) { return (window, "--start/--end") }
        if let start = environment["PERFGATE_START"], !start.isEmpty {
            let startTime = try parse(start, "PERFGATE_START", now: now)
            let end = environment["PERFGATE_END"].flatMap { $0.isEmpty ? nil : $0 }
            let endTime = try end.map { try parse($0, "PERFGATE_END", now: now) }
            return (try checked(startTime, endTime, now: now), "PERFGATE_START/PERFGATE_END")
        }
        let path = windowFile ?? WindowFile.defaultPath(workspace: workspace, run: run)
        let file: WindowFile?
        do {
            file = try WindowFile.read(path)
        } catch {
            throw GateError(.usage, "the window file \(error)")
        }
        guard let file else {
            if windowFile != nil { throw GateError(.usage, "the window file \(path) does not exist; write it with 'perfgate mark start'") }
            return nil
        }
        guard let startTime = file.start else {
            throw GateError(.usage, "the window file \(path) has no start: run 'perfgate mark start' before the load test")
        }
        return (try checked(startTime, file.end, now: now), "the window file \(path)")
    }

    func fromFlags(now: Double) throws -> Window? {
        guard start != nil || end != nil else { return nil }
        guard let start else { throw GateError(.usage, "--end needs --start: give the time the load test started") }
        return try checked(try parse(start, "--start", now: now), try end.map { try parse($0, "--end", now: now) }, now: now)
    }

    /// Seconds a window may reach past now: clocks differ between the machine that marked and this one.
    static let clockSlack = 60.0

    /// The window, or a usage failure for one that is reversed or in the future. A missing end is now.
    func checked(_ startTime: Double, _ endTime: Double?, now: Double) throws -> Window {
        if endTime == nil { Console.diagnostics.note("the window has no end; it ends now") }
        let endTime = endTime ?? now
        guard endTime >= startTime else {
            throw GateError(.usage, "the window ends (\(CivilDate.rfc3339(endTime))) before it starts (\(CivilDate.rfc3339(startTime)))")
        }
        // A little slack for clocks that differ between the machine that marked and this one.
        guard startTime <= now + Self.clockSlack else {
            throw GateError(.usage, "the window starts in the future (\(CivilDate.rfc3339(startTime))); check the start time and the machine's clock")
        }
        // Metrics for a time that has not come yet do not exist: evaluating now would grade a part of the window.
        guard endTime <= now + Self.clockSlack else {
            throw GateError(
                .usage,
                "the window ends in the future (\(CivilDate.rfc3339(endTime)), it is now \(CivilDate.rfc3339(now))); evaluate after the load test, or check the end time and the machine's clock"
            )
        }
        return Window(start: startTime, end: endTime)
    }

    private func parse(_ text: String, _ name: String, now: Double) throws -> Double {
        do {
            return try TimeParser.parse(text, now: now)
        } catch {
            throw GateError(.usage, "\(name): \(error.message)")
        }
    }
}
