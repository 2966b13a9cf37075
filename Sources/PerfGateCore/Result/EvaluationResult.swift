/// The outcome of a run, worst last: `pass < warning < fail < error`.
public enum Verdict: String, Sendable, Comparable, CaseIterable {
    case pass, warning, fail, error

    public static func < (lhs: Verdict, rhs: Verdict) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// One graded indicator.
public struct IndicatorResult: Sendable, Equatable {
    public var id: String
    public var source: String
    public var score: Double
    /// What the indicator was worth.
    public var metricScore: Double
    public var violations: [Violation]
    /// What the source returned, in its order.
    public var measurements: [Measurement]
    public var thresholds: Thresholds
    /// Why the indicator could not be measured; its score is then 0.
    public var error: String?
    /// What the backend warned about while answering.
    public var warnings: [String]

    public init(
        id: String, source: String, score: Double, metricScore: Double, violations: [Violation],
        measurements: [Measurement], thresholds: Thresholds, error: String? = nil, warnings: [String] = []
    ) {
        self.id = id
        self.source = source
        self.score = score
        self.metricScore = metricScore
        self.violations = violations
        self.measurements = measurements
        self.thresholds = thresholds
        self.error = error
        self.warnings = warnings
    }

    /// The indicator's own verdict: full score passes, any severe breach or error fails, else a warning.
    public var verdict: Verdict {
        if error != nil { return .error }
        if violations.contains(where: { $0.breach.isSevere }) { return .fail }
        return violations.isEmpty ? .pass : .warning
    }
}

/// A whole evaluation: every indicator, the total against the objectives, and the verdict.
public struct EvaluationResult: Sendable, Equatable {
    public var verdict: Verdict
    public var totalScore: Double
    public var objectives: Objectives
    /// In the spec's order.
    public var indicatorResults: [IndicatorResult]
    public var window: Window?
    /// The spec file, as given.
    public var specPath: String?
    /// When the evaluation ran, in seconds since the epoch (set by the caller: grading has no clock).
    public var evaluatedAt: Double?

    public init(
        verdict: Verdict, totalScore: Double, objectives: Objectives, indicatorResults: [IndicatorResult],
        window: Window? = nil, specPath: String? = nil, evaluatedAt: Double? = nil
    ) {
        self.verdict = verdict
        self.totalScore = totalScore
        self.objectives = objectives
        self.indicatorResults = indicatorResults
        self.window = window
        self.specPath = specPath
        self.evaluatedAt = evaluatedAt
    }
}
