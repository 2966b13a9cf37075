import PerfGateCI
import PerfGateCore
import PerfGateEngine
import PerfGateReports

/// Picks the spec for a command: `--spec`, else `PERFGATE_SPEC`, else a search of the platform's
/// folders.
enum SpecDiscovery {
    static func path(given: String?, environment: [String: String], platform: any CIPlatform) throws -> String {
        let requested = given ?? environment["PERFGATE_SPEC"].flatMap { $0.isEmpty ? nil : $0 }
        switch SpecFinder.find(requested, roots: platform.searchRoots) {
        case .found(let path):
            if requested == nil || requested != path { Console.diagnostics.note("using the spec \(path)") }
            return path
        case .several(let paths):
            let list = Self.list(paths)
            throw GateError(.invalidInput, "\(paths.count) specs found; pick one with --spec PATH (or PERFGATE_SPEC):\(list)")
        case .tooLarge(let searched):
            throw GateError(
                .invalidInput,
                "the spec search stopped after \(SpecFinder.maxEntries) folder entries without deciding, in:\(Self.list(searched))\ngive the spec with --spec PATH (or PERFGATE_SPEC)"
            )
        case .none(let searched):
            let list = Self.list(searched)
            throw GateError(
                .invalidInput,
                "no spec found (perfspec.json, perfspec.yaml, perfspec.yml, *.perfspec.json/yaml/yml or a Keptn slo.yaml, \(SpecFinder.maxDepth) folders deep) in:\(list)\ngive one with --spec PATH"
            )
        }
    }

    /// One indented line per path.
    static func list(_ paths: [String]) -> LogMessage {
        paths.reduce("" as LogMessage) { $0 + "\n  \($1)" }
    }
}
