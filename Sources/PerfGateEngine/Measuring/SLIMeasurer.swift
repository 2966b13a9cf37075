import PerfGateCore

/// Asks the SLI provider for every SLI at once (bounded, as for PerfSpec indicators), and holds
/// each answer to Keptn's rule: exactly one value, or the SLI fails with Keptn's message.
package struct SLIMeasurer: Sendable {
    package var source: any MetricSource
    package var concurrency: Int
    /// When measuring must be over (nil: no bound).
    package var deadline: ContinuousClock.Instant?
    package var valueCap: ValueCap?
    package var redactor: Redactor

    package init(
        source: any MetricSource, concurrency: Int = 8, deadline: ContinuousClock.Instant? = nil, valueCap: ValueCap? = nil,
        redactor: Redactor = Redactor()
    ) {
        self.redactor = redactor
        self.source = source
        self.concurrency = concurrency
        self.deadline = deadline
        self.valueCap = valueCap
    }

    /// - Parameter queries: SLI name and the provider's query, filled, in the order to report.
    package func measure(_ queries: [(name: String, query: SourceQuery)], context: SourceContext) async -> [String: SLIValue] {
        var filled = context
        filled.placeholdersFilled = true
        let fetched = await Fetcher(sources: [source], concurrency: concurrency, deadline: deadline, valueCap: valueCap, redactor: redactor)
            .fetch(queries.map { (source.name, $0.query) }, context: filled)
        var values: [String: SLIValue] = [:]
        for (query, answer) in zip(queries, fetched) {
            values[query.name] = Self.value(answer.outcome)
            values[query.name]?.query = answer.resolved
        }
        return values
    }

    /// Keptn's Prometheus service's rule, applied to every provider.
    package static func value(_ outcome: Result<SourceAnswer, SourceError>) -> SLIValue {
        switch outcome {
        case .failure(let error):
            return SLIValue(value: nil, message: error.message, unreachable: true)
        case .success(let answer):
            switch answer.measurements.count {
            case 0: return SLIValue(value: nil, message: "query did not return any values", warnings: answer.warnings)
            case 1:
                guard let value = answer.measurements[0].value, value.isFinite else {
                    return SLIValue(value: nil, message: "query did not return valid values", warnings: answer.warnings)
                }
                return SLIValue(value: value, warnings: answer.warnings)
            default:
                return SLIValue(value: nil, message: "query did return multiple values", warnings: answer.warnings)
            }
        }
    }

    /// The provider's whole-request failure, as Keptn's Prometheus service reports it: when every
    /// requested SLI failed. nil when at least one has a value (or none was requested).
    package static func providerFailure(_ values: [String: SLIValue], requested: [String]) -> String? {
        guard !requested.isEmpty, requested.allSatisfy({ values[$0]?.value == nil }) else { return nil }
        return requested.map { "\($0): \(values[$0]?.message ?? "no value")" }.joined(separator: "; ")
    }
}
