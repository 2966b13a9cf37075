import CCurl
import PerfGateCore

/// A backend's base URL, parsed once (with libcurl's parser, as curl will read it; see `URLParts`): scheme,
/// user-info, host, port and base path. Requests are built from these parts and a path of
/// perfgate's own, never by gluing text onto what a spec wrote, so that nothing in a URL (`#`,
/// `?`, `..`, `%2F`, `%23`) can move a request, and the token it carries, to another path.
package struct BackendURL: Sendable, Equatable {
    /// `http` or `https`, lower case.
    package let scheme: String
    /// `user:password@` as written (percent-encoded), or empty.
    let userInfo: String
    /// The host as curl reads it (`[::1]` for IPv6), and `:port` when the URL gives one.
    let hostAndPort: String
    /// Scheme, lower-case host and the effective port: a request elsewhere goes to another origin.
    package let origin: String
    /// `""` or `/a/b`: no trailing slash, no dot segment, no encoded separator.
    package let basePath: String

    /// Parses `text` as a base URL for `source` (used in messages); `apiSuffix` (such as
    /// `/api/v1/query`) is taken off the path when the URL is the API's own.
    package init(parsing text: String, source: String, apiSuffix: String? = nil) throws(SourceError) {
        let shown = URLText.redacted(text)
        guard let parts = URLParts.parse(text) else {
            throw SourceError("\(source): '\(shown)' is not a URL; give the server's base URL, such as https://\(source).example.com")
        }
        let scheme = parts.scheme.lowercased()
        guard scheme == "http" || scheme == "https" else {
            throw SourceError("\(source): '\(shown)' is not an http(s) URL")
        }
        if parts.fragment != nil || text.contains("#") {
            throw SourceError(
                "\(source): '\(shown)' has a fragment (#…) after it; give only the server's base URL (perfgate adds the API's path and query itself)")
        }
        if parts.query != nil {
            throw SourceError(
                "\(source): '\(shown)' has a query (?…); give only the server's base URL (perfgate adds the API's path and query itself)")
        }
        var path = parts.path
        if let problem = Self.problem(inPath: path) {
            throw SourceError(
                "\(source): the path of '\(shown)' \(problem); give the server's base URL, such as https://\(source).example.com/prefix")
        }
        while path.hasSuffix("/") { path.removeLast() }
        if let apiSuffix, path.hasSuffix(apiSuffix) { path.removeLast(apiSuffix.count) }
        while path.hasSuffix("/") { path.removeLast() }
        let user = parts.user.map { user in user + (parts.password.map { ":" + $0 } ?? "") + "@" } ?? ""
        self.scheme = scheme
        self.userInfo = user
        self.hostAndPort = parts.hostAndPort
        self.origin = scheme + "://" + parts.host.lowercased() + ":" + (parts.effectivePort ?? "")
        self.basePath = path
    }

    /// The URL of perfgate's own `path` (starting with `/`, already encoded) under the base path,
    /// with a query that perfgate encoded.
    package func url(_ path: String, query: String? = nil) -> String {
        scheme + "://" + userInfo + hostAndPort + basePath + path + (query.map { "?" + $0 } ?? "")
    }

    /// The base URL as messages show it: user-info and credentials hidden.
    package var shown: String { URLText.redacted(url("")) }

    /// Whether requests under `other` stay under this base: the same origin, and a base path that
    /// is this one or below it, segment by segment (`/prom` holds `/prom/x`, not `/prometheus`).
    package func holds(_ other: BackendURL) -> Bool {
        origin == other.origin && (other.basePath == basePath || other.basePath.hasPrefix(basePath + "/"))
    }

    /// Why a base path cannot be one, if it cannot: a character or an encoded byte that a server
    /// could read as a separator, a dot segment, a query or the end of the path.
    static func problem(inPath path: String) -> String? {
        let bytes = Array(path.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.count, let decoded = UInt8(String(decoding: bytes[(index + 1)...(index + 2)], as: UTF8.self), radix: 16)
                else { return "has a '%' that encodes nothing" }
                if !isPlain(decoded) && decoded != 0x20 && decoded < 0x80 {
                    return
                        "encodes '\(decoded < 0x20 || decoded == 0x7F ? "a control character" : String(UnicodeScalar(decoded)))' (%\(String(decoded, radix: 16, uppercase: true)))"
                }
                index += 3
                continue
            }
            if !isPlain(byte) && byte != UInt8(ascii: "/") && byte != UInt8(ascii: ".") && byte < 0x80 {
                return "has '\(byte < 0x20 || byte == 0x7F ? "a control character" : String(UnicodeScalar(byte)))'"
            }
            index += 1
        }
        // curl removes `.` and `..` segments as it parses; what is left must not make new ones.
        if path.split(separator: "/").contains(where: { $0 == "." || $0 == ".." }) { return "has a '.' or '..' segment" }
        return nil
    }

    /// Letters, digits, `-_~` and the sub-delimiters other than `;` (which some servers read as
    /// the start of path parameters).
    private static func isPlain(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): return true
        default: return "-_~!$&'()*+,=:@".utf8.contains(byte)
        }
    }
}
