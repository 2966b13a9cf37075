import PerfGateCore

/// An NRQL query as a spec writes it: the NRQL alone, or an object with the account, the result
/// member to grade and NerdGraph's timeout.
///
/// ```
/// "query": "SELECT percentile(duration, 95) FROM Transaction WHERE appName = 'checkout' FACET name"
/// "query": {"nrql": "SELECT average(duration), count(*) FROM Transaction", "value": "average.duration", "account": 1234567}
/// ```
/// perfgate adds `SINCE … UNTIL …` (the window, epoch milliseconds) when the NRQL has no `SINCE`,
/// and `TIMESERIES n SECONDS` for curves and a canary's samples.
package struct NewRelicQuery: Sendable, Equatable {
    package var nrql: String
    /// nil: `sources.newrelic.accountId` in the spec, else `--newrelic-account-id`, else `NEW_RELIC_ACCOUNT_ID`.
    package var account: Int?
    /// The result member graded (`average.duration`); nil: the row's one numeric member.
    package var value: String?
    /// NerdGraph's timeout for the query, seconds.
    package var timeout = 30

    static let example = #"{"nrql": "SELECT percentile(duration, 95) FROM Transaction FACET name", "account": 1234567}"#

    static func parse(_ query: Node, at path: SpecPath, context: ValidationContext) -> ParsedQuery<NewRelicQuery> {
        var diagnostics: [Diagnostic] = []
        var parsed: NewRelicQuery
        var nrqlPath = path
        if let text = query.stringValue {
            parsed = NewRelicQuery(nrql: text)
        } else if query.members != nil, let reader = MemberReader(query, at: path, known: ["nrql", "account", "value", "timeout"], into: &diagnostics)
        {
            nrqlPath = path.appending("nrql")
            parsed = NewRelicQuery(nrql: reader.string("nrql", required: true, "the NRQL query, e.g. \(example)", into: &diagnostics) ?? "")
            parsed.value = reader.string("value", required: false, "", into: &diagnostics)
            if let account = reader.number("account", required: false, "", into: &diagnostics) {
                if account >= 1, account <= 9_007_199_254_740_991, account.rounded() == account {
                    parsed.account = Int(account)
                } else {
                    diagnostics.append(
                        .error(path.appending("account"), reader["account"]?.location, "'account' must be a New Relic account id (a whole number)"))
                }
            }
            if let timeout = reader.number("timeout", required: false, "", into: &diagnostics) {
                if (1...120).contains(timeout), timeout.rounded() == timeout {
                    parsed.timeout = Int(timeout)
                } else {
                    diagnostics.append(
                        .error(path.appending("timeout"), reader["timeout"]?.location, "'timeout' must be whole seconds from 1 to 120"))
                }
            }
        } else {
            return .failed([
                .error(path, query.location, "a New Relic query must be an NRQL string or an object such as \(example), found \(query.typeName)")
            ])
        }
        if parsed.nrql.trimmingSpaces().isEmpty, !diagnostics.hasErrors {
            diagnostics.append(.error(nrqlPath, query.location, "the NRQL query is empty"))
        }
        guard !diagnostics.hasErrors else { return .failed(diagnostics) }
        if context.hasWindow == false, !parsed.hasClause("SINCE") {
            diagnostics.append(
                .error(
                    nrqlPath, query.location, "the NRQL has no SINCE and there is no window: give --start (and --end), or write SINCE in the query"))
        }
        diagnostics += Placeholders.diagnostics(parsed.nrql, at: nrqlPath, location: query.location, context: context)
        return ParsedQuery(parsed, diagnostics: diagnostics)
    }

    /// Whether the NRQL has this clause, outside quotes, in any case.
    func hasClause(_ word: String) -> Bool {
        var outside = ""
        var quote: Character?
        for character in nrql {
            if let open = quote {
                if character == open { quote = nil }
                continue
            }
            if character == "'" || character == "\"" || character == "`" {
                quote = character
                outside.append(" ")
            } else {
                outside.append(character)
            }
        }
        return outside.uppercased().split(whereSeparator: { !$0.isLetter }).contains { $0 == word }
    }

    /// The NRQL as sent: placeholders filled, the window as `SINCE … UNTIL …` when it has no
    /// `SINCE`, and `TIMESERIES` at `step` seconds when curves are asked for.
    func filled(_ context: SourceContext, step: Double?) throws(SourceError) -> String {
        var text = context.placeholdersFilled ? nrql : try Placeholders.fill(nrql, variables: context.variables, window: context.window)
        if let window = context.window, !hasClause("SINCE") {
            let start = CheckedNumber.clamped((window.start * 1000).rounded(.down), to: DynatraceQuery.millisecondRange)
            let end = CheckedNumber.clamped((window.end * 1000).rounded(.up), to: DynatraceQuery.millisecondRange)
            text += " SINCE \(start) UNTIL \(end)"
        }
        if let step {
            guard !hasClause("TIMESERIES") else { return text }
            text += " TIMESERIES \(CheckedNumber.clamped(step.rounded(.up), to: 1...86_400)) SECONDS"
        }
        return text
    }
}
