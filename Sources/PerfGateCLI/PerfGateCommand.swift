import Glibc
import ArgumentParser
import PerfGateCore
import PerfGateSources

/// `perfgate`: the root command.
package struct PerfGateCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "perfgate",
        abstract: "A performance quality gate for CI/CD pipelines: grade a PerfSpec and pass, warn or fail the build.",
        discussion: """
            Exit codes: 0 pass (and warning, unless --fail-on warning), 1 fail, 2 could not measure, 64 usage error, 65 invalid spec or input.
            """,
        version: PerfGateVersion.current,
        subcommands: [
            MarkCommand.self, EvaluateCommand.self, ValidateCommand.self, CommentCommand.self, ConvertCommand.self, ServeCommand.self,
            HistoryCommand.self
        ]
    )

    package init() {}

    /// `perfgate` alone is a usage error with a one-line hint, as `git` does: a pipeline step that
    /// lost its arguments must not pass.
    package func run() async throws {
        Log.write(
            "perfgate: no command given: use mark, evaluate, validate, comment, convert, serve or history (perfgate --help lists them)", to: .err)
        throw ProcessExit(PerfGateCore.ExitCode.usage.rawValue)
    }

    static let commandNames = configuration.subcommands.map { $0.configuration.commandName ?? "" } + ["help"]

    /// An unknown command before `--help` is a usage error too: Argument Parser would print the
    /// root's help for `perfgate migrate --help` and exit 0.
    static func unknownCommand(_ arguments: [String]) -> LogMessage? {
        guard let first = arguments.first, !first.hasPrefix("-"), !commandNames.contains(first) else { return nil }
        let hint = Suggestion.closest(to: first, in: commandNames).map { " (did you mean '\($0)'?)" } ?? ""
        return
            "perfgate: unknown command '\(first)'\(hint): use mark, evaluate, validate, comment, convert, serve or history (perfgate --help lists them)"
    }
}

/// The program's entry point: runs the process's command line (or `arguments`) and exits with
/// its status.
package func main(arguments: [String]? = nil) async -> Never {
    // Swift's thread pool on Linux (libdispatch) counts its busy threads every second by reading
    // /proc/<tid>/stat, and aborts the process when it cannot (swift-corelibs-libdispatch,
    // src/event/workqueue.c, "workq: registered worker exited prematurely"): without /proc a run
    // may die at any moment. Said once, with the fix, before anything else.
    if !FileSystem.exists("/proc/self/stat") {
        Log.write(
            "perfgate: warning: /proc is not mounted: Swift's thread pool reads it and may abort perfgate at any moment; mount it (mount -t proc proc /proc), or run perfgate in a container, which has it",
            to: .err)
    }
    exit(await run(arguments ?? ProcessArguments.fromLoader))
}

/// Parses a command line (nil: the runtime's `CommandLine.arguments`) and runs the command in
/// the current `Invocation` (its environment, folder and streams), returning its exit status:
/// the process's run, or a test's in-process one. A status, not an `ExitCode`: a warning on
/// GitLab may end with the user's own code. Argument Parser's own messages (usage, help, errors
/// that quote an argument) go through the one path to the log like everything else, rather
/// than Argument Parser's own printing.
package func run(_ arguments: [String]?) async -> Int32 {
    // Known before anything is printed, by every command: the secrets in the environment.
    Invocation.current.secrets.register(Secrets.values(environment: Console.environment()))
    let given = Array((arguments ?? Array(CommandLine.arguments.dropFirst())))
    if let unknown = PerfGateCommand.unknownCommand(given) {
        Log.write(unknown, to: .err)
        return PerfGateCore.ExitCode.usage.rawValue
    }
    do {
        var command = try PerfGateCommand.parseAsRoot(arguments)
        if var asynchronous = command as? any AsyncParsableCommand {
            try await asynchronous.run()
        } else {
            try command.run()
        }
        return PerfGateCore.ExitCode.pass.rawValue
    } catch {
        let code = PerfGateCommand.exitCode(for: error)
        let message = PerfGateCommand.fullMessage(for: error)
        if !message.isEmpty {
            let stream: Log.Stream = code == .success ? .out : .err
            Log.write(.block(message), to: stream)
        }
        return code.rawValue
    }
}
