/// The SQLite store's schema, one step per version; `PRAGMA user_version` says which steps a
/// database has had. Steps are only ever appended: a released step never changes, so a database
/// made by any earlier perfgate upgrades by the steps it lacks, at start, in one transaction.
enum SQLiteMigrations {
    static let steps: [String] = [
        // 1: the runs, keyed by project, stage, service and branch, with where they came from.
        """
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            project TEXT NOT NULL, stage TEXT NOT NULL, service TEXT NOT NULL, branch TEXT NOT NULL,
            time REAL NOT NULL, result TEXT NOT NULL, score REAL NOT NULL, spec_digest TEXT,
            record TEXT NOT NULL, report TEXT,
            platform TEXT, pipeline TEXT, ci_run TEXT, attempt TEXT, target_branch TEXT, commit_sha TEXT, url TEXT,
            idempotency_key TEXT UNIQUE,
            recorded_at REAL NOT NULL
        );
        CREATE INDEX runs_by_key ON runs (project, stage, service, branch, time DESC, id DESC);
        """,
        // 2: invalidated runs, tags, and a pinned baseline per project, stage and service.
        """
        ALTER TABLE runs ADD COLUMN invalidated_at REAL;
        ALTER TABLE runs ADD COLUMN invalidated_reason TEXT;
        ALTER TABLE runs ADD COLUMN invalidated_by TEXT;
        ALTER TABLE runs ADD COLUMN tag TEXT;
        CREATE INDEX runs_by_tag ON runs (project, stage, service, tag) WHERE tag IS NOT NULL;
        CREATE TABLE baselines (
            project TEXT NOT NULL, stage TEXT NOT NULL, service TEXT NOT NULL,
            run_id INTEGER NOT NULL, pinned_by TEXT, pinned_at REAL NOT NULL,
            PRIMARY KEY (project, stage, service)
        );
        """
    ]

    static var latest: Int { steps.count }

    /// Applies the steps a database lacks; up to `target` (tests make older databases).
    static func migrate(_ database: SQLiteDatabase, to target: Int = latest) throws(StoreError) {
        try database.transaction { () throws(StoreError) in
            let version = try database.query("PRAGMA user_version").first?.first?.integer ?? 0
            guard version <= Int64(latest) else {
                throw StoreError(
                    "the SQLite store \(database.path) has schema version \(version), made by a newer perfgate (this one knows \(latest)); update perfgate, or give another --store"
                )
            }
            guard version < Int64(target) else { return }
            for step in steps[Int(version)..<target] { try database.execute(step) }
            try database.execute("PRAGMA user_version = \(target)")
        }
    }
}
