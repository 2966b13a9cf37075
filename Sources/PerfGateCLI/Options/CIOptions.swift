import ArgumentParser
import PerfGateCI
import PerfGateCore

/// `--ci auto|github|azure|jenkins|none`: which CI platform to speak to.
struct CIOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The CI platform: auto (from the environment), \(CIPlatforms.names.joined(separator: ", ")).", valueName: "platform"))
    var ci: String = "auto"

    func validate() throws {
        guard ci == "auto" || CIPlatforms.names.contains(ci) else {
            throw ValidationError("--ci must be auto, \(CIPlatforms.names.joined(separator: ", ")); got '\(ci)'")
        }
    }

    /// The platform, with the process environment.
    func platform(environment: [String: String]) -> any CIPlatform {
        CIPlatforms.resolve(ci, environment: environment, output: StandardCIOutput())
    }
}

/// A failure after parsing that is still the caller's mistake: printed, then exit 64.
struct UsageFailure: Error {
    var message: LogMessage
    init(_ message: LogMessage) { self.message = message }
}

/// A failure with the spec or input: printed, then exit 65.
struct InputFailure: Error {
    var message: LogMessage
    init(_ message: LogMessage) { self.message = message }
}

extension ExitStatus {
    /// Prints a failure the way every command does and gives its exit code.
    static func report(_ error: Error) -> Error {
        switch error {
        case let failure as UsageFailure:
            Console.err("perfgate: error: \(failure.message)")
            return ExitStatus.usage.code
        case let failure as InputFailure:
            Console.err("perfgate: error: \(failure.message)")
            return ExitStatus.invalidInput.code
        default:
            return error
        }
    }
}
