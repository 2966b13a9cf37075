import ArgumentParser

/// `perfgate history`: the runs a perfgate server's store keeps.
struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List, show, pin, tag, invalidate, export and import the runs a perfgate server's store keeps.",
        discussion: """
            Every subcommand talks to --server (else PERFGATE_SERVER) with the key of --server-api-key-file (else PERFGATE_API_KEY). Reading needs a key with the 'read' scope; pin, tag, invalidate and import need 'admin'.

            Examples:
              perfgate history list --service checkout
              perfgate history pin 42
              perfgate history invalidate 43 --reason "the load generator crashed"
              perfgate history export --service checkout --output perf-history.jsonl
              perfgate history import perf-history.jsonl --branch main
            """,
        subcommands: [
            HistoryListCommand.self, HistoryShowCommand.self, HistoryPinCommand.self, HistoryTagCommand.self, HistoryInvalidateCommand.self,
            HistoryExportCommand.self, HistoryImportCommand.self
        ]
    )
}
