import ArgumentParser
import PerfGateCore
import PerfGateReports
import PerfGateSources

/// Reads and validates a spec for any command, printing every diagnostic to stderr.
enum SpecLoading {
    struct Loaded {
        var spec: PerfSpec
        var path: String
        var diagnostics: [Diagnostic]
    }

    /// The validated spec; exits 65 (after printing every problem) when it has errors.
    static func load(_ path: String, context: ValidationContext, sources: [any MetricSource] = SourceRegistry.all()) throws -> Loaded {
        try load(path, root: try document(path), context: context, sources: sources)
    }

    static func load(_ path: String, root: Node, context: ValidationContext, sources: [any MetricSource]) throws -> Loaded {
        let outcome = SpecDecoder(sources: sources, context: context).decode(root)
        for diagnostic in outcome.diagnostics {
            Console.err(LogText.sanitize(diagnostic.formatted(file: path)))
        }
        guard let spec = outcome.spec, !outcome.hasErrors else {
            let count = outcome.diagnostics.filter { $0.severity == .error }.count
            Console.err("perfgate: \(path) is not a valid spec (\(count) error\(count == 1 ? "" : "s"))")
            throw ExitStatus.invalidInput.code
        }
        return Loaded(spec: spec, path: path, diagnostics: outcome.diagnostics)
    }

    /// The parsed document; exits 65 when it cannot be read or parsed.
    static func document(_ path: String, what: String = "the spec") throws -> Node {
        do {
            return try DocumentLoader.load(path: path).0
        } catch {
            switch error {
            case .file(let failure): Console.err("perfgate: cannot read \(what): \(failure)")
            case .syntax: Console.err(LogText.sanitize(error.description))
            }
            throw ExitStatus.invalidInput.code
        }
    }

    /// Whether a document is a Keptn slo.yaml rather than a PerfSpec: its `objectives` is a list.
    static func isSLO(_ root: Node) -> Bool {
        root["indicators"] == nil && (root["objectives"]?.items != nil || root["total_score"] != nil)
    }
}
