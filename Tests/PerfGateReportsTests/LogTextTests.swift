import PerfGateReports
import Testing

@Suite struct LogTextTests {
    @Test(arguments: [
        ("plain", "plain"),
        ("a\nb\r\tc", "a\\nb\\r c"),
        ("##vso[task.setvariable variable=x]1", "#\u{2060}#vso[task.setvariable variable=x]1"),
        ("x ##[error]y", "x #\u{2060}#[error]y"),
        ("::error::boom", "\u{2060}::error::boom"),
        ("\u{1B}[31mred", "\u{FFFD}[31mred"),
        ("a\r\nb", "a\\r\\nb"),
        ("##\u{301}vso[x]", "#\u{2060}#\u{301}vso[x]"),
        (":\u{301}:x", ":\u{301}:x"),
    ])
    func neutralises(_ input: String, _ expected: String) {
        #expect(LogText.sanitize(input) == expected)
    }

    @Test func xmlEscapingDropsWhatXMLCannotHold() {
        #expect(XMLText.escape("a<b>&\"'\u{01}\u{FFFE}c") == "a&lt;b&gt;&amp;&quot;&apos;c")
        #expect(XMLText.escape("a\nb\tc", attribute: true) == "a&#10;b&#9;c")
    }
}
