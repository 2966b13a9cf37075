import Glibc
import PerfGateCore

/// A single pass over a Prometheus API answer's bytes, straight to measurements.
///
/// A general document tree for a 100,000-series answer costs a million small values; this reads
/// only what perfgate needs (`status`, `errorType`, `error`, `warnings`, `data.resultType`,
/// `data.result`), skips everything else, and still rejects malformed JSON with its offset. Keys,
/// labels and numbers are read from the raw bytes; a String is made once per series key.
struct PrometheusAnswerParser: JSONScanning {
    struct Answer {
        var status: String?
        var errorType: String?
        var error: String?
        var warnings: [String] = []
        var resultType: String?
        /// Series results (vector and matrix), in order.
        var samples: [Measurement] = []
        /// A scalar or string result: `[timestamp, "value"]`, the value as written.
        var single: (timestamp: Double, value: String)?
        var hasResult = false
        /// The series objects read, and how many had a `value` point or a `values` list: a vector
        /// needs `value` in every one, a matrix `values`, or the answer is not what it claims.
        var seriesCount = 0
        var seriesWithValue = 0
        var seriesWithValues = 0
    }

    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    private var labelScratch: [(name: RawString, value: RawString)] = []
    private var keys = SeriesKeyWriter()

    static func parse(_ body: [UInt8]) throws(Malformed) -> Answer {
        let outcome: Result<Answer, Malformed> = body.withUnsafeBufferPointer { buffer in
            var parser = PrometheusAnswerParser(bytes: buffer)
            do throws(Malformed) {
                return .success(try parser.document())
            } catch {
                return .failure(error)
            }
        }
        return try outcome.get()
    }

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func document() throws(Malformed) -> Answer {
        var answer = Answer()
        try object { (parser, key) throws(Malformed) in
            if parser.matches(key, "status") {
                answer.status = try parser.stringOrNull()
            } else if parser.matches(key, "errorType") {
                answer.errorType = try parser.stringOrNull()
            } else if parser.matches(key, "error") {
                answer.error = try parser.stringOrNull()
            } else if parser.matches(key, "warnings") {
                try parser.array { (parser) throws(Malformed) in
                    if let warning = try parser.stringOrNull() { answer.warnings.append(warning) }
                }
            } else if parser.matches(key, "data") {
                try parser.data(into: &answer)
            } else {
                try parser.skipValue()
            }
        }
        skipSpace()
        guard index == bytes.count else { throw fail("unexpected data after the answer") }
        return answer
    }

    mutating func data(into answer: inout Answer) throws(Malformed) {
        if try null() { return }
        try object { (parser, key) throws(Malformed) in
            if parser.matches(key, "resultType") {
                answer.resultType = try parser.stringOrNull()
            } else if parser.matches(key, "result") {
                answer.hasResult = true
                try parser.result(into: &answer)
            } else {
                try parser.skipValue()
            }
        }
    }

    /// A list of series, or `[timestamp, "value"]` for a scalar or string.
    mutating func result(into answer: inout Answer) throws(Malformed) {
        skipSpace()
        guard peek == UInt8(ascii: "[") else { throw fail("'result' must be a list") }
        var probe = index + 1
        while probe < bytes.count, isSpace(bytes[probe]) { probe += 1 }
        if probe < bytes.count, bytes[probe] != UInt8(ascii: "{"), bytes[probe] != UInt8(ascii: "]") {
            try expect(UInt8(ascii: "["))
            let timestamp = try number()
            try expect(UInt8(ascii: ","))
            skipSpace()
            let value = peek == UInt8(ascii: "\"") ? text(try rawString()) : JSONWriter.format(try number())
            try expect(UInt8(ascii: "]"))
            answer.single = (timestamp, value)
            return
        }
        try array { (parser) throws(Malformed) in
            parser.skipSpace()
            guard parser.peek == UInt8(ascii: "{") else { throw parser.fail("a series in 'result' must be an object {\"metric\": …, \"value\": …}") }
            let (value, values) = try parser.series(into: &answer.samples)
            answer.seriesCount += 1
            if value { answer.seriesWithValue += 1 }
            if values { answer.seriesWithValues += 1 }
        }
    }

    /// `{"metric": {…}, "value": [t, "v"]}` or `{"metric": {…}, "values": [[t, "v"], …]}`.
    /// Returns whether the series had `value` and whether it had `values`.
    mutating func series(into samples: inout [Measurement]) throws(Malformed) -> (value: Bool, values: Bool) {
        var key = "{}"
        var sawValue = false
        var sawValues = false
        let first = samples.count
        try object { (parser, name) throws(Malformed) in
            if parser.matches(name, "metric") {
                key = try parser.labels()
                // Points read before the labels (an unusual key order) get the key now.
                for index in first..<samples.count { samples[index].key = key }
            } else if parser.matches(name, "value") {
                samples.append(try parser.point(key: key))
                sawValue = true
            } else if parser.matches(name, "values") {
                try parser.array { (parser) throws(Malformed) in samples.append(try parser.point(key: key)) }
                sawValues = true
            } else {
                try parser.skipValue()
            }
        }
        return (sawValue, sawValues)
    }

    /// `[timestamp, "value"]`; NaN is a missing value, `+Inf`/`-Inf` are numbers.
    mutating func point(key: String) throws(Malformed) -> Measurement {
        try expect(UInt8(ascii: "["))
        let timestamp = try number()
        try expect(UInt8(ascii: ","))
        skipSpace()
        let value: Double
        if peek == UInt8(ascii: "\"") {
            let raw = try rawString()
            guard let parsed = raw.escaped ? Double(text(raw)) : double(raw.range) else {
                index = raw.range.lowerBound
                throw fail("a sample value is not a number: \(Excerpt.quoted(text(raw)))")
            }
            value = parsed
        } else {
            value = try number()
        }
        try expect(UInt8(ascii: "]"))
        return Measurement(key: key, value: value, timestamp: timestamp)
    }

    /// The labels as `{a="b",c="d"}`, sorted by name, escaped as in Prometheus' text format.
    mutating func labels() throws(Malformed) -> String {
        labelScratch.removeAll(keepingCapacity: true)
        try object { (parser, name) throws(Malformed) in
            parser.skipSpace()
            guard parser.peek == UInt8(ascii: "\"") else { throw parser.fail("a label value must be a string") }
            parser.labelScratch.append((name, try parser.rawString()))
        }
        return keys.key(labels: &labelScratch, in: bytes)
    }
}
