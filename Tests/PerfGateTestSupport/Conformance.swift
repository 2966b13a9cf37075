import Foundation
import PerfGateCore
import Testing

/// The Pitometer reference cases: test data this project derived, kept in Tests/Conformance.
package enum Conformance {
    package static var directory: String { Fixtures.packageRoot + "/Tests/Conformance/pitometer" }

    package struct Case: Sendable, CustomStringConvertible {
        package var name: String
        package var node: Node
        package var description: String { name }
    }

    /// Every line of a `.jsonl` file; an unreadable file yields no cases (and the count tests fail).
    package static func cases(_ file: String) -> [Case] {
        guard let text = try? String(contentsOfFile: directory + "/" + file, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard let node = try? JSONParser.parse(String(line)) else { return nil }
            return Case(name: node["case"]?.stringValue ?? "?", node: node)
        }
    }

    /// The Pitometer fields of each indicator result: id, violations, score.
    package static func pitometerFields(_ result: Node) -> [Node] {
        (result["indicatorResults"]?.items ?? []).map { indicator in
            .object([("id", indicator["id"]!), ("violations", indicator["violations"]!), ("score", indicator["score"]!)])
        }
    }

    /// A result JSON (as the report writes it) and exit code against a reference result.
    package static func expectMatches(_ result: Node?, _ expected: Node, status: Int32, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let result else {
            Issue.record("no result", sourceLocation: sourceLocation)
            return
        }
        #expect(result["totalScore"] == expected["totalScore"], sourceLocation: sourceLocation)
        #expect(result["result"] == expected["result"], sourceLocation: sourceLocation)
        #expect(Node.array(pitometerFields(result)) == expected["indicatorResults"]!, sourceLocation: sourceLocation)
        #expect(status == (expected["result"]?.stringValue == "fail" ? 1 : 0), sourceLocation: sourceLocation)
    }
}
