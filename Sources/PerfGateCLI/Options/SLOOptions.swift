import ArgumentParser
import PerfGateCore
import PerfGateSources

/// A Keptn quality gate: `slo.yaml`, `sli.yaml` and the provider that answers the SLIs.
struct SLOOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "A Keptn slo.yaml to evaluate instead of a PerfSpec (found in artifacts like a PerfSpec when neither is given).", valueName: "path"))
    var slo: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The Keptn sli.yaml (default: sli.yaml beside slo.yaml, else <provider>/sli.yaml there).", valueName: "path"))
    var sli: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Which source answers the SLIs: prometheus or dynatrace (default: the folder sli.yaml is in, else prometheus).", valueName: "name"))
    var sliProvider: String?

    func check() throws {
        let providers = SourceRegistry.sliProviders
        if let sliProvider, !providers.contains(sliProvider.lowercased()) {
            throw ValidationError("--sli-provider must be \(providers.joined(separator: " or ")); got '\(sliProvider)'")
        }
    }
}

/// Where earlier runs are kept, for relative criteria and thresholds.
struct HistoryOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "A JSON Lines file of earlier runs: relative criteria compare with it, and this run is appended to it.", valueName: "file"))
    var history: String?

    @Option(name: .long, help: ArgumentHelp("How many runs the history file keeps; the oldest go first.", valueName: "count"))
    var historyKeep: Int = HistoryFile.defaultKeep

    @Option(
        name: .long,
        help: ArgumentHelp(
            "With --server and its store: a stored run's id or tag that relative criteria compare with alone (instead of the latest runs).",
            valueName: "run-id|tag"))
    var baseline: String?

    func check() throws {
        guard historyKeep >= 1 else { throw ValidationError("--history-keep must be at least 1") }
        if let baseline, baseline.isEmpty || baseline.utf8.count > 200 {
            throw ValidationError("--baseline must be a run id or a tag of 1 to 200 bytes")
        }
    }
}
