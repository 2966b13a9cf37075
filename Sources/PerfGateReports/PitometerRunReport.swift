import PerfGateCore

/// The run result as Pitometer's web service answers it: `options`, `totalScore`, `objectives`,
/// `indicatorResults` (`id`, `violations`, `score`), `result`, in Pitometer's key order; each
/// indicator's perfgate fields follow its own, and the window, spec and version follow the result.
package enum PitometerRunReport {
    /// `options` and `objectives` are echoed as the request gave them, as Pitometer does.
    package static func render(_ result: EvaluationResult, options: Node, objectives: Node, redactor: Redactor = .current) -> String {
        var fields: [JSONReport.Field] = [
            .node("options", options),
            .node("totalScore", .number(result.totalScore)),
            .node("objectives", objectives),
            .fieldLists("indicatorResults", count: result.indicatorResults.count) { JSONReport.indicator(result.indicatorResults[$0]) },
            .node("result", .string(result.verdict.rawValue))
        ]
        fields += JSONReport.common(result).filter { $0.0 != "options" }.map { .node($0.0, $0.1) }
        var text = ""
        var json = JSONStreamWriter(pretty: false, strings: redactor.isEmpty ? nil : { redactor.redact($0) }) { text += $0 }
        JSONReport.write(fields, into: &json)
        _ = json.finish()
        // As Express's res.json writes it: no newline at the end.
        while text.last == "\n" { text.removeLast() }
        return text
    }
}
