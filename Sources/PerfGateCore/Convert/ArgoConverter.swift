/// An Argo Rollouts `AnalysisTemplate` (or `ClusterAnalysisTemplate`) as a PerfSpec: each metric
/// with a provider perfgate has (prometheus, datadog, newRelic, graphite, web) a `Threshold`
/// indicator, its `successCondition` or `failureCondition` of the plain forms (`result[0] >= 0.95`,
/// `all(result, # < 1000)`) the limit, `dryRun` kept, and `{{args.name}}` perfgate's `$NAME`. Every
/// metric must pass, as an analysis run needs. What cannot be carried over is said, never guessed.
package enum ArgoConverter {
    package static func convert(_ root: Node) throws(ConversionError) -> KayentaConverter.Conversion {
        let kind = root["kind"]?.stringValue ?? ""
        guard kind.hasSuffix("AnalysisTemplate"), let metrics = root["spec"]?["metrics"]?.items else {
            throw ConversionError(
                "not an Argo Rollouts AnalysisTemplate: 'kind' is '\(kind)' and spec.metrics is \(root["spec"]?["metrics"] == nil ? "missing" : "not a list")"
            )
        }
        var notes: [String] = []
        var indicators: [Node] = []
        var sources: [(String, Node)] = []
        let dryRunNames = (root["spec"]?["dryRun"]?.items ?? []).compactMap { $0["metricName"]?.stringValue }
        for metric in metrics {
            let name = metric["name"]?.stringValue ?? "metric"
            let provider = metric["provider"]?.members?.first
            guard let provider, let built = query(provider.key, provider.value, name: name, notes: &notes) else {
                notes.append(
                    "\(name): the \(provider?.key ?? "missing") provider has no perfgate source; left out (perfgate can run as its job instead)")
                continue
            }
            if let address = provider.value["address"]?.stringValue, !sources.contains(where: { $0.0 == built.source }) {
                sources.append((built.source, .object([("url", .string(ConversionText.placeholders(address, scope: "SCOPE")))])))
            }
            var thresholds: [(String, Node)] = []
            for (field, failing) in [("successCondition", false), ("failureCondition", true)] {
                guard let condition = metric[field]?.stringValue else { continue }
                if let limit = limit(condition, failing: failing, name: name, notes: &notes) { thresholds.append(limit) }
            }
            if thresholds.isEmpty { notes.append("\(name): no condition perfgate can read; the indicator has no thresholds and can never fail") }
            var indicator: [(String, Node)] = [
                ("id", .string(ConversionText.identifier(name))), ("source", .string(built.source)), ("query", built.query)
            ]
            if dryRunNames.contains(where: { $0 == name || $0 == ".*" }) { indicator.append(("dryRun", .bool(true))) }
            indicator.append(
                ("grading", .object([("type", .string("Threshold")), ("thresholds", .object(thresholds)), ("metricScore", .number(1))])))
            indicators.append(.object(indicator))
            let intervals = ["interval", "count", "failureLimit", "inconclusiveLimit", "consecutiveErrorLimit", "initialDelay"].filter {
                metric[$0] != nil
            }
            if !intervals.isEmpty {
                notes.append("\(name): \(intervals.joined(separator: ", ")) not carried over; perfgate judges the window it is given once")
            }
        }
        let counted = indicators.filter { $0["dryRun"] == nil }.count
        var spec: [(String, Node)] = [("spec_version", .string("1.0")), ("indicators", .array(indicators))]
        if !sources.isEmpty { spec.append(("sources", .object(sources))) }
        // An analysis run fails when any metric fails: every counted indicator must pass.
        spec.append(("objectives", .object([("pass", .number(Double(counted))), ("warning", .number(Double(counted)))])))
        let args = (root["spec"]?["args"]?.items ?? []).compactMap { $0["name"]?.stringValue }
        if !args.isEmpty {
            notes.append("give the template's args at run time: " + args.map { "--var \(ConversionText.variable($0))=…" }.joined(separator: " "))
        }
        return KayentaConverter.Conversion(spec: .object(spec), notes: notes)
    }

    static func query(_ provider: String, _ settings: Node, name: String, notes: inout [String]) -> (source: String, query: Node)? {
        func text(_ key: String) -> String? { settings[key]?.stringValue.map { ConversionText.placeholders($0.trimmingSpaces(), scope: "SCOPE") } }
        switch provider {
        case "prometheus":
            if settings["rangeQuery"] != nil { notes.append("\(name): a range query; perfgate grades the instant query over its window") }
            return text("query").map { ("prometheus", .string($0)) }
        case "datadog":
            if let query = text("query") { return ("datadog", .string(query)) }
            notes.append("\(name): Datadog v2 queries and formulas: write them as perfgate's datadog formula query by hand")
            return nil
        case "newRelic":
            return text("query").map { ("newrelic", .string($0)) }
        case "graphite":
            return text("query").map { ("graphite", .string($0)) }
        case "web":
            guard let url = text("url") else { return nil }
            var query: [(String, Node)] = [("url", .string(url))]
            if let path = settings["jsonPath"]?.stringValue { query.append(("value", .string(pointer(path)))) }
            if settings["headers"] != nil { notes.append("\(name): web headers not carried over; secret ones become {secret: NAME} headers") }
            return ("web", .object(query))
        default:
            return nil
        }
    }

    /// `{$.data.ok}` → `/data/ok`.
    static func pointer(_ path: String) -> String {
        var text = path.trimmingSpaces()
        if text.hasPrefix("{") && text.hasSuffix("}") { text = String(text.dropFirst().dropLast()) }
        if text.hasPrefix("$") { text.removeFirst() }
        return "/" + text.split(separator: ".").joined(separator: "/")
    }

    /// The limit a plain condition sets: `result[0] >= 0.95`, `result < 5`, `all(result, # < 1000)`.
    static func limit(_ condition: String, failing: Bool, name: String, notes: inout [String]) -> (String, Node)? {
        var text = condition.trimmingSpaces()
        if text.hasPrefix("all(result,") && text.hasSuffix(")") {
            text = "result" + String(String(text.dropFirst("all(result,".count).dropLast()).trimmingSpaces().dropFirst(1))
        }
        for prefix in ["result[0]", "result"] where text.hasPrefix(prefix) {
            let rest = String(text.dropFirst(prefix.count)).trimmingSpaces()
            for op in [">=", "<=", ">", "<"] where rest.hasPrefix(op) {
                guard let number = Double(String(rest.dropFirst(op.count)).trimmingSpaces()) else { break }
                // perfgate's upper limits fail at the limit (value ≥ it), its lower ones at or below it.
                let upper = failing ? op.hasPrefix(">") : op.hasPrefix("<")
                let exact = failing ? op.count == 2 : op.count == 1
                if !exact {
                    notes.append("\(name): '\(condition)': perfgate's limit fails at \(NumberText.format(number)) itself, where Argo's does not")
                }
                if prefix == "result[0]" { notes.append("\(name): '\(condition)' read only the first result; perfgate grades every one") }
                return (upper ? "upperSevere" : "lowerSevere", .number(number))
            }
        }
        notes.append("\(name): '\(condition)' is not a plain comparison of the result with a number; not carried over")
        return nil
    }
}
