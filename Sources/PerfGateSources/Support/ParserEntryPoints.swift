#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import PerfGateCore

/// Every parser that reads outside input, on raw bytes: the surface the fuzz harness drives
/// (Fuzz/). Each returns normally or throws a SourceError/DocumentError; anything else (a trap,
/// a crash, a hang) is a bug.
public enum ParserEntryPoints {
    public static let names = ["spec-json", "spec-yaml", "prometheus", "dynatrace", "k6", "jtl", "locust", "time", "slo", "history"]

    /// Runs the named parser on `bytes`; returns a short outcome for replay logs.
    @discardableResult
    public static func run(_ name: String, _ bytes: [UInt8]) -> String {
        do {
            switch name {
            case "spec-json", "spec-yaml":
                let node = try DocumentLoader.parse(bytes, as: name == "spec-json" ? .json : .yaml)
                let outcome = SpecDecoder(sources: SourceRegistry.all(), context: ValidationContext(hasWindow: true)).decode(node)
                if let spec = outcome.spec {
                    // Grade what the spec holds, as a dry run would with static values.
                    for indicator in spec.indicators {
                        if let measurements = try? StaticSource.measurements(from: indicator.query) {
                            _ = ThresholdGrader.grade(measurements, with: indicator.grading)
                        }
                    }
                }
                return "spec: \(outcome.diagnostics.count) diagnostics"
            case "prometheus":
                return "\(try PrometheusResponse.measurements(HTTPResponse(status: 200, body: bytes), request: "fuzz").measurements.count) results"
            case "dynatrace":
                var total = 0
                let queries: [DynatraceQuery] = [
                    .metrics(selector: "m", entitySelector: nil, resolution: "Inf"),
                    .timeseries(id: "t", aggregation: "AVG", percentile: nil, entityIds: [], tags: []),
                    .smartscape(entityPath: "services", relationship: "toRelationships", relation: "calls", tags: []),
                ]
                for query in queries {
                    if let answer = try? DynatraceResponse.answer(HTTPResponse(status: 200, body: bytes), for: query, request: "fuzz") {
                        total += answer.measurements.count
                    }
                }
                _ = try? DynatraceResponse.answer(HTTPResponse(status: 400, body: bytes), for: queries[0], request: "fuzz")
                return "\(total) results"
            case "k6":
                let document = try DocumentLoader.parse(bytes, as: .json)
                return "\(try K6Source.measurements(document: document, name: "fuzz", metric: "http_req_duration", stat: "p95").count) results"
            case "jtl":
                let summary = try withMemoryFile(bytes) { (file) throws(SourceError) in
                    try JTLSummary.read(file: file, name: "fuzz", window: Window(start: 0, end: 4e9), onlyLabel: nil)
                }
                for label in summary.labelOrder {
                    for statistic in ["p95", "p99.9", "avg", "errorRate", "throughput"].compactMap(LoadTestStatistic.init) {
                        _ = statistic.value(of: summary.byLabel[label]!, window: nil)
                    }
                }
                return "\(summary.labelOrder.count) labels"
            case "locust":
                return "\(try withMemoryFile(bytes) { (file) throws(SourceError) in try LocustSource.measurements(file: file, name: "fuzz", stat: "95%", wantedName: nil, wantedType: nil) }.count) rows"
            case "slo":
                // slo.yaml or sli.yaml; a valid slo.yaml is evaluated with every SLI at 1.
                let node = try DocumentLoader.parse(bytes, as: .yaml)
                let definitions = SLIDefinitionsDecoder.decode(node)
                for definition in definitions.definitions?.indicators ?? [] {
                    let placeholders = SLIPlaceholders(filter: ["a": "b"], variables: ["SERVICE": "s"], environment: [:], window: Window(start: 0, end: 61))
                    _ = placeholders.unresolved(in: placeholders.fill(definition.query))
                    _ = DynatraceQuery.sliQuery(definition.query)
                }
                let outcome = SLOSpecDecoder.decode(node)
                guard let spec = outcome.spec else { return "slo: \(outcome.diagnostics.count) diagnostics" }
                var values: [String: SLIValue] = [:]
                for objective in spec.objectives { values[objective.sli] = SLIValue(value: 1) }
                let result = SLOEvaluator.evaluate(spec, values: values, source: "fuzz")
                return "slo: \(result.verdict.rawValue)"
            case "history":
                let text = String(decoding: bytes, as: UTF8.self)
                let records = text.split(separator: "\n").compactMap { try? HistoryRecord.parse(String($0)).get() }
                let set = ComparisonSet.select(from: records, comparison: .init(
                    compareWith: "several_results", includeResultWithScore: "pass_or_warn", numberOfComparisonResults: 5, aggregateFunction: "p90"), context: [:])
                for record in records { for value in record.values { _ = set.aggregate(id: value.id, key: value.key) } }
                return "\(records.count) records"
            case "time":
                let text = String(decoding: bytes, as: UTF8.self)
                _ = try? TimeParser.parseDuration(text)
                return CivilDate.rfc3339(try TimeParser.parse(text, now: 1_714_565_400))
            default:
                return "unknown parser \(name)"
            }
        } catch {
            return "error: \(error)"
        }
    }

    /// The bytes as a read-only stdio stream (fmemopen), for the CSV parsers.
    static func withMemoryFile<T>(_ bytes: [UInt8], _ body: (UnsafeMutablePointer<FILE>) throws(SourceError) -> T) throws(SourceError) -> T {
        var copy = bytes.isEmpty ? [0] : bytes
        let count = bytes.count
        let result: Result<T, SourceError> = copy.withUnsafeMutableBytes { buffer in
            guard let file = fmemopen(buffer.baseAddress, count, "rb") else {
                return .failure(SourceError("fmemopen failed"))
            }
            defer { fclose(file) }
            do throws(SourceError) {
                return .success(try body(file))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}
