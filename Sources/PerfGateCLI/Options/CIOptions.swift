import ArgumentParser
import PerfGateCI
import PerfGateCore
import PerfGateEngine

/// `--ci auto|github|azure|jenkins|gitlab|none`: which CI platform to speak to.
struct CIOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The CI platform: auto (from the environment), \(CIPlatforms.names.joined(separator: ", ")).", valueName: "platform"))
    var ci: String = "auto"

    func validate() throws {
        guard ci == "auto" || CIPlatforms.names.contains(ci) else {
            throw ValidationError("--ci must be auto, \(CIPlatforms.names.joined(separator: ", ")); got '\(ci)'")
        }
    }

    /// Prints a failure, says how the run ended the platform's way (an error annotation, a failed
    /// task), and gives the exit code: every command ends through here or `EvaluateCommand.finish`.
    func conclude(_ error: Error) -> Error {
        let (code, reason) = ExitCode.explain(error)
        platform(environment: Console.environment()).conclude(Conclusion(verdict: nil, exitCode: code.rawValue, onWarning: .issues, reason: reason))
        return code
    }

    /// The platform, with the process environment.
    func platform(environment: [String: String]) -> any CIPlatform {
        CIPlatforms.resolve(ci, environment: environment, output: StandardCIOutput())
    }
}

/// perfgate's exit codes (this module's declaration wins over ArgumentParser's type of that name).
typealias ExitCode = PerfGateCore.ExitCode
/// How a process ends: ArgumentParser's exit, named apart from perfgate's own `ExitCode` table.
typealias ProcessExit = ArgumentParser.ExitCode

extension ExitCode {
    /// The process's exit with this code.
    var exit: ProcessExit { ProcessExit(rawValue) }

    /// The closing line's reason: a message of several lines was printed whole just above, so
    /// its first line stands for it (the conclusion is one line on every platform).
    static func oneLine(_ message: String) -> String {
        let lines = message.split(whereSeparator: \.isNewline)
        guard lines.count > 1, var first = lines.first.map(String.init) else { return message }
        // "… in:" introduces the lines that follow: without them it says nothing.
        while first.hasSuffix(":") || first.hasSuffix(" ") { first.removeLast() }
        if first.hasSuffix(" in") { first.removeLast(3) }
        return first + " (see above)"
    }

    /// Prints a failure the way every command does; gives its exit code and the reason, in words.
    static func explain(_ error: Error) -> (ProcessExit, String) {
        switch error {
        case let failure as GateError:
            // The one error type for a run that cannot evaluate, from the engine and the commands
            // alike: usage or invalid input.
            // A spec's problems were printed where they were found; other failures are said here.
            if !failure.reported { Console.diagnostics.emit(as: .error, "\(failure.message)") }
            return (failure.kind.exitCode.exit, oneLine(failure.message.plain))
        case let code as ProcessExit:
            // Printed already, where it happened (a spec's diagnostics, say).
            let reason =
                code.rawValue == ExitCode.invalidInput.rawValue
                ? "the spec or its input is invalid (see the messages above)"
                : code.rawValue == ExitCode.usage.rawValue ? "a usage error (see the messages above)" : "see the messages above"
            return (code, reason)
        default:
            Console.diagnostics.emit(as: .error, "\(String(describing: error))")
            return (ExitCode.couldNotMeasure.exit, String(describing: error))
        }
    }
}
