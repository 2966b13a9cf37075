/// Where in a spec a value lives, printed the way a person would look for it:
/// `indicators[2].grading.thresholds`.
package struct SpecPath: Sendable, Hashable, CustomStringConvertible {
    package enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    package var components: [Component]

    package init(_ components: [Component] = []) { self.components = components }

    package static let root = SpecPath()

    package func appending(_ key: String) -> SpecPath { SpecPath(components + [.key(key)]) }
    package func appending(_ index: Int) -> SpecPath { SpecPath(components + [.index(index)]) }

    package var description: String {
        var text = ""
        for component in components {
            switch component {
            case .index(let index): text += "[\(index)]"
            case .key(let key):
                let plain =
                    !key.isEmpty
                    && key.unicodeScalars.allSatisfy {
                        ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_"
                    }
                if plain {
                    text += text.isEmpty ? key : "." + key
                } else {
                    text += "[" + JSONWriter.quoted(key) + "]"
                }
            }
        }
        return text.isEmpty ? "(top level)" : text
    }
}

/// One problem found in a spec or its input, with where it is. The loader and the validators
/// collect all of them instead of stopping at the first.
package struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
    package enum Severity: String, Sendable, Comparable {
        case warning, error
        package static func < (lhs: Severity, rhs: Severity) -> Bool { lhs == .warning && rhs == .error }
    }

    package var severity: Severity
    package var path: SpecPath
    package var location: TextLocation?
    package var message: String

    package init(_ severity: Severity, at path: SpecPath, _ location: TextLocation? = nil, _ message: String) {
        self.severity = severity
        self.path = path
        self.location = location
        self.message = message
    }

    package static func error(_ path: SpecPath, _ location: TextLocation?, _ message: String) -> Diagnostic {
        Diagnostic(.error, at: path, location, message)
    }

    package static func warning(_ path: SpecPath, _ location: TextLocation?, _ message: String) -> Diagnostic {
        Diagnostic(.warning, at: path, location, message)
    }

    /// `error: indicators[2].grading: missing 'metricScore'`
    package var description: String { "\(severity.rawValue): \(path): \(message)" }

    /// `spec.json:12:7: error: indicators[2].grading: missing 'metricScore'`, the compiler style that
    /// editors and CI problem matchers understand.
    package func formatted(file: String) -> String {
        if let location { return "\(file):\(location.line):\(location.column): \(description)" }
        return "\(file): \(description)"
    }
}

extension Array where Element == Diagnostic {
    package var hasErrors: Bool { contains { $0.severity == .error } }
}
