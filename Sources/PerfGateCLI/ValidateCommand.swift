import ArgumentParser
import PerfGateCI
import PerfGateCore

/// `perfgate validate`: check a spec without querying anything; the build step.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a PerfSpec without querying any source, and offer it for the release pipeline.",
        discussion: """
            Prints one line per problem (file:line:column: severity: path: message) and exits 65 when any is an error; otherwise prints a one-line summary and exits 0. On Azure Pipelines it then publishes the spec as a pipeline artifact; on GitHub Actions and Jenkins it prints the path for the upload step.

            Examples:
              perfgate validate --spec perfspec.json
              perfgate validate --spec Examples/perfspec.yaml --var SERVICE=checkout
              perfgate validate --ci azure --artifact-name checkout-perfspec
            """
    )

    @Option(name: .long, help: ArgumentHelp(
        "The PerfSpec: a file, a folder or a glob (default: PERFGATE_SPEC, else a search of the workspace).", valueName: "path"))
    var spec: String?

    @Option(name: .customLong("var"), help: ArgumentHelp(
        "A value for a $NAME placeholder in queries, as evaluate takes it. Repeatable.", valueName: "name=value"))
    var variables: [KeyValue] = []

    @Option(name: .long, help: ArgumentHelp("The artifact name the spec is published under.", valueName: "name"))
    var artifactName: String = "perfspec"

    @OptionGroup var ciOptions: CIOptions

    func run() throws {
        do {
            try check()
        } catch {
            throw ExitStatus.report(error)
        }
    }

    func check() throws {
        let environment = Console.environment()
        let platform = ciOptions.platform(environment: environment)
        let path = try SpecDiscovery.path(given: spec, environment: environment, platform: platform)
        let loaded = try SpecLoading.load(path, context: ValidationContext(variables: Set(variables.dictionary.keys)))
        let indicators = loaded.spec.indicators
        var perSource: [String: Int] = [:]
        for indicator in indicators { perSource[indicator.source, default: 0] += 1 }
        let sources = perSource.keys.sorted().map { "\($0) \(perSource[$0]!)" }.joined(separator: ", ")
        let maximum = indicators.reduce(0) { $0 + $1.grading.metricScore }
        let warnings = loaded.diagnostics.count
        Console.out(
            "\(loaded.path): valid: \(indicators.count) indicator\(indicators.count == 1 ? "" : "s")"
                + (sources.isEmpty ? "" : " (\(sources))")
                + ", up to \(JSONWriter.format(maximum)) points, pass at \(JSONWriter.format(loaded.spec.objectives.pass))"
                + ", warning at \(JSONWriter.format(loaded.spec.objectives.warning))"
                + (warnings > 0 ? ", \(warnings) warning\(warnings == 1 ? "" : "s")" : "") + "\n")
        do {
            try platform.publishSpec(at: FileSystem.absolute(loaded.path), artifactName: artifactName)
        } catch {
            Console.err("perfgate: cannot publish the spec: \(error)")
            throw ExitStatus.error.code
        }
    }
}
