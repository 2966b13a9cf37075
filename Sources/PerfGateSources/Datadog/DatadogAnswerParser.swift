import PerfGateCore

/// A single pass over the v1 query API's JSON straight to each series' points: `status`,
/// `error` and each series' `scope`, `tag_set`, `expression` and `pointlist` are read, everything
/// else skipped, malformed JSON rejected with its offset.
///
/// ```
/// {"status": "ok", "series": [{"scope": "env:prod,host:a", "tag_set": ["host:a"],
///   "expression": "avg:system.load.1{env:prod} by {host}", "pointlist": [[1714564800000, 0.5], …]}]}
/// ```
struct DatadogAnswerParser: JSONScanning {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// One series: its key parts and its points (milliseconds, value or nil).
    struct Series {
        var scope = ""
        var tags: [String] = []
        var expression = ""
        var points: [(milliseconds: Double, value: Double?)] = []
    }

    struct Answer {
        var status: String?
        var error: String?
        var series: [Series] = []
        /// A point that is not `[ms, value|null]`, or a series without points.
        var problem: String?
    }

    static func parse(_ body: [UInt8]) throws(Malformed) -> Answer {
        let outcome: Result<Answer, Malformed> = body.withUnsafeBufferPointer { buffer in
            var parser = DatadogAnswerParser(bytes: buffer)
            do throws(Malformed) {
                var answer = Answer()
                parser.skipSpace()
                guard parser.peek == UInt8(ascii: "{") else { throw parser.fail("the answer is not an object") }
                try parser.object { (parser, key) throws(Malformed) in
                    if parser.matches(key, "status") {
                        answer.status = try parser.optionalString()
                    } else if parser.matches(key, "error") {
                        answer.error = try parser.optionalString()
                    } else if parser.matches(key, "series") {
                        parser.skipSpace()
                        guard parser.peek == UInt8(ascii: "[") else { return try parser.skipValue() }
                        try parser.array { (parser) throws(Malformed) in answer.series.append(try parser.series(&answer.problem)) }
                    } else {
                        try parser.skipValue()
                    }
                }
                parser.skipSpace()
                guard parser.index == buffer.count else { throw parser.fail("more after the answer's end") }
                return .success(answer)
            } catch {
                return .failure(error)
            }
        }
        return try outcome.get()
    }

    /// A string, or nil for null or any other value (skipped).
    mutating func optionalString() throws(Malformed) -> String? {
        skipSpace()
        if peek == UInt8(ascii: "\"") || peek == UInt8(ascii: "n") { return try stringOrNull() }
        try skipValue()
        return nil
    }

    mutating func series(_ problem: inout String?) throws(Malformed) -> Series {
        var series = Series()
        skipSpace()
        guard peek == UInt8(ascii: "{") else {
            try skipValue()
            problem = problem ?? "a series is not an object"
            return series
        }
        try object { (parser, key) throws(Malformed) in
            if parser.matches(key, "scope") {
                series.scope = try parser.optionalString() ?? ""
            } else if parser.matches(key, "expression") {
                series.expression = try parser.optionalString() ?? ""
            } else if parser.matches(key, "tag_set") {
                parser.skipSpace()
                guard parser.peek == UInt8(ascii: "[") else { return try parser.skipValue() }
                try parser.array { (parser) throws(Malformed) in if let tag = try parser.optionalString() { series.tags.append(tag) } }
            } else if parser.matches(key, "pointlist") {
                parser.skipSpace()
                guard parser.peek == UInt8(ascii: "[") else { return try parser.skipValue() }
                try parser.array { (parser) throws(Malformed) in
                    guard let (milliseconds, value) = try parser.numberPair(), let milliseconds else {
                        problem = problem ?? "a point is not [milliseconds, value]"
                        return
                    }
                    series.points.append((milliseconds, value))
                }
            } else {
                try parser.skipValue()
            }
        }
        return series
    }
}
