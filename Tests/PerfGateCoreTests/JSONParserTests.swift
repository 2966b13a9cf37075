import PerfGateCore
import Testing

@Suite struct JSONParserTests {
    @Test func parsesValuesWithTheirPositions() throws {
        let node = try JSONParser.parse("{\n  \"a\": [1, -2.5e2, true, null],\n  \"b\": \"x\\u00e9\\ud83d\\ude00\"\n}")
        #expect(node["a"] == .array([.number(1), .number(-250), .bool(true), .null]))
        #expect(node["b"]?.stringValue == "xé😀")
        #expect(node["a"]?.location == TextLocation(line: 2, column: 8))
        #expect(node.members?.last?.keyLocation == TextLocation(line: 3, column: 3))
        #expect(node["a"]?.items?[1].location == TextLocation(line: 2, column: 12))
    }

    @Test func keepsDuplicateKeysInOrderForTheValidator() throws {
        let node = try JSONParser.parse(#"{"a": 1, "a": 2}"#)
        #expect(node.members?.map(\.key) == ["a", "a"])
        #expect(node["a"]?.numberValue == 2)
    }

    @Test(arguments: [
        ("{\"a\": }", "1:7", "unexpected '}', expected a value"),
        ("{\"a\": 1,}", "1:9", "expected a quoted key, found '}'"),
        ("[1 2]", "1:4", "expected ',' or ']' in a list, found '2'"),
        ("{\"a\": 1e400}", "1:7", "number 1e400 is out of range"),
        ("\"abc", "1:1", "unterminated string"),
        ("01", "1:2", "unexpected '1' after the end of the document"),
        ("", "1:1", "the document is empty"),
        ("{\"a\":\n  tru}", "2:3", "unexpected 't', expected a value"),
        ("\"\\x\"", "1:2", "invalid escape \\x"),
        ("\"\\ud800\"", "1:8", "unpaired surrogate in \\u escape"),
        ("\"a\u{01}\"", "1:3", "control character in a string (escape it, e.g. \\n)")
    ])
    func reportsSyntaxErrorsWithLineAndColumn(_ input: String, _ position: String, _ message: String) {
        #expect(throws: DocumentError(message, at: Self.location(position))) { try JSONParser.parse(input) }
    }

    static func location(_ text: String) -> TextLocation {
        let parts = text.split(separator: ":").map { Int($0)! }
        return TextLocation(line: parts[0], column: parts[1])
    }

    @Test func rejectsInvalidUTF8WithItsPosition() {
        let bytes: [UInt8] = Array("{\"a\":\n \"".utf8) + [0xC3, 0x28] + Array("\"}".utf8)
        #expect(throws: DocumentError("invalid UTF-8", at: TextLocation(line: 2, column: 3))) { try JSONParser.parse(bytes) }
    }

    @Test func skipsAByteOrderMarkAndAcceptsCRLF() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("{\r\n\"a\": 1\r\n}".utf8)
        let node = try JSONParser.parse(bytes)
        #expect(node["a"]?.numberValue == 1)
        #expect(node["a"]?.location == TextLocation(line: 2, column: 6))
    }

    @Test func boundsNestingInsteadOfOverflowingTheStack() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: DocumentError.self) { try JSONParser.parse(deep) }
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: Never.self) { try JSONParser.parse(fine) }
    }

    @Test func keepsNegativeZero() throws {
        let value = try JSONParser.parse("-0").numberValue
        #expect(value == 0 && value?.sign == .minus)
    }
}
