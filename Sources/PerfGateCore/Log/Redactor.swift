/// Replaces every secret perfgate knows with `***` in outside text: server bodies and headers,
/// file excerpts, messages. Every piece of outside text passes through it before it is printed
/// (`LogMessage`) or written into a report or the history (`EvaluationResult.redacted`).
package struct Redactor: Sendable {
    /// Secrets shorter than this are not replaced: "1" or "a" would redact ordinary text, and a
    /// secret that short gives no protection anyway.
    package static let shortest = 4
    package static let mask = "***"

    /// Longest first, so a secret that contains another is replaced whole.
    package private(set) var secrets: [String] = []

    package init(_ secrets: [String] = []) { add(secrets) }

    package mutating func add(_ more: [String]) {
        for secret in more where secret.utf8.count >= Self.shortest && !secrets.contains(secret) { secrets.append(secret) }
        secrets.sort { $0.utf8.count > $1.utf8.count }
    }

    package var isEmpty: Bool { secrets.isEmpty }

    package func redact(_ text: String) -> String {
        guard !secrets.isEmpty, !text.isEmpty else { return text }
        var output = text
        for secret in secrets where output.contains(secret) { output = output.replacing(secret, with: Self.mask) }
        return output
    }

    /// `redact`, also catching each secret in the form `escape` writes it (XML, JSON, Markdown).
    package func redact(_ text: String, escapedBy escape: (String) -> String) -> String {
        var output = redact(text)
        for secret in secrets {
            let escaped = escape(secret)
            if escaped != secret, output.contains(escaped) { output = output.replacing(escaped, with: Self.mask) }
        }
        return output
    }

    /// The current run's redactor: the secrets it has read so far (see `Invocation`).
    package static var current: Redactor { Invocation.current.redactor }
}
