import PerfGateCore

extension JSONReport {
    /// An SLO evaluation's JSON: lighthouse's `evaluation` fields (`result`, `score`, and per
    /// objective `score`, `status`, `value`, `passTargets`, `warningTargets`, `keySli`), with
    /// `totalScore` as the percentage and perfgate's own fields beside them.
    static func sloDocument(_ result: EvaluationResult, _ slo: SLOSummary) -> Node {
        var pairs: [(String, Node)] = [
            ("result", .string(result.verdict.rawValue)),
            ("totalScore", .number(result.totalScore)),
            ("score", .number(result.totalScore)),
            ("message", .string(slo.message)),
            (
                "objectives",
                .object([
                    ("pass", .number(result.objectives.pass)), ("warning", slo.warningTarget.map(Node.number) ?? .null),
                    ("maximumScore", .number(slo.maximumScore))
                ])
            ),
            ("indicatorResults", .array(result.indicatorResults.map(sloIndicator))),
            ("comparedRuns", comparedRuns(result.comparedRuns))
        ]
        if !slo.notes.isEmpty { pairs.append(("notes", .array(slo.notes.map(Node.string)))) }
        return .object(pairs + common(result))
    }

    static func sloIndicator(_ indicator: IndicatorResult) -> Node {
        guard case .objective(let objective) = indicator.kind else { return tree(self.indicator(indicator)) }
        let success = objective.value != nil
        var pairs: [(String, Node)] = [
            ("score", .number(objective.score)),
            ("status", .string(objective.status.rawValue)),
            (
                "value",
                .object([
                    ("metric", .string(objective.objective.sli)), ("value", .number(objective.value ?? 0)),
                    ("comparedValue", .number(objective.comparedValue)), ("success", .bool(success)),
                    ("message", .string(objective.message ?? ""))
                ])
            ),
            ("displayName", .string(objective.objective.displayName ?? "")),
            ("passTargets", targets(objective.passTargets, criteria: objective.objective.pass, informational: objective.status == .info)),
            ("warningTargets", targets(objective.warningTargets, criteria: objective.objective.warning, informational: objective.status == .info)),
            ("keySli", .bool(objective.objective.keySLI)),
            // The criteria as slo.yaml groups them (any set passes when all of its criteria do).
            (
                "criteria",
                .object([
                    ("pass", .array(objective.objective.pass.map { .array($0.map { .string($0.text) }) })),
                    ("warning", .array(objective.objective.warning.map { .array($0.map { .string($0.text) }) }))
                ])
            ),
            ("hasComparedValue", .bool(objective.hasComparison)),
            ("weight", .number(objective.objective.weight)),
            ("id", .string(indicator.id)),
            ("verdict", .string(indicator.verdict.rawValue)),
            ("source", .string(indicator.source))
        ]
        if let query = indicator.resolvedQuery { pairs.append(("query", .string(query))) }
        if let error = indicator.error { pairs.append(("error", .string(error))) }
        if !indicator.warnings.isEmpty { pairs.append(("warnings", .array(indicator.warnings.map(Node.string)))) }
        return .object(pairs)
    }

    /// Lighthouse gives `null` for a list with no criteria, `[]` for an informational objective.
    static func targets(_ targets: [SLOTarget], criteria: [[Criterion]], informational: Bool) -> Node {
        if informational { return .array([]) }
        if criteria.isEmpty { return .null }
        return .array(
            targets.map { target in
                .object([
                    ("criteria", .string(target.criteria)), ("targetValue", .number(target.targetValue)),
                    ("violated", .bool(target.violated))
                ])
            })
    }

    static func comparedRuns(_ runs: [HistoryRecord]) -> Node {
        .array(
            runs.map { run in
                var pairs: [(String, Node)] = [
                    ("time", .string(CivilDate.rfc3339(run.time))), ("result", .string(run.result.rawValue)), ("score", .number(run.score))
                ]
                if let window = run.window {
                    pairs.append(
                        ("window", .object([("start", .string(CivilDate.rfc3339(window.start))), ("end", .string(CivilDate.rfc3339(window.end)))])))
                }
                if let digest = run.specDigest { pairs.append(("specDigest", .string(digest))) }
                return .object(pairs)
            })
    }

    /// The limits that are set, by name.
    static func thresholds(_ thresholds: Thresholds) -> Node {
        .object(Thresholds.keys.compactMap { key in thresholds[key].map { (key, Node.number($0)) } })
    }

    static func comparisons(_ comparisons: [KeyComparison]) -> Node {
        .array(
            comparisons.map { comparison in
                .object([
                    ("key", .string(comparison.key)), ("comparedValue", comparison.comparedValue.map(Node.number) ?? .null),
                    ("thresholds", thresholds(comparison.thresholds))
                ])
            })
    }
}
