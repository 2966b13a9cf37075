import ArgumentParser
import PerfGateCI
import PerfGateCore
import PerfGateReports

/// Where to write reports. Each is written atomically; `-` means stdout.
struct ReportOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Write the result JSON to this file ('-' for stdout).", valueName: "file"))
    var json: String?

    @Option(name: .long, help: ArgumentHelp("Write a JUnit XML report (one test case per indicator) to this file.", valueName: "file"))
    var junit: String?

    @Option(name: .long, help: ArgumentHelp("Write a Markdown summary to this file ('-' for stdout).", valueName: "file"))
    var markdown: String?

    @Option(name: .long, help: ArgumentHelp("Write an HTML page with a chart of each value against its limits to this file.", valueName: "file"))
    var html: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Where reports go on a CI platform, each unless named: perfgate-result.json, perfgate-junit.xml, perfgate-summary.md, perfgate.html (default: .perfgate in the workspace).",
            valueName: "folder"))
    var reportDir: String?

    func check() throws {
        if given.values.filter({ $0 == "-" }).count > 1 {
            throw ValidationError("only one of --json, --junit, --markdown and --html can write to stdout ('-')")
        }
    }

    /// Whether a report takes stdout, so the human summary must go to stderr.
    var usesStdout: Bool { given.values.contains("-") }

    /// The path each flag gives, by report.
    var given: [String: String] { ["json": json, "junit": junit, "markdown": markdown, "html": html].compactMapValues { $0 } }

    /// The report files to write. On a CI platform every report is written, into the report folder
    /// unless named; without one, only those named.
    func paths(platform: any CIPlatform) -> ReportPaths {
        let folder = FileSystem.absolute(reportDir ?? Path.resolve(".perfgate", against: platform.workspace))
        var files: [String: String] = [:]
        for report in Reports.all {
            let flag = given[report.identifier]
            if flag == "-" {
                files[report.identifier] = "-"
            } else if let flag {
                files[report.identifier] = FileSystem.absolute(flag)
            } else if !platform.isPlain {
                files[report.identifier] = Path.resolve(report.defaultFileName, against: folder)
            }
        }
        return ReportPaths(files: files, folder: folder)
    }
}
