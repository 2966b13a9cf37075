import PerfGateCore

/// The result JSON: a superset of Pitometer's run result, so tools that read Pitometer's
/// `{totalScore, objectives, indicatorResults, result}` read it unchanged.
public enum JSONReport {
    public static func render(_ result: EvaluationResult) -> String {
        JSONWriter.write(document(result), pretty: true) + "\n"
    }

    public static func document(_ result: EvaluationResult) -> Node {
        if let slo = result.slo { return sloDocument(result, slo) }
        var pairs: [(String, Node)] = [
            ("result", .string(result.verdict.rawValue)),
            ("totalScore", .number(result.totalScore)),
            ("objectives", .object([("pass", .number(result.objectives.pass)), ("warning", .number(result.objectives.warning))])),
            ("indicatorResults", .array(result.indicatorResults.map(indicator))),
        ]
        if !result.comparedRuns.isEmpty { pairs.append(("comparedRuns", comparedRuns(result.comparedRuns))) }
        return .object(pairs + common(result))
    }

    /// The window, the spec and the version, last in every report.
    static func common(_ result: EvaluationResult) -> [(String, Node)] {
        var pairs: [(String, Node)] = []
        if let window = result.window {
            pairs.append(("window", .object([
                ("start", .string(CivilDate.rfc3339(window.start))), ("end", .string(CivilDate.rfc3339(window.end))),
                ("durationSeconds", .number(window.duration)),
            ])))
            // Pitometer echoed its run options; timeStart/timeEnd in Unix seconds.
            pairs.append(("options", .object([("timeStart", .number(window.start)), ("timeEnd", .number(window.end))])))
        } else {
            pairs.append(("window", .null))
        }
        pairs.append(("spec", result.specPath.map(Node.string) ?? .null))
        pairs.append(("perfgate", .object([("version", .string(PerfGateVersion.current))])))
        return pairs
    }

    static func indicator(_ result: IndicatorResult) -> Node {
        var pairs: [(String, Node)] = [
            ("id", .string(result.id)),
            ("violations", .array(result.violations.map(violation))),
            ("score", .number(result.score)),
            ("metricScore", .number(result.metricScore)),
            ("verdict", .string(result.verdict.rawValue)),
            ("source", .string(result.source)),
            ("values", .array(result.measurements.map { measurement in
                .object([("key", .string(measurement.key)), ("value", measurement.value.map(Node.number) ?? .null)])
            })),
        ]
        if let error = result.error { pairs.append(("error", .string(error))) }
        if !result.warnings.isEmpty { pairs.append(("warnings", .array(result.warnings.map(Node.string)))) }
        if !result.comparisons.isEmpty { pairs.append(("comparisons", comparisons(result.comparisons))) }
        return .object(pairs)
    }

    /// Pitometer's key order: metadata, value, key, breach, threshold.
    public static func violation(_ violation: Violation) -> Node {
        var pairs: [(String, Node)] = []
        if let metadata = violation.metadata { pairs.append(("metadata", metadata)) }
        switch violation.breach {
        case .noValues:
            break
        case .missingValue:
            pairs.append(("key", .string(violation.key ?? "")))
            pairs.append(("value", .null))
        default:
            pairs.append(("value", violation.value.map(Node.number) ?? .null))
            pairs.append(("key", .string(violation.key ?? "")))
        }
        pairs.append(("breach", .string(violation.breach.text)))
        if let threshold = violation.threshold { pairs.append(("threshold", .number(threshold))) }
        return .object(pairs)
    }
}
