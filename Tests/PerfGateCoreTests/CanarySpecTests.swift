import PerfGateCore
import PerfGateSources
import Testing

/// `grading: {type: Canary}` in a PerfSpec: Kayenta's names and defaults, and clear errors.
@Suite struct CanarySpecTests {
    let decoder = SpecDecoder(sources: SourceRegistry.all())

    func decode(_ indicator: String) throws -> SpecDecoder.Outcome {
        decoder.decode(try YAMLParser.parse("indicators:\n" + indicator + "\nobjectives: {pass: 1, warning: 0}\n"))
    }

    func errors(_ outcome: SpecDecoder.Outcome) -> [String] {
        outcome.diagnostics.filter { $0.severity == .error }.map { "\($0)" }
    }

    @Test func theDefaultsAreKayentas() throws {
        let outcome = try decode(
            """
              - {id: p95, source: prometheus, query: 'a{version="canary"}', baseline: 'a{version="stable"}', grading: {type: Canary, metricScore: 5}}
            """)
        #expect(outcome.diagnostics.isEmpty, "\(outcome.diagnostics)")
        let indicator = try #require(outcome.spec?.indicators.first)
        let config = try #require(indicator.grading.canary)
        #expect(indicator.baseline?.node.stringValue == "a{version=\"stable\"}")
        #expect(config.direction == .either && config.nanStrategy == .remove && !config.removeOutliers && config.outlierFactor == 3)
        #expect(config.measure == .meanRatio && config.allowedIncrease == 1 && config.allowedDecrease == 1 && config.criticalIncrease == 1)
        #expect(!config.critical && !config.mustHaveData && config.minimumPoints == 50 && config.step == nil && config.metricScore == 5)
        #expect(CanaryConfig.defaultStep(for: Window(start: 0, end: 600)) == 15)
        #expect(CanaryConfig.defaultStep(for: Window(start: 0, end: 3600)) == 60)
        #expect(CanaryConfig.defaultStep(for: Window(start: 0, end: 3 * 3600)) == 300)
    }

    @Test func everySettingIsRead() throws {
        let outcome = try decode(
            """
              - id: errors
                source: jmeter
                query: {file: canary.jtl, label: checkout}
                baseline: {file: stable.jtl, label: checkout}
                grading:
                  type: canary
                  metricScore: 2
                  direction: increase
                  nanStrategy: replace
                  outliers: {strategy: remove, outlierFactor: 2.5}
                  effectSize: {measure: cles, allowedIncrease: 0.6}
                  critical: true
                  minimumPoints: 200
                  step: 30s
            """)
        #expect(outcome.diagnostics.isEmpty, "\(outcome.diagnostics)")
        let config = try #require(outcome.spec?.indicators.first?.grading.canary)
        #expect(config.direction == .increase && config.nanStrategy == .replace && config.removeOutliers && config.outlierFactor == 2.5)
        // CLES's neutral value is 0.5: the settings not given default to it.
        #expect(config.measure == .cles && config.allowedIncrease == 0.6 && config.allowedDecrease == 0.5 && config.criticalIncrease == 0.5)
        #expect(config.critical && config.minimumPoints == 200 && config.step == 30)
    }

    @Test func mistakesAreErrorsThatSayWhatToDo() throws {
        #expect(
            errors(try decode("- {id: a, source: static, query: [1], grading: {type: Canary, metricScore: 1}}"))
                .contains { $0.contains("missing 'baseline'") })
        #expect(
            errors(try decode("- {id: a, source: static, query: 1, baseline: 2, grading: {type: Threshold, thresholds: {}, metricScore: 1}}"))
                .contains { $0.contains("'baseline' is for a Canary grading") })
        #expect(
            errors(try decode("- {id: a, source: static, query: [1], baseline: [2], grading: {type: Canary, metricScore: 1, direction: up}}"))
                .contains { $0.contains("unknown direction 'up'") && $0.contains("increase, decrease, either") })
        #expect(
            errors(
                try decode(
                    "- {id: a, source: static, query: [1], baseline: [2], grading: {type: Canary, metricScore: 1, effectSize: {allowedIncrease: 0}}}")
            )
            .contains { $0.contains("'allowedIncrease' must be above 0") })
        #expect(
            errors(try decode("- {id: a, source: static, query: [1], baseline: [2], grading: {type: Canary, metricScore: 1, step: 0.1s}}"))
                .contains { $0.contains("'step' must be a duration from 1s to 24h") })
        #expect(
            errors(
                try decode(
                    "- {id: a, source: json, query: {file: a.json, pointer: /a}, baseline: {file: b.json, pointer: /a}, grading: {type: Canary, metricScore: 1}}"
                )
            )
            .contains { $0.contains("has no samples to compare") })
        #expect(
            errors(try decode("- {id: a, source: static, query: [1], baseline: [2], grading: {type: Canaryy, metricScore: 1}}"))
                .contains { $0.contains("unknown grading type 'Canaryy'") && $0.contains("Canary") })
        // A load-test query of a canary needs no stat; the baseline's problems are its own.
        #expect(
            errors(
                try decode(
                    "- {id: a, source: k6, query: {file: p.json, metric: m}, baseline: {file: q.json}, grading: {type: Canary, metricScore: 1}}")
            )
            .contains { $0.contains("baseline") && $0.contains("metric") })
    }
}
