import ArgumentParser
import PerfGateCore

/// `perfgate history list`: the newest runs, one line each.
struct HistoryListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the newest stored runs, one line each.")

    @OptionGroup var server: HistoryServerOptions
    @OptionGroup var key: RunKeyOptions
    @Option(name: .long, help: ArgumentHelp("Only runs of this branch.", valueName: "name")) var branch: String?
    @Option(name: .long, help: ArgumentHelp("Only runs with this result: pass, warning, fail or error.", valueName: "result")) var result: String?
    @Option(name: .long, help: ArgumentHelp("How many runs, newest first (1 to 200).", valueName: "count")) var limit = 20

    func validate() throws {
        guard (1...200).contains(limit) else { throw ValidationError("--limit must be from 1 to 200") }
        if let result, Verdict(rawValue: result) == nil { throw ValidationError("--result must be pass, warning, fail or error") }
    }

    func run() async throws {
        try await historyCommand {
            let environment = Console.environment()
            let client = try server.client(environment: environment)
            let (project, stage, service) = key.key(environment: environment)
            let root = try await client.json(
                "GET", "/api/v1/runs",
                query: [
                    ("project", project), ("stage", stage), ("service", service), ("branch", branch), ("result", result), ("limit", String(limit))
                ])
            let runs = root["runs"]?.items ?? []
            if runs.isEmpty {
                Console.err("perfgate: no stored run matches")
                return
            }
            for run in runs { Console.out("\(Self.line(run))") }
        }
    }

    /// `42  2026-12-07T06:38:19Z  pass  100  shop/perf/checkout  main  tag=v1  INVALID: reason`
    static func line(_ run: Node) -> String {
        func text(_ key: String) -> String { run[key]?.stringValue ?? "" }
        let key = [text("project"), text("stage"), text("service")].map { $0.isEmpty ? "-" : $0 }.joined(separator: "/")
        var parts = [
            text("id"), text("time"), text("result"), run["score"]?.numberValue.map { NumberText.format($0) } ?? "", key,
            text("branch").isEmpty ? "-" : text("branch")
        ]
        if let tag = run["tag"]?.stringValue { parts.append("tag=" + tag) }
        if let reason = run["invalidated"]?["reason"]?.stringValue { parts.append("INVALID: " + reason) }
        return parts.joined(separator: "  ")
    }
}
