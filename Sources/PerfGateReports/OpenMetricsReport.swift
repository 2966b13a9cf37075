import PerfGateCore

/// `metrics.txt` for GitLab's `artifacts:reports:metrics`: valid OpenMetrics text (a strict
/// parser reads it) in the form GitLab's own parser keeps whole. GitLab deletes everything from a
/// `#` to the end of a line and splits the rest like a shell, then compares values as text, so:
/// label-free names of `[a-z0-9_]` only, one gauge per family, numbers in one fixed form, and
/// nothing from outside in the file but sanitized names.
///
/// ```
/// perfgate_score 85              the total score
/// perfgate_result 1              0 pass, 1 warning, 2 fail, 3 error
/// perfgate_indicator_score_<id> …
/// perfgate_value_<id>[__<key>] … each measured value (the first 100 of an indicator)
/// ```
package enum OpenMetricsReport {
    /// The most values one indicator contributes: the merge-request widget lists every metric.
    package static let maxValuesPerIndicator = 100

    package static func render(_ result: EvaluationResult) -> String {
        var names = Set<String>()
        var text = ""
        func gauge(_ name: String, _ value: Double, help: String) {
            guard value.isFinite else { return }
            var unique = name
            var suffix = 2
            while names.contains(unique) {
                unique = name + "_\(suffix)"
                suffix += 1
            }
            names.insert(unique)
            text += "# HELP \(unique) \(help)\n# TYPE \(unique) gauge\n\(unique) \(NumberText.precise(value))\n"
        }
        gauge("perfgate_score", result.totalScore, help: "The total score.")
        gauge("perfgate_result", Double(code(result.verdict)), help: "The result: 0 pass, 1 warning, 2 fail, 3 error.")
        for indicator in result.indicatorResults {
            let id = name(indicator.id)
            gauge("perfgate_indicator_score_" + id, indicator.score, help: "The score of the indicator.")
            let measured = indicator.measurements.filter { $0.value != nil }.prefix(maxValuesPerIndicator)
            for measurement in measured {
                let key = measured.count == 1 && indicator.measurements.count == 1 ? "" : "__" + name(measurement.key)
                gauge("perfgate_value_" + id + key, measurement.value!, help: "A value the indicator measured.")
            }
        }
        return text + "# EOF\n"
    }

    static func code(_ verdict: Verdict) -> Int {
        switch verdict {
        case .pass: return 0
        case .warning: return 1
        case .fail: return 2
        case .error: return 3
        }
    }

    /// Outside text as a name part: lower-case letters, digits and single underscores, at most 80
    /// characters; empty text is `x`.
    static func name(_ text: String) -> String {
        var output = ""
        for scalar in text.lowercased().unicodeScalars {
            let allowed = (scalar >= "a" && scalar <= "z") || (scalar >= "0" && scalar <= "9")
            if allowed {
                output.unicodeScalars.append(scalar)
            } else if !output.hasSuffix("_") {
                output += "_"
            }
            if output.count >= 80 { break }
        }
        while output.hasPrefix("_") { output.removeFirst() }
        while output.hasSuffix("_") { output.removeLast() }
        return output.isEmpty ? "x" : output
    }
}
