import ArgumentParser
import PerfGateCore

/// `perfgate validate`: check a spec without querying anything.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a PerfSpec without querying any source.",
        discussion: """
            Prints one line per problem (file:line:column: severity: path: message) and exits 65 when any is an error; otherwise prints a one-line summary and exits 0.

            Examples:
              perfgate validate --spec perfspec.json
              perfgate validate --spec Examples/k6/perfspec.yaml
            """
    )

    @Option(name: .long, help: ArgumentHelp("The PerfSpec file (JSON or YAML).", valueName: "file"))
    var spec: String

    @Option(name: .customLong("var"), help: ArgumentHelp(
        "A value for a $NAME placeholder in queries, as evaluate takes it. Repeatable.", valueName: "name=value"))
    var variables: [KeyValue] = []

    func run() throws {
        let loaded = try SpecLoading.load(spec, context: ValidationContext(variables: Set(variables.dictionary.keys)))
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
    }
}
