import PerfGateCore

// A test asks a source with the query node as a spec writes it; the source reads it as the spec
// loader would.
extension MetricSource {
    /// Measures a query given as a node.
    func answer(_ node: Node, context: SourceContext) async throws -> SourceAnswer {
        try await answer(to: SourceQuery(node), context: context)
    }

    /// The measurements alone.
    func fetch(_ node: Node, context: SourceContext) async throws -> [Measurement] {
        try await answer(node, context: context).measurements
    }

    /// What loading the query says about it.
    func validate(_ node: Node, at path: SpecPath, context: ValidationContext = ValidationContext()) -> [Diagnostic] {
        parse(erasing: node, at: path, context: context).diagnostics
    }
}
