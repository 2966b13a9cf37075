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
            default: output.append(scalar)
            }
        }
        var safe = String(output)
        // Azure Pipelines reads `##vso[` anywhere in a line, and `##[` as formatting.
        safe = safe.replacing("##vso[", with: "#\u{2060}#vso[").replacing("##[", with: "#\u{2060}#[")
        // GitHub Actions reads `::name::` at the start of a line.
        if safe.hasPrefix("::") { safe = "\u{2060}" + safe }
        return safe
    }
}
