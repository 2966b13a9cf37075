/// One line of the `--history` file: what one evaluation measured and concluded.
///
/// ```json
/// {"time":"2026-11-25T10:00:00Z","window":{"start":"…","end":"…"},
///  "spec":{"kind":"slo","path":"slo.yaml","digest":"sha256:…"},"context":{"service":"checkout"},
///  "result":"pass","score":100,
///  "indicators":[{"id":"response_time_p95","key":"response_time_p95","value":212.5,"status":"pass","success":true}]}
/// ```
package struct HistoryRecord: Sendable, Equatable {
    package struct Value: Sendable, Equatable {
        /// The indicator's id, or the SLI's name.
        package var id: String
        /// The measurement's key (a label, an entity); for an SLI, its name.
        package var key: String
        package var value: Double?
        /// The indicator's or objective's status: pass, warning, fail, info or error.
        package var status: String
        /// Whether the value was measured and may be compared with (lighthouse's `success`).
        package var success: Bool

        package init(id: String, key: String, value: Double?, status: String, success: Bool) {
            self.id = id
            self.key = key
            self.value = value
            self.status = status
            self.success = success
        }
    }

    /// Seconds since the epoch.
    package var time: Double
    package var window: Window?
    /// `perfspec` or `slo`.
    package var specKind: String
    package var specPath: String?
    /// `sha256:` and the spec file's digest.
    package var specDigest: String?
    /// The project, stage and service the run was for, when known: runs compare only within one.
    package var context: [String: String]
    package var result: Verdict
    package var score: Double
    package var values: [Value]

    package init(
        time: Double, window: Window?, specKind: String, specPath: String?, specDigest: String?, context: [String: String],
        result: Verdict, score: Double, values: [Value]
    ) {
        self.time = time
        self.window = window
        self.specKind = specKind
        self.specPath = specPath
        self.specDigest = specDigest
        self.context = context
        self.result = result
        self.score = score
        self.values = values
    }

    /// One JSON line (without the newline).
    package func line() -> String {
        var spec: [(String, Node)] = [("kind", .string(specKind))]
        if let specPath { spec.append(("path", .string(specPath))) }
        if let specDigest { spec.append(("digest", .string(specDigest))) }
        let window: Node =
            self.window.map { window in
                .object([("start", .string(CivilDate.rfc3339(window.start))), ("end", .string(CivilDate.rfc3339(window.end)))])
            } ?? .null
        let values = self.values.map { value -> Node in
            .object([
                ("id", .string(value.id)), ("key", .string(value.key)), ("value", value.value.map(Node.number) ?? .null),
                ("status", .string(value.status)), ("success", .bool(value.success))
            ])
        }
        return JSONWriter.write(
            .object([
                ("time", .string(CivilDate.rfc3339(time))), ("window", window), ("spec", .object(spec)),
                ("context", .object(context.sorted { $0.key < $1.key }.map { ($0.key, Node.string($0.value)) })),
                ("result", .string(result.rawValue)), ("score", .number(score)), ("indicators", .array(values))
            ]))
    }

    /// A record from one line; nil, with the reason, when the line is not one.
    package static func parse(_ line: String) -> Result<HistoryRecord, HistoryLineError> {
        let node: Node
        do {
            node = try JSONParser.parse(line)
        } catch {
            return .failure(HistoryLineError(error.description))
        }
        guard case .string(let timeText) = node["time"]?.value, let time = try? TimeParser.parseRFC3339(timeText) else {
            return .failure(HistoryLineError("no RFC 3339 'time'"))
        }
        guard case .string(let resultText) = node["result"]?.value, let result = Verdict(rawValue: resultText) else {
            return .failure(HistoryLineError("no 'result' of pass, warning, fail or error"))
        }
        var window: Window?
        if case .string(let start) = node["window"]?["start"]?.value, case .string(let end) = node["window"]?["end"]?.value,
            let startTime = try? TimeParser.parseRFC3339(start), let endTime = try? TimeParser.parseRFC3339(end)
        {
            window = Window(start: startTime, end: endTime)
        }
        var context: [String: String] = [:]
        for member in node["context"]?.members ?? [] {
            if case .string(let value) = member.value.value { context[member.key] = value }
        }
        var values: [Value] = []
        for item in node["indicators"]?.items ?? [] {
            guard case .string(let id) = item["id"]?.value else { continue }
            values.append(
                Value(
                    id: id, key: string(item["key"]) ?? id, value: number(item["value"]), status: string(item["status"]) ?? "",
                    success: item["success"]?.boolValue ?? false))
        }
        return .success(
            HistoryRecord(
                time: time, window: window, specKind: string(node["spec"]?["kind"]) ?? "", specPath: string(node["spec"]?["path"]),
                specDigest: string(node["spec"]?["digest"]), context: context, result: result, score: number(node["score"]) ?? 0,
                values: values))
    }

    // Switches rather than Optional.map chains: Swift 6.3's release optimizer crashes on those.
    static func string(_ node: Node?) -> String? {
        guard let node, case .string(let text) = node.value else { return nil }
        return text
    }

    static func number(_ node: Node?) -> Double? {
        guard let node, case .number(let number) = node.value, number.isFinite else { return nil }
        return number
    }
}

/// Why a history line could not be read.
package struct HistoryLineError: Error, Sendable, Equatable {
    package var reason: String
    package init(_ reason: String) { self.reason = reason }
}
