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
        report(outcome.diagnostics, file: path)
        guard let spec = outcome.spec, !outcome.hasErrors else { throw invalid(path, outcome.diagnostics, "is not a valid spec") }
        return Loaded(spec: spec, path: path, diagnostics: outcome.diagnostics)
    }

    /// Prints each diagnostic as `file:line:column: severity: path: message`.
    static func report(_ diagnostics: [Diagnostic], file: String) {
        for diagnostic in diagnostics { Console.err(.outside(diagnostic.formatted(file: file))) }
    }

    /// Says how many errors a file has, and gives the exit code for invalid input.
    static func invalid(_ path: String, _ diagnostics: [Diagnostic], _ verdict: String) -> Error {
        let count = diagnostics.filter { $0.severity == .error }.count
        Console.err("perfgate: \(path) \(verdict) (\(count) error\(count == 1 ? "" : "s"))")
        return ExitStatus.invalidInput.code
    }

    /// The parsed document; exits 65 when it cannot be read or parsed.
    static func document(_ path: String, what: String = "the spec") throws -> Node {
        do {
            return try DocumentLoader.load(path: path).0
        } catch {
            switch error {
            case .file(let failure): Console.err("perfgate: cannot read \(what): \(failure)")
            case .syntax: Console.err(.outside(error.description))
            }
            throw ExitStatus.invalidInput.code
        }
    }

    /// Whether a document is a Keptn slo.yaml rather than a PerfSpec: its `objectives` is a list.
    static func isSLO(_ root: Node) -> Bool {
        root["indicators"] == nil && (root["objectives"]?.items != nil || root["total_score"] != nil)
    }
}
