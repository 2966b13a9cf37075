/// A Keptn `sli.yaml`: one provider-specific query per SLI name.
public struct SLIDefinitions: Sendable, Equatable {
    public struct Definition: Sendable, Equatable {
        public var name: String
        public var query: String
        public var location: TextLocation?
        public init(name: String, query: String, location: TextLocation? = nil) {
            self.name = name
            self.query = query
            self.location = location
        }
    }

    public var specVersion: String?
    /// In the file's order.
    public var indicators: [Definition]

    public init(specVersion: String? = "1.0", indicators: [Definition]) {
        self.specVersion = specVersion
        self.indicators = indicators
    }

    public func query(for name: String) -> Definition? {
        indicators.first { $0.name == name }
    }
}

/// Reads `sli.yaml`, reporting every problem with its path and line.
public enum SLIDefinitionsDecoder {
    public struct Outcome: Sendable {
        public var definitions: SLIDefinitions?
        public var diagnostics: [Diagnostic]
    }

    public static func decode(_ root: Node) -> Outcome {
        var diagnostics: [Diagnostic] = []
        guard let top = MemberReader(root, at: .root, known: ["spec_version", "indicators"], into: &diagnostics) else {
            return Outcome(definitions: nil, diagnostics: diagnostics)
        }
        guard let indicators = top.required("indicators", "a map of SLI names to queries", into: &diagnostics) else {
            return Outcome(definitions: nil, diagnostics: diagnostics)
        }
        guard let members = indicators.members else {
            diagnostics.append(.error(top.path.appending("indicators"), indicators.location,
                "'indicators' must map SLI names to queries, found \(indicators.typeName)"))
            return Outcome(definitions: nil, diagnostics: diagnostics)
        }
        var definitions: [SLIDefinitions.Definition] = []
        for member in members {
            let path = SpecPath.root.appending("indicators").appending(member.key)
            if definitions.contains(where: { $0.name == member.key }) {
                diagnostics.append(.error(path, member.keyLocation, "duplicate SLI '\(member.key)'"))
                continue
            }
            guard case .string(let query) = member.value.value else {
                diagnostics.append(.error(path, member.value.location, "the query must be a string, found \(member.value.typeName)"))
                continue
            }
            if query.trimmingSpaces().isEmpty { diagnostics.append(.error(path, member.value.location, "the query is empty")) }
            definitions.append(.init(name: member.key, query: query, location: member.value.location))
        }
        guard !diagnostics.hasErrors else { return Outcome(definitions: nil, diagnostics: diagnostics) }
        let version: String?
        switch top["spec_version"]?.value {
        case .string(let text): version = text
        case .number(let number): version = JSONWriter.format(number)
        default: version = nil
        }
        return Outcome(definitions: SLIDefinitions(specVersion: version, indicators: definitions), diagnostics: diagnostics)
    }
}
