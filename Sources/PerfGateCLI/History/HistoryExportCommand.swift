import ArgumentParser
import PerfGateCore
import PerfGateEngine

/// `perfgate history export`: the store's runs as a `--history` file (JSON Lines, oldest first).
struct HistoryExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write stored runs as a --history file (JSON Lines, oldest first), to --output or standard output.")

    @OptionGroup var server: HistoryServerOptions
    @OptionGroup var key: RunKeyOptions
    @Option(name: .long, help: ArgumentHelp("Only runs of this branch.", valueName: "name")) var branch: String?
    @Option(name: .long, help: ArgumentHelp("The file to write (atomically); standard output without it.", valueName: "file")) var output: String?
    @Flag(name: .long, help: "Export invalidated runs too (a --history file would compare with them).") var includeInvalid = false

    func run() async throws {
        try await historyCommand {
            let environment = Console.environment()
            let client = try server.client(environment: environment)
            let (project, stage, service) = key.key(environment: environment)
            var lines: [String] = []
            var cursor: String?
            repeat {
                let page = try await client.json(
                    "GET", "/api/v1/runs",
                    query: [
                        ("project", project), ("stage", stage), ("service", service), ("branch", branch), ("limit", "200"), ("cursor", cursor),
                        ("include", "record")
                    ])
                for run in page["runs"]?.items ?? [] {
                    guard includeInvalid || run["invalidated"] == nil, let record = run["record"], record.members != nil else { continue }
                    lines.append(JSONWriter.write(record))
                }
                cursor = page["nextCursor"]?.stringValue
            } while cursor != nil
            let text = lines.reversed().map { $0 + "\n" }.joined()
            guard let output else {
                if !text.isEmpty { Console.out(.report(String(text.dropLast()))) }
                return
            }
            do {
                try FileSystem.writeAtomically(text, to: output)
            } catch {
                throw GateError(.invalidInput, "cannot write the export: \(String(describing: error))")
            }
            Console.err("perfgate: wrote \(lines.count) run\(lines.count == 1 ? "" : "s") to \(output)")
        }
    }
}
