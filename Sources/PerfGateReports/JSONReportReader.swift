import PerfGateCore

/// The JSON report read back into the result it was written from: what `evaluate --server` gets
/// from a perfgate server, so its reports, summary and exit code are those of a local run.
/// Everything the other reports show is in the JSON report; `JSONReportReaderTests` render both
/// ways and compare.
package enum JSONReportReader {
    package struct Failure: Error, Sendable, CustomStringConvertible {
        package var path: String
        package var message: String
        package var description: String { "\(path): \(message)" }
    }

    package static func result(_ root: Node) throws(Failure) -> EvaluationResult {
        let reader = Reader(node: root, path: "$")
        let verdict = try reader.verdict("result")
        var objectives = Objectives(pass: 0, warning: 0)
        let objectivesNode = try reader.child("objectives")
        objectives.pass = try objectivesNode.number("pass")
        objectives.warning = try objectivesNode.optionalNumber("warning") ?? 0
        let indicators = try reader.list("indicatorResults")
        let isSLO = root["maximumScore"] != nil || objectivesNode.node["maximumScore"] != nil
        var result = EvaluationResult(
            verdict: verdict, totalScore: try reader.number("totalScore"), objectives: objectives,
            indicatorResults: try indicators.map { item throws(Failure) in isSLO ? try objective(item) : try indicator(item) },
            window: try window(reader), specPath: try reader.optionalString("spec"), evaluatedAt: try reader.optionalTime("evaluatedAt"))
        if isSLO {
            result.kind = .keptn(
                SLOSummary(
                    message: try reader.optionalString("message") ?? "", maximumScore: try objectivesNode.number("maximumScore"),
                    warningTarget: try objectivesNode.optionalNumber("warning"),
                    notes: try reader.optionalList("notes").map { item throws(Failure) in try item.string() }))
            result.objectives.warning = try objectivesNode.optionalNumber("warning") ?? 0
        }
        result.comparedRuns = try reader.optionalList("comparedRuns").map(comparedRun)
        result.baseline = try reader.optionalChild("baseline").map(earlierRun)
        result.trend = try reader.optionalList("trend").map(earlierRun)
        result.notes = try reader.optionalList("warnings").map { item throws(Failure) in try item.string() }
        result.intervals = try reader.optionalList("intervals").map { item throws(Failure) in
            IntervalOutcome(
                window: Window(start: try item.time("start"), end: try item.time("end")), verdict: try item.verdict("result"),
                totalScore: try item.number("totalScore"))
        }
        result.groupScores = try reader.optionalList("groupScores").map { item throws(Failure) in
            GroupScore(
                group: try item.string("group"), score: try item.number("score"), weight: try item.number("weight"),
                noData: try item.optionalBool("noData") ?? false)
        }
        result.failure = try reader.optionalString("error")
        // The exit code the writer's run ended with is its presentation, not the result: checked
        // for its type, and left to whoever reads the result to decide its own.
        _ = try reader.optionalNumber("exitCode")
        return result
    }

    static func window(_ reader: Reader) throws(Failure) -> Window? {
        // options has the window's bounds as numbers, exactly; window's are for people.
        if let options = reader.node["options"], options.members != nil {
            let options = Reader(node: options, path: reader.path + ".options")
            return Window(start: try options.number("timeStart"), end: try options.number("timeEnd"))
        }
        guard let window = reader.node["window"], window.members != nil else { return nil }
        let bounds = Reader(node: window, path: reader.path + ".window")
        return Window(start: try bounds.time("start"), end: try bounds.time("end"))
    }

    static func indicator(_ item: Reader) throws(Failure) -> IndicatorResult {
        var result = IndicatorResult(
            id: try item.string("id"), source: try item.string("source"), score: try item.number("score"),
            metricScore: try item.number("metricScore"), violations: try item.list("violations").map(violation),
            measurements: try item.list("values").map { value throws(Failure) in
                Measurement(key: try value.string("key"), value: try value.optionalNumber("value"))
            },
            thresholds: try thresholds(item.optionalChild("thresholds")), error: try item.optionalString("error"),
            warnings: try item.optionalList("warnings").map { warning throws(Failure) in try warning.string() },
            comparisons: try item.optionalList("comparisons").map { comparison throws(Failure) in
                KeyComparison(
                    key: try comparison.string("key"), comparedValue: try comparison.optionalNumber("comparedValue"),
                    thresholds: try thresholds(comparison.optionalChild("thresholds")))
            })
        result.invalidInput = try item.optionalBool("invalidInput") ?? false
        result.dryRun = try item.optionalBool("dryRun") ?? false
        result.group = try item.optionalString("group")
        result.resolvedQuery = try item.optionalString("query")
        if let judged = try item.optionalChild("canary").map(canary) { result.kind = .canary(judged) }
        return result
    }

    static let breaches: [String: Breach] = Dictionary(
        uniqueKeysWithValues: [Breach.upperSevere, .upperWarning, .lowerWarning, .lowerSevere, .noValues, .missingValue].map { ($0.text, $0) })

    static func violation(_ item: Reader) throws(Failure) -> Violation {
        let text = try item.string("breach")
        guard let breach = breaches[text] else { throw Failure(path: item.path + ".breach", message: "'\(text)' is not a breach perfgate writes") }
        // As `JSONReport.violation` writes them: no key or value for noValues, a key and no value
        // for missingValue, a key for a threshold crossed.
        return Violation(
            breach: breach, key: breach == .noValues ? nil : try item.string("key"),
            value: breach == .noValues || breach == .missingValue ? nil : try item.optionalNumber("value"),
            threshold: try item.optionalNumber("threshold"), metadata: item.node["metadata"])
    }

    static func thresholds(_ item: Reader?) throws(Failure) -> Thresholds {
        var thresholds = Thresholds()
        guard let item else { return thresholds }
        for key in Thresholds.keys { thresholds[key] = try item.optionalNumber(key) }
        return thresholds
    }

    static func comparedRun(_ item: Reader) throws(Failure) -> HistoryRecord {
        let window = try item.optionalChild("window").map { bounds throws(Failure) in
            Window(start: try bounds.time("start"), end: try bounds.time("end"))
        }
        return HistoryRecord(
            time: try item.time("time"), window: window, specKind: "", specPath: nil, specDigest: try item.optionalString("specDigest"),
            context: [:], result: try item.verdict("result"), score: try item.number("score"), values: [])
    }

    /// A baseline's or trend's run, with the values the report kept.
    static func earlierRun(_ item: Reader) throws(Failure) -> HistoryRecord {
        let values = try item.optionalList("values").map { value throws(Failure) in
            HistoryRecord.Value(
                id: try value.string("id"), key: try value.string("key"), value: try value.optionalNumber("value"), status: "", success: true)
        }
        return HistoryRecord(
            time: try item.time("time"), window: nil, specKind: "", specPath: nil, specDigest: nil, context: [:], result: try item.verdict("result"),
            score: try item.number("score"), values: values)
    }

    /// A Keptn objective's indicator, as lighthouse's evaluation writes it plus perfgate's fields.
    static func objective(_ item: Reader) throws(Failure) -> IndicatorResult {
        let value = try item.child("value")
        let criteria = try item.child("criteria")
        func sets(_ key: String) throws(Failure) -> [[Criterion]] {
            try criteria.list(key).map { set throws(Failure) in
                try set.list().map { text throws(Failure) in
                    let written = try text.string()
                    guard let criterion = Criterion(written) else { throw Failure(path: text.path, message: "'\(written)' is not a criterion") }
                    return criterion
                }
            }
        }
        let sli = try value.string("metric")
        let displayName = try item.optionalString("displayName")
        let spec = SLOObjective(
            sli: sli, displayName: displayName?.isEmpty == true ? nil : displayName, pass: try sets("pass"), warning: try sets("warning"),
            weight: try item.number("weight"), keySLI: try item.optionalBool("keySli") ?? false)
        let statusText = try item.string("status")
        guard let status = SLOObjectiveResult.Status(rawValue: statusText) else {
            throw Failure(path: item.path + ".status", message: "'\(statusText)' is not pass, warning, fail or info")
        }
        let measured = try value.optionalBool("success") == true ? try value.optionalNumber("value") : nil
        let message = try value.optionalString("message")
        var outcome = SLOObjectiveResult(
            objective: spec, status: status, score: try item.number("score"), value: measured,
            comparedValue: try value.optionalNumber("comparedValue") ?? 0,
            passTargets: try targets(item.node["passTargets"], path: item.path + ".passTargets"),
            warningTargets: try targets(item.node["warningTargets"], path: item.path + ".warningTargets"),
            message: message?.isEmpty == true ? nil : message)
        outcome.hasComparison = try item.optionalBool("hasComparedValue") ?? false
        var result = IndicatorResult(
            id: try item.string("id"), source: try item.string("source"), score: outcome.score, metricScore: spec.pass.isEmpty ? 0 : spec.weight,
            violations: [], measurements: measured.map { [Measurement(key: sli, value: $0)] } ?? [], thresholds: Thresholds(),
            error: try item.optionalString("error"),
            warnings: try item.optionalList("warnings").map { warning throws(Failure) in try warning.string() },
            objective: outcome)
        result.resolvedQuery = try item.optionalString("query")
        return result
    }

    static func targets(_ node: Node?, path: String) throws(Failure) -> [SLOTarget] {
        guard let node, !node.isNull else { return [] }
        return try Reader(node: node, path: path).list().map { target throws(Failure) in
            let written = try target.string("criteria")
            guard let criterion = Criterion(written) else { throw Failure(path: target.path, message: "'\(written)' is not a criterion") }
            return SLOTarget(criterion, targetValue: try target.number("targetValue"), violated: try target.optionalBool("violated") ?? false)
        }
    }

    /// A node and where it is, for messages.
    struct Reader {
        var node: Node
        var path: String

        func child(_ key: String) throws(Failure) -> Reader {
            guard let child = try optionalChild(key) else { throw Failure(path: path + "." + key, message: "missing") }
            return child
        }

        func optionalChild(_ key: String) throws(Failure) -> Reader? {
            guard let value = node[key], !value.isNull else { return nil }
            guard value.members != nil else { throw Failure(path: path + "." + key, message: "must be an object") }
            return Reader(node: value, path: path + "." + key)
        }

        func list(_ key: String? = nil) throws(Failure) -> [Reader] {
            let target = key.map { node[$0] } ?? node
            let where_ = key.map { path + "." + $0 } ?? path
            guard let items = target?.items else { throw Failure(path: where_, message: "must be a list") }
            return items.enumerated().map { Reader(node: $0.element, path: "\(where_)[\($0.offset)]") }
        }

        func optionalList(_ key: String) throws(Failure) -> [Reader] {
            guard let value = node[key], !value.isNull else { return [] }
            return try list(key)
        }

        func number(_ key: String) throws(Failure) -> Double {
            guard let value = try optionalNumber(key) else { throw Failure(path: path + "." + key, message: "missing") }
            return value
        }

        func optionalNumber(_ key: String) throws(Failure) -> Double? {
            guard let value = node[key], !value.isNull else { return nil }
            guard let number = value.numberValue else { throw Failure(path: path + "." + key, message: "must be a number") }
            return number
        }

        func string(_ key: String) throws(Failure) -> String {
            guard let value = try optionalString(key) else { throw Failure(path: path + "." + key, message: "missing") }
            return value
        }

        func string() throws(Failure) -> String {
            guard let text = node.stringValue else { throw Failure(path: path, message: "must be a string") }
            return text
        }

        func optionalString(_ key: String) throws(Failure) -> String? {
            guard let value = node[key], !value.isNull else { return nil }
            guard let text = value.stringValue else { throw Failure(path: path + "." + key, message: "must be a string") }
            return text
        }

        func optionalBool(_ key: String) throws(Failure) -> Bool? {
            guard let value = node[key], !value.isNull else { return nil }
            guard let flag = value.boolValue else { throw Failure(path: path + "." + key, message: "must be true or false") }
            return flag
        }

        func verdict(_ key: String) throws(Failure) -> Verdict {
            let text = try string(key)
            guard let verdict = Verdict(rawValue: text) else {
                throw Failure(path: path + "." + key, message: "'\(text)' is not pass, warning, fail or error")
            }
            return verdict
        }

        func time(_ key: String) throws(Failure) -> Double {
            guard let value = try optionalTime(key) else { throw Failure(path: path + "." + key, message: "missing") }
            return value
        }

        func optionalTime(_ key: String) throws(Failure) -> Double? {
            guard let text = try optionalString(key) else { return nil }
            do {
                return try TimeParser.parseRFC3339(text)
            } catch {
                throw Failure(path: path + "." + key, message: error.message)
            }
        }
    }
}
