import PerfGateCore
import Testing

@Suite struct JSONWriterTests {
    @Test(arguments: [
        (90.0, "90"), (22.5, "22.5"), (0.1 + 0.2, "0.30000000000000004"), (-0.0, "0"), (5824401.800000001, "5824401.800000001"),
        (1e21, "1e+21"), (0.000001, "1e-06"), (-7.0, "-7")
    ])
    func formatsNumbersLikeJavaScript(_ value: Double, _ text: String) {
        #expect(JSONWriter.format(value) == text)
    }

    @Test func neverWritesAnAzureLoggingCommand() throws {
        let text = JSONWriter.write(.string("##vso[task.complete result=Succeeded]###"))
        #expect(text == ##""#\u0023vso[task.complete result=Succeeded]#\u0023#""##)
        #expect(try JSONParser.parse(text).stringValue == "##vso[task.complete result=Succeeded]###")
    }

    @Test func escapesStringsAndRoundTrips() throws {
        let node = Node.object([("k\"ey", .string("line\nbreak\t\u{01}\u{2028}é")), ("n", .number(.nan)), ("a", .array([]))])
        let text = JSONWriter.write(node)
        #expect(text == #"{"k\"ey":"line\nbreak\t\u0001\u2028é","n":null,"a":[]}"#)
        #expect(try JSONParser.parse(JSONWriter.write(node, pretty: true))["k\"ey"] == node["k\"ey"])
    }
}

/// The escaping, on many strings made of the characters that need care: each reads back as
/// itself, and no output holds "##", a raw control character or U+2028/U+2029.
@Suite struct JSONQuotingTests {
    @Test func randomStringsReadBackAsThemselves() throws {
        let pieces = ["#", "##", "\"", "\\", "\n", "\r", "\t", "\u{01}", "\u{7F}", "\u{2028}", "\u{2029}", "é", "a", "vso[", " ", "\u{E2}"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let text = (0..<Int.random(in: 0...12, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let quoted = JSONWriter.quoted(text)
            #expect(try JSONParser.parse(Array(quoted.utf8)).stringValue == text, "\(quoted)")
            #expect(!quoted.contains("##") && !quoted.contains("\u{2028}") && !quoted.contains("\u{2029}"))
            #expect(!quoted.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F })
        }
    }
}
