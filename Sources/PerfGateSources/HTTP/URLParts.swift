import CCurl

/// An absolute URL's parts, as libcurl reads them: perfgate judges a URL (its origin, its path,
/// where a token may go) by the reading curl will fetch it with.
struct URLParts: Equatable {
    var scheme: String
    var user: String?
    var password: String?
    /// As written; `[…]` for IPv6.
    var host: String
    /// As written, when the URL gives one.
    var port: String?
    /// The port, or the scheme's default.
    var effectivePort: String?
    /// `/` when the URL has none.
    var path: String
    var query: String?
    var fragment: String?

    /// libcurl's URL API when it has one (7.62 and later); with libcurl 7.61, `strict`.
    static func parse(_ text: String, features: CurlFeatures = .forNewClient) -> URLParts? {
        if let api = features.urlAPI { return withLibcurl(text, api) }
        return strict(text)
    }

    /// The URL as libcurl's URL API reads it.
    static func withLibcurl(_ text: String, _ api: CurlFeatures.URLAPI) -> URLParts? {
        guard let handle = api.create() else { return nil }
        defer { api.cleanup(handle) }
        guard api.set(handle, CURLUPART_URL, text, 0) == CURLUE_OK else { return nil }
        func part(_ which: CURLUPart, _ flags: Int32 = 0) -> String? {
            var value: UnsafeMutablePointer<CChar>?
            guard api.get(handle, which, &value, UInt32(flags)) == CURLUE_OK, let value else { return nil }
            defer { curl_free(value) }
            return String(cString: value)
        }
        guard let scheme = part(CURLUPART_SCHEME), let host = part(CURLUPART_HOST) else { return nil }
        return URLParts(
            scheme: scheme, user: part(CURLUPART_USER), password: part(CURLUPART_PASSWORD), host: host, port: part(CURLUPART_PORT),
            effectivePort: part(CURLUPART_PORT, CURLU_DEFAULT_PORT), path: part(CURLUPART_PATH) ?? "/", query: part(CURLUPART_QUERY),
            fragment: part(CURLUPART_FRAGMENT))
    }

    /// The host, and `:port` when the URL gives one.
    var hostAndPort: String { host + (port.map { ":" + $0 } ?? "") }

    /// A strict subset of http(s) URLs, for a libcurl without the URL API (RHEL 8's 7.61). It takes
    /// only URLs that every curl reads one way, and refuses the rest rather than guess:
    /// `http(s)://[user[:password]@]host[:port][/path][?query][#fragment]`, printable ASCII only,
    /// no backslash, no dot segment, a host of letters, digits, `-`, `_` and `.` (or `[IPv6]`), a
    /// port of digits without a leading zero.
    static func strict(_ text: String) -> URLParts? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\\") }) else { return nil }
        guard let colon = text.firstIndex(of: ":"), text[colon...].hasPrefix("://") else { return nil }
        let scheme = text[..<colon].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        var rest = text[text.index(colon, offsetBy: 3)...]
        var fragment: String?
        if let hash = rest.firstIndex(of: "#") {
            fragment = String(rest[rest.index(after: hash)...])
            rest = rest[..<hash]
        }
        var query: String?
        if let mark = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: mark)...])
            rest = rest[..<mark]
        }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        var authority = rest[..<slash]
        let path = rest[slash...].isEmpty ? "/" : String(rest[slash...])
        guard !path.split(separator: "/", omittingEmptySubsequences: false).contains(where: { $0 == "." || $0 == ".." }) else { return nil }
        var user: String?
        var password: String?
        if let at = authority.firstIndex(of: "@") {
            let info = authority[..<at]
            authority = authority[authority.index(after: at)...]
            guard !authority.contains("@"), info.allSatisfy(isUserInfo) else { return nil }
            if let colon = info.firstIndex(of: ":") {
                user = String(info[..<colon])
                password = String(info[info.index(after: colon)...])
            } else {
                user = String(info)
            }
        }
        var host = authority
        var port: String?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[...close]
            let inside = host.dropFirst().dropLast()
            guard !inside.isEmpty, inside.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return nil }
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return nil }
                port = String(after.dropFirst())
            }
        } else if let colon = authority.firstIndex(of: ":") {
            host = authority[..<colon]
            port = String(authority[authority.index(after: colon)...])
            guard !host.isEmpty, host.allSatisfy(isHostName) else { return nil }
        } else {
            guard !host.isEmpty, host.allSatisfy(isHostName) else { return nil }
        }
        if let port {
            guard !port.isEmpty, port.count <= 5, port.allSatisfy(\.isASCIIDigit), !port.hasPrefix("0"), let number = Int(port), number <= 65_535
            else {
                return nil
            }
        }
        return URLParts(
            scheme: scheme, user: user, password: password, host: String(host), port: port,
            effectivePort: port ?? (scheme == "https" ? "443" : "80"), path: path, query: query, fragment: fragment)
    }

    private static func isHostName(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "-" || character == "_" || character == ".")
    }

    // RFC 3986 userinfo without `;` (curl reads login options after one for some schemes).
    private static func isUserInfo(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || "-._~%!$&'()*+,=:".contains(character))
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
