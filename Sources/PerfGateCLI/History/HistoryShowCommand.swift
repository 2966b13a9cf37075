import ArgumentParser
import PerfGateCore
import PerfGateEngine

/// `perfgate history show`: one run's JSON report, or its HTML report.
struct HistoryShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Print a stored run: its JSON report with the run's summary and history record (or its HTML report).")

    @OptionGroup var server: HistoryServerOptions
    @Argument(help: "The run's id (from 'perfgate history list').") var id: String
    @Option(name: .long, help: ArgumentHelp("Write the run's HTML report to this file instead.", valueName: "file")) var html: String?

    func validate() throws {
        guard !id.isEmpty, id.count <= 18, id.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw ValidationError("'\(id)' is not a run id: ids are the numbers 'perfgate history list' prints")
        }
    }

    func run() async throws {
        try await historyCommand {
            let client = try server.client(environment: Console.environment())
            if let html {
                let response = try await client.get("/api/v1/runs/\(id)", accept: "text/html")
                guard response.status == 200 else { _ = try await client.json("GET", "/api/v1/runs/\(id)"); return }
                do {
                    try FileSystem.writeAtomically(String(decoding: response.body, as: UTF8.self), to: html)
                } catch {
                    throw GateError(.invalidInput, "cannot write the HTML report: \(String(describing: error))")
                }
                Console.err("perfgate: wrote run \(id)'s HTML report to \(html)")
                return
            }
            let root = try await client.json("GET", "/api/v1/runs/\(id)")
            Console.out(.report(JSONWriter.write(root, pretty: true)))
        }
    }
}
