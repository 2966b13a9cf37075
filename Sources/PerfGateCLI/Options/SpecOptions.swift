import ArgumentParser
import PerfGateCore

/// Which spec to read, and the values its queries may need.
struct SpecOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The PerfSpec: a file, a folder or a glob (default: PERFGATE_SPEC, else a search of the CI's artifact and workspace folders).",
            valueName: "path"))
    var spec: String?

    @Option(
        name: .customLong("var"),
        help: ArgumentHelp(
            "A value for a $NAME placeholder in queries; overrides the spec's 'variables'. Repeatable.", valueName: "name=value"))
    var variables: [KeyValue] = []

    @Flag(
        name: .long,
        help: ArgumentHelp(
            "Every warning about the spec (an unknown key, an indicator that can never fail) is an error: exit 65 before anything is queried. Also PERFGATE_STRICT=true."
        ))
    var strict = false

    /// `--strict`, or `PERFGATE_STRICT` set to true, 1 or yes (every wrapper's `strict` input).
    func isStrict(environment: [String: String]) -> Bool {
        strict || ["true", "1", "yes"].contains(environment["PERFGATE_STRICT"]?.trimmingSpaces().lowercased() ?? "")
    }
}

/// Result files to read instead of those the queries name.
struct ResultFileOptions: ParsableArguments {
    @Option(
        name: .customLong("results"),
        help: ArgumentHelp(
            "A load-test result file to read instead of the one the query names: NAME is a source (jmeter, k6, locust, json) or the query's 'file'. Repeatable.",
            valueName: "name=path"))
    var resultFiles: [KeyValue] = []
}
