import PerfGateCore

/// JUnit XML: one test case per indicator plus one for the objectives, in the shape that validates
/// against both the strict Ant schema and Jenkins' xUnit schema, so Jenkins, Azure DevOps and the
/// GitHub reporters all read it.
///
/// A failed indicator is a `<failure>`, one that could not be measured an `<error>`. A warning is
/// a passing test case (the gate passes on a warning unless told otherwise). The strict schema
/// allows no `system-out` on a test case, so the explanation is in the suite's `system-out`, and the
/// properties say `warning`. The `objectives` case fails when the total misses `objectives.warning`.
package enum JUnitReport {
    package static func render(_ result: EvaluationResult) -> String {
        let cases = result.indicatorResults.map(testCase) + [objectivesCase(result)]
        let failures = cases.filter { $0.kind == "failure" }.count
        let errors = cases.filter { $0.kind == "error" }.count
        let suiteName = "perfgate" + (result.specPath.map { " " + Path.lastComponent(of: $0) } ?? "")
        // Jenkins splits a classname at its last dot into package and class: one dot, after the
        // package, so `perfgate.checkout_perfspec_yaml` shows as package perfgate, class checkout_perfspec_yaml.
        let className = "perfgate" + (result.specPath.map { "." + Path.lastComponent(of: $0).replacingScalars([".": "_", " ": "_"]) } ?? "")
        let started = result.window?.start ?? result.evaluatedAt ?? 0
        // The strict schema wants a timestamp without a zone: it is UTC.
        let timestamp = String(CivilDate.rfc3339(started.rounded(.down)).dropLast())
        var xml = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n<testsuites>\n"
        xml += "  <testsuite name=\"\(attr(suiteName))\" package=\"perfgate\" id=\"0\" tests=\"\(cases.count)\""
        xml += " failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"0\" time=\"\(seconds(result.window?.duration ?? 0))\""
        xml += " timestamp=\"\(timestamp)\" hostname=\"localhost\">\n"
        xml += "    <properties>\n"
        for (name, value) in properties(result) {
            xml += "      <property name=\"\(attr(name))\" value=\"\(attr(value))\"/>\n"
        }
        xml += "    </properties>\n"
        for testCase in cases {
            xml += "    <testcase name=\"\(attr(testCase.name))\" classname=\"\(attr(className))\" time=\"0\""
            if let kind = testCase.kind {
                xml += ">\n      <\(kind) message=\"\(attr(testCase.message))\" type=\"\(attr(testCase.type))\">"
                xml += XMLText.escape(testCase.details) + "</\(kind)>\n    </testcase>\n"
            } else {
                xml += "/>\n"
            }
        }
        xml += "    <system-out>" + XMLText.escape(TerminalReport.render(result)) + "</system-out>\n"
        xml += "    <system-err></system-err>\n"
        xml += "  </testsuite>\n</testsuites>\n"
        return xml
    }

    struct Case {
        var name: String
        /// nil (passed), "failure" or "error".
        var kind: String?
        var type = ""
        var message = ""
        var details = ""
    }

    static func testCase(_ indicator: IndicatorResult) -> Case {
        var testCase = Case(name: LogText.inert(indicator.id))
        let score = "score \(NumberText.format(indicator.score)) of \(NumberText.format(indicator.metricScore))"
        // A dry run is reported, never failed: its verdict goes in the output, as text.
        if indicator.dryRun {
            testCase.name += " (dry run: \(indicator.verdict.rawValue), not counted)"
            return testCase
        }
        switch indicator.verdict {
        case .pass, .warning:
            break
        case .fail:
            if let canary = indicator.canary {
                testCase.kind = "failure"
                testCase.type = "canary " + canary.classification.rawValue + (canary.critical ? " (critical)" : "")
                testCase.message = "\(LogText.inert(CanaryText.summary(canary))) (\(score))"
                testCase.details =
                    LogText.inert(canary.reason) + "\nbaseline: " + CanaryText.details(canary.baseline)
                    + "\ncanary: " + CanaryText.details(canary.canary)
                break
            }
            guard case .objective(let objective) = indicator.kind else {
                testCase.kind = "failure"
                let severe = indicator.violations.first { $0.breach.isSevere }
                testCase.type = severe?.breach.text ?? "fail"
                testCase.message = "\(severe.map(ResultText.describe) ?? "failed") (\(score))"
                testCase.details = details(indicator.violations)
                break
            }
            testCase.kind = "failure"
            testCase.type = objective.value == nil ? "no value" : "fail"
            let why = objective.value == nil ? LogText.inert(objective.message ?? "no value") : ResultText.sloValue(objective)
            testCase.message = "\(why) (\(score))"
            testCase.details = why + "\n" + SLOText.summary(objective) + (objective.objective.keySLI ? "\nkey SLI: its failure fails the gate" : "")
        case .error:
            testCase.kind = "error"
            testCase.type = "SourceError"
            // Server messages are untrusted: one line, no CI logging commands.
            testCase.message = LogText.inert(indicator.error ?? "could not be measured")
            testCase.details = "source \(indicator.source): \(testCase.message)"
        }
        return testCase
    }

    /// The most violations one test case lists; the JSON report has the rest.
    static let maxDetails = 100

    static func details(_ violations: [Violation]) -> String {
        var lines = violations.prefix(maxDetails).map(ResultText.describe)
        if violations.count > maxDetails { lines.append("… and \(violations.count - maxDetails) more violations in the JSON report") }
        return lines.joined(separator: "\n")
    }

    static func objectivesCase(_ result: EvaluationResult) -> Case {
        var testCase: Case
        let summary: String
        switch result.kind {
        case .perfSpec:
            testCase = Case(name: "objectives")
            summary =
                "total score \(NumberText.format(result.totalScore)); pass at \(NumberText.format(result.objectives.pass)), warning at \(NumberText.format(result.objectives.warning))"
        case .keptn(let slo):
            testCase = Case(name: "total_score")
            summary = TerminalReport.totalLine(result) + (slo.message.isEmpty ? "" : ": " + LogText.inert(slo.message))
        }
        switch result.verdict {
        case .pass, .warning: break
        case .fail:
            testCase.kind = "failure"
            testCase.type = "fail"
            testCase.message = summary
            testCase.details = summary
        case .error:
            testCase.kind = "error"
            testCase.type = "error"
            testCase.message = result.failure.map { "the run stopped: " + LogText.inert($0) } ?? "some indicators could not be measured; " + summary
            testCase.details = testCase.message
        }
        return testCase
    }

    static func properties(_ result: EvaluationResult) -> [(String, String)] {
        var properties = [
            ("result", result.verdict.rawValue),
            ("totalScore", NumberText.format(result.totalScore)),
            ("objectives.pass", NumberText.format(result.objectives.pass)),
            ("objectives.warning", NumberText.format(result.objectives.warning))
        ]
        let warnings = result.indicatorResults.filter { $0.verdict == .warning }.map { LogText.inert($0.id) }
        if !warnings.isEmpty { properties.append(("warnings", warnings.joined(separator: ", "))) }
        for indicator in result.indicatorResults {
            properties.append(("indicator." + LogText.inert(indicator.id), indicator.verdict.rawValue))
        }
        if let window = result.window {
            properties.append(("window.start", CivilDate.rfc3339(window.start)))
            properties.append(("window.end", CivilDate.rfc3339(window.end)))
        }
        if let spec = result.specPath { properties.append(("spec", spec)) }
        return properties
    }

    static func attr(_ text: String) -> String { XMLText.escape(text, attribute: true) }

    /// Seconds with at most 3 decimals, as the xUnit schema requires.
    static func seconds(_ value: Double) -> String {
        let millis = CheckedNumber.clamped((value * 1000).rounded(), to: 0...Int(Int32.max) * 1000)
        let fraction = String(millis % 1000)
        return "\(millis / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }
}
