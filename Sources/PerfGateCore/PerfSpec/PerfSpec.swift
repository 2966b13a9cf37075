/// A Pitometer PerfSpec: indicators graded against thresholds, and the objectives their total must meet.
package struct PerfSpec: Sendable {
    /// `spec_version` as written; like Pitometer, perfgate reads but never needs it.
    package var specVersion: String?
    package var indicators: [Indicator]
    package var objectives: Objectives
    /// Per-source settings (`sources.prometheus.url`, …), kept for the sources to read.
    package var sources: Node?
    /// `variables`: values for `$NAME` placeholders in queries.
    package var variables: [String: String]
    /// `comparison` (a perfgate extension, as in slo.yaml): which earlier runs relative thresholds compare with.
    package var comparison: SLOSpec.Comparison = .absent
    /// `scoring.groupWeights`: Kayenta's group scores instead of the sum of metric scores.
    package var groupWeights: [String: Double]?

    package init(
        specVersion: String? = "1.0", indicators: [Indicator], objectives: Objectives, sources: Node? = nil,
        variables: [String: String] = [:]
    ) {
        self.specVersion = specVersion
        self.indicators = indicators
        self.objectives = objectives
        self.sources = sources
        self.variables = variables
    }
}

/// One measured quantity: where it comes from, and how it is graded.
package struct Indicator: Sendable {
    package var id: String
    /// The source's canonical (lower-case) name.
    package var source: String
    /// The query, as written and as its source read it: its meaning belongs to the source.
    package var query: SourceQuery
    package var grading: Grading
    /// Indicator-level metadata. Pitometer stores but never uses it; so does perfgate.
    package var metadata: Node?
    /// Where the indicator stands in the spec, for messages.
    package var path: SpecPath
    /// A Canary indicator's baseline query (`query` is the canary's), of the same source.
    package var baseline: SourceQuery?
    /// `dryRun: true` (Argo Rollouts' `dryRun`, Kayenta's `muted`): measured, graded and reported,
    /// never counted in the score or the verdict.
    package var dryRun = false
    /// `group`: the Kayenta group the indicator scores in, with `scoring.groupWeights`.
    package var group: String?

    package init(
        id: String, source: String, query: SourceQuery, grading: Grading, metadata: Node? = nil, path: SpecPath = .root,
        baseline: SourceQuery? = nil
    ) {
        self.baseline = baseline
        self.id = id
        self.source = source
        self.query = query
        self.grading = grading
        self.metadata = metadata
        self.path = path
    }

    /// An indicator built in code: its source reads the queries when they are first measured.
    package init(
        id: String, source: String, query: Node, grading: Grading, metadata: Node? = nil, path: SpecPath = .root, baseline: Node? = nil
    ) {
        self.init(
            id: id, source: source, query: SourceQuery(query), grading: grading, metadata: metadata, path: path,
            baseline: baseline.map { SourceQuery($0) })
    }
}

/// The indicator's `grading` block: `Threshold` (the only type Pitometer shipped) or `Canary`.
package struct Grading: Sendable {
    /// How the indicator is graded.
    package enum Kind: Sendable {
        /// Its thresholds (absolute, and relative to earlier runs).
        case threshold
        /// The canary judge, with its settings: the canary's values against the baseline's.
        case canary(CanaryConfig)
    }

    package var kind = Kind.threshold
    package var thresholds: Thresholds
    /// Points the indicator is worth when nothing breaches.
    package var metricScore: Double
    /// When true, a source that returns no values (or a missing value) does not cost points.
    package var ignoreEmpty: Bool
    /// Copied into every violation, as Pitometer's grader does.
    package var metadata: Node?
    /// `upperSeverePerc` and friends, in percent, by the name of the limit they set.
    package var relativeThresholds: Thresholds?
    /// Why no value can breach this grading, as the spec loaded it (misspelt threshold keys);
    /// see `neverFails`.
    package var noLimitReason: String?

    /// Why no value can fail this indicator, or nil when one can: a threshold grading with no
    /// limit left, or with only relative limits and no earlier runs to compare with. (A missing
    /// value still costs its points.)
    package func neverFails(hasHistory: Bool) -> String? {
        guard canary == nil, Thresholds.keys.allSatisfy({ thresholds[$0] == nil }) else { return nil }
        guard let relative = relativeThresholds else { return noLimitReason ?? "it has no thresholds" }
        if hasHistory { return nil }
        let keys = Thresholds.keys.filter { relative[$0] != nil }.map { $0 + "Perc" }
        return
            "its thresholds are all relative (\(keys.joined(separator: ", "))) and there are no earlier runs to compare with: give --history, or an absolute threshold too"
    }

    /// `type: Canary`: the canary judge's settings (no thresholds then); nil for thresholds.
    package var canary: CanaryConfig? {
        if case .canary(let config) = kind { return config }
        return nil
    }

    package init(thresholds: Thresholds, metricScore: Double, ignoreEmpty: Bool = false, metadata: Node? = nil, relativeThresholds: Thresholds? = nil)
    {
        self.relativeThresholds = relativeThresholds
        self.thresholds = thresholds
        self.metricScore = metricScore
        self.ignoreEmpty = ignoreEmpty
        self.metadata = metadata
    }
}

/// The four optional limits. A value equal to a limit breaches it.
package struct Thresholds: Sendable, Equatable {
    package var upperSevere: Double?
    package var upperWarning: Double?
    package var lowerWarning: Double?
    package var lowerSevere: Double?

    package init(upperSevere: Double? = nil, upperWarning: Double? = nil, lowerWarning: Double? = nil, lowerSevere: Double? = nil) {
        self.upperSevere = upperSevere
        self.upperWarning = upperWarning
        self.lowerWarning = lowerWarning
        self.lowerSevere = lowerSevere
    }

    /// The limits for one key: each relative limit that has a compared value replaces the absolute one,
    /// as Pitometer's grader 1.1.0 does: upper ones at A·(100+p)/100, lower ones at A·(100−p)/100.
    package func resolved(relative: Thresholds?, compared: Double?) -> Thresholds {
        guard let relative, let compared else { return self }
        var result = self
        for key in Thresholds.keys {
            guard let percent = relative[key] else { continue }
            result[key] = compared * (100 + (key.hasPrefix("upper") ? percent : -percent)) / 100
        }
        return result
    }

    /// The names as they appear in specs and in violations.
    package static let keys = ["upperSevere", "upperWarning", "lowerWarning", "lowerSevere"]

    package subscript(key: String) -> Double? {
        get {
            switch key {
            case "upperSevere": return upperSevere
            case "upperWarning": return upperWarning
            case "lowerWarning": return lowerWarning
            case "lowerSevere": return lowerSevere
            default: return nil
            }
        }
        set {
            switch key {
            case "upperSevere": upperSevere = newValue
            case "upperWarning": upperWarning = newValue
            case "lowerWarning": lowerWarning = newValue
            case "lowerSevere": lowerSevere = newValue
            default: break
            }
        }
    }
}

/// The total score needed for `pass`, and for `warning`.
package struct Objectives: Sendable, Equatable {
    package var pass: Double
    package var warning: Double
    package init(pass: Double, warning: Double) {
        self.pass = pass
        self.warning = warning
    }
}
