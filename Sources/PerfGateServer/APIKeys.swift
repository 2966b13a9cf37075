import PerfGateCore

/// The keys a client may send as `Authorization: Bearer <key>`: one per line in a file, blank
/// lines and `#` comments ignored. Compared in constant time, so the answer's timing says nothing
/// about how much of a key was right.
package struct APIKeys: Sendable {
    private var keys: [[UInt8]]

    package init(_ keys: [String]) { self.keys = keys.map { Array($0.utf8) } }

    package var isEmpty: Bool { keys.isEmpty }
    package var values: [String] { keys.map { String(decoding: $0, as: UTF8.self) } }

    /// The keys in a file. A key shorter than 16 characters is refused: it could be guessed.
    package static func load(_ path: String) throws(ServiceSetupError) -> APIKeys {
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.read(path, limit: 1 << 20)
        } catch {
            throw ServiceSetupError("cannot read the API key file: \(error)")
        }
        var keys: [String] = []
        for (index, raw) in String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(raw).trimmingSpaces()
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard line.count >= 16 else {
                throw ServiceSetupError(
                    "\(path):\(index + 1): an API key must be at least 16 characters long (generate one with 'openssl rand -hex 32')")
            }
            guard !line.contains(where: { $0 == " " || $0 == "\t" }) else {
                throw ServiceSetupError("\(path):\(index + 1): an API key cannot contain spaces; put one key per line")
            }
            keys.append(line)
        }
        guard !keys.isEmpty else { throw ServiceSetupError("\(path) holds no API key; put one key per line") }
        return APIKeys(keys)
    }

    /// Whether an `Authorization` header carries one of the keys. Every key is compared in full.
    package func accepts(authorization: String?) -> Bool {
        guard let authorization else { return false }
        let prefix = "bearer "
        guard authorization.count > prefix.count, authorization.prefix(prefix.count).lowercased() == prefix else { return false }
        let given = Array(authorization.utf8.dropFirst(prefix.utf8.count))
        var matched = false
        for key in keys { matched = Self.equal(given, key) || matched }
        return matched
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
