import PerfGateCore
import PerfGateStore

/// A stored run as the API writes it (docs/openapi.yaml, `Run`).
enum RunJSON {
    static func summary(_ run: StoredRun) -> Node {
        let key = run.key
        var pairs: [(String, Node)] = [
            ("id", .string(String(run.id))), ("time", .string(CivilDate.rfc3339(run.record.time))),
            ("project", .string(key.project)), ("stage", .string(key.stage)), ("service", .string(key.service)),
            ("branch", .string(run.branch)), ("result", .string(run.record.result.rawValue)), ("score", .number(run.record.score))
        ]
        var spec: [(String, Node)] = [("kind", .string(run.record.specKind))]
        if let path = run.record.specPath { spec.append(("path", .string(path))) }
        if let digest = run.record.specDigest { spec.append(("digest", .string(digest))) }
        pairs.append(("spec", .object(spec)))
        pairs.append(("provenance", run.provenance.node))
        pairs.append(("recordedAt", .string(CivilDate.rfc3339(run.recordedAt))))
        if let tag = run.tag { pairs.append(("tag", .string(tag))) }
        if let invalidation = run.invalidation {
            var members: [(String, Node)] = [("reason", .string(invalidation.reason)), ("at", .string(CivilDate.rfc3339(invalidation.at)))]
            if let by = invalidation.by { members.append(("by", .string(by))) }
            pairs.append(("invalidated", .object(members)))
        }
        return .object(pairs)
    }

    static func baseline(_ baseline: Baseline, run: StoredRun?) -> Node {
        var pairs: [(String, Node)] = [
            ("project", .string(baseline.key.project)), ("stage", .string(baseline.key.stage)), ("service", .string(baseline.key.service)),
            ("runId", .string(String(baseline.runId))), ("pinnedAt", .string(CivilDate.rfc3339(baseline.at)))
        ]
        if let by = baseline.by { pairs.append(("pinnedBy", .string(by))) }
        if let run { pairs.append(("run", summary(run))) }
        return .object(pairs)
    }

    /// The store's failure as an answer: 503, never the store's secrets.
    static func unavailable(_ error: StoreError, redactor: Redactor) -> ServiceResponse {
        .error(503, redactor.redact("the results store failed: \(error.message)"), headers: [("Retry-After", "5")], outcome: "store")
    }

    /// A run id from a path segment: digits only.
    static func id(_ segment: Substring) -> Int64? {
        guard !segment.isEmpty, segment.count <= 18, segment.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int64(segment)
    }
}
