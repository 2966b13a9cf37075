import ArgumentParser
import PerfGateCore
import PerfGateEngine
import PerfGateSources
import Testing

@testable import PerfGateCLI

/// The commands' flags, parsed in-process: what reaches the engine, and what parsing refuses.
@Suite struct OptionParsingTests {
    @Test func evaluateTakesItsFlagsIntoTheRequest() throws {
        let command = try EvaluateCommand.parse([
            "--spec", "perfspec.yaml", "--var", "SERVICE=checkout", "--results", "jmeter=out/run.jtl", "--start", "now-15m",
            "--concurrency", "4", "--deadline", "90s", "--prometheus-url", "http://prometheus:9090", "--fail-on", "warning"
        ])
        #expect(command.specOptions.spec == "perfspec.yaml")
        #expect(command.specOptions.variables.dictionary == ["SERVICE": "checkout"])
        #expect(command.resultFileOptions.resultFiles.dictionary == ["jmeter": "out/run.jtl"])
        #expect(command.windowOptions.start == "now-15m")
        #expect(command.concurrency == 4)
        #expect(try command.connectionOptions.deadlineSeconds() == 90)
        #expect(command.connectionOptions.connections.flags == ["prometheus-url": "http://prometheus:9090"])
        #expect(command.warningPolicy == .failed)
    }

    @Test func optionChecksWaitForRunAndSayWhatIsWrong() throws {
        // Parsing accepts them, so a usage error still replaces the last run's reports.
        for (arguments, message) in [
            (["--concurrency", "0"], "--concurrency must be at least 1"),
            (["--spec", "a.yaml", "--slo", "slo.yaml"], "give --spec or --slo, not both"),
            (["--attempts", "0"], "--attempts must be at least 1"),
            (["--timeout", "0"], "--timeout must be more than 0 seconds and at most a day (86400 s)"),
            (["--history-keep", "0"], "--history-keep must be at least 1")
        ] {
            let command = try EvaluateCommand.parse(arguments)
            do {
                try command.checkOptions()
                Issue.record("\(arguments) passed")
            } catch let failure as GateError {
                #expect(failure.kind == .usage)
                #expect(failure.message.plain == message)
            }
        }
    }

    @Test func parsingRefusesUnknownFlagsAndValues() {
        #expect(throws: (any Error).self) { try EvaluateCommand.parse(["--nope"]) }
        #expect(throws: (any Error).self) { try EvaluateCommand.parse(["--fail-on", "sometimes"]) }
        #expect(throws: (any Error).self) { try ValidateCommand.parse(["--sli-provider", "graphite"]) }
    }

    /// Every setting a source declares is a flag of evaluate and serve, in both spellings, listed
    /// with its help, and reaches the engine under its name; no source edits the CLI for it.
    @Test func everyDeclaredSourceSettingIsAFlag() throws {
        for setting in SourceRegistry.settings {
            let command = try EvaluateCommand.parse(["--" + setting.flag, "x", "--concurrency", "2", "--" + setting.flag + "=y=z"])
            #expect(command.connectionOptions.flags == [setting.flag: "y=z"], "\(setting.flag)")
            #expect(command.concurrency == 2)
            #expect(try ServeCommand.parse(["--" + setting.flag, "x"]).connectionOptions.flags == [setting.flag: "x"])
            for help in [EvaluateCommand.helpMessage(columns: 200), ServeCommand.helpMessage(columns: 200)] {
                // In lines of its own, each indented: Argument Parser's wrapping must not start one at column 0.
                let listed = "--\(setting.flag) <\(setting.valueName)>\n" + ConnectionOptions.wrapped(setting.help, indent: "      ")
                #expect(help.contains(listed), "\(setting.flag)")
                #expect(listed.split(separator: "\n").allSatisfy { $0.hasPrefix("  ") || $0.hasPrefix("--") && $0.count <= 80 }, "\(listed)")
            }
        }
    }

    /// What is not a declared setting is a usage error, with the closest option of the command.
    @Test func whatArgumentParserLeavesIsCheckedAsItWould() {
        for (arguments, message) in [
            (["--histroy", "h.jsonl"], "unknown option '--histroy' (did you mean '--history'?); see --help"),
            (["--prometheus-ulr", "x"], "unknown option '--prometheus-ulr' (did you mean '--prometheus-url'?); see --help"),
            (["--prometheus-url"], "missing value for '--prometheus-url <url>'"),
            (["--prometheus-url", "--verbose"], "missing value for '--prometheus-url <url>'"),
            (["stray"], "unexpected argument 'stray'; options start with --, see --help")
        ] {
            do {
                _ = try EvaluateCommand.parse(arguments)
                Issue.record("\(arguments) parsed")
            } catch {
                #expect(EvaluateCommand.message(for: error) == message, "\(arguments)")
                #expect(EvaluateCommand.exitCode(for: error).rawValue == 64)
            }
        }
        #expect(throws: (any Error).self) { try ServeCommand.parse(["--nope"]) }
    }

    @Test func validateSharesTheSpecOptions() throws {
        let command = try ValidateCommand.parse(["--spec", "perfspec.yaml", "--var", "A=b", "--artifact-name", "gate"])
        #expect(command.specOptions.spec == "perfspec.yaml" && command.specOptions.variables.dictionary == ["A": "b"])
        #expect(command.artifactName == "gate")
        #expect(throws: (any Error).self) { try ValidateCommand.parse(["--results", "jmeter=x.jtl"]) }
    }
}
