import Glibc
import PerfGateCore
import PerfGateEngine
import PerfGateReports
import PerfGateSources

/// Every parser that reads outside input, on raw bytes: the surface the fuzz harness drives
/// (Fuzz/). A target of its own that the `perfgate` executable does not link: the parsers are
/// reached with `package` access, which only a target of this package has. Each returns normally or throws a SourceError/DocumentError; anything else (a trap,
/// a crash, a hang) is a bug.
public enum ParserEntryPoints {
    public static let names = [
        "spec-json", "spec-yaml", "prometheus", "dynatrace", "k6", "jtl", "locust", "time", "slo", "history", "window", "retry-after",
        "canary", "json-report", "evaluate-request", "influxdb"
    ]

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
                        if case .results(let measurements)? = indicator.query.parsed as? StaticSource.Query {
                            _ = ThresholdGrader.grade(measurements, with: indicator.grading)
                            if let canary = indicator.grading.canary, case .results(let baseline)? = indicator.baseline?.parsed as? StaticSource.Query
                            {
                                _ = try? CanaryJudge.judge(baseline: baseline.map(\.value), canary: measurements.map(\.value), config: canary)
                            }
                        }
                    }
                }
                return "spec: \(outcome.diagnostics.count) diagnostics"
            case "canary":
                // The judge on any numbers: the first byte picks the split and the settings, the
                // rest are little-endian doubles (NaN, infinities, subnormals and ties included).
                guard let head = bytes.first else { return "empty" }
                let numbers = stride(from: 1, to: bytes.count - 7, by: 8).map { start in
                    Double(bitPattern: bytes[start..<start + 8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
                }
                let split = numbers.isEmpty ? 0 : Int(head) % (numbers.count + 1)
                var config = CanaryConfig(metricScore: 1, measure: head & 1 == 0 ? .meanRatio : .cles)
                config.nanStrategy = head & 2 == 0 ? .remove : .replace
                config.removeOutliers = head & 4 != 0
                config.direction = [.either, .increase, .decrease][Int(head >> 3) % 3]
                let result: CanaryResult
                do {
                    result = try CanaryJudge.judge(baseline: numbers[..<split].map { $0 }, canary: numbers[split...].map { $0 }, config: config)
                } catch {
                    return "cannot judge"
                }
                // A verdict stands on finite numbers only (an overflowed interval once passed a canary).
                if let interval = result.interval {
                    guard [interval.lower, interval.upper, interval.estimate, result.tolerance ?? 0, result.effectSize ?? 0].allSatisfy(\.isFinite)
                    else { fatalError("a canary verdict on numbers that are not finite: \(interval)") }
                }
                return result.classification.rawValue
            case "prometheus":
                return "\(try PrometheusResponse.measurements(HTTPResponse(status: 200, body: bytes), request: "fuzz").measurements.count) results"
            case "influxdb":
                // Both ways of picking the graded column.
                let any = try? InfluxDBResponse.answer(HTTPResponse(status: 200, body: bytes), column: nil, request: "fuzz")
                let named = try InfluxDBResponse.answer(HTTPResponse(status: 200, body: bytes), column: "v", request: "fuzz")
                return "\(named.measurements.count) results (\(any?.measurements.count ?? -1) without a column)"
            case "dynatrace":
                var total = 0
                let queries: [DynatraceQuery] = [
                    .metrics(selector: "m", entitySelector: nil, resolution: "Inf"),
                    .timeseries(id: "t", aggregation: "AVG", percentile: nil, entityIds: [], tags: []),
                    .smartscape(entityPath: "services", relationship: "toRelationships", relation: "calls", tags: [])
                ]
                for query in queries {
                    if let answer = try? DynatraceResponse.answer(HTTPResponse(status: 200, body: bytes), for: query, request: "fuzz") {
                        total += answer.measurements.count
                    }
                }
                _ = try? DynatraceResponse.answer(HTTPResponse(status: 400, body: bytes), for: queries[0], request: "fuzz")
                return "\(total) results"
            case "k6":
                // The json source's pointer scan must agree with the tree wherever it finds a value
                // (when it finds none, or stops on the syntax, the source reads the tree instead).
                let tree = try? DocumentLoader.parse(bytes, as: .json)
                for text in ["", "/metrics", "/metrics/http_req_duration/values/p(95)", "/0", "/a/1/b"] {
                    let pointer = JSONPointer(text)!
                    guard let tree, case .success(let node) = pointer.resolve(in: tree),
                        case .success(let range?) = JSONPointerScan.range(of: pointer, in: bytes)
                    else { continue }
                    guard let scanned = try? JSONParser.parse(Array(bytes[range])), JSONWriter.write(scanned) == JSONWriter.write(node) else {
                        fatalError("the pointer scan disagrees with the document at '\(text)'")
                    }
                }
                // The point stream reader on the same bytes; the exact selection over what it kept
                // must agree with sorting.
                let stream = K6PointStream(path: "fuzz", metric: K6MetricName("http_req_duration{name:a}"), window: (0, 4e9), needsSpan: true)
                if let kept = (try? withMemoryFile(bytes) { (file) throws(SourceError) in try stream.scan(file: file) })?.kept, !kept.isEmpty {
                    let ranks = [0, kept.count / 2, kept.count - 1]
                    let selected = try ExactSelection(limit: 2).values(atRanks: ranks, count: kept.count) { (visit) throws(SourceError) in
                        kept.forEach(visit)
                    }
                    guard selected == ranks.map({ kept.sorted()[$0] }) else { fatalError("the exact selection disagrees with sorting") }
                }
                let document = try DocumentLoader.parse(bytes, as: .json)
                return
                    "\(try K6Summary.measurements(document: document, name: "fuzz", metric: K6MetricName("http_req_duration"), stat: "p95").count) results"
            case "jtl":
                let summary = try withMemoryFile(bytes) { (file) throws(SourceError) in
                    try JTLSummary.read(file: file, name: "fuzz", window: Window(start: 0, end: 4e9), onlyLabel: nil)
                }
                for label in summary.labelOrder {
                    for statistic in ["p95", "p99.9", "avg", "errorRate", "throughput"].compactMap(LoadTestStatistic.init) {
                        for definition in PercentileDefinition.allCases {
                            _ = statistic.value(of: summary.byLabel[label]!, window: nil, percentiles: definition)
                        }
                    }
                }
                return "\(summary.labelOrder.count) labels"
            case "locust":
                return
                    "\(try withMemoryFile(bytes) { (file) throws(SourceError) in try LocustSource.measurements(file: file, name: "fuzz", stat: "95%", wantedName: nil, wantedType: nil) }.count) rows"
            case "slo":
                // slo.yaml or sli.yaml; a valid slo.yaml is evaluated with every SLI at 1.
                let node = try DocumentLoader.parse(bytes, as: .yaml)
                let definitions = SLIDefinitionsDecoder.decode(node)
                for definition in definitions.definitions?.indicators ?? [] {
                    let placeholders = SLIPlaceholders(
                        filter: ["a": "b"], variables: ["SERVICE": "s"], environment: [:], window: Window(start: 0, end: 61))
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
                let set = ComparisonSet.select(
                    from: records,
                    comparison: .init(
                        compareWith: .severalResults, includeResultWithScore: .passOrWarn, numberOfComparisonResults: 5, aggregateFunction: .p90),
                    context: [:])
                for record in records {
                    for value in record.values { _ = set.aggregate(id: value.id, key: value.key) }
                    // The numbers go back out: into the file, the reports' text and the comparisons.
                    _ = HistoryRecord.parse(record.line())
                    _ = record.window.map { CivilDate.rfc3339($0.start) + String(CheckedNumber.clamped($0.duration, to: 0...Int.max)) }
                }
                return "\(records.count) records"
            case "window":
                // A window file, then everything a window feeds: times, placeholders, API parameters.
                let file = try WindowFile.parse(bytes, path: "fuzz")
                let window = Window(start: file.start ?? 0, end: file.end ?? file.start ?? 0)
                _ = CivilDate.rfc3339(window.start) + CivilDate.rfc3339(window.end)
                _ = try? Placeholders.fill("x[$DURATION] $START $END $DURATION_MINUTES", variables: [:], window: window)
                _ = DynatraceQuery.metrics(selector: "m", entitySelector: nil, resolution: "Inf").pathAndQuery(window: window)
                let placeholders = SLIPlaceholders(filter: [:], variables: [:], environment: [:], window: window)
                return placeholders.fill("$DURATION_SECONDS")
            case "retry-after":
                // One header value as Retry-After and as X-RateLimit-Reset, at a few clocks.
                let text = String(decoding: bytes, as: UTF8.self)
                var total = 0.0
                for now in [0, 1_714_565_400, -1e18, 1e18] {
                    total += RetryAfter.delay(headers: ["retry-after": text], now: now) ?? 0
                    total += RetryAfter.delay(headers: ["x-ratelimit-reset": text], now: now) ?? 0
                }
                let policy = RetryPolicy()
                return "\(min(policy.maxDelay, total) >= 0)"
            case "json-report":
                // What `evaluate --server` reads from a server: a report read back must render and
                // read again to the same result.
                let result = try JSONReportReader.result(try JSONParser.parse(bytes))
                let text = JSONReportFormat(complete: true).render(result, redactor: Redactor())
                guard let again = try? JSONReportReader.result(try JSONParser.parse(Array(text.utf8))), again == result else {
                    fatalError("a report read back does not read again to the same result")
                }
                return "report: \(result.verdict.rawValue)"
            case "evaluate-request":
                // What `perfgate serve` reads from any client: a request parsed, written and parsed
                // again is the same request.
                let request = try EvaluateRequest.parse(try JSONParser.parse(bytes))
                guard (try? EvaluateRequest.parse(request.body))?.body == request.body else {
                    fatalError("a request written back does not parse to the same request")
                }
                return "request"
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
