import ArgumentParser

/// Where to write reports. Each is written atomically; `-` means stdout.
struct ReportOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Write the result JSON to this file ('-' for stdout).", valueName: "file"))
    var json: String?

    @Option(name: .long, help: ArgumentHelp("Write a JUnit XML report (one test case per indicator) to this file.", valueName: "file"))
    var junit: String?

    @Option(name: .long, help: ArgumentHelp("Write a Markdown summary to this file ('-' for stdout).", valueName: "file"))
    var markdown: String?

    func validate() throws {
        if json == "-" && markdown == "-" {
            throw ValidationError("--json - and --markdown - cannot both write to stdout")
        }
    }

    /// Whether a report takes stdout, so the human summary must go to stderr.
    var usesStdout: Bool { json == "-" || markdown == "-" || junit == "-" }
}
