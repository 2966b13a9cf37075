/// Makes untrusted text (ids, metric labels, server messages) safe to print in a CI log: one line,
/// no terminal escape sequences, and nothing a CI agent would read as a command.
public enum LogText {
    public static func sanitize(_ text: String) -> String {
        var output = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A: output.append(contentsOf: "\\n".unicodeScalars)
            case 0x0D: output.append(contentsOf: "\\r".unicodeScalars)
            case 0x09: output.append(" ")
            case 0..<0x20, 0x7F, 0x80..<0xA0, 0x2028, 0x2029: output.append("\u{FFFD}")
            case 0x23 where output.last == "#":
                // Azure Pipelines reads `##vso[` anywhere in a line (and `##[` as formatting): a word
                // joiner between two '#' breaks both, and shows the same. Scalars, not Characters, so
                // a combining mark cannot hide the pair.
                output.append("\u{2060}")
                output.append(scalar)
            default: output.append(scalar)
            }
        }
        // GitHub Actions reads `::name::` at the start of a line.
        if output.first == ":" && output.dropFirst().first == ":" { output.insert("\u{2060}", at: output.startIndex) }
        return String(output)
    }
}
