import PerfGateCore

/// A single pass over an InfluxDB `/query` answer's bytes, straight to measurements: what
/// perfgate needs (the top-level `error`, each statement's `error`, `messages` and `series`),
/// with everything else skipped and malformed JSON rejected with its offset. As for Prometheus,
/// a series' key is made once from the raw bytes, and its rows become measurements as they are
/// read; a document tree of a 10,000-series answer cost twice as much.
struct InfluxDBAnswerParser: JSONScanning {
    struct Statement {
        var error: String?
        var messages: [String] = []
        var measurements: [Measurement] = []
        /// A series this query cannot grade (no such column, or several without `column`).
        var problem: String?
    }

    struct Answer {
        /// The answer's own `error` (HTTP 400, 401, 5xx).
        var error: String?
        /// nil when the answer has no `results`.
        var statements: [Statement]?
    }

    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    /// The column graded; nil when each series has one besides `time`.
    let column: String?
    private var keys = SeriesKeyWriter(escapesControls: true)
    private var layout = Layout()

    init(bytes: UnsafeBufferPointer<UInt8>, column: String?) {
        self.bytes = bytes
        self.column = column
    }

    static func parse(_ body: [UInt8], column: String?) throws(Malformed) -> Answer {
        let outcome: Result<Answer, Malformed> = body.withUnsafeBufferPointer { buffer in
            var parser = InfluxDBAnswerParser(bytes: buffer, column: column)
            do throws(Malformed) {
                let answer = try parser.document()
                parser.skipSpace()
                guard parser.index == buffer.count else { throw parser.fail("more after the answer's end") }
                return .success(answer)
            } catch {
                return .failure(error)
            }
        }
        return try outcome.get()
    }

    mutating func document() throws(Malformed) -> Answer {
        var answer = Answer()
        try object { (parser, key) throws(Malformed) in
            if parser.matches(key, "error") {
                answer.error = try parser.stringOrNull()
            } else if parser.matches(key, "results") {
                var statements: [Statement] = []
                try parser.array { (parser) throws(Malformed) in statements.append(try parser.statement()) }
                answer.statements = statements
            } else {
                try parser.skipValue()
            }
        }
        return answer
    }

    mutating func statement() throws(Malformed) -> Statement {
        var statement = Statement()
        try object { (parser, key) throws(Malformed) in
            if parser.matches(key, "error") {
                statement.error = try parser.stringOrNull()
            } else if parser.matches(key, "messages") {
                try parser.array { (parser) throws(Malformed) in
                    try parser.object { (parser, key) throws(Malformed) in
                        if parser.matches(key, "text"), let text = try parser.stringOrNull() {
                            statement.messages.append(text)
                        } else {
                            try parser.skipValue()
                        }
                    }
                }
            } else if parser.matches(key, "series") {
                try parser.array { (parser) throws(Malformed) in try parser.series(into: &statement) }
            } else {
                try parser.skipValue()
            }
        }
        return statement
    }

    /// One series: its name, tags and columns (InfluxDB writes them before `values`), then each
    /// row as a measurement. Rows that come before the columns are read again once they are known.
    mutating func series(into statement: inout Statement) throws(Malformed) {
        var name: RawString?
        var tags: [(name: RawString, value: RawString)] = []
        var columns: [String]?
        var deferredRows: Int?
        try object { (parser, key) throws(Malformed) in
            if parser.matches(key, "name") {
                parser.skipSpace()
                name = try parser.null() ? nil : try parser.rawString()
            } else if parser.matches(key, "tags") {
                try parser.object { (parser, tag) throws(Malformed) in
                    parser.skipSpace()
                    guard parser.peek == UInt8(ascii: "\"") else { throw parser.fail("a tag's value must be a string") }
                    tags.append((tag, try parser.rawString()))
                }
            } else if parser.matches(key, "columns") {
                var names: [String] = []
                try parser.array { (parser) throws(Malformed) in names.append(try parser.stringOrNull() ?? "") }
                columns = names
            } else if parser.matches(key, "values") {
                if columns == nil {
                    deferredRows = parser.index
                    try parser.skipValue()
                } else {
                    let key = parser.key(name: name, tags: tags)
                    try parser.rows(key: key, columns: columns ?? [], into: &statement)
                }
            } else {
                try parser.skipValue()
            }
        }
        guard let deferredRows else { return }
        let end = index
        index = deferredRows
        try rows(key: key(name: name, tags: tags), columns: columns ?? [], into: &statement)
        index = end
    }

