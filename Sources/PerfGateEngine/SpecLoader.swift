import PerfGateCore
import PerfGateSources

/// Reads and validates a PerfSpec or a Keptn slo.yaml, for evaluate and validate alike. Every
/// problem goes to the diagnostics sink with its file, line and path; any error stops with
/// `GateError` (invalid input).
package struct SpecLoader: Sendable {
    package var files: any Files
    package var diagnostics: any GateDiagnostics

    /// `--strict`: every warning about the spec is an error, so nothing is queried.
    package var strict = false

    package init(files: any Files = LocalFiles(), diagnostics: any GateDiagnostics, strict: Bool = false) {
        self.files = files
        self.diagnostics = diagnostics
        self.strict = strict
    }

    /// The diagnostics as this loader reports them: under `--strict` a warning is an error.
    package func judged(_ problems: [Diagnostic]) -> [Diagnostic] {
        guard strict else { return problems }
        return problems.map { problem in
            guard problem.severity == .warning else { return problem }
            return .error(problem.path, problem.location, problem.message + " (an error with --strict)")
        }
    }

    package struct LoadedSpec: Sendable {
        package var spec: PerfSpec
        package var path: String
        /// Its warnings (it has no errors).
        package var diagnostics: [Diagnostic]
    }

    /// The parsed document.
    package func document(_ path: String, what: String = "the spec") throws(GateError) -> Node {
        if let parsed = files.parsedDocument(path) { return parsed }
        let bytes: [UInt8]
        do {
            bytes = try files.read(path, limit: DocumentLoader.defaultSizeLimit)
        } catch {
            diagnostics.note("cannot read \(what): \(error)")
            throw .invalidReported
        }
        do {
            return try DocumentLoader.parse(bytes, as: DocumentFormat.detect(path: path, bytes: bytes))
        } catch {
            diagnostics.emit(.outside(DocumentLoader.Failure.syntax(path: path, error).description), as: .line)
            throw .invalidReported
        }
    }

    /// Whether a document is a Keptn slo.yaml rather than a PerfSpec: its `objectives` is a list.
    package static func isKeptn(_ root: Node) -> Bool {
        root["indicators"] == nil && (root["objectives"]?.items != nil || root["total_score"] != nil)
    }

    /// The validated PerfSpec.
    package func perfSpec(_ path: String, root: Node, context: ValidationContext, sources: [any MetricSource]) throws(GateError) -> LoadedSpec {
        let outcome = SpecDecoder(sources: sources, context: context).decode(root)
        let problems = judged(outcome.diagnostics)
        diagnostics.report(problems, file: path)
        guard let spec = outcome.spec, !problems.contains(where: { $0.severity == .error }) else {
            throw invalid(path, problems, "is not a valid spec")
        }
        return LoadedSpec(spec: spec, path: path, diagnostics: problems)
    }

    /// Says how many errors a file has, and gives the error that stops the run.
    func invalid(_ path: String, _ problems: [Diagnostic], _ verdict: String) -> GateError {
        let count = problems.filter { $0.severity == .error }.count
        diagnostics.note("\(path) \(verdict) (\(count) error\(count == 1 ? "" : "s"))")
        return .invalidReported
    }
}
