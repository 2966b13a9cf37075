/// Escaping for hand-written XML: every character XML 1.0 forbids is dropped, and in attributes
/// line breaks and tabs are kept as character references.
package enum XMLText {
    package static func escape(_ text: String, attribute: Bool = false) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&apos;"
            case "\n": output += attribute ? "&#10;" : "\n"
            case "\r": output += attribute ? "&#13;" : "\n"
            case "\t": output += attribute ? "&#9;" : "\t"
            default:
                let value = scalar.value
                // XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
                let allowed = (0x20...0xD7FF).contains(value) || (0xE000...0xFFFD).contains(value) || value >= 0x10000
                if allowed { output.unicodeScalars.append(scalar) }
            }
        }
        return output
    }
}
