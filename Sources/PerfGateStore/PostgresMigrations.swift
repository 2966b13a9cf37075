/// The PostgreSQL store's schema, one step per version, as `SQLiteMigrations` is for SQLite (the
/// same tables in PostgreSQL's types). `perfgate_schema` says which steps a database has had;
/// replicas starting at once take turns (an advisory lock), and only the first applies a step.
enum PostgresMigrations {
    static let steps: [String] = [
        // 1: the runs, keyed by project, stage, service and branch, with where they came from.
        """
        CREATE TABLE runs (
            id BIGSERIAL PRIMARY KEY,
            project TEXT NOT NULL, stage TEXT NOT NULL, service TEXT NOT NULL, branch TEXT NOT NULL,
            time DOUBLE PRECISION NOT NULL, result TEXT NOT NULL, score DOUBLE PRECISION NOT NULL, spec_digest TEXT,
            record TEXT NOT NULL, report TEXT,
            platform TEXT, pipeline TEXT, ci_run TEXT, attempt TEXT, target_branch TEXT, commit_sha TEXT, url TEXT,
            idempotency_key TEXT UNIQUE,
            recorded_at DOUBLE PRECISION NOT NULL
        );
        CREATE INDEX runs_by_key ON runs (project, stage, service, branch, time DESC, id DESC)
        """,
        // 2: invalidated runs, tags, and a pinned baseline per project, stage and service.
        """
        ALTER TABLE runs ADD COLUMN invalidated_at DOUBLE PRECISION;
        ALTER TABLE runs ADD COLUMN invalidated_reason TEXT;
        ALTER TABLE runs ADD COLUMN invalidated_by TEXT;
        ALTER TABLE runs ADD COLUMN tag TEXT;
        CREATE INDEX runs_by_tag ON runs (project, stage, service, tag) WHERE tag IS NOT NULL;
        CREATE TABLE baselines (
            project TEXT NOT NULL, stage TEXT NOT NULL, service TEXT NOT NULL,
            run_id BIGINT NOT NULL, pinned_by TEXT, pinned_at DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (project, stage, service)
        )
        """
    ]

    static var latest: Int { steps.count }

    /// perfgate's own advisory lock key ("pgat" in ASCII).
    static let lockKey = 0x7067_6174

    static func migrate(_ connection: PostgresConnection, to target: Int = latest) throws(StoreError) {
        try connection.transaction { () throws(StoreError) in
            try connection.query("SELECT pg_advisory_xact_lock(\(lockKey))")
            try connection.query("CREATE TABLE IF NOT EXISTS perfgate_schema (version INTEGER NOT NULL)")
            let version = try connection.query("SELECT version FROM perfgate_schema").first?.first?.integer ?? 0
            guard version <= Int64(latest) else {
                throw StoreError(
                    "the PostgreSQL store \(connection.shown) has schema version \(version), made by a newer perfgate (this one knows \(latest)); update perfgate"
                )
            }
            guard version < Int64(target) else { return }
            // Each statement alone: a parameterless simple query could take them all, but
            // PQexecParams takes one.
            for step in steps[Int(version)..<target] {
                for statement in step.split(separator: ";") where !String(statement).trimmingSpaces().isEmpty {
                    try connection.query(String(statement))
                }
            }
            if version == 0 {
                try connection.query("INSERT INTO perfgate_schema (version) VALUES (\(target))")
            } else {
                try connection.query("UPDATE perfgate_schema SET version = \(target)")
            }
        }
    }
}
