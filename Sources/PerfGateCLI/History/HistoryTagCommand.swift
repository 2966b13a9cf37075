import ArgumentParser
import PerfGateCore

/// `perfgate history tag`: names a run, for `evaluate --baseline TAG` and `history pin TAG`.
struct HistoryTagCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag", abstract: "Tag a stored run (release-1.4), for 'evaluate --baseline TAG' and 'history pin TAG'; --remove clears it.")

    @OptionGroup var server: HistoryServerOptions
    @Argument(help: "The run's id.") var id: String
    @Argument(help: "The tag (not a number).") var tag: String?
    @Flag(name: .long, help: "Remove the run's tag instead.") var remove = false

    func validate() throws {
        guard id.allSatisfy({ $0.isASCII && $0.isNumber }), !id.isEmpty else { throw ValidationError("'\(id)' is not a run id") }
        if remove == (tag != nil) { throw ValidationError("give a tag, or --remove") }
        if let tag, tag.isEmpty || Int64(tag) != nil { throw ValidationError("a tag is a name, not a number (numbers are run ids)") }
    }

    func run() async throws {
        try await historyCommand {
            let client = try server.client(environment: Console.environment())
            _ = try await client.json("PATCH", "/api/v1/runs/\(id)", body: .object([("tag", .string(tag ?? ""))]))
            Console.err(tag.map { "perfgate: tagged run \(id) \($0)" } ?? "perfgate: removed run \(id)'s tag")
        }
    }
}
