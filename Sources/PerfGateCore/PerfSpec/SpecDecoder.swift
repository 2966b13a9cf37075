/// Turns a document tree into a `PerfSpec`, collecting every problem with its path and line.
///
/// Where Pitometer silently dropped, overwrote or crashed (unknown source, unknown grading type,
/// duplicate id, missing objectives or thresholds or metricScore, warning above pass), this reports
/// an error before any source is queried.
package struct SpecDecoder {
    /// The sources a spec may name, by canonical name.
    package var sources: [String: any MetricSource]

    /// Variables from outside the spec (`--var`) and whether a window will be set.
    package var context: ValidationContext

    package init(sources: [any MetricSource], context: ValidationContext = ValidationContext()) {
        self.sources = Dictionary(sources.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.context = context
    }

    package struct Outcome: Sendable {
        /// nil when errors left nothing to evaluate.
        package var spec: PerfSpec?
        package var diagnostics: [Diagnostic]
        package var hasErrors: Bool { diagnostics.hasErrors }
    }

    static let topLevelKeys = ["spec_version", "indicators", "objectives", "sources", "variables", "comparison", "scoring", "options"]
    static let indicatorKeys = ["id", "source", "query", "baseline", "grading", "metadata", "dryRun", "group"]
    static let gradingKeys = ["type", "thresholds", "metricScore", "ignoreEmpty", "metadata"]
    /// Grader 1.1.0's relative thresholds, in percent of the compared value (`--history`).
    static let relativeThresholdKeys = Thresholds.keys.map { $0 + "Perc" }

    package func decode(_ root: Node) -> Outcome {
        let outcome = decodeUnsorted(root)
        return Outcome(spec: outcome.spec, diagnostics: Self.inFileOrder(outcome.diagnostics))
    }

    /// Diagnostics sorted by line and column (those without a position last), ties in the order found.
    static func inFileOrder(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        diagnostics.enumerated().sorted { lhs, rhs in
            let left = lhs.element.location.map { ($0.line, $0.column) } ?? (Int.max, Int.max)
            let right = rhs.element.location.map { ($0.line, $0.column) } ?? (Int.max, Int.max)
            return left != right ? left < right : lhs.offset < rhs.offset
        }.map(\.element)
    }

    func decodeUnsorted(_ root: Node) -> Outcome {
        var diagnostics: [Diagnostic] = []
        guard let top = MemberReader(root, at: .root, known: Self.topLevelKeys, into: &diagnostics) else {
            return Outcome(spec: nil, diagnostics: diagnostics)
        }
        var specVersion: String?
        if let version = top["spec_version"] {
            switch version.value {
            case .string(let text): specVersion = text
            case .number(let number): specVersion = JSONWriter.format(number)
            default:
                diagnostics.append(
                    .warning(SpecPath.root.appending("spec_version"), version.location, "'spec_version' should be a string such as \"1.0\""))
            }
        }
        let objectives = decodeObjectives(top, into: &diagnostics)
        let variables = decodeVariables(top["variables"], into: &diagnostics)
        var queryContext = context
        queryContext.variables.formUnion(variables.keys)
        let indicators = decodeIndicators(top, queryContext: queryContext, into: &diagnostics)
        if let sources = top["sources"], sources.members == nil {
            diagnostics.append(
                .error(
                    SpecPath.root.appending("sources"), sources.location,
                    "'sources' must be an object of per-source settings, found \(sources.typeName)"))
        }
        let comparison = SLOSpecDecoder.decodeComparison(top["comparison"], into: &diagnostics)
        let groupWeights = decodeScoring(top["scoring"], indicators: indicators ?? [], into: &diagnostics)
        if let options = top["options"] {
            // Read by the command (an analysis over intervals); only their names are checked here.
            _ = MemberReader(
                options, at: SpecPath.root.appending("options"), known: ["interval", "lifetime", "lookback", "failureLimit", "consecutiveErrorLimit"],
                into: &diagnostics)
        }
        guard let objectives, let indicators, !diagnostics.hasErrors else {
            return Outcome(spec: nil, diagnostics: diagnostics)
        }
        var spec = PerfSpec(
            specVersion: specVersion, indicators: indicators, objectives: objectives, sources: top["sources"],
            variables: variables)
        spec.comparison = comparison
        spec.groupWeights = groupWeights
        return Outcome(spec: spec, diagnostics: diagnostics)
    }

    /// `scoring: {groupWeights: {NAME: WEIGHT}}`: Kayenta's group scores. Every counted indicator
    /// then names its group; weights are percentages, those left out share what the others leave.
    func decodeScoring(_ node: Node?, indicators: [Indicator], into diagnostics: inout [Diagnostic]) -> [String: Double]? {
        guard let node else { return nil }
        let path = SpecPath.root.appending("scoring")
        guard let reader = MemberReader(node, at: path, known: ["groupWeights"], into: &diagnostics) else { return nil }
        guard
            let weightsNode = reader.required(
                "groupWeights", "each group's weight in percent, e.g. {\"latency\": 60, \"errors\": 40}", into: &diagnostics)
        else { return nil }
        guard let members = weightsNode.members else {
            diagnostics.append(
                .error(path.appending("groupWeights"), weightsNode.location, "'groupWeights' must map group names to weights, e.g. {\"latency\": 60}")
            )
            return nil
        }
        var weights: [String: Double] = [:]
        for member in members {
            let (name, value) = (member.key, member.value)
            guard let weight = value.numberValue, weight.isFinite, weight >= 0 else {
                diagnostics.append(
                    .error(
                        path.appending("groupWeights").appending(name), value.location,
                        "a group's weight must be a number from 0 (percent), found \(value.typeName)"))
                continue
            }
            weights[name] = weight
        }
        let total = weights.values.reduce(0, +)
        if total > 100 {
            diagnostics.append(
                .warning(
                    path.appending("groupWeights"), weightsNode.location,
                    "the weights add up to \(NumberText.format(total)), more than 100: Kayenta does not scale them, so the score can pass 100"))
        }
        let groups = Set(indicators.compactMap(\.group))
        for name in weights.keys.sorted() where !groups.contains(name) {
            diagnostics.append(
                .warning(
                    path.appending("groupWeights").appending(name), members.first { $0.key == name }?.value.location,
                    "no indicator is in group '\(name)'\(Suggestion.hint(for: name, in: Array(groups)))"))
        }
        for indicator in indicators where indicator.group == nil && !indicator.dryRun {
            diagnostics.append(
                .error(
                    indicator.path.appending("group"), nil,
                    "'\(indicator.id)' has no group; with scoring.groupWeights every counted indicator names one (\"group\": \"latency\")"))
        }
        return weights
    }

    func decodeObjectives(_ top: MemberReader, into diagnostics: inout [Diagnostic]) -> Objectives? {
        guard
            let node = top.required(
                "objectives", "the total scores needed for pass and warning, e.g. {\"pass\": 90, \"warning\": 75}", into: &diagnostics)
        else {
            return nil
        }
        let path = SpecPath.root.appending("objectives")
        guard let reader = MemberReader(node, at: path, known: ["pass", "warning"], into: &diagnostics) else { return nil }
        let pass = reader.number("pass", required: true, "the total score needed to pass", into: &diagnostics)
        let warning = reader.number("warning", required: true, "the total score needed for a warning", into: &diagnostics)
        guard let pass, let warning else { return nil }
        if warning > pass {
            diagnostics.append(
                .error(
                    path.appending("warning"), node["warning"]?.location,
                    "objectives.warning (\(JSONWriter.format(warning))) is above objectives.pass (\(JSONWriter.format(pass))): a score could pass without reaching warning"
                ))
        }
        return Objectives(pass: pass, warning: warning)
    }

    func decodeVariables(_ node: Node?, into diagnostics: inout [Diagnostic]) -> [String: String] {
        guard let node else { return [:] }
        let path = SpecPath.root.appending("variables")
        guard let members = node.members else {
            diagnostics.append(.error(path, node.location, "'variables' must be an object of names to values, found \(node.typeName)"))
            return [:]
        }
        var variables: [String: String] = [:]
        for member in members {
            switch member.value.value {
            case .string(let text): variables[member.key] = text
            case .number(let number): variables[member.key] = JSONWriter.format(number)
            case .bool(let bool): variables[member.key] = bool ? "true" : "false"
            default:
                diagnostics.append(
                    .error(
                        path.appending(member.key), member.value.location,
                        "a variable's value must be a string or a number, found \(member.value.typeName)"))
            }
        }
        return variables
    }

    func decodeIndicators(_ top: MemberReader, queryContext: ValidationContext, into diagnostics: inout [Diagnostic]) -> [Indicator]? {
        guard let node = top.required("indicators", "the list of indicators to grade", into: &diagnostics) else { return nil }
        let path = SpecPath.root.appending("indicators")
        guard let items = node.items else {
            diagnostics.append(.error(path, node.location, "'indicators' must be a list, found \(node.typeName)"))
            return nil
        }
        if items.isEmpty {
            diagnostics.append(.warning(path, node.location, "the spec has no indicators: the total score is always 0"))
        }
        var indicators: [Indicator] = []
        var firstIndexOfId: [String: Int] = [:]
        for (index, item) in items.enumerated() {
            let itemPath = path.appending(index)
            // Checked on the raw id, so a duplicate is reported even when either indicator has other errors.
            if let id = item["id"].flatMap(Self.idText) {
                if let first = firstIndexOfId[id] {
                    diagnostics.append(
                        .error(
                            itemPath.appending("id"), item["id"]?.location,
                            "duplicate indicator id '\(id)' (also indicators[\(first)]); ids must be unique"))
                } else {
                    firstIndexOfId[id] = index
                }
            }
            if let indicator = decodeIndicator(item, at: itemPath, queryContext: queryContext, into: &diagnostics) {
                indicators.append(indicator)
            }
        }
        return indicators
    }

    func decodeIndicator(_ node: Node, at path: SpecPath, queryContext: ValidationContext, into diagnostics: inout [Diagnostic]) -> Indicator? {
        // `output` appears in published samples but was never read by any Pitometer code.
        guard let reader = MemberReader(node, at: path, known: Self.indicatorKeys, ignored: ["output"], into: &diagnostics) else {
            return nil
        }
        let id = decodeId(reader, into: &diagnostics)
        let source = decodeSource(reader, into: &diagnostics)
        let query = reader.required("query", "what to ask the source", into: &diagnostics)
        var grading = reader.required("grading", "how to grade the values", into: &diagnostics)
            .flatMap { decodeGrading($0, at: path.appending("grading"), into: &diagnostics) }
        if let thresholds = reader["grading"]?["thresholds"] { grading?.noLimitReason = Self.noLimitReason(thresholds) }
        let isCanary = grading?.canary != nil || reader["grading"]?["type"]?.stringValue?.lowercased() == "canary"
        var baselineNode = reader["baseline"]
        var parsedQuery: SourceQuery?
        var parsedBaseline: SourceQuery?
        if isCanary {
            baselineNode = reader.required("baseline", "the baseline's query, the same kind as 'query' (the canary's)", into: &diagnostics)
            if let source, !(source is any SampleSource) {
                diagnostics.append(
                    .error(
                        path.appending("source"), reader["source"]?.location,
                        "the \(source.name) source has no samples to compare; a Canary indicator needs one of \(samplingSources)"))
            }
            if let sampled = source as? any SampleSource {
                for (key, node) in [("query", query), ("baseline", baselineNode)] {
                    guard let node else { continue }
                    let parsed = sampled.parseSamples(erasing: node, at: path.appending(key), context: queryContext)
                    diagnostics += parsed.diagnostics
                    if key == "query" { parsedQuery = parsed.query } else { parsedBaseline = parsed.query }
                }
            }
        } else {
            if let node = baselineNode {
                diagnostics.append(
                    .error(path.appending("baseline"), node.location, "'baseline' is for a Canary grading; this indicator is graded by thresholds"))
            }
            if let source, let query {
                let parsed = source.parse(erasing: query, at: path.appending("query"), context: queryContext)
                diagnostics += parsed.diagnostics
                parsedQuery = parsed.query
            }
        }
        // Only when no key of the thresholds is a limit with a value: a limit with a bad value has
        // its own error; a null one is dropped with a warning, and leaves no limit.
        let limitsWritten = (reader["grading"]?["thresholds"]?.members ?? []).contains {
            (Thresholds.keys + Self.relativeThresholdKeys).contains($0.key) && !$0.value.isNull
        }
        if let id, let grading, !limitsWritten {
            diagnostics += Self.neverFails(
                id: id, grading: grading, at: path.appending("grading").appending("thresholds"), location: reader["grading"]?["thresholds"]?.location)
        }
        let dryRun = reader.bool("dryRun", into: &diagnostics) ?? false
        var group: String?
        if let node = reader["group"] {
            if let text = node.stringValue, !text.trimmingSpaces().isEmpty {
                group = text
            } else {
                diagnostics.append(.error(path.appending("group"), node.location, "'group' must be a group's name, such as \"latency\""))
            }
        }
        guard let id, let source, let parsedQuery, let grading, !isCanary || parsedBaseline != nil else { return nil }
        var indicator = Indicator(
            id: id, source: source.name, query: parsedQuery, grading: grading, metadata: reader["metadata"], path: path, baseline: parsedBaseline)
        indicator.dryRun = dryRun
        indicator.group = group
        return indicator
    }

    /// The sources that give a canary's samples, by name, as a sentence's list.
    var samplingSources: String {
        let names = sources.values.filter { $0 is any SampleSource }.map(\.name).sorted()
        return names.count < 2 ? names.joined() : names.dropLast().joined(separator: ", ") + " or " + names.last!
    }

    func decodeId(_ reader: MemberReader, into diagnostics: inout [Diagnostic]) -> String? {
        guard let node = reader.required("id", "a unique name for the indicator", into: &diagnostics) else { return nil }
        guard let id = Self.idText(node) else {
            diagnostics.append(.error(reader.path.appending("id"), node.location, "'id' must be a non-empty string"))
            return nil
        }
        if node.numberValue != nil {
            diagnostics.append(.warning(reader.path.appending("id"), node.location, "'id' should be a string; using \"\(id)\""))
        }
        return id
    }

    /// The id as text: a non-blank string, or a number (which Pitometer, being JavaScript, accepted).
    static func idText(_ node: Node) -> String? {
        switch node.value {
        case .string(let id) where !id.trimmingSpaces().isEmpty: return id
        case .number(let number): return JSONWriter.format(number)
        default: return nil
        }
    }

    func decodeSource(_ reader: MemberReader, into diagnostics: inout [Diagnostic]) -> (any MetricSource)? {
        let names = sources.keys.sorted()
        guard let name = reader.string("source", required: true, "one of \(names.joined(separator: ", "))", into: &diagnostics) else {
            return nil
        }
        if let source = sources[name.lowercased()] { return source }
        diagnostics.append(
            .error(
                reader.path.appending("source"), reader["source"]?.location,
                "unknown source '\(name)'\(Suggestion.hint(for: name, in: names)); known sources: \(names.joined(separator: ", "))"))
        return nil
    }

    func decodeGrading(_ node: Node, at path: SpecPath, into diagnostics: inout [Diagnostic]) -> Grading? {
        if node["type"]?.stringValue?.lowercased() == "canary" {
            guard let reader = MemberReader(node, at: path, known: Self.canaryKeys, into: &diagnostics),
                let canary = decodeCanaryGrading(reader, into: &diagnostics)
            else { return nil }
            var grading = Grading(thresholds: Thresholds(), metricScore: canary.metricScore, metadata: reader["metadata"])
            grading.kind = .canary(canary)
            return grading
        }
        guard let reader = MemberReader(node, at: path, known: Self.gradingKeys, into: &diagnostics) else { return nil }
        var typeIsValid = false
        if let type = reader.string("type", required: true, "the grader: \"Threshold\" or \"Canary\"", into: &diagnostics) {
            typeIsValid = type.lowercased() == "threshold"
            if !typeIsValid {
                diagnostics.append(
                    .error(
                        path.appending("type"), reader["type"]?.location,
                        "unknown grading type '\(type)'\(Suggestion.hint(for: type, in: ["Threshold", "Canary"])); use Threshold or Canary"))
            }
        }
        let decoded = reader.required("thresholds", "an object with upperSevere, upperWarning, lowerWarning and/or lowerSevere", into: &diagnostics)
            .flatMap { decodeThresholds($0, at: path.appending("thresholds"), into: &diagnostics) }
        let metricScore = reader.number("metricScore", required: true, "the points this indicator is worth", into: &diagnostics)
        if let metricScore, metricScore < 0 {
            diagnostics.append(.error(path.appending("metricScore"), reader["metricScore"]?.location, "'metricScore' must not be negative"))
        }
        let ignoreEmpty = reader.bool("ignoreEmpty", into: &diagnostics) ?? false
        guard typeIsValid, let decoded, let metricScore else { return nil }
        return Grading(
            thresholds: decoded.absolute, metricScore: metricScore, ignoreEmpty: ignoreEmpty, metadata: reader["metadata"],
            relativeThresholds: decoded.relative)
    }
}
