import PerfGateCore
import PerfGateSources
import Testing

@Suite struct SpecDecoderTests {
    let decoder = SpecDecoder(sources: SourceRegistry.all())

    func decode(_ json: String) throws -> SpecDecoder.Outcome {
        decoder.decode(try JSONParser.parse(json))
    }

    func messages(_ outcome: SpecDecoder.Outcome) -> [String] {
        outcome.diagnostics.map { "\($0.location.map { "\($0): " } ?? "")\($0)" }
    }

    static let valid = """
        {"spec_version": "1.0",
         "indicators": [{"id": "a", "source": "STATIC", "query": 1,
                         "grading": {"type": "Threshold", "thresholds": {"upperSevere": 0}, "metricScore": 10}}],
         "objectives": {"pass": 10, "warning": 5}}
        """

    @Test func decodesAValidSpecWithCaseInsensitiveNames() throws {
        let outcome = try decode(Self.valid)
        #expect(outcome.diagnostics.isEmpty)
        let indicator = try #require(outcome.spec?.indicators.first)
        #expect(indicator.source == "static")
        #expect(indicator.grading.thresholds.upperSevere == 0)
        #expect(indicator.grading.ignoreEmpty == false)
        #expect(outcome.spec?.objectives == Objectives(pass: 10, warning: 5))
    }