    /// The rows of `values`, the graded column of each as a measurement at the row's time.
    mutating func rows(key: String, columns: [String], into statement: inout Statement) throws(Malformed) {
        // Every series of an answer has the same columns, as a rule: worked out once.
        if columns != layout.columns { layout = Layout(columns, graded: column) }
        let (valueIndex, timeIndex) = (layout.value, layout.time)
        if let problem = layout.problem, statement.problem == nil { statement.problem = "the series \(key) \(problem)" }
        try array { (parser) throws(Malformed) in
            var position = 0
            var value: Double?
            var timestamp: Double?
            var problem: String?
            try parser.array { (parser) throws(Malformed) in
                defer { position += 1 }
                guard position == valueIndex || position == timeIndex else { return try parser.skipValue() }
                let cell = try parser.cell()
                if position == timeIndex {
                    if case .number(let milliseconds) = cell { timestamp = milliseconds / 1000 }
                    return
                }
                switch cell {
                case .number(let number): value = number
                case .missing: value = nil
                case .invalid(let message): problem = message
                }
            }
            if let problem {
                if statement.problem == nil { statement.problem = "the series \(key): \(problem)" }
                return
            }
            if valueIndex != nil { statement.measurements.append(Measurement(key: key, value: value, timestamp: timestamp)) }
        }
    }

    /// Where a series' graded value and time are, from its columns.
    struct Layout {
        var columns: [String] = []
        var value: Int?
        var time: Int?
        /// Why the series cannot be graded, after its key.
        var problem: String?

        init() {}

        init(_ columns: [String], graded column: String?) {
            self.columns = columns
            time = columns.firstIndex(of: "time")
            let valueColumns = columns.filter { $0 != "time" }
            if let column {
                value = columns.firstIndex(of: column)
                if value == nil {
                    problem =
                        "has no column \(Excerpt.quoted(column))\(Suggestion.hint(for: column, in: valueColumns)); its columns: \(Excerpt.list(valueColumns))"
                }
            } else if valueColumns.count == 1 {
                value = columns.firstIndex(of: valueColumns[0])
            } else {
                problem = "has \(valueColumns.count) value columns (\(Excerpt.list(valueColumns))); name the one to grade with the query's 'column'"
            }
        }
    }

    enum Cell {
        case number(Double)
        case missing
        case invalid(String)
    }

    /// A cell: a number, a numeric string ("NaN", "+Inf" too), or null (a missing value).
    mutating func cell() throws(Malformed) -> Cell {
        skipSpace()
        switch peek {
        case UInt8(ascii: "\"")?:
            let text = text(try rawString())
            do throws(SourceError) {
                return try NumericValue.parse(.string(text)).map(Cell.number) ?? .missing
            } catch {
                return .invalid(error.message)
            }
        case UInt8(ascii: "n")?:
            _ = try null()
            return .missing
        case UInt8(ascii: "t")?, UInt8(ascii: "f")?:
            try skipValue()
            return .invalid("a value must be a number, found a boolean")
        case UInt8(ascii: "{")?, UInt8(ascii: "[")?:
            try skipValue()
            return .invalid("a value must be a number, found an object or a list")
        default:
            return .number(try number())
        }
    }

    /// `name{tag="value",…}`, as Prometheus keys are written, control characters escaped too; the
    /// name alone without tags.
    mutating func key(name: RawString?, tags: [(name: RawString, value: RawString)]) -> String {
        guard !tags.isEmpty else { return name.map(text) ?? "" }
        var tags = tags
        return keys.key(prefix: name, labels: &tags, in: bytes)
    }
}
