import PerfGateCore

/// The statements both engines run, in each one's dialect, and how a row becomes a run. Written
/// with `?` placeholders; PostgreSQL gets them numbered (`$1`, `$2`, …).
struct RunSQL {
    enum Dialect {
        case sqlite, postgres
    }

    let dialect: Dialect

    /// A statement in this dialect: PostgreSQL's numbered placeholders. (No statement here has a
    /// `?` inside a string literal.)
    func callAsFunction(_ sql: String) -> String {
        guard dialect == .postgres else { return sql }
        var numbered = ""
        var count = 0
        for character in sql {
            if character == "?" {
                count += 1
                numbered += "$\(count)"
            } else {
                numbered.append(character)
            }
        }
        return numbered
    }

    static let columns =
        "id, record, branch, platform, pipeline, ci_run, attempt, target_branch, commit_sha, url, recorded_at, invalidated_at, invalidated_reason, invalidated_by, tag"

    static let keyClause = "project = ? AND stage = ? AND service = ? AND branch = ?"

    /// Null-safe equality: SQLite's `IS` (3.34 in the portable build has no `IS NOT DISTINCT FROM`).
    var same: String { dialect == .sqlite ? "IS" : "IS NOT DISTINCT FROM" }

    var insert: String {
        self(
            """
            INSERT INTO runs (project, stage, service, branch, time, result, score, spec_digest, record, report,
                platform, pipeline, ci_run, attempt, target_branch, commit_sha, url, idempotency_key, recorded_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """ + (dialect == .postgres ? " ON CONFLICT (idempotency_key) DO NOTHING RETURNING id" : ""))
    }

    static func insertValues(_ run: NewRun) -> [SQLValue] {
        let record = run.record
        let provenance = run.provenance
        return RunKey(context: record.context).values + [
            .text(run.branch), .real(record.time), .text(record.result.rawValue), .real(record.score), .optional(record.specDigest),
            .text(record.line()), .optional(run.report), .optional(provenance.platform), .optional(provenance.pipeline),
            .optional(provenance.runId), .optional(provenance.attempt), .optional(provenance.targetBranch),
            .optional(provenance.commit), .optional(provenance.url), .optional(run.idempotencyKey), .real(run.recordedAt)
        ]
    }

    var idByIdempotencyKey: String { self("SELECT id FROM runs WHERE idempotency_key = ?") }

    /// Retention's two deletes for a key and branch; pinned runs stay.
    func retention(key: RunKey, branch: String, _ retention: Retention) -> [(String, [SQLValue])] {
        let keyValues = key.values + [.text(branch)]
        var statements: [(String, [SQLValue])] = []
        if let runs = retention.runs {
            statements.append(
                (
                    self(
                        """
                        DELETE FROM runs WHERE \(Self.keyClause) AND id NOT IN (SELECT run_id FROM baselines)
                        AND id NOT IN (SELECT id FROM runs WHERE \(Self.keyClause) ORDER BY time DESC, id DESC LIMIT ?)
                        """), keyValues + keyValues + [.integer(Int64(max(1, runs)))]
                ))
        }
        if let days = retention.days {
            statements.append(
                (
                    self("DELETE FROM runs WHERE \(Self.keyClause) AND time < ? AND id NOT IN (SELECT run_id FROM baselines)"),
                    keyValues + [.real(retention.now - days * 86_400)]
                ))
        }
        return statements
    }

    func comparison(_ query: ComparisonQuery) -> (String, [SQLValue]) {
        let results = query.results.map { _ in "?" }.joined(separator: ", ")
        return (
            self(
                """
                SELECT record FROM runs WHERE \(Self.keyClause) AND invalidated_at IS NULL AND result IN (\(results))
                AND NOT (ci_run \(same) ? AND platform \(same) ? AND pipeline \(same) ? AND attempt \(same) ?) ORDER BY time DESC, id DESC LIMIT ?
                """),
            query.key.values + [.text(query.branch)] + query.results.map { .text($0.rawValue) } + Self.sameRun(query.excluding) + [
                .integer(Int64(query.limit))
            ]
        )
    }

    /// The values that match the rows of one pipeline run's attempt; none without a run id.
    static func sameRun(_ provenance: RunProvenance?) -> [SQLValue] {
        // `ci_run = ''` matches no row: a run id is never stored empty.
        guard let provenance, let runId = provenance.runId else { return [.text(""), .null, .null, .null] }
        return [.text(runId), .optional(provenance.platform), .optional(provenance.pipeline), .optional(provenance.attempt)]
    }