    @Test func reportsEveryProblemWithPathAndLine() throws {
        let outcome = try decode(
            """
            {"indicators": [
              {"id": "a", "source": "Nope", "query": 1, "grading": {"type": "Threshold", "thresholds": {}, "metricScore": 1}},
              {"id": "a", "source": "static", "query": 1, "grading": {"type": "Other", "thresholds": {}, "metricScore": 1}},
              {"id": "c", "source": "static", "query": 1, "grading": {"type": "Threshold", "metricsScore": 1}},
              {"id": "d", "source": "jmeter", "query": {"stat": "p95x"}, "grading": {"type": "Threshold", "thresholds": {"upperSevere": "high"}, "metricScore": 1}}
            ],
             "objectives": {"pass": 10, "warning": 60}}
            """)
        #expect(outcome.spec == nil)
        #expect(
            messages(outcome) == [
                "2:25: error: indicators[0].source: unknown source 'Nope'; known sources: azure-monitor, datadog, dynatrace, graphite, influxdb, jmeter, json, k6, locust, newrelic, prometheus, static, web",
                "2:92: warning: indicators[0].grading.thresholds: 'a' can never fail: it has no thresholds; give upperSevere, upperWarning, lowerWarning or lowerSevere",
                "3:10: error: indicators[1].id: duplicate indicator id 'a' (also indicators[0]); ids must be unique",
                "3:67: error: indicators[1].grading.type: unknown grading type 'Other'; use Threshold or Canary",
                "4:58: error: indicators[2].grading: missing 'thresholds' (an object with upperSevere, upperWarning, lowerWarning and/or lowerSevere)",
                "4:58: error: indicators[2].grading: missing 'metricScore' (the points this indicator is worth)",
                "4:80: warning: indicators[2].grading.metricsScore: unknown key 'metricsScore' is ignored (did you mean 'metricScore'?)",
                "5:53: error: indicators[3].query.stat: unknown statistic 'p95x' (did you mean 'p95'?); use one of avg, min, max, median, p90, p95, p99, pNN, errorRate, throughput, count",
                "5:125: error: indicators[3].grading.thresholds.upperSevere: threshold 'upperSevere' must be a number, found a string",
                "7:40: error: objectives.warning: objectives.warning (60) is above objectives.pass (10): a score could pass without reaching warning"
            ])
    }

    @Test func missingTopLevelPartsAreErrors() throws {
        let outcome = try decode("{}")
        #expect(
            messages(outcome) == [
                "1:1: error: (top level): missing 'objectives' (the total scores needed for pass and warning, e.g. {\"pass\": 90, \"warning\": 75})",
                "1:1: error: (top level): missing 'indicators' (the list of indicators to grade)"
            ])
        #expect(messages(try decode("[]")) == ["1:1: error: (top level): expected an object, found a list"])
    }

    @Test func duplicateKeysAreErrors() throws {
        let outcome = try decode(#"{"indicators": [], "objectives": {"pass": 1, "pass": 2, "warning": 0}}"#)
        #expect(outcome.diagnostics.contains { $0.severity == .error && $0.message == "duplicate key 'pass' (first at line 1)" })
    }

    @Test func warnsAboutPitometerLeftovers() throws {
        let outcome = try decode(
            """
            {"indicators": [{"id": 7, "source": "static", "query": 1, "output": "total",
              "grading": {"type": "Threshold", "thresholds": {"upperSevere": "50", "lowerWarning": null, "upperSeverePerc": 10, "upperWarning": 60}, "metricScore": 10}}],
             "objectives": {"pass": 10, "warning": 5}}
            """)
        #expect(!outcome.hasErrors)
        let spec = try #require(outcome.spec)
        #expect(spec.indicators[0].id == "7")
        #expect(spec.indicators[0].grading.thresholds == Thresholds(upperSevere: 50, upperWarning: 60))
        #expect(
            outcome.diagnostics.map(\.message) == [
                "'id' should be a string; using \"7\"",
                "upperSevere (50) is below upperWarning (60): upperWarning can never fire",
                "threshold 'upperSevere' is the string \"50\"; write it as a number",
                "threshold 'lowerWarning' is null and is not checked; remove it or give a number"
            ])
        // Grader 1.1.0's relative thresholds are read; they apply with --history.
        #expect(spec.indicators[0].grading.relativeThresholds == Thresholds(upperSevere: 10))
    }

    @Test func readsRelativeThresholdsAndTheComparisonBlock() throws {
        let outcome = try decode(
            """
            {"indicators": [{"id": "p95", "source": "static", "query": 1,
              "grading": {"type": "Threshold", "thresholds": {"upperSevere": 500, "upperSeverePerc": 20, "upperWarningPerc": 10, "lowerSeverePerc": "x"}, "metricScore": 10}}],
             "objectives": {"pass": 10, "warning": 5},
             "comparison": {"compare_with": "several_results", "number_of_comparison_results": 5, "include_result_with_score": "pass_or_warn"}}
            """)
        #expect(
            messages(outcome) == [
                "2:137: error: indicators[0].grading.thresholds.lowerSeverePerc: 'lowerSeverePerc' must be a percentage of the compared value (a number, 0 or more), found a string"
            ])
        let valid = try decode(
            """
            {"indicators": [{"id": "p95", "source": "static", "query": 1,
              "grading": {"type": "Threshold", "thresholds": {"upperSevere": 500, "upperSeverePerc": 20, "lowerWarningPerc": 10}, "metricScore": 10}}],
             "objectives": {"pass": 10, "warning": 5},
             "comparison": {"compare_with": "several_results", "number_of_comparison_results": 5, "include_result_with_score": "pass_or_warn"}}
            """)
        let spec = try #require(valid.spec)
        #expect(
            spec.comparison
                == .init(
                    compareWith: "several_results", includeResultWithScore: "pass_or_warn", numberOfComparisonResults: 5, aggregateFunction: "avg"))
        let grading = spec.indicators[0].grading
        #expect(grading.relativeThresholds == Thresholds(upperSevere: 20, lowerWarning: 10))
        // Pitometer 1.1.0's arithmetic; a relative limit replaces the absolute one only with a compared value.
        #expect(grading.thresholds.resolved(relative: grading.relativeThresholds, compared: 200) == Thresholds(upperSevere: 240, lowerWarning: 180))
        #expect(grading.thresholds.resolved(relative: grading.relativeThresholds, compared: nil) == Thresholds(upperSevere: 500))
        #expect(try decode(#"{"indicators": [], "objectives": {"pass": 0, "warning": 0}}"#).spec?.comparison == .absent)
    }

    @Test func readsVariablesAndSources() throws {
        let outcome = try decode(
            #"{"indicators": [], "objectives": {"pass": 0, "warning": 0}, "variables": {"SERVICE": "cart", "N": 3}, "sources": {"prometheus": {"url": "http://x"}}}"#
        )
        #expect(outcome.spec?.variables == ["SERVICE": "cart", "N": "3"])
        #expect(outcome.spec?.sources?["prometheus"]?["url"]?.stringValue == "http://x")
    }

    @Test func loadsYAMLAndJSONIntoTheSameModel() throws {
        let yaml = try YAMLParser.parse(
            """
            spec_version: "1.0"
            indicators:
              - id: a
                source: STATIC
                query: 1
                grading: {type: Threshold, thresholds: {upperSevere: 0}, metricScore: 10}
            objectives: {pass: 10, warning: 5}
            """)
        let fromYAML = decoder.decode(yaml)
        let fromJSON = try decode(Self.valid)
        #expect(fromYAML.diagnostics.isEmpty)
        #expect(fromYAML.spec?.indicators.first?.grading.thresholds == fromJSON.spec?.indicators.first?.grading.thresholds)
        #expect(fromYAML.spec?.indicators.first?.query.node == fromJSON.spec?.indicators.first?.query.node)
    }
}
