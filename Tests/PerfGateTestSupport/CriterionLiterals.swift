import PerfGateCore

/// Criteria written as string literals in tests (`pass: [["<=+10%", "<600"]]`); a literal that is
/// no criterion stops the test at once.
extension Criterion: ExpressibleByStringLiteral {
    package init(stringLiteral value: String) {
        guard let criterion = Criterion(value) else { fatalError("'\(value)' is not a criterion") }
        self = criterion
    }
}

extension SLOTarget {
    package init(criteria: Criterion, targetValue: Double, violated: Bool) {
        self.init(criteria, targetValue: targetValue, violated: violated)
    }
}

/// Comparison settings written as their slo.yaml text in tests.
extension SLOSpec.AggregateFunction: ExpressibleByStringLiteral {
    package init(stringLiteral value: String) {
        guard let function = SLOSpec.AggregateFunction(rawValue: value) else { fatalError("'\(value)' is no aggregate function") }
        self = function
    }
}

extension SLOSpec.CompareWith: ExpressibleByStringLiteral {
    package init(stringLiteral value: String) { self = SLOSpec.CompareWith(rawValue: value)! }
}

extension SLOSpec.IncludedResults: ExpressibleByStringLiteral {
    package init(stringLiteral value: String) { self = SLOSpec.IncludedResults(rawValue: value)! }
}