    func runs(_ filter: RunFilter) -> (String, [SQLValue]) {
        var clauses: [String] = []
        var values: [SQLValue] = []
        for (column, value) in [("project", filter.project), ("stage", filter.stage), ("service", filter.service), ("branch", filter.branch)] {
            if let value {
                clauses.append("\(column) = ?")
                values.append(.text(value))
            }
        }
        if let result = filter.result {
            clauses.append("result = ?")
            values.append(.text(result.rawValue))
        }
        if let before = filter.before {
            clauses.append("id < ?")
            values.append(.integer(before))
        }
        if let after = filter.after {
            clauses.append("id > ?")
            values.append(.integer(after))
        }
        let condition = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        let order = filter.oldestFirst ? "id ASC" : "id DESC"
        return (self("SELECT \(Self.columns) FROM runs \(condition) ORDER BY \(order) LIMIT ?"), values + [.integer(Int64(max(0, filter.limit)))])
    }

    var runById: String { self("SELECT \(Self.columns), report FROM runs WHERE id = ?") }
    var exists: String { self("SELECT 1 FROM runs WHERE id = ?") }
    var idByTag: String {
        self("SELECT id FROM runs WHERE project = ? AND stage = ? AND service = ? AND tag = ? ORDER BY time DESC, id DESC LIMIT 1")
    }

    func update(id: Int64, _ change: RunChange) -> [(String, [SQLValue])] {
        var statements: [(String, [SQLValue])] = []
        switch change.validity {
        case .invalid(let invalidation):
            statements.append(
                (
                    self("UPDATE runs SET invalidated_at = ?, invalidated_reason = ?, invalidated_by = ? WHERE id = ?"),
                    [.real(invalidation.at), .text(invalidation.reason), .optional(invalidation.by), .integer(id)]
                ))
        case .valid:
            statements.append(
                (self("UPDATE runs SET invalidated_at = NULL, invalidated_reason = NULL, invalidated_by = NULL WHERE id = ?"), [.integer(id)]))
        case nil: break
        }
        if let tag = change.tag {
            statements.append((self("UPDATE runs SET tag = ? WHERE id = ?"), [tag.isEmpty ? .null : .text(tag), .integer(id)]))
        }
        return statements
    }

    var baseline: String { self("SELECT run_id, pinned_by, pinned_at FROM baselines WHERE project = ? AND stage = ? AND service = ?") }
    var pin: String {
        self(
            """
            INSERT INTO baselines (project, stage, service, run_id, pinned_by, pinned_at) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (project, stage, service) DO UPDATE SET run_id = excluded.run_id, pinned_by = excluded.pinned_by, pinned_at = excluded.pinned_at
            """)
    }
    var unpin: String { self("DELETE FROM baselines WHERE project = ? AND stage = ? AND service = ?") }

    var services: String {
        self(
            """
            SELECT \(Self.columns.split(separator: ",").map { "runs." + String($0).trimmingSpaces() }.joined(separator: ", ")), keys.count
            FROM (SELECT MAX(id) AS id, COUNT(*) AS count FROM runs GROUP BY project, stage, service) AS keys
            JOIN runs ON runs.id = keys.id ORDER BY runs.project, runs.stage, runs.service LIMIT ?
            """)
    }

    /// A row of `columns` (and the report after them, when read) as a run.
    static func run(_ row: [SQLValue], report: String? = nil) -> StoredRun? {
        guard row.count >= 15, let id = row[0].integer, let line = row[1].text, let record = try? HistoryRecord.parse(line).get() else {
            return nil
        }
        let invalidation = row[11].real.map { Invalidation(reason: row[12].text ?? "", by: row[13].text, at: $0) }
        return StoredRun(
            id: id, record: record, line: line, branch: row[2].text ?? "",
            provenance: RunProvenance(
                platform: row[3].text, pipeline: row[4].text, runId: row[5].text, attempt: row[6].text,
                branch: row[2].text.flatMap { $0.isEmpty ? nil : $0 }, targetBranch: row[7].text, commit: row[8].text, url: row[9].text),
            recordedAt: row[10].real ?? 0, invalidation: invalidation, tag: row[14].text, report: report)
    }
}
