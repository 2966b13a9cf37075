/// A Keptn `sli.yaml`: one provider-specific query per SLI name.
package struct SLIDefinitions: Sendable, Equatable {
    package struct Definition: Sendable, Equatable {
        package var name: String
        package var query: String
        package var location: TextLocation?
        package init(name: String, query: String, location: TextLocation? = nil) {
            self.name = name
            self.query = query
            self.location = location
        }
    }

    package var specVersion: String?
    /// In the file's order.
    package var indicators: [Definition]

    package init(specVersion: String? = "1.0", indicators: [Definition]) {
        self.specVersion = specVersion
        self.indicators = indicators
    }

    package func query(for name: String) -> Definition? {
        indicators.first { $0.name == name }
    }
}

/// Reads `sli.yaml`, reporting every problem with its path and line.
package enum SLIDefinitionsDecoder {
    package struct Outcome: Sendable {
        package var definitions: SLIDefinitions?
        package var diagnostics: [Diagnostic]
    }

    package static func decode(_ root: Node) -> Outcome {
        var diagnostics: [Diagnostic] = []
        guard let top = MemberReader(root, at: .root, known: ["spec_version", "indicators"], into: &diagnostics) else {
            return Outcome(definitions: nil, diagnostics: diagnostics)
        }
        guard let indicators = top.required("indicators", "a map of SLI names to queries", into: &diagnostics) else {
            return Outcome(definitions: nil, diagnostics: diagnostics)
        }
        guard let members = indicators.members else {
            diagnostics.append(
                .error(
                    top.path.appending("indicators"), indicators.location,
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
