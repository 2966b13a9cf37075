/// The placeholders of Keptn SLI queries, replaced the way Keptn's Prometheus and Dynatrace
/// services replace them: plain text replacement of every occurrence, filters first.
///
/// ```
/// $<filter key>, $<FILTER KEY>     slo.yaml `filter` values, quotes removed
/// $PROJECT $STAGE $SERVICE $DEPLOYMENT
///                                  --var NAME=..., else PERFGATE_NAME, else KEPTN_NAME
/// $LABEL.<key>                     --var LABEL.<key>=...
/// $DURATION_SECONDS                the window in whole seconds, rounded up, with "s": 30s
/// $<NAME>                          any other --var
/// ```
/// One fix on purpose: longer names are replaced first, so a filter `service` cannot cut into
/// `$service_name`.
package struct SLIPlaceholders: Sendable {
    package static let contextNames = RunContext.placeholderNames

    /// Placeholder (with its `$`) to value.
    package private(set) var values: [String: String] = [:]

    package init(filter: [String: String], variables: [String: String], environment: [String: String], window: Window?) {
        var values: [String: String] = [:]
        for (name, value) in variables where !name.isEmpty {
            values["$" + name] = value
        }
        if let window {
            values["$DURATION_SECONDS"] = "\(CheckedNumber.clamped((window.end - window.start).rounded(.up), to: 0...10_000_000_000))s"
        }
        for name in Self.contextNames {
            if let value = RunContext.value(name, variables: variables, environment: environment) { values["$" + name] = value }
        }
        // Filters come first in Keptn, so they win over the context names.
        for (key, value) in filter {
            let unquoted = value.replacingScalars(["'": "", "\"": ""])
            values["$" + key] = unquoted
            values["$" + key.uppercased()] = unquoted
        }
        self.values = values
    }

    /// The query with every known placeholder replaced.
    package func fill(_ query: String) -> String {
        var text = query
        for (placeholder, value) in values.sorted(by: { $0.key.count != $1.key.count ? $0.key.count > $1.key.count : $0.key < $1.key }) {
            text = text.replacing(placeholder, with: value)
        }
        return text
    }

    /// Placeholders still in a filled query: Keptn's own names are errors (the query cannot mean
    /// what it says), anything else that looks like one is a warning.
    package func unresolved(in filled: String) -> (errors: [String], others: [String]) {
        var errors: [String] = []
        var others: [String] = []
        let scalars = Array(filled.unicodeScalars)
        var index = 0
        while index < scalars.count {
            defer { index += 1 }
            guard scalars[index] == "$" else { continue }
            var end = index + 1
            while end < scalars.count, Self.isNamePart(scalars[end]) || scalars[end] == "." { end += 1 }
            guard end > index + 1, !("0"..."9").contains(scalars[index + 1]) else { continue }
            var name = String(String.UnicodeScalarView(scalars[index + 1..<end]))
            while name.hasSuffix(".") { name.removeLast() }
            let keptnName = Self.contextNames.contains(name) || name == "DURATION_SECONDS" || name.hasPrefix("LABEL.")
            if keptnName {
                if !errors.contains("$" + name) { errors.append("$" + name) }
            } else if !others.contains("$" + name) {
                others.append("$" + name)
            }
            index = end - 1
        }
        return (errors, others)
    }

    /// How to give a value for a placeholder that has none.
    package static func hint(for placeholder: String) -> String {
        let name = String(placeholder.dropFirst())
        if name == "DURATION_SECONDS" { return "give the load test's window (--start and --end, or 'perfgate mark')" }
        if contextNames.contains(name) {
            return "give --var \(name)=VALUE, set PERFGATE_\(name), or add '\(name.lowercased())' to the slo.yaml filter"
        }
        return "give --var \(name)=VALUE"
    }

    static func isNamePart(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }
}
