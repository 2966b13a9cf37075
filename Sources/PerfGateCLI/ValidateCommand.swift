import ArgumentParser
import PerfGateCI
import PerfGateCore
import PerfGateEngine
import PerfGateSources

/// `perfgate validate`: check a spec without querying anything; the build step.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a PerfSpec or a Keptn slo.yaml and sli.yaml without querying any source, and offer it for the release pipeline.",
        discussion: """
            Prints one line per problem (file:line:column: severity: path: message) and exits 65 when any is an error; otherwise prints a one-line summary and exits 0. On Azure Pipelines it then publishes the spec as a pipeline artifact; on GitHub Actions and Jenkins it prints the path for the upload step.

            Examples:
              perfgate validate --spec perfspec.json
              perfgate validate --spec Examples/perfspec.yaml --var SERVICE=checkout
              perfgate validate --ci azure --artifact-name checkout-perfspec
              perfgate validate --slo keptn/slo.yaml --var SERVICE=checkout
            """
    )

    @OptionGroup var specOptions: SpecOptions

    @Option(name: .long, help: ArgumentHelp("The artifact name the spec is published under.", valueName: "name"))
    var artifactName: String = "perfspec"

    @OptionGroup(title: "Keptn quality gates") var sloOptions: SLOOptions

    @OptionGroup var ciOptions: CIOptions

    func validate() throws { try sloOptions.check() }

    var loader: SpecLoader { SpecLoader(diagnostics: ConsoleDiagnostics(), strict: specOptions.isStrict(environment: Console.environment())) }

    func run() throws {
        do {
            try check()
        } catch {
            throw ciOptions.conclude(error)
        }
    }

    func check() throws {
        let environment = Console.environment()
        let platform = ciOptions.platform(environment: environment)
        let path = try SpecDiscovery.path(given: sloOptions.slo ?? specOptions.spec, environment: environment, platform: platform)
        let root = try loader.document(path)
        if sloOptions.slo != nil || SpecLoader.isKeptn(root) {
            try checkSLO(path, root: root, environment: environment, platform: platform)
            return
        }
        let context = ValidationContext(variables: Set(specOptions.variables.dictionary.keys))
        let loaded = try loader.perfSpec(path, root: root, context: context, sources: SourceRegistry.all())
        let indicators = loaded.spec.indicators
        var perSource: [String: Int] = [:]
        for indicator in indicators { perSource[indicator.source, default: 0] += 1 }
        let sources = perSource.keys.sorted().map { "\($0) \(perSource[$0]!)" }.joined(separator: ", ")
        // Dry runs count for nothing; group scores make the total a percentage.
        let maximum = loaded.spec.groupWeights != nil ? 100 : indicators.reduce(0) { $0 + ($1.dryRun ? 0 : $1.grading.metricScore) }
        let warnings = loaded.diagnostics.count
        let neverFail = indicators.filter { $0.grading.neverFails(hasHistory: true) != nil }.map(\.id)
        let verdict =
            neverFail.isEmpty
            ? "valid: "
            : "valid, but \(neverFail.count) indicator\(neverFail.count == 1 ? "" : "s") can never fail (\(Excerpt.list(neverFail, limit: 5))); "
        Console.out(
            "\(loaded.path): \(verdict)\(indicators.count) indicator\(indicators.count == 1 ? "" : "s")"
                + (sources.isEmpty ? "" : " (\(sources))")
                + ", up to \(JSONWriter.format(maximum)) points, pass at \(JSONWriter.format(loaded.spec.objectives.pass))"
                + ", warning at \(JSONWriter.format(loaded.spec.objectives.warning))"
                + (warnings > 0 ? ", \(warnings) warning\(warnings == 1 ? "" : "s")" : "") + "\n")
        try publish(loaded.path, platform: platform)
    }

    /// A Keptn gate: slo.yaml, its sli.yaml and every query, checked as evaluate would (with a
    /// nominal window, since none is known yet). The folder holding both is published.
    func checkSLO(_ path: String, root: Node, environment: [String: String], platform: any CIPlatform) throws {
        let loaded = try KeptnLoader(loader: loader, sources: SourceRegistry.all()).load(
            path, root: root, settings: .init(forced: true, sli: sloOptions.sli, provider: sloOptions.sliProvider),
            variables: specOptions.variables.dictionary, environment: environment, window: Window(start: 0, end: 600))
        let scored = loaded.spec.objectives.filter { !$0.pass.isEmpty }
        let keys = loaded.spec.objectives.filter(\.keySLI).count
        let warning = loaded.spec.totalWarning.map { ", warning at \(JSONWriter.format($0))%" } ?? ""
        Console.out(
            "\(loaded.path): valid Keptn quality gate: \(loaded.spec.objectives.count) objective\(loaded.spec.objectives.count == 1 ? "" : "s")"
                + " (\(scored.count) scored, \(keys) key), SLIs from \(loaded.sliPath) (\(loaded.source.name))"
                + ", pass at \(JSONWriter.format(loaded.spec.totalPass))%\(warning)\n")
        // The gate is two files: publish the folder that holds slo.yaml (its sli.yaml is there or below).
        let folder = Path.directory(of: FileSystem.absolute(loaded.path))
        try publish(
            Path.directory(of: FileSystem.absolute(loaded.sliPath)).hasPrefix(folder) ? folder : FileSystem.absolute(loaded.path), platform: platform)
    }

    func publish(_ path: String, platform: any CIPlatform) throws {
        do {
            try platform.publishSpec(at: FileSystem.absolute(path), artifactName: artifactName)
        } catch {
            Console.diagnostics.note("cannot publish the spec: \(error)")
            throw ExitCode.couldNotMeasure.exit
        }
    }
}
