import ArgumentParser
import PerfGateCore

/// `perfgate history invalidate`: a run that must never be compared with (a broken load test).
struct HistoryInvalidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invalidate", abstract: "Mark a stored run invalid: it is never compared with again (--restore undoes it).")

    @OptionGroup var server: HistoryServerOptions
    @Argument(help: "The run's id.") var id: String
    @Option(name: .long, help: ArgumentHelp("Why (kept with the run).", valueName: "text")) var reason: String
    @Option(name: .long, help: ArgumentHelp("Who (else the API key's name, else USER).", valueName: "name")) var by: String?
    @Flag(name: .long, help: "Make the run valid again.") var restore = false

    func validate() throws {
        guard id.allSatisfy({ $0.isASCII && $0.isNumber }), !id.isEmpty else { throw ValidationError("'\(id)' is not a run id") }
        guard !reason.trimmingSpaces().isEmpty else { throw ValidationError("--reason must say why") }
    }

    func run() async throws {
        try await historyCommand {
            let environment = Console.environment()
            let client = try server.client(environment: environment)
            var body: [(String, Node)] = [("invalidated", .bool(!restore)), ("reason", .string(reason))]
            if let who = by ?? environment["USER"] ?? environment["BUILD_REQUESTEDFOR"] ?? environment["GITHUB_ACTOR"] {
                body.append(("by", .string(who)))
            }
            _ = try await client.json("PATCH", "/api/v1/runs/\(id)", body: .object(body))
            Console.err(restore ? "perfgate: run \(id) is valid again" : "perfgate: run \(id) is invalid; it is never compared with")
        }
    }
}
