import PerfGateCore

/// A single pass over the render API's JSON, straight to each series' points: `target` and
/// `datapoints` are read, everything else skipped, malformed JSON rejected with its offset.
struct GraphiteAnswerParser: JSONScanning {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// The series, or a message for a series that lacks a target or datapoints, or a point that
    /// is not `[value|null, seconds]`.
    static func parse(_ body: [UInt8]) throws(Malformed) -> Result<[(target: String, points: [Measurement])], SourceError> {
        let outcome: Result<Result<[(target: String, points: [Measurement])], SourceError>, Malformed> = body.withUnsafeBufferPointer { buffer in
            var parser = GraphiteAnswerParser(bytes: buffer)
            do throws(Malformed) {
                var series: [(target: String, points: [Measurement])] = []
                var problem: SourceError?
                parser.skipSpace()
                guard parser.peek == UInt8(ascii: "[") else { return .success(.failure(SourceError("the answer is not a list of series"))) }
                try parser.array { (parser) throws(Malformed) in
                    switch try parser.series() {
                    case .success(let one): series.append(one)
                    case .failure(let error): problem = problem ?? error
                    }
                }
                parser.skipSpace()
                guard parser.index == buffer.count else { throw parser.fail("more after the answer's end") }
                return .success(problem.map { .failure($0) } ?? .success(series))
            } catch {
                return .failure(error)
            }
        }
        return try outcome.get()
    }

    mutating func series() throws(Malformed) -> Result<(target: String, points: [Measurement]), SourceError> {
        var target: String?
        var values: [(value: Double?, seconds: Double)] = []
        var sawPoints = false
        var problem: String?
        try object { (parser, key) throws(Malformed) in
            if parser.matches(key, "target") {
                target = try parser.stringOrNull()
            } else if parser.matches(key, "datapoints") {
                sawPoints = true
                try parser.array { (parser) throws(Malformed) in
                    guard let (value, seconds) = try parser.numberPair(), let seconds else {
                        problem = problem ?? "has a point that is not [value, seconds]"
                        return
                    }
                    values.append((value, seconds))
                }
            } else {
                try parser.skipValue()
            }
        }
        guard let target, sawPoints else { return .failure(SourceError("a series lacks \"target\" or \"datapoints\"")) }
        if let problem { return .failure(SourceError("the series \(Excerpt.quoted(target)) \(problem)")) }
        return .success((target, values.map { Measurement(key: target, value: $0.value, timestamp: $0.seconds) }))
    }
}
