import ArgumentParser
import PerfGateCI
import PerfGateCore
import PerfGateEngine
import PerfGateReports

/// `perfgate mark start` / `perfgate mark stop`: record the load test's window.
struct MarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mark",
        abstract: "Record when the load test starts or stops, for a later 'perfgate evaluate'.",
        discussion: """
            Writes the time (UTC) to the window file atomically and prints it. On GitHub Actions it is also exported as PERFGATE_START or PERFGATE_END through $GITHUB_ENV and the step outputs 'start'/'end'; on Azure Pipelines as pipeline variables (plain and output).

            Examples:
              perfgate mark start
              ./run-load-test.sh
              perfgate mark stop
              perfgate mark start --at 2024-05-01T12:00:00Z --window-file out/window.json
            """
    )

    enum Edge: String, ExpressibleByArgument, CaseIterable {
        case start, stop
    }

    @Argument(help: "start or stop.")
    var edge: Edge

    @Option(name: .long, help: ArgumentHelp("Record this time instead of now (RFC 3339, Unix seconds, now-5m).", valueName: "time"))
    var at: String?

    @Option(name: .long, help: ArgumentHelp("The window file (default: .perfgate/window.json in the workspace).", valueName: "file"))
    var windowFile: String?

    @OptionGroup var ciOptions: CIOptions

    func validate() throws {
        if let at {
            do {
                _ = try TimeParser.parse(at, now: Console.now())
            } catch {
                throw ValidationError("--at: \(error.message)")
            }
        }
    }

    func run() throws {
        do {
            try mark()
        } catch {
            throw ciOptions.conclude(error)
        }
    }

    func mark() throws {
        let now = Console.now()
        let time = try at.map { try TimeParser.parse($0, now: now) } ?? now
        let environment = Console.environment()
        let platform = ciOptions.platform(environment: environment)
        let path = windowFile ?? WindowFile.defaultPath(workspace: platform.workspace, run: platform.runIdentifier)
        var window = WindowFile(start: time)
        if edge == .stop {
            // A missing or unreadable file leaves only the end to record.
            window = (try? WindowFile.read(path)) ?? WindowFile()
            if let start = window.start, start > time {
                Console.diagnostics.warning("the stop (\(CivilDate.rfc3339(time))) is before the start (\(CivilDate.rfc3339(start)))")
            } else if window.start == nil {
                Console.diagnostics.warning("no 'perfgate mark start' recorded in \(path); recording the end only")
            }
            window.end = time
        }
        let stamp = CivilDate.rfc3339(time)
        do {
            try window.write(to: path)
            try platform.export(edge == .start ? "PERFGATE_START" : "PERFGATE_END", value: stamp)
        } catch {
            throw GateError(.invalidInput, "cannot record the window: \(error)")
        }
        Console.diagnostics.note("load test \(edge == .start ? "started" : "stopped") at \(stamp), written to \(path)")
        Console.out("\(stamp)")
    }
}
