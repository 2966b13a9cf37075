import ArgumentParser
import PerfGateCI
import PerfGateCore
import PerfGateEngine

/// `--ci auto|github|azure|jenkins|gitlab|none`: which CI platform to speak to.
struct CIOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
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
        let (code, reason) = ExitStatus.explain(error)
        platform(environment: Console.environment()).conclude(Conclusion(verdict: nil, exitCode: code.rawValue, onWarning: .issues, reason: reason))
        return code
    }

    /// The platform, with the process environment.
    func platform(environment: [String: String]) -> any CIPlatform {
        CIPlatforms.resolve(ci, environment: environment, output: StandardCIOutput())
    }
}

extension ExitStatus {
    /// Prints a failure the way every command does and gives its exit code.
    static func report(_ error: Error) -> Error {
        let (code, _) = explain(error)
        return error is ExitCode ? error : code
    }

    /// Prints a failure the way every command does; gives its exit code and the reason, in words.
    static func explain(_ error: Error) -> (ExitCode, String) {
        switch error {
        case let failure as GateError:
            // The one error type for a run that cannot evaluate, from the engine and the commands
            // alike: usage (64) or invalid input (65).
            // A spec's problems were printed where they were found; other failures are said here.
            if !failure.reported { Console.diagnostics.emit(as: .error, "\(failure.message)") }
            return (failure.kind == .usage ? ExitStatus.usage.code : ExitStatus.invalidInput.code, failure.message.plain)
        case let code as ExitCode:
            // Printed already, where it happened (a spec's diagnostics, say).
            let reason = code.rawValue == ExitStatus.invalidInput.rawValue ? "the spec or its input is invalid (see the messages above)"
                : code.rawValue == ExitStatus.usage.rawValue ? "a usage error (see the messages above)" : "see the messages above"
            return (code, reason)
        default:
            Console.diagnostics.emit(as: .error, "\(String(describing: error))")
            return (ExitStatus.error.code, String(describing: error))
        }
    }
}
