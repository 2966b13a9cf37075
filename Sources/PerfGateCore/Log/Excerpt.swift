/// A short, redacted quote of outside content (a server's body, a field of a result file) for an
/// error message. Redacted before it is cut, so a secret on the cut is still hidden whole.
package enum Excerpt {
    /// The text redacted and cut to `limit` characters (with `…`), unquoted.
    package static func of(_ text: String, limit: Int = 80) -> String {
        let redacted = Redactor.current.redact(text)
        guard redacted.count > limit else { return redacted }
        return String(redacted.prefix(limit)) + "…"
    }

    /// `of`, as a JSON string literal, so what is quoted is unambiguous.
    package static func quoted(_ text: String, limit: Int = 80) -> String {
        JSONWriter.quoted(of(text, limit: limit))
    }

    /// A few items of a list (column names, metrics), each an excerpt, with how many are left out.
    package static func list(_ items: [String], limit: Int = 12) -> String {
        let shown = items.prefix(limit).map { of($0, limit: 40) }.joined(separator: ", ")
        return items.count > limit ? shown + ", and \(items.count - limit) more" : shown
    }
}
