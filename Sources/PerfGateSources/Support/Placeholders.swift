import PerfGateCore

/// `$NAME` and `${NAME}` placeholders in queries.
///
/// ```
/// placeholder = "$" name | "${" name "}"
/// name        = ( ALPHA | "_" ) *( ALPHA | DIGIT | "_" )
/// ```
/// Anything else after `$` (PromQL's `$1` in label_replace, a regex's `foo$"`) is left alone.
package enum Placeholders {
    /// Filled from the window; every other name comes from `--var` or the spec's `variables`.
    package static let windowNames = ["DURATION", "DURATION_SECONDS", "DURATION_MINUTES", "START", "END"]

    /// The names used in `text`, in order, each once.
    package static func names(in text: String) -> [String] {
        var names: [String] = []
        scan(text) { name in
            if !names.contains(name) { names.append(name) }
            return nil
        }
        return names
    }

    /// Problems with the placeholders in a query string: names with no value, and window names
    /// when there will be no window.
    package static func diagnostics(_ text: String, at path: SpecPath, location: TextLocation?, context: ValidationContext) -> [Diagnostic] {
        names(in: text).compactMap { name in
            if windowNames.contains(name) {
                guard context.hasWindow == false else { return nil }
                return .error(path, location, "$\(name) needs the load test's window: give --start (and --end)")
            }
            guard !context.variables.contains(name) else { return nil }
            return .error(path, location, "unknown placeholder $\(name): define it with --var \(name)=VALUE or in the spec's 'variables'")
        }
    }

    /// The text with every placeholder replaced. Throws for a name without a value.
    /// `encode` writes each value as the text around it needs (percent-encoded in a URL).
    package static func fill(
        _ text: String, variables: [String: String], window: Window?, encode: (String) -> String = { $0 }
    ) throws(SourceError) -> String {
        guard text.utf8.contains(UInt8(ascii: "$")) else { return text }
        let values = values(variables, window: window)
        var missing: String?
        let filled = scan(text) { name in
            if let value = values[name] { return encode(value) }
            missing = missing ?? name
            return nil
        }
        if let missing {
            let hint = windowNames.contains(missing) ? "give --start (and --end)" : "define it with --var \(missing)=VALUE"
            throw SourceError("the query uses $\(missing), which has no value: \(hint)")
        }
        return filled
    }

    /// Every placeholder's value: the variables, and the window's names when there is a window.
    package static func values(_ variables: [String: String], window: Window?) -> [String: String] {
        var values = variables
        if let window {
            let seconds = CheckedNumber.clamped(window.duration.rounded(), to: 0...10_000_000_000)
            values["DURATION"] = "\(seconds)s"
            values["DURATION_SECONDS"] = "\(seconds)s"
            values["DURATION_MINUTES"] = "\(max(1, (seconds + 59) / 60))m"
            values["START"] = JSONWriter.format(window.start)
            values["END"] = JSONWriter.format(window.end)
        }
        return values
    }

    /// Walks the placeholders, replacing each with what `replacement` returns (nil keeps it).
    /// Over UTF-8 bytes: every byte of the syntax is ASCII, and no byte of a multi-byte character is.
    @discardableResult
    static func scan(_ text: String, _ replacement: (String) -> String?) -> String {
        let dollar = UInt8(ascii: "$")
        guard text.utf8.contains(dollar) else { return text }
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        func isStart(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: "_") || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
        }
        func isPart(_ byte: UInt8) -> Bool { isStart(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        while index < bytes.count {
            guard bytes[index] == dollar, index + 1 < bytes.count else {
                output.append(bytes[index])
                index += 1
                continue
            }
            let braced = bytes[index + 1] == UInt8(ascii: "{")
            let nameStart = index + (braced ? 2 : 1)
            var nameEnd = nameStart
            if nameEnd < bytes.count, isStart(bytes[nameEnd]) {
                while nameEnd < bytes.count, isPart(bytes[nameEnd]) { nameEnd += 1 }
            }
            let closed = !braced || (nameEnd < bytes.count && bytes[nameEnd] == UInt8(ascii: "}"))
            guard nameEnd > nameStart, closed else {
                output.append(bytes[index])
                index += 1
                continue
            }
            let name = String(decoding: bytes[nameStart..<nameEnd], as: UTF8.self)
            let end = braced ? nameEnd + 1 : nameEnd
            if let value = replacement(name) {
                output.append(contentsOf: value.utf8)
            } else {
                output.append(contentsOf: bytes[index..<end])
            }
            index = end
        }
        return String(decoding: output, as: UTF8.self)
    }
}
