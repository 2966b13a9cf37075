import PerfGateCore

/// A canary judgement in the JSON report, and read back (`evaluate --server`).
///
/// ```json
/// "canary": {"classification": "High", "critical": false, "reason": "…",
///            "interval": {"lower": 25.1, "upper": 46.9, "confidence": 0.98}, "estimate": 35, "tolerance": 8.75,
///            "meanRatio": 1.19, "effectSize": {"measure": "meanRatio", "value": 1.19}, "noiseAdded": false,
///            "baseline": {"count": 10, "missing": 0, "outliersRemoved": 0, "mean": 182.6, "min": 176,
///                         "lowerQuartile": 179.25, "median": 182, "upperQuartile": 185.75, "max": 190},
///            "canary": {…}}
/// ```
extension JSONReport {
    static func canary(_ canary: CanaryResult) -> Node {
        var pairs: [(String, Node)] = [
            ("classification", .string(canary.classification.rawValue)), ("critical", .bool(canary.critical)), ("reason", .string(canary.reason))
        ]
        if let interval = canary.interval {
            pairs.append(
                (
                    "interval",
                    .object([("lower", .number(interval.lower)), ("upper", .number(interval.upper)), ("confidence", .number(CanaryConfig.confidence))]
                    )
                ))
            pairs.append(("estimate", .number(interval.estimate)))
        }
        if let tolerance = canary.tolerance { pairs.append(("tolerance", .number(tolerance))) }
        pairs.append(("meanRatio", canary.meanRatio.map(Node.number) ?? .null))
        pairs.append(("effectSize", .object([("measure", .string(canary.measure.rawValue)), ("value", canary.effectSize.map(Node.number) ?? .null)])))
        pairs.append(("noiseAdded", .bool(canary.noiseAdded)))
        pairs.append(("baseline", summary(canary.baseline)))
        pairs.append(("canary", summary(canary.canary)))
        return .object(pairs)
    }

    static func summary(_ summary: CanarySampleSummary) -> Node {
        let numbers: [(String, Double?)] = [
            ("mean", summary.mean), ("min", summary.minimum), ("lowerQuartile", summary.lowerQuartile), ("median", summary.median),
            ("upperQuartile", summary.upperQuartile), ("max", summary.maximum)
        ]
        return .object(
            [
                ("count", .number(Double(summary.count))), ("missing", .number(Double(summary.missing))),
                ("outliersRemoved", .number(Double(summary.outliersRemoved)))
            ] + numbers.map { ($0.0, $0.1.map(Node.number) ?? .null) })
    }
}

extension JSONReportReader {
    static func canary(_ item: Reader) throws(Failure) -> CanaryResult {
        let text = try item.string("classification")
        guard let classification = CanaryResult.Classification(rawValue: text) else {
            throw Failure(path: item.path + ".classification", message: "'\(text)' is not Pass, High, Low, Nodata or NodataFailMetric")
        }
        var result = CanaryResult(
            classification: classification, critical: try item.optionalBool("critical") ?? false, reason: try item.optionalString("reason") ?? "",
            baseline: try summary(item.child("baseline")), canary: try summary(item.child("canary")))
        if let interval = try item.optionalChild("interval") {
            result.interval = MannWhitney.Interval(
                lower: try interval.number("lower"), upper: try interval.number("upper"), estimate: try item.number("estimate"))
        }
        result.tolerance = try item.optionalNumber("tolerance")
        result.meanRatio = try item.optionalNumber("meanRatio")
        result.effectSize = try item.optionalChild("effectSize")?.optionalNumber("value")
        result.noiseAdded = try item.optionalBool("noiseAdded") ?? false
        result.measure = try item.optionalChild("effectSize")?.optionalString("measure").flatMap(CanaryConfig.EffectMeasure.init) ?? .meanRatio
        return result
    }

    static func summary(_ item: Reader) throws(Failure) -> CanarySampleSummary {
        var summary = CanarySampleSummary(
            count: Int(try item.number("count")), missing: Int(try item.optionalNumber("missing") ?? 0),
            outliersRemoved: Int(try item.optionalNumber("outliersRemoved") ?? 0))
        summary.mean = try item.optionalNumber("mean")
        summary.minimum = try item.optionalNumber("min")
        summary.lowerQuartile = try item.optionalNumber("lowerQuartile")
        summary.median = try item.optionalNumber("median")
        summary.upperQuartile = try item.optionalNumber("upperQuartile")
        summary.maximum = try item.optionalNumber("max")
        return summary
    }
}
