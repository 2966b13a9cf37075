import PerfGateCore
import PerfGateTestSupport
import Testing

@testable import PerfGateSources

@Suite struct LocustSourceTests {
    let context = SourceContext(specDirectory: Fixtures.folder(#filePath, "Locust"))

    func fetch(_ query: [(String, Node)]) async throws -> [Measurement] {
        try await LocustSource().fetch(.object([("file", .string("stats_stats.csv"))] + query), context: context)
    }

    @Test func readsAColumnPerRowSkippingAggregated() async throws {
        let rows = try await fetch([("stat", .string("95%"))])
        #expect(
            rows == [
                Measurement(key: "/checkout", value: 560), Measurement(key: "/checkout", value: 390),
                Measurement(key: "/home", value: 81), Measurement(key: "/empty", value: nil)
            ])
        #expect(
            try await fetch([("name", .string("/checkout")), ("type", .string("post")), ("stat", .string("Average Response Time"))])
                == [Measurement(key: "/checkout", value: 310.5)])
        #expect(try await fetch([("name", .string("Aggregated")), ("stat", .string("requests/s"))]).first?.value == 5.52)
        // "*": the total row, keyed Total, as JMeter's label "*" (issue 36).
        #expect(try await fetch([("name", .string("*")), ("stat", .string("requests/s"))]) == [Measurement(key: "Total", value: 5.52)])
    }

    @Test func suggestsAColumn() async {
        do {
            _ = try await fetch([("stat", .string("95"))])
            Issue.record("expected an error")
        } catch let error as SourceError {
            #expect(error.message.contains("has no column '95' (did you mean '95%'?)"))
        } catch {
            Issue.record("\(error)")
        }
    }
}

@Suite struct JSONFileSourceTests {
    let context = SourceContext(specDirectory: Fixtures.folder(#filePath, "JSONFile"))

    func fetch(_ pointer: String) async throws -> [Measurement] {
        try await JSONFileSource().fetch(.object([("file", .string("metrics.json")), ("pointer", .string(pointer))]), context: context)
    }

    @Test func followsPointers() async throws {
        #expect(try await fetch("/checkout/p95") == [Measurement(key: "/checkout/p95", value: 412.5)])
        #expect(try await fetch("/a~1b/~0tilde").first?.value == 7)
        #expect(try await fetch("/checkout/samples").map(\.value) == [1, 2.5, nil])
        #expect(try await fetch("/checkout/samples").map(\.key) == ["/checkout/samples/0", "/checkout/samples/1", "/checkout/samples/2"])
        #expect(try await fetch("/labelled") == [Measurement(key: "eu", value: 3), Measurement(key: "us", value: 4)])
    }

    @Test func explainsWhereAPointerStops() async {
        await #expect(
            throws: SourceError("\(context.specDirectory)/metrics.json: nothing at /checkout/p59 (did you mean 'p95'?)", invalidInput: true)
        ) {
            try await fetch("/checkout/p59")
        }
        await #expect(throws: SourceError("\(context.specDirectory)/metrics.json at /text: value \"fast\" is not a number", invalidInput: true)) {
            try await fetch("/text")
        }
    }

    @Test func validatesPointers() {
        #expect(JSONPointer("a/b") == nil)
        #expect(JSONPointer("/a~2") == nil)
        #expect(JSONPointer("")?.tokens == [])
        #expect(JSONPointer("/a~01")?.tokens == ["a~1"])
        #expect(JSONFileSource().validate(.object([("file", .string("m.json")), ("pointer", .string("x"))]), at: .root).count == 1)
    }
}

@Suite struct StaticSourceTests {
    @Test func readsEveryShape() throws {
        #expect(try StaticSource.measurements(from: .number(3)) == [Measurement(key: "value", value: 3)])
        #expect(
            try StaticSource.measurements(from: .array([.number(1), .string("2")])) == [
                Measurement(key: "0", value: 1), Measurement(key: "1", value: 2)
            ])
        let items = Node.array([.object([("key", .string("k")), ("value", .string("NaN")), ("timestamp", .number(5))])])
        #expect(try StaticSource.measurements(from: items) == [Measurement(key: "k", value: nil, timestamp: 5)])
    }

    @Test func failsWithTheGivenMessage() async {
        await #expect(throws: SourceError("backend down")) {
            try await StaticSource().fetch(.object([("error", .string("backend down"))]), context: SourceContext())
        }
        #expect(StaticSource().validate(.object([("error", .string("x"))]), at: .root).isEmpty)
    }

    @Test func rejectsWhatIsNotAResultList() {
        #expect(throws: SourceError.self) { try StaticSource.measurements(from: .bool(false)) }
        #expect(throws: SourceError("result [0]: missing 'value'")) {
            try StaticSource.measurements(from: .array([.object([("key", .string("k"))])]))
        }
        #expect(throws: SourceError("result [0]: value \"abc\" is not a number")) { try StaticSource.measurements(from: .array([.string("abc")])) }
        #expect(StaticSource().validate(.null, at: SpecPath.root.appending("query")).first?.path.description == "query")
    }
}

/// The json source scans a JSON file for the pointer instead of building the whole document.
@Suite struct JSONPointerScanTests {
    func scan(_ text: String, _ pointer: String) -> String? {
        let bytes = Array(text.utf8)
        guard case .success(let range?) = JSONPointerScan.range(of: JSONPointer(pointer)!, in: bytes) else { return nil }
        return String(decoding: bytes[range], as: UTF8.self)
    }

    @Test func findsWhatTheDocumentFinds() {
        let text = #"{"a": [1, {"b": "x"}], "c": {"d": 2.5}, "dup": 1, "dup": {"e": 3}, "s~/": 4}"#
        #expect(scan(text, "/c/d") == "2.5")
        #expect(scan(text, "/a/1/b") == #""x""#)
        #expect(scan(text, "/dup/e") == "3")  // the last of duplicate keys, as JSON.parse and the document do
        #expect(scan(text, "/s~0~1") == "4")
        #expect(scan(text, "/a/2") == nil)
        #expect(scan(text, "/a/01") == nil)
        #expect(scan(text, "") == text)
        #expect(scan("\u{FEFF}{\"a\": 1}", "/a") == "1")
    }

    @Test func malformedDocumentsAreNotScannedPastTheirError() {
        guard case .failure = JSONPointerScan.range(of: JSONPointer("/a")!, in: Array(#"{"a": 1,}"#.utf8)) else {
            Issue.record("a trailing comma was accepted")
            return
        }
        guard case .failure = JSONPointerScan.range(of: JSONPointer("/a")!, in: Array(#"{"a": 1} x"#.utf8)) else {
            Issue.record("trailing data was accepted")
            return
        }
    }
}
