import PerfGateCore
import Testing

@Suite struct SLIDefinitionsDecoderTests {
    func decode(_ yaml: String) throws -> SLIDefinitionsDecoder.Outcome {
        SLIDefinitionsDecoder.decode(try YAMLParser.parse(yaml))
    }

    @Test func readsTheQueriesInOrder() throws {
        let outcome = try decode(
            """
            spec_version: "1.0"
            indicators:
              throughput: sum(rate(http_requests_total[$DURATION_SECONDS]))
              response_time_p95: histogram_quantile(0.95, sum by (le) (rate(x[5m])))
            """)
        let definitions = try #require(outcome.definitions)
        #expect(definitions.indicators.map(\.name) == ["throughput", "response_time_p95"])
        #expect(definitions.query(for: "throughput")?.query == "sum(rate(http_requests_total[$DURATION_SECONDS]))")
        #expect(definitions.query(for: "throughput")?.location?.line == 3)
        #expect(outcome.diagnostics.isEmpty)
    }

    @Test func reportsEveryProblemWithItsPathAndLine() throws {
        let outcome = try decode(
            """
            spec_version: "1.0"
            indicators:
              a: 1
              b: ""
              c: {query: x}
            extra: true
            """)
        #expect(outcome.definitions == nil)
        #expect(
            outcome.diagnostics.map { "\($0.location.map { "\($0.line)" } ?? "-") \($0.severity.rawValue) \($0.path): \($0.message)" } == [
                "6 warning extra: unknown key 'extra' is ignored",
                "3 error indicators.a: the query must be a string, found a number",
                "4 error indicators.b: the query is empty",
                "5 error indicators.c: the query must be a string, found an object"
            ])
        #expect(try decode("spec_version: '1.0'").diagnostics.map(\.message) == ["missing 'indicators' (a map of SLI names to queries)"])
        #expect(try decode("indicators: [a, b]").diagnostics.map(\.message) == ["'indicators' must map SLI names to queries, found a list"])
    }
}
