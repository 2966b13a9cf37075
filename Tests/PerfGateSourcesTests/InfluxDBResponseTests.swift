import PerfGateCore
import Testing

@testable import PerfGateSources

/// InfluxDB answers as the documentation shows them, and ones a server should not send.
@Suite struct InfluxDBResponseTests {
    func answer(_ body: String, status: Int = 200, column: String? = nil) throws(SourceError) -> SourceAnswer {
        try InfluxDBResponse.answer(HTTPResponse(status: status, body: Array(body.utf8)), column: column, request: "influxdb: POST x")
    }

    @Test func rowsOfEverySeriesOfEveryStatementInOrder() throws {
        let body = #"""
            {"results":[{"statement_id":0,"series":[{"name":"m","tags":{"b":"2","a":"1"},"columns":["time","v"],"values":[[1714564800000,1.5],[1714564860000,null],[1714564920000,"2.5"]]}],"messages":[{"level":"warning","text":"deprecated"}]},
            {"statement_id":1,"series":[{"values":[[1714564800000,7]],"name":"n","columns":["time","v"]}]}]}
            """#
        let parsed = try answer(body)
        #expect(
            parsed.measurements == [
                Measurement(key: #"m{a="1",b="2"}"#, value: 1.5, timestamp: 1_714_564_800),
                Measurement(key: #"m{a="1",b="2"}"#, value: nil, timestamp: 1_714_564_860),
                Measurement(key: #"m{a="1",b="2"}"#, value: 2.5, timestamp: 1_714_564_920), Measurement(key: "n", value: 7, timestamp: 1_714_564_800)
            ])
        #expect(parsed.warnings == ["influxdb: deprecated"])
    }

    @Test func nothingMatchedIsNoValues() throws {
        #expect(try answer(#"{"results":[{"statement_id":0}]}"#).measurements.isEmpty)
    }

    @Test func errorsAndMalformedAnswersFailTheQuery() {
        for (body, status, message) in [
            (#"{"results":[{"statement_id":0,"error":"database not found: k6"}]}"#, 200, "influxdb: POST x: database not found: k6"),
            (#"{"error":"error parsing query: found SELEC"}"#, 400, "influxdb: POST x: HTTP 400: error parsing query: found SELEC"),
            (
                #"{"error":"authorization failed"}"#, 401,
                "influxdb: POST x: HTTP 401: authorization failed (check INFLUXDB_USERNAME and INFLUXDB_PASSWORD, or INFLUXDB_TOKEN)"
            ),
            ("<html>bad gateway</html>", 502, #"influxdb: POST x: HTTP 502: "<html>bad gateway</html>""#),
            (#"{"statement_id":0}"#, 200, #"influxdb: POST x: the answer has no "results": "{\"statement_id\":0}""#),
            (
                #"{"results":[{"series":[{"name":"m","columns":["time","v"],"values":[[1,true]]}]}]}"#, 200,
                "influxdb: POST x: the series m: a value must be a number, found a boolean"
            ),
            (
                #"{"results":[{"series":[{"name":"m","columns":["time","a","b"],"values":[[1,2,3]]}]}]}"#, 200,
                "influxdb: POST x: the series m has 2 value columns (a, b); name the one to grade with the query's 'column'"
            )
        ] {
            #expect(throws: SourceError(message)) { try answer(body, status: status) }
        }
        // chunked=true sends one document per line: not what perfgate asks for, and said so.
        #expect(throws: SourceError.self) {
            try answer(#"{"results":[{"statement_id":0,"partial":true}]}"# + "\n" + #"{"results":[{"statement_id":0}]}"#)
        }
        #expect(throws: SourceError.self) { try answer(#"{"results":[{"series":[{"name":"m","columns":["time","v"],"values":[[1,2]]}"#) }
    }

    @Test func aColumnIsPickedByName() throws {
        let body = #"{"results":[{"series":[{"name":"m","columns":["time","p50","p95"],"values":[[1000,2,3]]}]}]}"#
        #expect(try answer(body, column: "p95").measurements.map(\.value) == [3])
        #expect(throws: SourceError(#"influxdb: POST x: the series m has no column "p99" (did you mean 'p95'?); its columns: p50, p95"#)) {
            try answer(body, column: "p99")
        }
    }

    @Test func hostileTagsAreQuotedIntoTheKey() throws {
        let body = #"{"results":[{"series":[{"name":"m","tags":{"n":"a\"b\\c\nd\re\u0007"},"columns":["time","v"],"values":[[1000,1]]}]}]}"#
        #expect(try answer(body).measurements.first?.key == #"m{n="a\"b\\c\nd\re\u0007"}"#)
    }
}
