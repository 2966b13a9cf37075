import ArgumentParser
import PerfGateCore
import PerfGateEngine

/// `perfgate history import`: a `--history` file into the store. Each line records once, however
/// often it is imported.
struct HistoryImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Load a --history file (JSON Lines) into the store; a line imported before is not imported again.")

    @OptionGroup var server: HistoryServerOptions
    @Argument(help: "The history file.") var file: String
    @Option(name: .long, help: ArgumentHelp("The branch its runs were on (runs compare within a branch).", valueName: "name")) var branch: String?

    /// Lines per request: well under the server's default body limit (1 MiB).
    static let chunkBytes = 512 << 10

    func run() async throws {
        try await historyCommand {
            let client = try server.client(environment: Console.environment())
            let bytes: [UInt8]
            do {
                bytes = try FileSystem.read(file)
            } catch {
                throw GateError(.invalidInput, "cannot read the history file \(String(describing: error))")
            }
            var imported = 0.0
            var duplicates = 0.0
            var chunk = ""
            func flush() async throws {
                guard !chunk.isEmpty else { return }
                var body: [(String, Node)] = [("history", .string(chunk))]
                if let branch { body.append(("branch", .string(branch))) }
                let answer = try await client.json("POST", "/api/v1/runs", body: .object(body))
                imported += answer["imported"]?.numberValue ?? 0
                duplicates += answer["duplicates"]?.numberValue ?? 0
                for problem in answer["skipped"]?.items?.compactMap(\.stringValue) ?? [] { Console.diagnostics.warning("\(file): \(problem)") }
                chunk = ""
            }
            for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true) {
                if chunk.utf8.count + line.utf8.count >= Self.chunkBytes { try await flush() }
                chunk += line + "\n"
            }
            try await flush()
            Console.err(
                "perfgate: imported \(NumberText.format(imported)) run\(imported == 1 ? "" : "s") from \(file); \(NumberText.format(duplicates)) were there already"
            )
        }
    }
}
