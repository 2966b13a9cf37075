/// Writes a `Node` as JSON text, formatting numbers the way JavaScript does (`90`, `22.5`), so
/// results read the same as Pitometer's. Non-finite numbers become `null`: JSON has no NaN.
public enum JSONWriter {
    public static func write(_ node: Node, pretty: Bool = false) -> String {
        var output = ""
        write(node, into: &output, pretty: pretty, indent: 0)
        return output
    }

    static func write(_ node: Node, into output: inout String, pretty: Bool, indent: Int) {
        switch node.value {
        case .null: output += "null"
        case .bool(let bool): output += bool ? "true" : "false"
        // JSON has no infinities: they are written as Prometheus writes them, the strings "+Inf"
        // and "-Inf" (a value of null would read as "not measured"). NaN is null.
        case .number(let number): output += number.isFinite ? format(number) : number.isNaN ? "null" : number > 0 ? "\"+Inf\"" : "\"-Inf\""
        case .string(let string): appendQuoted(string, into: &output)
        case .array(let items):
            if items.isEmpty {
                output += "[]"
                return
            }
            output += "["
            for (offset, item) in items.enumerated() {
                if offset > 0 { output += "," }
                newline(into: &output, pretty: pretty, indent: indent + 1)
                write(item, into: &output, pretty: pretty, indent: indent + 1)
            }
            newline(into: &output, pretty: pretty, indent: indent)
            output += "]"
        case .object(let members):
            if members.isEmpty {
                output += "{}"
                return
            }
            output += "{"
            for (offset, member) in members.enumerated() {
                if offset > 0 { output += "," }
                newline(into: &output, pretty: pretty, indent: indent + 1)
                appendQuoted(member.key, into: &output)
                output += pretty ? ": " : ":"
                write(member.value, into: &output, pretty: pretty, indent: indent + 1)
            }
            newline(into: &output, pretty: pretty, indent: indent)
            output += "}"
        }
    }

    static func newline(into output: inout String, pretty: Bool, indent: Int) {
        guard pretty else { return }
        output += "\n"
        output += String(repeating: "  ", count: indent)
    }

    /// A number as JavaScript prints it: integers without a fraction, others in shortest round-trip form.
    public static func format(_ number: Double) -> String {
        if number == 0 { return "0" }  // also -0, as JSON.stringify does
        if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
        return number.description
    }

    public static func quoted(_ string: String) -> String {
        var output = ""
        appendQuoted(string, into: &output)
        return output
    }

    static func appendQuoted(_ string: String, into output: inout String) {
        output += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            // "##" is written "#\u0023": the same string to a JSON reader, but never an Azure
            // Pipelines logging command (`##vso[`) when the JSON is printed to a build log.
            case "#" where output.unicodeScalars.last == "#": output += "\\u0023"
            case "\u{2028}": output += "\\u2028"
            case "\u{2029}": output += "\\u2029"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }
}
