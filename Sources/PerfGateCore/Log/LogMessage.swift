/// Text for the CI log, which only `Log` writes.
///
/// A string literal is perfgate's own text; everything interpolated into it is outside text and
/// is escaped when the message is written: `"perfgate: cannot read \(path)"` is safe whatever
/// `path` holds. Literals are `StaticString`s, so a runtime string can only get in as outside text.
package struct LogMessage: Sendable, ExpressibleByStringInterpolation {
    enum Part: Sendable {
        /// perfgate's own words: only the line-level pass.
        case own(String)
        /// Outside text on one line: redacted, then `LogText.sanitize`d.
        case outside(String)
        /// Outside text of several lines (a parser's usage message): each line as `outside`.
        case block(String)
        /// A whole report from perfgate's renderers, whose outside text is escaped cell by cell:
        /// redacted, then every line neutralized.
        case report(String)
        /// A platform's logging command, whose variable parts the platform escaped for its own
        /// parser: written as it is.
        case command(String)
    }

    var parts: [Part]

    init(parts: [Part]) { self.parts = parts }

    package init(stringLiteral value: StaticString) { parts = [.own(value.description)] }

    package init(stringInterpolation: StringInterpolation) { parts = stringInterpolation.parts }

    package struct StringInterpolation: StringInterpolationProtocol {
        var parts: [Part] = []
        package init(literalCapacity: Int, interpolationCount: Int) {}
        package mutating func appendLiteral(_ literal: StaticString) { parts.append(.own(literal.description)) }
        /// Outside text, escaped when written.
        package mutating func appendInterpolation(_ value: some CustomStringConvertible) { parts.append(.outside(value.description)) }
        /// A message inside another keeps its own parts.
        package mutating func appendInterpolation(_ message: LogMessage) { parts += message.parts }
    }

    /// Outside text as a message of its own.
    package static func outside(_ text: String) -> LogMessage { LogMessage(parts: [.outside(text)]) }

    /// Outside text of several lines, line breaks kept (each line escaped).
    package static func block(_ text: String) -> LogMessage { LogMessage(parts: [.block(text)]) }

    /// A report rendered by perfgate (terminal summary, `--json -`), its cells already escaped.
    package static func report(_ text: String) -> LogMessage { LogMessage(parts: [.report(text)]) }

    /// A CI platform's logging command. Only the platforms build these, escaping every variable
    /// part with the platform's own escaping.
    package static func command(_ text: String) -> LogMessage { LogMessage(parts: [.command(text)]) }

    package static func + (left: LogMessage, right: LogMessage) -> LogMessage { LogMessage(parts: left.parts + right.parts) }

    /// Whether the message is a platform command (test helpers tell commands from text with it).
    package var isCommand: Bool { parts.contains { if case .command = $0 { return true } else { return false } } }

    /// The text as the log gets it: outside text redacted and escaped, and no line a command
    /// unless it is one of the platform's own.
    package func rendered(redactor: Redactor = .current) -> String {
        if isCommand { return parts.map(\.raw).joined() }
        var text = ""
        for part in parts {
            switch part {
            case .own(let own): text += own
            case .outside(let outside): text += LogText.sanitize(redactor.redact(outside))
            case .block(let block):
                text += redactor.redact(block).split(separator: "\n", omittingEmptySubsequences: false)
                    .map { LogText.sanitize(String($0)) }.joined(separator: "\n")
            case .report(let report): text += redactor.redact(report)
            case .command(let command): text += command
            }
        }
        return LogText.neutralizedLines(text)
    }

    /// The text without any escaping, for messages that also go into reports (which escape for themselves).
    package var plain: String { parts.map(\.raw).joined() }
}

extension LogMessage.Part {
    var raw: String {
        switch self {
        case .own(let text), .outside(let text), .block(let text), .report(let text), .command(let text): return text
        }
    }
}

extension LogMessage: CustomStringConvertible {
    /// As the log shows it.
    package var description: String { rendered() }
}
