import Foundation
import PerfGateCore

/// The Pitometer reference cases: test data this project derived, kept in Tests/Conformance.
public enum Conformance {
    public static var directory: String { Fixtures.packageRoot + "/Tests/Conformance/pitometer" }

    public struct Case: Sendable, CustomStringConvertible {
        public var name: String
        public var node: Node
        public var description: String { name }
    }

    /// Every line of a `.jsonl` file; an unreadable file yields no cases (and the count tests fail).
    public static func cases(_ file: String) -> [Case] {
        guard let text = try? String(contentsOfFile: directory + "/" + file, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard let node = try? JSONParser.parse(String(line)) else { return nil }
            return Case(name: node["case"]?.stringValue ?? "?", node: node)
        }
    }
}
