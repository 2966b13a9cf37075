import PerfGateCore
import Testing

@Suite struct HistoryRecordTests {
    @Test func roundTripsThroughOneLine() throws {
        let record = HistoryRecord(
            time: 1_714_565_460.5, window: Window(start: 1_714_564_800, end: 1_714_565_400), specKind: "perfspec", specPath: "perf/spec.yaml",
            specDigest: "sha256:00", context: ["project": "shop", "service": "checkout"], result: .warning, score: 87.5,
            values: [
                .init(id: "p95", key: "checkout", value: 0.29, status: "warning", success: true),
                .init(id: "p95", key: "cart", value: nil, status: "warning", success: false)
            ])
        let line = record.line()
        #expect(!line.contains("\n"))
        #expect(line.hasPrefix(#"{"time":"2024-05-01T12:11:00.500Z","window":{"start":"2024-05-01T12:00:00Z","end":"2024-05-01T12:10:00Z"}"#))
        #expect(try HistoryRecord.parse(line).get() == record)
    }

    @Test func tellsWhyALineIsNotARecord() {
        func reason(_ line: String) -> String? {
            if case .failure(let error) = HistoryRecord.parse(line) { return error.reason }
            return nil
        }
        #expect(reason(#"{"time": "2024-05-01T12:00:00Z", "result": "great"}"#) == "no 'result' of pass, warning, fail or error")
        #expect(reason(#"{"result": "pass"}"#) == "no RFC 3339 'time'")
        #expect(reason("[1, 2") != nil)
        // Indicators without an id are skipped; missing fields take safe defaults (not compared with).
        let minimal = try? HistoryRecord.parse(
            #"{"time": "2024-05-01T12:00:00Z", "result": "pass", "indicators": [{"value": 1}, {"id": "a", "value": 2}]}"#
        ).get()
        #expect(minimal?.values == [.init(id: "a", key: "a", value: 2, status: "", success: false)])
    }
}
