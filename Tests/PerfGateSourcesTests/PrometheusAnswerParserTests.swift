import PerfGateCore
import Testing

@testable import PerfGateSources

@Suite struct PrometheusAnswerParserTests {
    func parse(_ text: String) throws -> PrometheusAnswerParser.Answer {
        try PrometheusAnswerParser.parse(Array(text.utf8))
    }

    @Test func readsVectorsWithSortedEscapedKeys() throws {
        let answer = try parse(
            #"""
            {"status":"success","warnings":["w1"],"data":{"resultType":"vector","result":[
              {"metric":{"z":"1","a":"x\"y\\z\nq","__name__":"m"},"value":[1714565400.5,"0.25"]},
              {"value":[1,"NaN"],"metric":{}},
              {"metric":{"b":"é\u00e9"},"value":[2,"+Inf"]}]},"infos":[{"skip":[1,2,{"x":null}]}]}
            """#)
        #expect(answer.status == "success")
        #expect(answer.warnings == ["w1"])
        #expect(answer.resultType == "vector")
        #expect(
            answer.samples == [
                Measurement(key: #"{__name__="m",a="x\"y\\z\nq",z="1"}"#, value: 0.25, timestamp: 1_714_565_400.5),
                Measurement(key: "{}", value: nil, timestamp: 1),
                Measurement(key: #"{b="éé"}"#, value: .infinity, timestamp: 2)
            ])
    }

    @Test func readsMatricesScalarsAndErrors() throws {
        let matrix = try parse(#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"a":"1"},"values":[[1,"1"],[2,"2"]]}]}}"#)
        #expect(matrix.samples.map(\.value) == [1, 2])
        #expect(matrix.samples.map(\.key) == [#"{a="1"}"#, #"{a="1"}"#])
        let scalar = try parse(#"{"status":"success","data":{"resultType":"scalar","result":[1714565400,"0.5"]}}"#)
        #expect(scalar.single?.value == "0.5" && scalar.single?.timestamp == 1_714_565_400)
        let failure = try parse(#"{"status":"error","errorType":"bad_data","error":"parse error: \"x\""}"#)
        #expect(failure.errorType == "bad_data" && failure.error == "parse error: \"x\"")
        #expect(try parse(#"{"status":"success","data":{"resultType":"vector","result":[]}}"#).samples.isEmpty)
    }

    @Test(arguments: [
        "", "{", "[]", #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"x"]}]}}"#,
        #"{"status":"success","data":{"result":[{"metric":{"a":1},"value":[1,"1"]}]}}"#,
        #"{"status":"success","data":{"result":[{"metric":{},"value":[1,"1"]}]"#,
        #"{"status":"success"} trailing"#, #"{"status":"unterminated}"#, "{\"a\":\"ctrl\u{01}\"}",
        #"{"status":"success","data":{"result":[{"metric":{},"value":[1e400,"1"]}]}}"#,
        #"{"status":tru}"#, #"{"a":[1 2]}"#, String(repeating: "[", count: 100_000)
    ])
    func rejectsMalformedAnswers(_ text: String) {
        #expect(throws: PrometheusAnswerParser.Malformed.self) { try parse(text) }
    }

    @Test func theSourceReportsMalformedAnswersAndHTTPErrors() throws {
        let bad = HTTPResponse(
            status: 200, body: Array(#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"x"]}]}}"#.utf8))
        #expect(
            throws: SourceError(
                #"r: the answer is not valid JSON (a sample value is not a number: "x" at byte 85): "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":[1,\"x\"]}]}}""#
            )
        ) {
            try PrometheusResponse.measurements(bad, request: "r")
        }
        let html = HTTPResponse(status: 502, body: Array("<html>Bad Gateway</html>".utf8))
        #expect(throws: SourceError(#"r: HTTP 502: "<html>Bad Gateway</html>""#)) { try PrometheusResponse.measurements(html, request: "r") }
    }
}

/// A backend URL that is a web UI or a login page answers HTML: the message says so, and where the URL comes from.
@Suite struct NonAPIAnswerTests {
    static let page = HTTPResponse(
        status: 200, headers: ["content-type": "text/html; charset=utf-8"], body: Array("\n<!doctype html><html><title>Grafana</title></html>".utf8))

    @Test func anHTMLPageNamesTheLikelyCauseAndTheSetting() {
        let request = "prometheus: POST http://grafana:3000/api/v1/query"
        do {
            _ = try PrometheusResponse.measurements(Self.page, request: request)
            Issue.record("an HTML page was read as an answer")
        } catch {
            #expect(error.message.hasPrefix(request + ": the answer is not valid JSON"))
            #expect(
                error.message.hasSuffix(
                    "(is this prometheus's API? the server answered an HTML page: --prometheus-url or PROMETHEUS_URL should be the API's base URL, not a web UI, a login page or a proxy's sign-in)"
                ))
        }
        var login = Self.page
        login.status = 401
        #expect(NonAPIAnswer.hint(login, request: "datadog: GET x", always: false).contains("--datadog-url or DATADOG_URL"))
        login.status = 502
        #expect(NonAPIAnswer.hint(login, request: "datadog: GET x", always: false).isEmpty)
        let text = HTTPResponse(status: 200, body: Array("OK".utf8))
        #expect(NonAPIAnswer.hint(text, request: "graphite: POST x").contains("the server did not answer JSON"))
        let json = HTTPResponse(status: 200, body: Array(#"{"status":"success"}"#.utf8))
        #expect(NonAPIAnswer.hint(json, request: "graphite: POST x").isEmpty)
    }
}
