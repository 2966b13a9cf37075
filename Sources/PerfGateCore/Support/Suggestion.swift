/// "Did you mean …?" for misspelt keys and names.
package enum Suggestion {
    /// The candidate closest to `input` (ignoring case and surrounding spaces), if it is close enough
    /// to be a plausible typo.
    package static func closest(to input: String, in candidates: [String]) -> String? {
        let needle = input.trimmingSpaces().lowercased()
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(Array(needle.unicodeScalars), Array(candidate.lowercased().unicodeScalars))
            if best == nil || distance < best!.distance { best = (candidate, distance) }
        }
        guard let best else { return nil }
        let allowed = max(2, best.candidate.count / 3)
        return best.distance <= allowed ? best.candidate : nil
    }

    /// " (did you mean 'x'?)" or "".
    package static func hint(for input: String, in candidates: [String]) -> String {
        closest(to: input, in: candidates).map { " (did you mean '\($0)'?)" } ?? ""
    }

    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    package func trimmingSpaces() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }
}

extension String {
    /// The string with each listed Unicode scalar replaced. Escaping must work on scalars, not on
    /// Characters: "\r\n" is one Character in Swift, so `replacing("\n", …)` would miss it.
    package func replacingScalars(_ replacements: [Unicode.Scalar: String]) -> String {
        var output = String.UnicodeScalarView()
        for scalar in unicodeScalars {
            if let replacement = replacements[scalar] {
                output.append(contentsOf: replacement.unicodeScalars)
            } else {
                output.append(scalar)
            }
        }
        return String(output)
    }
}
