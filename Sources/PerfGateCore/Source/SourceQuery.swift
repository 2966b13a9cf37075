/// What a source made of a query when the spec loaded: its typed value when the query can be
/// used, and every problem found, each with its path and line.
package struct ParsedQuery<Query> {
    /// nil when the problems leave nothing to measure with.
    package var query: Query?
    package var diagnostics: [Diagnostic]

    package init(_ query: Query?, diagnostics: [Diagnostic] = []) {
        self.query = query
        self.diagnostics = diagnostics
    }

    /// A query that cannot be used, and why.
    package static func failed(_ diagnostics: [Diagnostic]) -> ParsedQuery { ParsedQuery(nil, diagnostics: diagnostics) }

    /// The same problems, with the value turned into another.
    package func map<Other>(_ transform: (Query) -> Other) -> ParsedQuery<Other> {
        ParsedQuery<Other>(query.map(transform), diagnostics: diagnostics)
    }
}

/// An indicator's query as the spec wrote it, and as its source read it when the spec loaded.
/// Only that source looks inside `parsed`.
package struct SourceQuery: Sendable {
    /// The query as written.
    package var node: Node
    /// The source's typed query; nil for an indicator built in code, whose node the source reads
    /// when it is first measured.
    package var parsed: (any Sendable)?

    package init(_ node: Node, parsed: (any Sendable)? = nil) {
        self.node = node
        self.parsed = parsed
    }
}

// The engine holds sources as `any MetricSource` and queries as `SourceQuery`; these open the
// source and hand it its own typed query. Their labels differ from the requirements' so that a
// source whose `Query` is itself a `SourceQuery` (the engine's adapters) is not ambiguous.
extension MetricSource {
    /// Reads a query for the spec model.
    package func parse(erasing query: Node, at path: SpecPath, context: ValidationContext) -> ParsedQuery<SourceQuery> {
        Self.erased(parse(query, at: path, context: context), node: query, at: path)
    }

    /// An erased reading; one without a value always says why, so no indicator disappears silently.
    static func erased(_ parsed: ParsedQuery<Query>, node: Node, at path: SpecPath) -> ParsedQuery<SourceQuery> {
        var erased = parsed.map { SourceQuery(node, parsed: $0) }
        if erased.query == nil, !erased.diagnostics.hasErrors {
            erased.diagnostics.append(.error(path, node.location, "the query cannot be read"))
        }
        return erased
    }

    /// The source's own query inside an erased one. An indicator built in code has only its node,
    /// read here; a problem with it is a failure to measure, with the parser's message.
    package func typed(_ query: SourceQuery) throws(SourceError) -> Query {
        try typed(query) { parse($0, at: .root, context: ValidationContext()) }
    }

    func typed(_ query: SourceQuery, reading parse: (Node) -> ParsedQuery<Query>) throws(SourceError) -> Query {
        if let typed = query.parsed as? Query { return typed }
        if let whole = query as? Query { return whole }
        let parsed = parse(query.node)
        if let typed = parsed.query { return typed }
        let problem = parsed.diagnostics.first { $0.severity == .error }?.message ?? "the query cannot be read"
        throw SourceError("\(name): \(problem)")
    }

    /// `answer` for an erased query.
    package func answer(to query: SourceQuery, context: SourceContext) async throws -> SourceAnswer {
        try await answer(try typed(query), context: context)
    }

    /// `plan` for an erased query: nothing when it cannot be read.
    package func plan(for query: SourceQuery, context: SourceContext) {
        guard let typed = try? typed(query) else { return }
        plan(typed, context: context)
    }

    /// `resolved` for an erased query: nil when it cannot be read.
    package func resolved(for query: SourceQuery, context: SourceContext) -> String? {
        guard let typed = try? typed(query) else { return nil }
        return resolved(typed, context: context)
    }
}

extension SLIProvider {
    /// An `sli.yaml` query as an erased query, its node the text as written.
    package func sliQuery(erasing text: String) -> Result<SourceQuery, SourceError> {
        sliQuery(text).map { SourceQuery(.string(text), parsed: $0) }
    }
}

extension SampleSource {
    /// Reads a Canary indicator's query for the spec model.
    package func parseSamples(erasing query: Node, at path: SpecPath, context: ValidationContext) -> ParsedQuery<SourceQuery> {
        Self.erased(parseSamples(query, at: path, context: context), node: query, at: path)
    }

    /// `samples` for an erased query.
    package func samples(for query: SourceQuery, context: SourceContext, step: Double) async throws -> [Double?] {
        let typed = try typed(query) { parseSamples($0, at: .root, context: ValidationContext()) }
        return try await samples(typed, context: context, step: step)
    }
}

extension SeriesSource {
    /// `series` for an erased query.
    package func series(for query: SourceQuery, context: SourceContext, step: Double) async throws -> [Measurement] {
        try await series(try typed(query), context: context, step: step)
    }
}
