/// The outcome of a run, worst last: `pass < warning < fail < error`.
package enum Verdict: String, Sendable, Comparable, CaseIterable {
    case pass, warning, fail, error

    package static func < (lhs: Verdict, rhs: Verdict) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// One graded indicator.
package struct IndicatorResult: Sendable, Equatable {
    package var id: String
    package var source: String
    package var score: Double
    /// What the indicator was worth.
    package var metricScore: Double
    package var violations: [Violation]
    /// What the source returned, in its order.
    package var measurements: [Measurement]
    package var thresholds: Thresholds
    /// Why the indicator could not be measured; its score is then 0.
    package var error: String?
    /// The error is a malformed input (a result file that does not parse) rather than a failure to measure.
    package var invalidInput = false
    /// What the backend warned about while answering.
    package var warnings: [String]
    /// How it was graded: thresholds (a PerfSpec), the canary judge with its judgement, or a
    /// Keptn objective with lighthouse's outcome.
    package var kind: Kind
    /// For a PerfSpec with relative thresholds: per key, what it was compared with.
    package var comparisons: [KeyComparison]
    /// The query as the source sent it (placeholders filled, credentials left out), when it
    /// differs from the spec's: what a user debugging "no values" needs to see.
    package var resolvedQuery: String?
    /// With `--series`: the metric over the window, for the HTML report's curve. Never graded.
    package var series: [SeriesLine] = []
    /// With `--series`: why there is no curve (the range query failed or timed out, or the
    /// source has none). Never changes the grade.
    package var seriesNote: String?
    /// Graded and reported, never counted: not in the score, the verdict or the exit code.
    package var dryRun = false
    /// The Kayenta group it scores in, with group weights.
    package var group: String?

    package init(
        id: String, source: String, score: Double, metricScore: Double, violations: [Violation],
        measurements: [Measurement], thresholds: Thresholds, error: String? = nil, warnings: [String] = [],
        objective: SLOObjectiveResult? = nil, comparisons: [KeyComparison] = []
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
        self.kind = objective.map(Kind.objective) ?? .thresholds
        self.comparisons = comparisons
    }

    /// How an indicator was graded.
    package enum Kind: Sendable, Equatable {
        /// A PerfSpec indicator: its thresholds.
        case thresholds
        /// A PerfSpec `Canary` indicator: the judge's judgement (both roles' summaries, the
        /// interval, the classification).
        case canary(CanaryResult)
        /// A Keptn objective: lighthouse's outcome for it.
        case objective(SLOObjectiveResult)
    }

    /// The Keptn objective's outcome, for an objective.
    package var objective: SLOObjectiveResult? {
        if case .objective(let objective) = kind { return objective }
        return nil
    }

    /// The canary judge's judgement, for a Canary indicator.
    package var canary: CanaryResult? {
        if case .canary(let canary) = kind { return canary }
        return nil
    }

    /// The indicator's own verdict: full score passes, any severe breach or error fails, else a warning.
    /// An SLO objective's is its status (an informational one passes).
    package var verdict: Verdict {
        if error != nil { return .error }
        if let canary { return canary.failed ? .fail : .pass }
        if let objective {
            switch objective.status {
            case .pass, .info: return .pass
            case .warning: return .warning
            case .fail: return .fail
            }
        }
        if violations.contains(where: { $0.breach.isSevere }) { return .fail }
        return violations.isEmpty ? .pass : .warning
    }
}

/// A whole evaluation: every indicator, the total against the objectives, and the verdict.
package struct EvaluationResult: Sendable, Equatable {
    package var verdict: Verdict
    package var totalScore: Double
    package var objectives: Objectives
    /// In the spec's order.
    package var indicatorResults: [IndicatorResult]
    package var window: Window?
    /// The spec file, as given.
    package var specPath: String?
    /// When the evaluation ran, in seconds since the epoch (set by the caller: grading has no clock).
    package var evaluatedAt: Double?
    /// Which kind of spec gave it. For a Keptn quality gate, lighthouse's message and the score's
    /// scale come with it, and `totalScore` is a percentage.
    package var kind: Kind = .perfSpec
    /// The earlier runs that relative criteria compared with, newest first.
    package var comparedRuns: [HistoryRecord] = []
    /// Why the run stopped before it could evaluate (an invalid spec, a usage error): then the
    /// verdict is `error`, there are no indicators, and the reports say this instead of nothing.
    package var failure: String?
    /// With `--history`: the last earlier runs of the same project, stage and service, whatever
    /// their result, oldest first, for trend charts. Never compared with.
    package var trend: [HistoryRecord] = []
    /// The run a pull request comment compares this one with: the newest run relative criteria
    /// compared with, else the previous run of the same project, stage and service. Never graded.
    package var baseline: HistoryRecord?
    /// What the run says about itself beside its indicators (a pull request comment that could not
    /// be posted): warnings, never part of the verdict.
    package var notes: [String] = []
    /// With `scoring.groupWeights`: each group's Kayenta score, and the total is their weighted sum.
    package var groupScores: [GroupScore] = []
    /// An analysis over intervals (`--interval`): each interval's window and outcome, in order;
    /// this result is the last one's, with the analysis' verdict.
    package var intervals: [IntervalOutcome] = []

    /// The most the total can be: 100 with group scores, else the counted indicators' metric scores.
    package var maximumScore: Double {
        groupScores.isEmpty ? indicatorResults.reduce(0) { $0 + ($1.dryRun ? 0 : $1.metricScore) } : 100
    }

    package init(
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

extension EvaluationResult {
    package enum Kind: Sendable, Equatable {
        case perfSpec
        case keptn(SLOSummary)
    }

    /// The Keptn summary, for a quality gate's result.
    package var slo: SLOSummary? {
        if case .keptn(let summary) = kind { return summary }
        return nil
    }

    /// The result of a run that stopped before evaluating, with the reason.
    package static func stopped(_ reason: String, specPath: String? = nil) -> EvaluationResult {
        var result = EvaluationResult(
            verdict: .error, totalScore: 0, objectives: Objectives(pass: 0, warning: 0), indicatorResults: [], specPath: specPath)
        result.failure = reason
        return result
    }
}

/// One interval of an analysis: its window and how it ended.
package struct IntervalOutcome: Sendable, Equatable {
    package var window: Window
    package var verdict: Verdict
    package var totalScore: Double

    package init(window: Window, verdict: Verdict, totalScore: Double) {
        self.window = window
        self.verdict = verdict
        self.totalScore = totalScore
    }
}

/// One Kayenta group's score: the share of its counted indicators that passed, in percent.
package struct GroupScore: Sendable, Equatable {
    package var group: String
    /// 0 to 100; a group with nothing to count has no score of its own (`noData`) and counts as 100.
    package var score: Double
    package var weight: Double
    package var noData: Bool

    package init(group: String, score: Double, weight: Double, noData: Bool) {
        self.group = group
        self.score = score
        self.weight = weight
        self.noData = noData
    }
}

/// What an SLO evaluation adds to the result.
package struct SLOSummary: Sendable, Equatable {
    /// Lighthouse's explanation of the result; empty for a plain pass.
    package var message: String
    /// The sum of the weights of the objectives that have pass criteria.
    package var maximumScore: Double
    /// `total_score.warning`, when the spec sets one.
    package var warningTarget: Double?
    /// Other things worth knowing (SLIs that no objective uses).
    package var notes: [String]

    package init(message: String, maximumScore: Double, warningTarget: Double?, notes: [String] = []) {
        self.message = message
        self.maximumScore = maximumScore
        self.warningTarget = warningTarget
        self.notes = notes
    }
}

/// A relative threshold's resolution for one key: the earlier value and the limits it gave.
package struct KeyComparison: Sendable, Equatable {
    package var key: String
    /// The aggregate of the earlier values; nil when no earlier run had one (relative limits then do not apply).
    package var comparedValue: Double?
    /// The limits this key was graded against.
    package var thresholds: Thresholds

    package init(key: String, comparedValue: Double?, thresholds: Thresholds) {
        self.key = key
        self.comparedValue = comparedValue
        self.thresholds = thresholds
    }
}

/// How the reports present a result, beside it rather than in it: choices of the command and the
/// platform, and the exit code the run ends with (which the JSON report states), none of them
/// part of the evaluation.
package struct Presentation: Sendable, Equatable {
    /// The exit code the run ends with, when the reports must state it.
    package var exitCode: Int32?
    /// The Markdown summary draws a Mermaid chart per indicator with a trend (GitHub renders them).
    package var summaryCharts = false
    /// Links the platform adds to the summary (the HTML report's place): its own URLs, never outside text.
    package var links: [Link] = []

    package struct Link: Sendable, Equatable {
        package var title: String
        package var url: String
        package init(title: String, url: String) {
            self.title = title
            self.url = url
        }
    }

    package init(exitCode: Int32? = nil, summaryCharts: Bool = false, links: [Link] = []) {
        self.exitCode = exitCode
        self.summaryCharts = summaryCharts
        self.links = links
    }
}
