import ArgumentParser
import PerfGateCore

/// `perfgate history pin`: a run becomes its key's baseline; `--unpin` removes it.
struct HistoryPinCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pin",
        abstract: "Pin a run as its project, stage and service's baseline: relative criteria compare with it alone (--unpin removes it).")

    @OptionGroup var server: HistoryServerOptions
    @OptionGroup var key: RunKeyOptions
    @Argument(help: "The run's id or tag (a tag needs --project, --stage, --service as its run has them).") var run: String?
    @Flag(name: .long, help: "Remove the key's pinned baseline instead.") var unpin = false

    func validate() throws {
        if unpin && run != nil { throw ValidationError("--unpin takes no run: it removes the key's baseline (give --project, --stage, --service)") }
        if !unpin && run == nil { throw ValidationError("give the run to pin (its id or tag), or --unpin") }
    }

    func run() async throws {
        try await historyCommand {
            let environment = Console.environment()
            let client = try server.client(environment: environment)
            var (project, stage, service) = key.key(environment: environment)
            // A run id names its key: the flags may be left out.
            if let run, run.allSatisfy({ $0.isASCII && $0.isNumber }), project == nil && stage == nil && service == nil {
                let found = try await client.json("GET", "/api/v1/runs/\(run)")
                (project, stage, service) = (
                    found["run"]?["project"]?.stringValue, found["run"]?["stage"]?.stringValue, found["run"]?["service"]?.stringValue
                )
            }
            let path =
                "/api/v1/baselines/" + [project, stage, service].map { HistoryClient.segment($0 ?? "") }.joined(separator: "/")
            if unpin {
                _ = try await client.json("DELETE", path)
                Console.err("perfgate: unpinned the baseline of \(project ?? "-")/\(stage ?? "-")/\(service ?? "-")")
                return
            }
            let pinned = try await client.json("PUT", path, body: .object([("run", .string(run ?? ""))]))
            Console.err(
                "perfgate: pinned run \(pinned["runId"]?.stringValue ?? "?") as the baseline of \(project ?? "-")/\(stage ?? "-")/\(service ?? "-")")
        }
    }
}
