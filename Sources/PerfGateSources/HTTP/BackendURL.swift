import CCurl
import PerfGateCore

/// A backend's base URL, parsed once (with libcurl's parser, as curl will read it): scheme,
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
        guard let handle = curl_url() else { throw SourceError("\(source): cannot parse '\(shown)': out of memory") }
        defer { curl_url_cleanup(handle) }
        guard curl_url_set(handle, CURLUPART_URL, text, 0) == CURLUE_OK else {
            throw SourceError("\(source): '\(shown)' is not a URL; give the server's base URL, such as https://\(source).example.com")
        }
        func part(_ which: CURLUPart, _ flags: Int32 = 0) -> String? {
            var value: UnsafeMutablePointer<CChar>?
            guard curl_url_get(handle, which, &value, UInt32(flags)) == CURLUE_OK, let value else { return nil }
            defer { curl_free(value) }
            return String(cString: value)
        }
        guard let scheme = part(CURLUPART_SCHEME)?.lowercased(), scheme == "http" || scheme == "https", let host = part(CURLUPART_HOST) else {
            throw SourceError("\(source): '\(shown)' is not an http(s) URL")
        }
        if part(CURLUPART_FRAGMENT) != nil || text.contains("#") {
            throw SourceError(
                "\(source): '\(shown)' has a fragment (#…) after it; give only the server's base URL (perfgate adds the API's path and query itself)")
        }
        if part(CURLUPART_QUERY) != nil {
            throw SourceError(
                "\(source): '\(shown)' has a query (?…); give only the server's base URL (perfgate adds the API's path and query itself)")
        }
        var path = part(CURLUPART_PATH) ?? "/"
        if let problem = Self.problem(inPath: path) {
            throw SourceError(
                "\(source): the path of '\(shown)' \(problem); give the server's base URL, such as https://\(source).example.com/prefix")
        }
        while path.hasSuffix("/") { path.removeLast() }
        if let apiSuffix, path.hasSuffix(apiSuffix) { path.removeLast(apiSuffix.count) }
        while path.hasSuffix("/") { path.removeLast() }
        let user = part(CURLUPART_USER).map { user in user + (part(CURLUPART_PASSWORD).map { ":" + $0 } ?? "") + "@" } ?? ""
        self.scheme = scheme
        self.userInfo = user
        self.hostAndPort = host + (part(CURLUPART_PORT).map { ":" + $0 } ?? "")
        self.origin = scheme + "://" + host.lowercased() + ":" + (part(CURLUPART_PORT, CURLU_DEFAULT_PORT) ?? "")
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
