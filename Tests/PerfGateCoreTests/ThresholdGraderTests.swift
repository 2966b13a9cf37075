import PerfGateCore
import PerfGateReports
import PerfGateSources
import PerfGateTestSupport
import Testing

/// Every grader case of the Pitometer reference, plus the rules they pin down.
@Suite struct ThresholdGraderTests {
    static let cases = Conformance.cases("grader-cases.jsonl")

    @Test func allReferenceCasesAreLoaded() {
        #expect(Self.cases.count == 38)
    }

    @Test(arguments: cases)
    func referenceCase(_ testCase: Conformance.Case) throws {
        let node = testCase.node
        let note = node["perfgate"]?.stringValue ?? ""
        let decoded = Self.decodeGrading(node["grading"]!)
        // Cases whose spec perfgate rejects before any query (deviation 3).
        if note.contains("validation error") {
            #expect(decoded.diagnostics.hasErrors, "\(note)")
            #expect(decoded.diagnostics.contains { $0.severity == .error && $0.path.description == "indicators[0].grading" })
            return
        }
        let grading = try #require(decoded.grading, "\(decoded.diagnostics)")
        // Deviation 4: an answer that is not a list is a source error, never a crash.
        if note.contains("not a list") {
            #expect(throws: SourceError.self) { try StaticSource.measurements(from: node["results"]!) }
            return
        }
        let measurements = try StaticSource.measurements(from: Self.withNaN(node["results"]!))
        let grade = ThresholdGrader.grade(measurements, with: grading)
        let actual = Node.array(grade.violations.map(JSONReport.violation))
        let reference = node["reference"]!

        switch testCase.name {
        case "edge:zero-threshold-ignored":
            // Deviation 1: 0 is an active threshold.
            #expect(grade.score == 0)
            #expect(grade.violations.map(\.breach) == [.lowerSevere, .upperSevere])
        case "edge:NaN-value", "edge:null-value":
            // Deviation 5: a missing value scores 0 with its own violation.
            #expect(grade.score == 0)
            #expect(grade.violations.count == 1)
            #expect(actual.items?.first?["breach"]?.stringValue == "The indicator returned no value for the current key")
            #expect(actual.items?.first?["value"]?.isNull == true)
            #expect(actual.items?.first?["key"]?.stringValue == "SERVICE-84977E8DCF605164")
            var ignoring = grading
            ignoring.ignoreEmpty = true
            let skipped = ThresholdGrader.grade(measurements, with: ignoring)
            #expect(skipped.score == grading.metricScore && skipped.violations.isEmpty)
        default:
            // Same as the reference; deviation 6 turns numeric strings into numbers.
            #expect(grade.score == reference["score"]?.numberValue)
            #expect(actual == Self.numericValues(reference["violations"]!))
            if note.contains("warning diagnostic") {
                let warning = decoded.diagnostics.first { $0.severity == .warning }
                #expect(warning?.message.contains("did you mean 'lowerWarning'") == true)
                #expect(warning?.path.description == #"indicators[0].grading.thresholds["lowerWarning "]"#)
            }
        }
    }

    /// The grading block decoded the way a spec's is (the cases omit `type`).
    static func decodeGrading(_ grading: Node) -> (grading: Grading?, diagnostics: [Diagnostic]) {
        var block = grading
        if case .object(var members) = block.value, !members.contains(where: { $0.key == "type" }) {
            members.insert(Node.Member(key: "type", value: .string("Threshold")), at: 0)
            block = Node(.object(members))
        }
        let spec = Node.object([
            (
                "indicators",
                .array([
                    .object([
                        ("id", .string("i")), ("source", .string("static")), ("query", .array([])), ("grading", block)
                    ])
                ])
            ),
            ("objectives", .object([("pass", .number(0)), ("warning", .number(0))]))
        ])
        let outcome = SpecDecoder(sources: [StaticSource()]).decode(spec)
        return (outcome.spec?.indicators.first?.grading, outcome.diagnostics)
    }

    /// The cases write NaN as "$NaN"; the static source reads the string "NaN" as NaN.
    static func withNaN(_ results: Node) -> Node {
        guard let items = results.items else { return results }
        return .array(
            items.map { item in
                guard case .object(var members) = item.value else { return item }
                for index in members.indices where members[index].key == "value" && members[index].value.stringValue == "$NaN" {
                    members[index].value = .string("NaN")
                }
                return Node(.object(members))
            })
    }

    static func numericValues(_ violations: Node) -> Node {
        .array(
            (violations.items ?? []).map { violation in
                guard case .object(var members) = violation.value else { return violation }
                for index in members.indices where members[index].key == "value" {
                    if let text = members[index].value.stringValue, let number = Double(text) { members[index].value = .number(number) }
                }
                return Node(.object(members))
            })
    }

    @Test func lowerAndUpperWarningsQuarterTheScore() {
        let grading = Grading(thresholds: Thresholds(upperWarning: 10, lowerWarning: 20), metricScore: 10)
        let grade = ThresholdGrader.grade([Measurement(key: "k", value: 15)], with: grading)
        #expect(grade.score == 2.5)
        #expect(grade.violations.map(\.breach) == [.lowerWarning, .upperWarning])
    }

    @Test func scoreIsTheLowestResultScore() {
        let grading = Grading(thresholds: Thresholds(upperSevere: 100, upperWarning: 50), metricScore: 8)
        let results = [Measurement(key: "a", value: 60), Measurement(key: "b", value: 10), Measurement(key: "c", value: 55)]
        let grade = ThresholdGrader.grade(results, with: grading)
        #expect(grade.score == 4)
        #expect(grade.violations.map(\.key) == ["a", "c"])
    }

    @Test func noResultsScoreZeroUnlessIgnoreEmpty() {
        let grading = Grading(thresholds: Thresholds(upperSevere: 1), metricScore: 5, metadata: .string("m"))
        #expect(ThresholdGrader.grade([], with: grading) == .init(score: 0, violations: [Violation(breach: .noValues, metadata: .string("m"))]))
        var ignoring = grading
        ignoring.ignoreEmpty = true
        #expect(ThresholdGrader.grade([], with: ignoring) == .init(score: 5, violations: []))
    }
}
