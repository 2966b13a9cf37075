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
    @discardableResult
    static func scan(_ text: String, _ replacement: (String) -> String?) -> String {
        let scalars = Array(text.unicodeScalars)
        var output = String.UnicodeScalarView()
        var index = 0
        func isStart(_ scalar: Unicode.Scalar) -> Bool { scalar == "_" || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) }
        func isPart(_ scalar: Unicode.Scalar) -> Bool { isStart(scalar) || ("0"..."9").contains(scalar) }
        while index < scalars.count {
            guard scalars[index] == "$", index + 1 < scalars.count else {
                output.append(scalars[index])
                index += 1
                continue
            }
            let braced = scalars[index + 1] == "{"
            let nameStart = index + (braced ? 2 : 1)
            var nameEnd = nameStart
            if nameEnd < scalars.count, isStart(scalars[nameEnd]) {
                while nameEnd < scalars.count, isPart(scalars[nameEnd]) { nameEnd += 1 }
            }
            let closed = !braced || (nameEnd < scalars.count && scalars[nameEnd] == "}")
            guard nameEnd > nameStart, closed else {
                output.append(scalars[index])
                index += 1
                continue
            }
            let name = String(String.UnicodeScalarView(scalars[nameStart..<nameEnd]))
            let end = braced ? nameEnd + 1 : nameEnd
            if let value = replacement(name) {
                output.append(contentsOf: value.unicodeScalars)
            } else {
                output.append(contentsOf: scalars[index..<end])
            }
            index = end
        }
        return String(output)
    }
}
