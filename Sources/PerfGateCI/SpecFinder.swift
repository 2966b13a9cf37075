import PerfGateCore

/// Finds the spec: a file, a folder or a glob given by `--spec` or `PERFGATE_SPEC`, else a search
/// of the platform's artifact and workspace folders.
package enum SpecFinder {
    package static let maxDepth = 6
    /// The most folder entries one search looks at: a workspace is searched in well under a second,
    /// and no tree (however it is built) can make the search run for minutes.
    package static let maxEntries = 200_000
    static let skipped: Set<String> = [".git", "node_modules", ".build", ".perfgate", ".svn", ".hg"]

    package enum Outcome: Sendable, Equatable {
        case found(String)
        case none(searched: [String])
        case several([String])
        /// The search stopped after `maxEntries` entries without deciding.
        case tooLarge(searched: [String])
    }

    package static func find(_ given: String?, roots: [String]) -> Outcome {
        guard let given, !given.isEmpty else { return search(roots) }
        if given.contains(where: { "*?[".contains($0) }) {
            let matches = FileSystem.glob(given).filter { !FileSystem.isDirectory($0) }
            switch matches.count {
            case 0: return .none(searched: [given])
            case 1: return .found(matches[0])
            default: return .several(matches)
            }
        }
        if FileSystem.isDirectory(given) { return search([given]) }
        return .found(given)  // a missing file is the loader's to report
    }

    /// `perfspec.json`, `perfspec.yaml`, `perfspec.yml` and `*.perfspec.{json,yaml,yml}`; and
    /// Keptn's `slo.yaml` (or `slo.yml`).
    package static func isSpecName(_ name: String) -> Bool {
        let lower = name.lowercased()
        if lower == "slo.yaml" || lower == "slo.yml" { return true }
        for suffix in [".json", ".yaml", ".yml"] where lower.hasSuffix(suffix) {
            let stem = lower.dropLast(suffix.count)
            return stem == "perfspec" || stem.hasSuffix(".perfspec")
        }
        return false
    }

    static func search(_ roots: [String], maxEntries: Int = maxEntries) -> Outcome {
        var found: [String] = []
        var seen = Set<String>()
        var budget = maxEntries
        for root in roots {
            walk(root, depth: 0, budget: &budget) { path in
                if seen.insert(canonical(path)).inserted { found.append(path) }
            }
        }
        if budget < 0 { return .tooLarge(searched: roots) }
        // The same spec twice is one spec: a job that checks the repository out and downloads its
        // spec artifact has two identical copies (the first found, in root and name order, is used).
        if found.count > 1, let first = try? FileSystem.read(found[0], limit: 16 << 20),
            found.dropFirst().allSatisfy({ (try? FileSystem.read($0, limit: 16 << 20)) == first })
        {
            return .found(found[0])
        }
        switch found.count {
        case 0: return .none(searched: roots)
        case 1: return .found(found[0])
        default: return .several(found)
        }
    }

    /// Folders are entered only as themselves: a symbolic link to a folder is never followed, so
    /// links to `.` or to a parent cannot make the search loop or multiply. A spec reached through
    /// a link to a file is still found.
    static func walk(_ folder: String, depth: Int, budget: inout Int, _ visit: (String) -> Void) {
        var subfolders: [String] = []
        for name in FileSystem.list(folder) {
            budget -= 1
            if budget < 0 { return }
            let path = folder.hasSuffix("/") ? folder + name : folder + "/" + name
            if FileSystem.isRealDirectory(path) {
                if !skipped.contains(name) { subfolders.append(path) }
            } else if isSpecName(name), !FileSystem.isDirectory(path) {
                visit(path)
            }
        }
        guard depth < maxDepth else { return }
        for subfolder in subfolders where budget >= 0 { walk(subfolder, depth: depth + 1, budget: &budget, visit) }
    }

    /// The same file reached through overlapping roots counts once.
    static func canonical(_ path: String) -> String {
        FileSystem.realPath(path) ?? path
    }
}
