import ArgumentParser
import PerfGateCore

/// `perfgate`: the root command.
public struct PerfGateCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "perfgate",
        abstract: "A performance quality gate for CI/CD pipelines: grade a PerfSpec and pass, warn or fail the build.",
        discussion: """
            Exit codes: 0 pass (and warning, unless --fail-on warning), 1 fail, 2 could not measure, 64 usage error, 65 invalid spec or input.
            """,
        version: PerfGateVersion.current,
        subcommands: [MarkCommand.self, EvaluateCommand.self, ValidateCommand.self]
    )

    public init() {}
}

/// The program's entry point: parses the arguments and runs the command, exiting with its status.
public func main() async {
    await PerfGateCommand.main(nil)
}
