/// `grading: {type: Canary, …}`: the canary judge's settings, Kayenta's names and defaults.
///
/// ```yaml
/// - id: checkout_p95
///   source: prometheus
///   query: histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{version="canary"}[1m])))
///   baseline: histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{version="stable"}[1m])))
///   grading:
///     type: Canary
///     metricScore: 40
///     direction: increase                # increase | decrease | either (default)
///     effectSize: {allowedIncrease: 1.1} # measure: meanRatio (default) | cles; criticalIncrease, …
///     critical: true                     # a critical High fails the whole gate
///     mustHaveData: true                 # no data is a failure, not "not judged"
///     nanStrategy: remove                # remove (default) | replace (missing → 0)
///     outliers: {strategy: remove, outlierFactor: 3}
///     minimumPoints: 50                  # fewer points on a side is warned about
///     step: 30s                          # time series only; default: the window / 60, at least 15 s
/// ```
extension SpecDecoder {
    static let canaryKeys = [
        "type", "metricScore", "direction", "nanStrategy", "outliers", "effectSize", "critical", "mustHaveData", "minimumPoints", "step",
        "metadata"
    ]

    func decodeCanaryGrading(_ reader: MemberReader, into diagnostics: inout [Diagnostic]) -> CanaryConfig? {
        let path = reader.path
        let metricScore = reader.number("metricScore", required: true, "the points this indicator is worth on Pass", into: &diagnostics)
        if let metricScore, metricScore < 0 {
            diagnostics.append(.error(path.appending("metricScore"), reader["metricScore"]?.location, "'metricScore' must not be negative"))
        }
        var valid = metricScore != nil && metricScore! >= 0
        func choice<T: RawRepresentable & CaseIterable>(_ key: String, in reader: MemberReader, _: T.Type) -> T? where T.RawValue == String {
            guard let text = reader.string(key, required: false, "", into: &diagnostics) else {
                if reader[key] != nil { valid = false }
                return nil
            }
            let names = T.allCases.map(\.rawValue)
            guard let value = T(rawValue: text) else {
                diagnostics.append(
                    .error(
                        reader.path.appending(key), reader[key]?.location,
                        "unknown \(key) '\(text)'\(Suggestion.hint(for: text, in: names)); use \(names.joined(separator: ", "))"))
                valid = false
                return nil
            }
            return value
        }
        func positive(_ key: String, in reader: MemberReader) -> Double? {
            guard let number = reader.number(key, required: false, "", into: &diagnostics) else {
                if reader[key] != nil { valid = false }
                return nil
            }
            guard number > 0 else {
                diagnostics.append(.error(reader.path.appending(key), reader[key]?.location, "'\(key)' must be above 0"))
                valid = false
                return nil
            }
            return number
        }
        var effect: (measure: CanaryConfig.EffectMeasure?, values: [String: Double]) = (nil, [:])
        if let node = reader["effectSize"] {
            let keys = ["allowedIncrease", "allowedDecrease", "criticalIncrease", "criticalDecrease"]
            if let effectReader = MemberReader(node, at: path.appending("effectSize"), known: ["measure"] + keys, into: &diagnostics) {
                effect.measure = choice("measure", in: effectReader, CanaryConfig.EffectMeasure.self)
                for key in keys { if let value = positive(key, in: effectReader) { effect.values[key] = value } }
            } else {
                valid = false
            }
        }
        var config = CanaryConfig(metricScore: max(0, metricScore ?? 0), measure: effect.measure ?? .meanRatio)
        if let value = effect.values["allowedIncrease"] { config.allowedIncrease = value }
        if let value = effect.values["allowedDecrease"] { config.allowedDecrease = value }
        if let value = effect.values["criticalIncrease"] { config.criticalIncrease = value }
        if let value = effect.values["criticalDecrease"] { config.criticalDecrease = value }
        if let direction = choice("direction", in: reader, CanaryConfig.Direction.self) { config.direction = direction }
        if let strategy = choice("nanStrategy", in: reader, CanaryConfig.NaNStrategy.self) { config.nanStrategy = strategy }
        if let node = reader["outliers"] {
            if let outliers = MemberReader(node, at: path.appending("outliers"), known: ["strategy", "outlierFactor"], into: &diagnostics) {
                if let strategy = outliers.string("strategy", required: false, "", into: &diagnostics) {
                    guard ["remove", "keep"].contains(strategy) else {
                        diagnostics.append(
                            .error(
                                outliers.path.appending("strategy"), outliers["strategy"]?.location,
                                "unknown outliers strategy '\(strategy)'; use keep or remove"))
                        return nil
                    }
                    config.removeOutliers = strategy == "remove"
                }
                if let factor = positive("outlierFactor", in: outliers) { config.outlierFactor = factor }
            } else {
                valid = false
            }
        }
        config.critical = reader.bool("critical", into: &diagnostics) ?? false
        config.mustHaveData = reader.bool("mustHaveData", into: &diagnostics) ?? false
        if let minimum = reader.number("minimumPoints", required: false, "", into: &diagnostics) {
            guard minimum >= 1, minimum == minimum.rounded(), minimum <= 1_000_000 else {
                diagnostics.append(
                    .error(
                        path.appending("minimumPoints"), reader["minimumPoints"]?.location, "'minimumPoints' must be a whole number from 1 to 1000000"
                    ))
                return nil
            }
            config.minimumPoints = Int(minimum)
        }
        if let step = reader["step"] {
            let seconds: Double? = step.numberValue ?? step.stringValue.flatMap { try? TimeParser.parseDuration($0) }
            guard let seconds, seconds >= 1, seconds <= 86_400 else {
                diagnostics.append(
                    .error(path.appending("step"), step.location, "'step' must be a duration from 1s to 24h, such as \"30s\" or \"1m\""))
                return nil
            }
            config.step = seconds
        }
        if config.critical && config.mustHaveData {
            diagnostics.append(
                .warning(
                    path, reader.node.location,
                    "with critical, no data already fails the gate (Kayenta reports it as Nodata, not NodataFailMetric)"))
        }
        return valid ? config : nil
    }
}
