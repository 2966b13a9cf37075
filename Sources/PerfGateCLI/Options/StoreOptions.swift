import ArgumentParser
import PerfGateCore
import PerfGateServer
import PerfGateSources
import PerfGateStore

/// Where `serve` keeps its runs, and for how long.
struct StoreOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The results store: sqlite:PATH, postgres://user@host/db, or none for a stateless service (default: perfgate.db in --data-dir).",
            valueName: "store"))
    var store: String?

    @Option(
        name: .long,
        help: ArgumentHelp("Where the default SQLite store lives (default: PERFGATE_DATA_DIR, else the working directory).", valueName: "folder"))
    var dataDir: String?

    @Option(
        name: .long,
        help: ArgumentHelp("A file holding the PostgreSQL store's password (else the URL's, else PGPASSWORD).", valueName: "file"))
    var storePasswordFile: String?

    @Flag(
        name: .long,
        help: "Answer 503 when a run cannot be recorded or its earlier runs cannot be read; by default the verdict comes with a warning.")
    var storeRequired = false

    @Option(name: .long, help: ArgumentHelp("Keep the newest N runs per project, stage, service and branch (pinned baselines stay).", valueName: "N"))
    var retainRuns: Int?

    @Option(name: .long, help: ArgumentHelp("Delete runs older than D days (pinned baselines stay).", valueName: "D"))
    var retainDays: Double?

    func check() throws {
        if let retainRuns, retainRuns < 1 { throw ValidationError("--retain-runs must be 1 or more") }
        if let retainDays, !(retainDays > 0 && retainDays.isFinite) { throw ValidationError("--retain-days must be more than 0") }
        if storePasswordFile != nil && !(store ?? "").hasPrefix("postgres") {
            throw ValidationError("--store-password-file is for a PostgreSQL store: give --store postgres://user@host/db")
        }
        if store == "none" && (storeRequired || retainRuns != nil || retainDays != nil) {
            throw ValidationError("--store none keeps no runs: drop --store-required, --retain-runs and --retain-days")
        }
    }

    /// The store the options name, opened and migrated; nil for `--store none`.
    func open(environment: [String: String]) throws(ServiceSetupError) -> StoreSettings? {
        let location: String
        switch store {
        case "none"?: return nil
        case let value? where value.hasPrefix("sqlite:"):
            location = String(value.dropFirst("sqlite:".count))
            guard !location.isEmpty else {
                throw ServiceSetupError("--store sqlite: needs the database file's path (sqlite:/var/lib/perfgate/perfgate.db)")
            }
        case let value? where value.hasPrefix("postgres://") || value.hasPrefix("postgresql://"):
            return try openPostgres(value, environment: environment)
        case let value?:
            throw ServiceSetupError("--store \(value) is not a store: give sqlite:PATH, postgres://user@host/db or none")
        case nil:
            let folder = dataDir ?? environment["PERFGATE_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "."
            guard FileSystem.isRealDirectory(folder) else {
                throw ServiceSetupError(
                    "the data folder \(folder) (--data-dir or PERFGATE_DATA_DIR) does not exist; create it, or give --store sqlite:PATH or --store none"
                )
            }
            location = folder + "/perfgate.db"
        }
        do {
            let store = try SQLiteStore(path: location)
            return StoreSettings(store: store, retainRuns: retainRuns, retainDays: retainDays, required: storeRequired)
        } catch {
            throw ServiceSetupError(error.message)
        }
    }

    /// The PostgreSQL store: its password from --store-password-file, else the URL, else PGPASSWORD (libpq's own).
    func openPostgres(_ url: String, environment: [String: String]) throws(ServiceSetupError) -> StoreSettings {
        var password: String?
        if let storePasswordFile {
            let bytes: [UInt8]
            do {
                bytes = try FileSystem.read(storePasswordFile, limit: 1 << 16)
            } catch {
                throw ServiceSetupError("cannot read the store's password: \(error)")
            }
            password = String(decoding: bytes, as: UTF8.self).split(separator: "\n").first.map { String($0).trimmingSpaces() }
            guard let given = password, !given.isEmpty else {
                throw ServiceSetupError("\(storePasswordFile) is empty: put the PostgreSQL password on its first line")
            }
        }
        // Before anything can print them.
        Invocation.current.secrets.register(
            (password.map { [$0] } ?? []) + PostgresStore.credentials(in: url) + (environment["PGPASSWORD"].map { [$0] } ?? []))
        do {
            let store = try PostgresStore(uri: url, password: password)
            return StoreSettings(store: store, retainRuns: retainRuns, retainDays: retainDays, required: storeRequired)
        } catch {
            throw ServiceSetupError(error.message)
        }
    }
}
