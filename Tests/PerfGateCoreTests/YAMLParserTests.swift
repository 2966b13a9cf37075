import PerfGateCore
import Testing

@Suite struct YAMLParserTests {
    @Test func resolvesPlainScalarsWithTheCoreSchema() throws {
        let node = try YAMLParser.parse(
            """
            a: 12
            b: -1.5e3
            c: true
            d: ~
            e: "12"
            f: 0x1F
            g: hello world
            h: .inf
            i: !!str 7
            j: 1.2.3
            k:
            """)
        #expect(node["a"]?.numberValue == 12)
        #expect(node["b"]?.numberValue == -1500)
        #expect(node["c"]?.boolValue == true)
        #expect(node["d"]?.isNull == true)
        #expect(node["e"]?.stringValue == "12")
        #expect(node["f"]?.numberValue == 31)
        #expect(node["g"]?.stringValue == "hello world")
        #expect(node["h"]?.numberValue == .infinity)
        #expect(node["i"]?.stringValue == "7")
        #expect(node["j"]?.stringValue == "1.2.3")
        #expect(node["k"]?.isNull == true)
    }

    @Test func recordsLinesAndColumns() throws {
        let node = try YAMLParser.parse("indicators:\n  - id: a\n    grading:\n      metricScore: 5\n")
        let grading = node["indicators"]?.items?.first?["grading"]
        #expect(grading?["metricScore"]?.location == TextLocation(line: 4, column: 20))
        #expect(grading?.members?.first?.keyLocation == TextLocation(line: 4, column: 7))
    }

    @Test func expandsAliasesAndMergeKeys() throws {
        let node = try YAMLParser.parse(
            """
            base: &base {type: Threshold, metricScore: 10}
            one:
              <<: *base
              metricScore: 20
            two: *base
            """)
        #expect(node["one"]?["type"]?.stringValue == "Threshold")
        #expect(node["one"]?["metricScore"]?.numberValue == 20)
        #expect(node["two"]?["metricScore"]?.numberValue == 10)
    }

    @Test func rejectsAnAliasBombQuickly() {
        var lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
        for level in 1...9 {
            let previous = level == 1 ? "a" : "l\(level - 1)"
            lines.append(
                "l\(level): &l\(level) [*\(previous), *\(previous), *\(previous), *\(previous), *\(previous), *\(previous), *\(previous), *\(previous), *\(previous), *\(previous)]"
            )
        }
        #expect(throws: DocumentError.self) { try YAMLParser.parse(lines.joined(separator: "\n")) }
    }

    @Test func reportsSyntaxErrorsWithPosition() {
        do {
            _ = try YAMLParser.parse("a: [1, 2\nb: 3\n")
            Issue.record("expected an error")
        } catch {
            #expect(error.location != nil)
            #expect(error.message.hasPrefix("YAML: "))
        }
    }

    @Test func rejectsTabsAndSecondDocuments() {
        #expect(throws: DocumentError.self) { try YAMLParser.parse("a:\n\tb: 1\n") }
        #expect(throws: DocumentError("the file holds more than one YAML document", at: TextLocation(line: 2, column: 1))) {
            try YAMLParser.parse("a: 1\n---\nb: 2\n")
        }
    }

    @Test func readsJSONAsYAMLToo() throws {
        #expect(try YAMLParser.parse(#"{"a": [1, "x"]}"#) == .object([("a", .array([.number(1), .string("x")]))]))
    }

    @Test func rejectsInvalidUTF8AndSkipsABOM() throws {
        #expect(throws: DocumentError.self) { try YAMLParser.parse(Array("a: ".utf8) + [0xFF]) }
        #expect(try YAMLParser.parse([0xEF, 0xBB, 0xBF] + Array("a: 1\r\nb: 2\r\n".utf8))["b"]?.numberValue == 2)
    }
}
