import PerfGateCore

/// Reads a Keptn `slo.yaml` and its `sli.yaml`, and turns each SLI into its provider's query,
/// printing every problem with its file, line and path; exits 65 when any is an error.
enum SLOLoading {
    struct Loaded {
        var spec: SLOSpec
        var path: String
        var sliPath: String
        var source: any MetricSource
        /// One per SLI the objectives name, in their order.
        var queries: [(name: String, query: Node)]
        var placeholders: SLIPlaceholders
    }

    static func load(
        _ path: String, root: Node, options: SLOOptions, variables: [String: String], environment: [String: String],
        window: Window?, sources: [any MetricSource]
    ) throws -> Loaded {
        let outcome = SLOSpecDecoder.decode(root)
        SpecLoading.report(outcome.diagnostics, file: path)
        guard let spec = outcome.spec, !outcome.diagnostics.hasErrors else { throw SpecLoading.invalid(path, outcome.diagnostics, "is not valid") }

        let (sliPath, guessed) = try findSLI(sloPath: path, options: options)
        let sliRoot = try SpecLoading.document(sliPath, what: "sli.yaml")
        let sliOutcome = SLIDefinitionsDecoder.decode(sliRoot)
        SpecLoading.report(sliOutcome.diagnostics, file: sliPath)
        guard let definitions = sliOutcome.definitions, !sliOutcome.diagnostics.hasErrors else {
            throw SpecLoading.invalid(sliPath, sliOutcome.diagnostics, "is not valid")
        }
        var provider = guessed
        // Keptn's dynatrace-service keeps sli.yaml beside slo.yaml too: its Metrics v2 queries say so.
        if options.sliProvider == nil, provider == "prometheus", !definitions.indicators.isEmpty,
           definitions.indicators.allSatisfy({ $0.query.trimmingSpaces().hasPrefix("metricSelector=") }) {
            Console.err("perfgate: the SLIs in \(sliPath) are Dynatrace queries (metricSelector=...): using the dynatrace provider (--sli-provider chooses)")
            provider = "dynatrace"
        }
        guard let source = sources.first(where: { $0.name == provider }), source.sliQuery("") != nil else {
            throw InputFailure("'\(provider)' is not an SLI provider; use --sli-provider prometheus or dynatrace")
        }

        let placeholders = SLIPlaceholders(filter: spec.filter, variables: variables, environment: environment, window: window)
        var queries: [(name: String, query: Node)] = []
        var problems: [(String, Diagnostic)] = []
        for (index, objective) in spec.objectives.enumerated() where !queries.contains(where: { $0.name == objective.sli }) {
            guard let definition = definitions.query(for: objective.sli) else {
                let names = definitions.indicators.map(\.name)
                problems.append((path, .error(SpecPath.root.appending("objectives").appending(index).appending("sli"), root["objectives"]?.items?[index]["sli"]?.location,
                    "SLI definition for '\(objective.sli)' was not found in \(sliPath)\(Suggestion.hint(for: objective.sli, in: names))")))
                continue
            }
            let at = SpecPath.root.appending("indicators").appending(definition.name)
            let filled = placeholders.fill(definition.query)
            let (missing, others) = placeholders.unresolved(in: filled)
            for placeholder in missing {
                problems.append((sliPath, .error(at, definition.location, "\(placeholder) has no value: \(SLIPlaceholders.hint(for: placeholder))")))
            }
            for placeholder in others {
                problems.append((sliPath, .warning(at, definition.location, "\(placeholder) is not a placeholder perfgate knows; it is sent as written")))
            }
            switch source.sliQuery(filled) {
            case .success(let query)?: queries.append((objective.sli, query))
            case .failure(let error)?: problems.append((sliPath, .error(at, definition.location, error.message)))
            case nil: break
            }
        }
        for (file, diagnostic) in problems { SpecLoading.report([diagnostic], file: file) }
        let errors = problems.filter { $0.1.severity == .error }.count
        guard errors == 0 else {
            Console.err("perfgate: the quality gate is not valid (\(errors) error\(errors == 1 ? "" : "s"))")
            throw ExitStatus.invalidInput.code
        }
        return Loaded(spec: spec, path: path, sliPath: sliPath, source: source, queries: queries, placeholders: placeholders)
    }

    /// `--sli`, else `sli.yaml` beside `slo.yaml`, else `<provider>/sli.yaml` beside it; and the provider.
    static func findSLI(sloPath: String, options: SLOOptions) throws -> (path: String, provider: String) {
        let given = options.sliProvider?.lowercased()
        if let sli = options.sli {
            let folder = Path.lastComponent(of: Path.directory(of: FileSystem.absolute(sli))).lowercased()
            return (sli, given ?? (SLOOptions.providers.contains(folder) ? folder : "prometheus"))
        }
        let folder = Path.directory(of: sloPath)
        func beside(_ name: String) -> String { folder.isEmpty ? name : Path.resolve(name, against: folder) }
        for name in ["sli.yaml", "sli.yml"] where FileSystem.exists(beside(name)) {
            return (beside(name), given ?? "prometheus")
        }
        let candidates = (given.map { [$0] } ?? SLOOptions.providers).flatMap { provider in
            ["sli.yaml", "sli.yml"].map { (beside(provider + "/" + $0), provider) }
        }.filter { FileSystem.exists($0.0) }
        switch candidates.count {
        case 0:
            throw InputFailure("no sli.yaml beside \(sloPath) (nor in prometheus/ or dynatrace/ there); give one with --sli PATH")
        case 1:
            return candidates[0]
        default:
            throw InputFailure("\(candidates.map(\.0).joined(separator: " and ")) both exist; pick one with --sli-provider or --sli")
        }
    }
}
