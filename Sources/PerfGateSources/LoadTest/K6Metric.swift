import PerfGateCore

/// A metric as a k6 query names it: `http_req_duration`, or a sub-metric such as
/// `http_req_duration{name:checkout,expected_response:true}`, the way k6's thresholds write it.
package struct K6MetricName: Hashable, Sendable {
    var base: String
    /// The tags a point must carry, sorted by key.
    var tags: [K6Tag]

    /// Parses k6's syntax: `name{key:value,…}`; values may be quoted ("…" or '…').
    package init(_ text: String) {
        guard let open = text.firstIndex(of: "{"), text.hasSuffix("}") else {
            self.init(base: text.trimmingSpaces(), tags: [])
            return
        }
        let inner = text[text.index(after: open)..<text.index(before: text.endIndex)]
        let tags = inner.split(separator: ",").compactMap { (pair: Substring) -> K6Tag? in
            guard let colon = pair.firstIndex(of: ":") else { return nil }
            var value = String(pair[colon...].dropFirst()).trimmingSpaces()
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            return K6Tag(key: String(pair[..<colon]).trimmingSpaces(), value: value)
        }
        self.init(base: String(text[..<open]).trimmingSpaces(), tags: tags)
    }

    init(base: String, tags: [K6Tag]) {
        self.base = base
        // One value per key, the last given winning, as in a JSON object.
        var unique: [String: String] = [:]
        for tag in tags { unique[tag.key] = tag.value }
        self.tags = unique.map { K6Tag(key: $0.key, value: $0.value) }.sorted { $0.key < $1.key }
    }

    /// This name with more tags (the query's `tags` object).
    func adding(_ more: [K6Tag]) -> K6MetricName { K6MetricName(base: base, tags: tags + more) }

    /// k6's spelling: `base{key:value,…}`.
    var description: String {
        tags.isEmpty ? base : base + "{" + tags.map { "\($0.key):\($0.value)" }.joined(separator: ",") + "}"
    }
}

struct K6Tag: Hashable, Sendable {
    var key: String
    var value: String
}

/// k6's four metric types, with the stats its end-of-test summary gives for each.
enum K6MetricType: String {
    case counter, gauge, rate, trend

    var stats: [String] {
        switch self {
        case .counter: return ["count", "rate"]
        case .gauge: return ["value", "min", "max"]
        case .rate: return ["rate", "value", "passes", "fails"]
        case .trend: return ["avg", "min", "med", "max", "p(90)", "p(95)", "p(N)", "count"]
        }
    }

    /// The types of k6's built-in metrics, for a stream cut before a metric's declaration.
    static func builtIn(_ name: String) -> K6MetricType? {
        switch name {
        case "http_reqs", "iterations", "data_sent", "data_received", "dropped_iterations", "ws_msgs_sent",
            "ws_msgs_received", "ws_sessions", "grpc_streams", "grpc_streams_msgs_sent", "grpc_streams_msgs_received":
            return .counter
        case "vus", "vus_max": return .gauge
        case "checks", "http_req_failed": return .rate
        case "http_req_duration", "http_req_blocked", "http_req_connecting", "http_req_tls_handshaking", "http_req_sending",
            "http_req_waiting", "http_req_receiving", "iteration_duration", "group_duration", "ws_connecting",
            "ws_session_duration", "ws_ping", "grpc_req_duration":
            return .trend
        default: return nil
        }
    }
}

/// A stat of k6's end-of-test summary.
enum K6Stat: Equatable {
    case avg, min, med, max, count, rate, value, passes, fails
    /// `p(95)` is 95.
    case percentile(Double)

    /// k6's spelling, and the JMeter-style ones perfgate accepts too: `p95`, `median`, `mean`.
    init?(_ text: String) {
        let name = text.lowercased().trimmingSpaces()
        switch name {
        case "avg", "mean", "average": self = .avg
        case "min": self = .min
        case "med", "median": self = .med
        case "max": self = .max
        case "count": self = .count
        case "rate": self = .rate
        case "value": self = .value
        case "passes": self = .passes
        case "fails": self = .fails
        default:
            var digits = Substring(name)
            guard digits.first == "p" else { return nil }
            digits = digits.dropFirst()
            if digits.first == "(" && digits.last == ")" { digits = digits.dropFirst().dropLast() }
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
                let percent = Double(digits), percent >= 0, percent <= 100
            else { return nil }
            self = .percentile(percent)
        }
    }

    /// Whether k6 gives this stat for a metric of `type`.
    func applies(to type: K6MetricType) -> Bool {
        switch (self, type) {
        case (.count, .counter), (.rate, .counter): return true
        case (.value, .gauge), (.min, .gauge), (.max, .gauge): return true
        // A rate's share is "rate" in handleSummary and "value" in --summary-export: both work.
        case (.rate, .rate), (.value, .rate), (.passes, .rate), (.fails, .rate): return true
        case (.avg, .trend), (.min, .trend), (.med, .trend), (.max, .trend), (.count, .trend), (.percentile, .trend): return true
        default: return false
        }
    }
}
