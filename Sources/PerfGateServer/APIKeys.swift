import PerfGateCore

/// What a key may do. A key file line without scopes has `evaluate` and `read` (what every key
/// could do before scopes existed); invalidating runs and pinning baselines need `admin`.
package enum APIScope: String, Sendable, CaseIterable {
    /// Evaluate (POST /api/v1/evaluate, /api/pitometer).
    case evaluate
    /// Read the stored runs, baselines and trends.
    case read
    /// Invalidate and restore runs, pin baselines, import runs.
    case admin
}

/// Who called: the scopes of the key they sent, and its name for the record (`by`).
package struct APICaller: Sendable {
    package var scopes: Set<APIScope>
    /// The key's `name=`; nil for an unnamed key or no key at all.
    package var name: String?

    /// A caller on a service without keys: everything is allowed.
    package static let anyone = APICaller(scopes: Set(APIScope.allCases), name: nil)

    package func may(_ scope: APIScope) -> Bool { scopes.contains(scope) }
}

/// The keys a client may send as `Authorization: Bearer <key>`: one per line in a file, blank
/// lines and `#` comments ignored, each optionally followed by its scopes and a name:
///
///     3f1c…e9  evaluate,read
///     a77d…02  admin,read name=release-team
///
/// Compared in constant time, so the answer's timing says nothing about how much of a key was right.
package struct APIKeys: Sendable {
    private struct Entry: Sendable {
        var key: [UInt8]
        var scopes: Set<APIScope>
        var name: String?
    }

    private var entries: [Entry]

    /// Keys with the default scopes (evaluate, read).
    package init(_ keys: [String]) { self.entries = keys.map { Entry(key: Array($0.utf8), scopes: [.evaluate, .read], name: nil) } }

    private init(entries: [Entry]) { self.entries = entries }

    package var isEmpty: Bool { entries.isEmpty }
    package var values: [String] { entries.map { String(decoding: $0.key, as: UTF8.self) } }

    /// The keys in a file. A key shorter than 16 characters is refused: it could be guessed.
    package static func load(_ path: String) throws(ServiceSetupError) -> APIKeys {
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.read(path, limit: 1 << 20)
        } catch {
            throw ServiceSetupError("cannot read the API key file: \(error)")
        }
        var entries: [Entry] = []
        for (index, raw) in String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(raw).trimmingSpaces()
            if line.isEmpty || line.hasPrefix("#") { continue }
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            let key = words[0]
            guard key.count >= 16 else {
                throw ServiceSetupError(
                    "\(path):\(index + 1): an API key must be at least 16 characters long (generate one with 'openssl rand -hex 32')")
            }
            var entry = Entry(key: Array(key.utf8), scopes: [.evaluate, .read], name: nil)
            var scoped = false
            for word in words.dropFirst() {
                if word.hasPrefix("name=") {
                    let name = String(word.dropFirst(5))
                    guard !name.isEmpty, name.utf8.count <= 100 else {
                        throw ServiceSetupError("\(path):\(index + 1): a key's name= must have 1 to 100 characters")
                    }
                    entry.name = name
                    continue
                }
                if !scoped { entry.scopes = [] }
                scoped = true
                for part in word.split(separator: ",") {
                    guard let scope = APIScope(rawValue: String(part)) else {
                        throw ServiceSetupError(
                            "\(path):\(index + 1): '\(part)' is not a scope; a key line is the key, then scopes (evaluate, read, admin, comma-separated) and name=NAME, separated by spaces"
                        )
                    }
                    entry.scopes.insert(scope)
                }
            }
            entries.append(entry)
        }
        guard !entries.isEmpty else { throw ServiceSetupError("\(path) holds no API key; put one key per line") }
        return APIKeys(entries: entries)
    }

    /// Whether an `Authorization` header carries one of the keys. Every key is compared in full.
    package func accepts(authorization: String?) -> Bool { caller(authorization: authorization) != nil }

    /// The caller whose key an `Authorization` header carries; nil for none of the keys.
    package func caller(authorization: String?) -> APICaller? {
        guard let authorization else { return nil }
        let prefix = "bearer "
        guard authorization.count > prefix.count, authorization.prefix(prefix.count).lowercased() == prefix else { return nil }
        let given = Array(authorization.utf8.dropFirst(prefix.utf8.count))
        var found: APICaller?
        for entry in entries where Self.equal(given, entry.key) && found == nil {
            found = APICaller(scopes: entry.scopes, name: entry.name)
        }
        return found
    }

    /// Every byte of the longer of the two is read, whatever differs first.
    static func equal(_ given: [UInt8], _ key: [UInt8]) -> Bool {
        var difference = UInt8(given.count == key.count ? 0 : 1)
        for index in 0..<max(given.count, key.count) {
            let left = index < given.count ? given[index] : 0
            let right = index < key.count ? key[index] : 0
            difference |= left ^ right
        }
        return difference == 0
    }
}

/// Why the service cannot start: a key file, a bind address, a setting.
package struct ServiceSetupError: Error, Sendable, CustomStringConvertible {
    package var message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}
