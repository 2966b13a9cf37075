/// The escaping behind the one path to the CI log (`Log`): what makes outside text (paths, ids,
/// labels, server messages, file excerpts) safe to print, and what makes a whole line unable to act
/// as a CI command.
///
/// What the real agents act on (microsoft/azure-pipelines-agent `src/Microsoft.VisualStudio.Services.Agent/Command.cs`,
/// `TryParse`; actions/runner `src/Runner.Common/ActionCommand.cs`, `TryParseV2` and the legacy `TryParse`):
/// - Azure Pipelines: `##vso[` anywhere in a line, on stdout and stderr alike;
/// - GitHub Actions: `::` at the start of a line after .NET's `TrimStart()` (any Unicode white
///   space), and the legacy `##[` anywhere in a line.
/// Both find the prefix with .NET's culture-sensitive `IndexOf`/`StartsWith`, which skip ignorable
/// characters such as U+2060 or U+200B. So a pair is broken with a visible character of its own
/// (never an invisible joiner), and ignorable characters in outside text are made visible.
package enum LogText {
    /// `#` as the second of a pair: a different character under any comparison, and still reads as a hash.
    static let hashBreaker: Unicode.Scalar = "\u{266F}"
    /// `:` as the second of a leading pair: RATIO, which reads as a colon.
    static let colonBreaker: Unicode.Scalar = "\u{2236}"

    /// Outside text as one piece of a line: line breaks shown as `\n` and `\r`, tabs as a space,
    /// control, bidirectional and invisible characters as U+FFFD. Whole lines get `neutralized` too.
    package static func sanitize(_ text: String) -> String {
        var output = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A: output.append(contentsOf: "\\n".unicodeScalars)
            case 0x0D: output.append(contentsOf: "\\r".unicodeScalars)
            case 0x09: output.append(" ")
            case 0..<0x20, 0x7F, 0x80..<0xA0, 0x2028, 0x2029: output.append("\u{FFFD}")
            default: output.append(isIgnorable(scalar) ? "\u{FFFD}" : scalar)
            }
        }
        return String(output)
    }

    /// Outside text as one piece of a line that acts as no command even where it is read without
    /// the line-level pass (report files, command data): `sanitize`, then `neutralized`.
    package static func inert(_ text: String) -> String { neutralized(sanitize(text)) }

    /// One line made unable to act as a command on any agent: every `##` is broken (Azure's
    /// `##vso[` and GitHub's legacy `##[`), and a `::` that starts the line after white space is
    /// broken (GitHub's workflow commands). A line break inside starts a new line for this rule
    /// too (both agents read lines with .NET's `ReadLine`, which ends a line at CR as well as LF).
    package static func neutralized(_ line: String) -> String {
        var output = String.UnicodeScalarView()
        var state = 0  // 0: only white space so far; 1: then one ':'; 2: past the start
        var previous: Unicode.Scalar?
        for scalar in line.unicodeScalars {
            var next = scalar
            if scalar == "\n" || scalar == "\r" {
                output.append(scalar)
                state = 0
                previous = scalar
                continue
            }
            if scalar == "#" && previous == "#" { next = hashBreaker }
            let blank = isWhiteSpace(scalar) || isIgnorable(scalar)
            switch state {
            case 0: if scalar == ":" { state = 1 } else if !blank { state = 2 }
            case 1:
                if scalar == ":" {
                    next = colonBreaker
                    state = 2
                } else if !blank {
                    state = 2
                }
            default: break
            }
            output.append(next)
            if !isIgnorable(scalar) { previous = scalar }
        }
        return String(output)
    }

    /// Every line of a multi-line text `neutralized`, line breaks kept; the text itself when no
    /// line needs it (a large report is not copied).
    package static func neutralizedLines(_ text: String) -> String {
        mayHoldCommands(text) ? neutralized(text) : text
    }

    /// False when no line can be a command: no `##` anywhere, and no `::` after a line's leading
    /// white space (any non-ASCII byte there counts as possible white space). One pass over the
    /// bytes, so a large report that needs nothing is not copied.
    static func mayHoldCommands(_ text: String) -> Bool {
        // Non-ASCII bytes are skipped when looking for a pair: an ignorable character between
        // two '#' or two ':' does not part them for the agents.
        var lastASCII: UInt8 = 0
        var colonsAtStart = 0
        var atStart = true  // only white space, non-ASCII and ':' since the line began
        for byte in text.utf8 {
            if byte >= 0x80 { continue }
            if byte == UInt8(ascii: "#") && lastASCII == UInt8(ascii: "#") { return true }
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                atStart = true
                colonsAtStart = 0
            } else if atStart {
                if byte == UInt8(ascii: ":") {
                    colonsAtStart += 1
                    if colonsAtStart == 2 { return true }
                } else if !(byte == 0x20 || (0x09...0x0D).contains(byte)) {
                    atStart = false
                }
            }
            lastASCII = byte
        }
        return false
    }

    /// What .NET's `char.IsWhiteSpace` (and so the GitHub runner's `TrimStart()`) counts as white space.
    package static func isWhiteSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    /// Unicode's default-ignorable code points (and the bidirectional controls): invisible, and
    /// skipped by culture-sensitive comparisons.
    package static func isIgnorable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0xAD, 0x34F, 0x61C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180B...0x180F, 0x200B...0x200F, 0x202A...0x202E,
            0x2060...0x206F, 0x3164, 0xFE00...0xFE0F, 0xFEFF, 0xFFA0, 0xFFF0...0xFFF8, 0x1BCA0...0x1BCA3,
            0x1D173...0x1D17A, 0xE0000...0xE0FFF:
            return true
        default: return false
        }
    }
}
