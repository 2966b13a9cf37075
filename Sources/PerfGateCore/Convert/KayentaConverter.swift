/// A Kayenta canary config (the JSON Spinnaker and Kayenta's standalone API take, or an adhoc
/// request's `canaryConfig`) as a PerfSpec: each metric a `Canary` indicator with its
/// `analysisConfigurations.canary`, its first group and `classifier.groupWeights` as scoring, and
/// `scoreThresholds` as objectives. Queries are built as Kayenta builds them (Prometheus'
/// `PrometheusMetricsService.buildQuery`, Datadog's `metricName{scope}`, New Relic's select and q);
/// the scopes become `$CANARY_SCOPE` and `$BASELINE_SCOPE`, and FreeMarker's `${name}` perfgate's
/// `$NAME`. What cannot be carried over is said, never guessed.
package enum KayentaConverter {
    package struct Conversion {
        package var spec: Node
        /// What the spec does not say that the config did, and what to give at run time.
        package var notes: [String]
    }

    package static func convert(_ root: Node) throws(ConversionError) -> Conversion {
        let config = root["canaryConfig"] ?? root
        guard let metrics = config["metrics"]?.items else {
            throw ConversionError("not a Kayenta canary config: it has no 'metrics' list (nor 'canaryConfig.metrics')")
        }
        var notes: [String] = []
        var indicators: [Node] = []
        let templates = config["templates"]?.members ?? []
        for (index, metric) in metrics.enumerated() {
            let name = metric["name"]?.stringValue ?? "metric\(index + 1)"
            let id = ConversionText.identifier(name)
            guard let query = metric["query"], let type = query["type"]?.stringValue else {
                notes.append("\(name): no query type; left out")
                continue
            }
            let built: (source: String, canary: String, baseline: String)?
            switch type.lowercased() {
            case "prometheus": built = prometheus(query, templates: templates, name: name, notes: &notes)
            case "datadog": built = datadog(query, templates: templates)
            case "newrelic": built = newRelic(query, templates: templates, notes: &notes)
            default:
                notes.append("\(name): a \(type) query; perfgate has no \(type) source, so the metric is left out")
                built = nil
            }
            guard let built else { continue }
            var grading: [(String, Node)] = [("type", .string("Canary")), ("metricScore", .number(1))]
            let canary = metric["analysisConfigurations"]?["canary"]
            for key in ["direction", "nanStrategy", "critical", "mustHaveData", "effectSize", "outliers"] {
                if let value = canary?[key] { grading.append((key, value)) }
            }
            var indicator: [(String, Node)] = [
                ("id", .string(id)), ("source", .string(built.source)), ("query", .string(built.canary)), ("baseline", .string(built.baseline))
            ]
            let groups = metric["groups"]?.items?.compactMap(\.stringValue) ?? []
            if let group = groups.first { indicator.append(("group", .string(group))) }
            if groups.count > 1 { notes.append("\(name): in groups \(groups.joined(separator: ", ")); perfgate scores it in the first only") }
            if metric["scopeName"]?.stringValue.map({ $0 != "default" }) == true {
                notes.append("\(name): scope '\(metric["scopeName"]!.stringValue!)'; every indicator uses $CANARY_SCOPE and $BASELINE_SCOPE")
            }
            indicator.append(("grading", .object(grading)))
            indicators.append(.object(indicator))
        }
        var spec: [(String, Node)] = [("spec_version", .string("1.0")), ("indicators", .array(indicators))]
        let weights = config["classifier"]?["groupWeights"]
        if let weights, weights.members != nil { spec.append(("scoring", .object([("groupWeights", weights)]))) }
        let thresholds = config["classifier"]?["scoreThresholds"] ?? root["executionRequest"]?["thresholds"]
        let pass = thresholds?["pass"]?.numberValue ?? 95, marginal = thresholds?["marginal"]?.numberValue ?? 75
        if thresholds == nil { notes.append("no scoreThresholds: objectives are Spinnaker's suggested pass 95, marginal 75") }
        spec.append(("objectives", .object([("pass", .number(pass)), ("warning", .number(marginal))])))
        notes.append(
            "give the scopes at run time: --var CANARY_SCOPE=… (the experiment's) --var BASELINE_SCOPE=… (the control's), and the window (--start, --end)"
        )
        if weights == nil { notes.append("no classifier.groupWeights: each indicator is worth 1 point, and objectives are Kayenta's percentages") }
        return Conversion(spec: .object(spec), notes: notes)
    }

    /// The custom filter a metric names: its inline template, else the config's template of that name.
    static func customFilter(_ query: Node, templates: [Node.Member]) -> String? {
        if let inline = query["customInlineTemplate"]?.stringValue, !inline.isEmpty { return inline }
        if let name = query["customFilterTemplate"]?.stringValue { return templates.first { $0.key == name }?.value.stringValue }
        return query["customFilter"]?.stringValue
    }

    static func prometheus(_ query: Node, templates: [Node.Member], name: String, notes: inout [String])
        -> (source: String, canary: String, baseline: String)?
    {
        let filter = customFilter(query, templates: templates)
        func build(_ scope: String) -> String? {
            if let filter, filter.hasPrefix("PromQL:") { return ConversionText.placeholders(String(filter.dropFirst(7)), scope: scope) }
            guard let metric = query["metricName"]?.stringValue else { return nil }
            var bindings = filter.map { ConversionText.placeholders($0, scope: scope).split(separator: ",").map(String.init) } ?? []
            bindings += query["labelBindings"]?.items?.compactMap(\.stringValue) ?? []
            var text = "avg(" + metric + (bindings.isEmpty ? "" : "{" + bindings.joined(separator: ",") + "}") + ")"
            if let fields = query["groupByFields"]?.items?.compactMap(\.stringValue), !fields.isEmpty {
                text += " by (" + fields.joined(separator: ",") + ")"
            }
            return text
        }
        guard filter != nil else {
            notes.append("\(name): no custom filter; Kayenta's resourceType filters (gce_instance, aws_ec2_instance) are not carried over")
            return nil
        }
        guard let canary = build("CANARY_SCOPE"), let baseline = build("BASELINE_SCOPE") else {
            notes.append("\(name): a Prometheus query without metricName or PromQL; left out")
            return nil
        }
        return ("prometheus", canary, baseline)
    }

    static func datadog(_ query: Node, templates: [Node.Member]) -> (source: String, canary: String, baseline: String)? {
        if let filter = customFilter(query, templates: templates) {
            return (
                "datadog", ConversionText.placeholders(filter, scope: "CANARY_SCOPE"), ConversionText.placeholders(filter, scope: "BASELINE_SCOPE")
            )
        }
        guard let metric = query["metricName"]?.stringValue else { return nil }
        return ("datadog", metric + "{$CANARY_SCOPE}", metric + "{$BASELINE_SCOPE}")
    }

    static func newRelic(_ query: Node, templates: [Node.Member], notes: inout [String]) -> (source: String, canary: String, baseline: String)? {
        if let filter = customFilter(query, templates: templates) {
            notes.append(
                "a New Relic custom template: perfgate adds SINCE and UNTIL itself; remove Kayenta's ${startEpochSeconds} and ${endEpochSeconds}")
            return (
                "newrelic", ConversionText.placeholders(filter, scope: "CANARY_SCOPE"), ConversionText.placeholders(filter, scope: "BASELINE_SCOPE")
            )
        }
        guard let select = query["select"]?.stringValue else { return nil }
        let head = select.hasPrefix("SELECT") ? select : "SELECT " + select.trimmingSpaces()
        let condition = query["q"]?.stringValue.map { $0 + " AND " } ?? ""
        notes.append("New Relic: give the scope's attribute as --var SCOPE_KEY=… (Kayenta's scopeKey, e.g. deployment_version)")
        return (
            "newrelic", head + " WHERE " + condition + "$SCOPE_KEY LIKE '$CANARY_SCOPE'",
            head + " WHERE " + condition + "$SCOPE_KEY LIKE '$BASELINE_SCOPE'"
        )
    }
}

