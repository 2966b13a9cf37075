import PerfGateCore
import PerfGateSources

/// Reads a Keptn `slo.yaml` and its `sli.yaml`, and turns each SLI into its provider's query.
/// Every problem goes to the diagnostics sink with its file, line and path.
package struct KeptnLoader: Sendable {
    package var loader: SpecLoader
    /// The registered sources; those that answer SLIs are the providers.
    package var sources: [any MetricSource]

    package init(loader: SpecLoader, sources: [any MetricSource]) {
        self.loader = loader
        self.sources = sources
    }

    package struct LoadedGate: Sendable {
        package var spec: SLOSpec
        package var path: String
        package var sliPath: String
        package var source: any SLIProvider
        /// One per SLI the objectives name, in their order.
        package var queries: [(name: String, query: SourceQuery)]
        package var placeholders: SLIPlaceholders
    }

    /// The names of the sources that answer Keptn SLIs, in the registry's order.
    package var providers: [String] { sources.compactMap { $0 as? any SLIProvider }.map(\.name) }

    package func load(
        _ path: String, root: Node, settings: GateRequest.KeptnSettings, variables: [String: String], environment: [String: String],
        window: Window?
    ) throws(GateError) -> LoadedGate {
        let diagnostics = loader.diagnostics
        let outcome = SLOSpecDecoder.decode(root)
        let sloProblems = loader.judged(outcome.diagnostics)
        diagnostics.report(sloProblems, file: path)
        guard let spec = outcome.spec, !sloProblems.hasErrors else { throw loader.invalid(path, sloProblems, "is not valid") }

        let (sliPath, guessed) = try findSLI(sloPath: path, settings: settings)
        let sliRoot = try loader.document(sliPath, what: "sli.yaml")
        let sliOutcome = SLIDefinitionsDecoder.decode(sliRoot)
        let sliProblems = loader.judged(sliOutcome.diagnostics)
        diagnostics.report(sliProblems, file: sliPath)
        guard let definitions = sliOutcome.definitions, !sliProblems.hasErrors else {
            throw loader.invalid(sliPath, sliProblems, "is not valid")
        }
        var provider = guessed
        // Keptn's dynatrace-service keeps sli.yaml beside slo.yaml too: its Metrics v2 queries say so.
        if settings.provider == nil, provider == "prometheus", !definitions.indicators.isEmpty,
            definitions.indicators.allSatisfy({ $0.query.trimmingSpaces().hasPrefix("metricSelector=") })
        {
            diagnostics.note(
                "the SLIs in \(sliPath) are Dynatrace queries (metricSelector=...): using the dynatrace provider (--sli-provider chooses)")
            provider = "dynatrace"
        }
        guard let source = sources.compactMap({ $0 as? any SLIProvider }).first(where: { $0.name == provider }) else {
            throw GateError(.invalidInput, "'\(provider)' is not an SLI provider; use --sli-provider \(providers.joined(separator: " or "))")
        }

        let placeholders = SLIPlaceholders(filter: spec.filter, variables: variables, environment: environment, window: window)
        var queries: [(name: String, query: SourceQuery)] = []
        var problems: [(String, Diagnostic)] = []
        for (index, objective) in spec.objectives.enumerated() where !queries.contains(where: { $0.name == objective.sli }) {
            guard let definition = definitions.query(for: objective.sli) else {
                let names = definitions.indicators.map(\.name)
                problems.append(
                    (
                        path,
                        .error(
                            SpecPath.root.appending("objectives").appending(index).appending("sli"),
                            root["objectives"]?.items?[index]["sli"]?.location,
                            "SLI definition for '\(objective.sli)' was not found in \(sliPath)\(Suggestion.hint(for: objective.sli, in: names))")
                    ))
                continue
            }
            let at = SpecPath.root.appending("indicators").appending(definition.name)
            let filled = placeholders.fill(definition.query)
            let (missing, others) = placeholders.unresolved(in: filled)
            for placeholder in missing {
                problems.append((sliPath, .error(at, definition.location, "\(placeholder) has no value: \(SLIPlaceholders.hint(for: placeholder))")))
            }
            for placeholder in others {
                problems.append(
                    (sliPath, .warning(at, definition.location, "\(placeholder) is not a placeholder perfgate knows; it is sent as written")))
            }
            switch source.sliQuery(erasing: filled) {
            case .success(let query): queries.append((objective.sli, query))
            case .failure(let error): problems.append((sliPath, .error(at, definition.location, error.message)))
            }
        }
        problems = problems.map { ($0.0, loader.judged([$0.1])[0]) }
        for (file, diagnostic) in problems { diagnostics.report([diagnostic], file: file) }
        let errors = problems.filter { $0.1.severity == .error }.count
        guard errors == 0 else {
            diagnostics.note("the quality gate is not valid (\(errors) error\(errors == 1 ? "" : "s"))")
            throw .invalidReported
        }
        return LoadedGate(spec: spec, path: path, sliPath: sliPath, source: source, queries: queries, placeholders: placeholders)
    }

    /// The sli.yaml given, else `sli.yaml` beside `slo.yaml`, else `<provider>/sli.yaml` beside it; and the provider.
    package func findSLI(sloPath: String, settings: GateRequest.KeptnSettings) throws(GateError) -> (path: String, provider: String) {
        let files = loader.files
        let given = settings.provider?.lowercased()
        if let sli = settings.sli {
            let folder = Path.lastComponent(of: Path.directory(of: FileSystem.absolute(sli))).lowercased()
            return (sli, given ?? (providers.contains(folder) ? folder : "prometheus"))
        }
        let folder = Path.directory(of: sloPath)
        func beside(_ name: String) -> String { folder.isEmpty ? name : Path.resolve(name, against: folder) }
        for name in ["sli.yaml", "sli.yml"] where files.exists(beside(name)) {
            return (beside(name), given ?? "prometheus")
        }
        let candidates = (given.map { [$0] } ?? providers).flatMap { provider in
            ["sli.yaml", "sli.yml"].map { (beside(provider + "/" + $0), provider) }
        }.filter { files.exists($0.0) }
        switch candidates.count {
        case 0:
            let folders = providers.map { "\($0)/" }.joined(separator: " or ")
            throw GateError(.invalidInput, "no sli.yaml beside \(sloPath) (nor in \(folders) there); give one with --sli PATH")
        case 1:
            return candidates[0]
        default:
            throw GateError(.invalidInput, "\(candidates.map(\.0).joined(separator: " and ")) both exist; pick one with --sli-provider or --sli")
        }
    }
}
