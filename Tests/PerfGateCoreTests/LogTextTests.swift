import PerfGateCore
import PerfGateReports
import PerfGateTestSupport
import Testing

@Suite struct LogTextTests {
    @Test(arguments: [
        ("plain", "plain"),
        ("a\nb\r\tc", "a\\nb\\r c"),
        ("\u{1B}[31mred", "\u{FFFD}[31mred"),
        ("a\r\nb", "a\\r\\nb"),
        ("a\u{2060}b\u{200B}c\u{202E}d", "a\u{FFFD}b\u{FFFD}c\u{FFFD}d"),
        ("a\u{85}b\u{2028}c", "a\u{FFFD}b\u{FFFD}c")
    ])
    func sanitizeKeepsOneVisibleLine(_ input: String, _ expected: String) {
        #expect(LogText.sanitize(input) == expected)
    }

    @Test(arguments: [
        ("##vso[task.setvariable variable=x]1", "#\u{266F}vso[task.setvariable variable=x]1"),
        ("x ##[error]y", "x #\u{266F}[error]y"),
        ("::error::boom", ":\u{2236}error::boom"),
        ("   ::error::x", "   :\u{2236}error::x"),
        ("\u{A0}\u{2003}\u{3000}\t::warning::x", "\u{A0}\u{2003}\u{3000}\t:\u{2236}warning::x"),
        ("a::b", "a::b"),
        ("###", "#\u{266F}\u{266F}")
    ])
    func neutralizedBreaksEveryCommand(_ input: String, _ expected: String) {
        #expect(LogText.neutralized(input) == expected)
        #expect(!AgentRules.isCommand(LogText.neutralized(input)))
    }

    @Test func noHostileTextMakesACommandAnywhereInAMessage() {
        let pieces = ["##vso[", "##[error]", "::error::", "#", ":", " ", "\u{A0}", "\u{2060}", "\u{200B}", "\n", "\r", "\n::", "x", "\u{3000}"]
        // Every pair and triple of pieces, as outside text at the start, middle and end of a line.
        var count = 0
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let outside = a + b + c
                    let messages: [LogMessage] = [
                        "\(outside)", "#\(outside)", ":\(outside):", "perfgate: \(outside)", .outside(outside), .block(outside), .report(outside)
                    ]
                    for message in messages {
                        for line in message.rendered(redactor: Redactor()).split(separator: "\n", omittingEmptySubsequences: false) {
                            #expect(!AgentRules.isCommand(String(line)), "\(outside.debugDescription) -> \(line.debugDescription)")
                            count += 1
                        }
                    }
                }
            }
        }
        #expect(count > 10_000)
    }

    @Test func onlyLiteralsAreOwnText() {
        let path = "a\n##vso[task.complete result=Failed]"
        let message: LogMessage = "perfgate: cannot read \(path): no such file"
        #expect(message.rendered(redactor: Redactor()) == "perfgate: cannot read a\\n#\u{266F}vso[task.complete result=Failed]: no such file")
        #expect(!message.isCommand)
    }

    @Test func xmlEscapingDropsWhatXMLCannotHold() {
        #expect(XMLText.escape("a<b>&\"'\u{01}\u{FFFE}c") == "a&lt;b&gt;&amp;&quot;&apos;c")
        #expect(XMLText.escape("a\nb\tc", attribute: true) == "a&#10;b&#9;c")
    }
}

@Suite struct RedactorTests {
    @Test func replacesEverySecretLongestFirst() {
        let redactor = Redactor(["s3cret-token", "s3cret", "ab"])
        #expect(redactor.redact("Authorization: Bearer s3cret-token; s3cret") == "Authorization: Bearer ***; ***")
        #expect(redactor.redact("ab stays") == "ab stays")  // too short to be a secret worth hiding
    }

    @Test func catchesEscapedForms() {
        let redactor = Redactor(["p&ss<word>"])
        #expect(redactor.redact("x p&amp;ss&lt;word&gt; y", escapedBy: { XMLText.escape($0) }) == "x *** y")
    }

    @Test func messagesAreRedactedBeforeEscaping() {
        let message: LogMessage = "got \("tok##en-1234")"
        #expect(message.rendered(redactor: Redactor(["tok##en-1234"])) == "got ***")
    }
}