/// Why a config could not be converted at all.
package struct ConversionError: Error, Sendable, CustomStringConvertible {
    package var message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}

/// Names and placeholders in perfgate's terms.
package enum ConversionText {
    /// An indicator id from a metric's name: letters, digits and `_`.
    package static func identifier(_ name: String) -> String {
        var id = ""
        for scalar in name.unicodeScalars {
            let plain = ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
            if plain { id.unicodeScalars.append(scalar) } else if !id.hasSuffix("_") { id += "_" }
        }
        while id.hasSuffix("_") { id.removeLast() }
        return id.isEmpty ? "metric" : id
    }

    /// `${scope}` becomes `$<scope>`, any other `${name}` (FreeMarker) or `{{args.name}}` (Argo)
    /// perfgate's `$NAME`.
    package static func placeholders(_ text: String, scope: String) -> String {
        var output = ""
        var rest = Substring(text)
        while let open = [rest.firstRange(of: "${"), rest.firstRange(of: "{{")].compactMap({ $0 }).min(by: { $0.lowerBound < $1.lowerBound }) {
            output += rest[..<open.lowerBound]
            let closer = rest[open.lowerBound...].hasPrefix("${") ? "}" : "}}"
            guard let close = rest[open.upperBound...].firstRange(of: closer) else { break }
            var name = String(rest[open.upperBound..<close.lowerBound]).trimmingSpaces()
            for prefix in ["args.", "inputs."] where name.hasPrefix(prefix) { name.removeFirst(prefix.count) }
            output += "$" + (name == "scope" ? scope : variable(name))
            rest = rest[close.upperBound...]
        }
        return output + rest
    }

    /// `service-name` → `SERVICE_NAME`.
    package static func variable(_ name: String) -> String {
        String(name.uppercased().unicodeScalars.map { ("A"..."Z").contains($0) || ("0"..."9").contains($0) ? Character($0) : "_" })
    }
}
