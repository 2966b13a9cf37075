import CCurl
import PerfGateCore

/// URL handling, through libcurl's own URL parser so perfgate reads URLs exactly as curl does
/// (`URLParts`).
package enum URLText {
    /// Query parameters whose values are credentials (compared without case).
    static let secretParameters: Set<String> = ["api-token", "apitoken", "token", "access_token", "password", "key", "apikey"]

    /// The URL with user information and credential-like query values replaced by `***`.
    package static func redacted(_ url: String) -> String {
        guard let parts = URLParts.parse(url) else { return "(an invalid URL)" }
        var text = parts.scheme + "://" + (parts.user != nil ? "***@" : "") + parts.hostAndPort + parts.path
        if let query = parts.query {
            let pairs = query.split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
                let name = pair.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
                return secretParameters.contains(name.lowercased()) ? name + "=***" : String(pair)
            }
            text += "?" + pairs.joined(separator: "&")
        }
        return text
    }

    /// Scheme, host and port: a redirect that changes any of them leads to another origin.
    package static func origin(_ url: String) -> String? {
        guard let parts = URLParts.parse(url) else { return nil }
        return parts.scheme.lowercased() + "://" + parts.hostAndPort.lowercased()
    }

    /// An absolute URL's origin (`https://host:port`, as written), host and path, as libcurl reads it.
    package static func location(_ url: String) -> (origin: String, host: String, path: String, query: String?)? {
        guard let parts = URLParts.parse(url) else { return nil }
        return (parts.scheme.lowercased() + "://" + parts.hostAndPort, parts.host.lowercased(), parts.path, parts.query)
    }

    /// `application/x-www-form-urlencoded` (and query string) encoding of name/value pairs.
    package static func formEncoded(_ pairs: [(String, String)]) -> String {
        pairs.map { percentEncoded($0.0) + "=" + percentEncoded($0.1) }.joined(separator: "&")
    }

    /// Everything but RFC 3986 unreserved characters (and `also`) is %-encoded.
    package static func percentEncoded(_ text: String, also: String = "") -> String {
        PercentEncoding.encoded(text, keeping: also)
    }

    /// One path segment: `:` and `@` may stay as they are (RFC 3986 pchar), as in Dynatrace's
    /// `com.dynatrace.builtin:service.responsetime`.
    package static func pathSegment(_ text: String) -> String {
        percentEncoded(text, also: ":@!$&'()*+,;=")
    }

    /// The credentials a URL carries: its user-info password (and the Basic header curl makes of
    /// it), and the values of credential-like query parameters.
    package static func credentials(_ url: String) -> [String] {
        guard let parts = URLParts.parse(url) else { return [] }
        var found: [String] = []
        if let password = parts.password, !password.isEmpty {
            found += [password, Base64.encode((parts.user ?? "") + ":" + password)]
        }
        for pair in (parts.query ?? "").split(separator: "&") {
            let nameValue = pair.split(separator: "=", maxSplits: 1).map(String.init)
            if nameValue.count == 2, secretParameters.contains(nameValue[0].lowercased()) { found.append(nameValue[1]) }
        }
        // Both as written and decoded: a server may echo either.
        return found + found.map(percentDecoded).filter { !found.contains($0) }
    }

    /// `%XX` sequences decoded (invalid ones kept as they are); `+` stays `+`.
    static func percentDecoded(_ text: String) -> String { PercentEncoding.decoded(text) }

    /// Whether the text parses as an absolute http or https URL.
    package static func isHTTP(_ url: String) -> Bool {
        guard let scheme = URLParts.parse(url)?.scheme.lowercased() else { return false }
        return scheme == "http" || scheme == "https"
    }
}
