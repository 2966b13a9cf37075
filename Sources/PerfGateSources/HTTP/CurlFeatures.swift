import CCurl
import Glibc

/// What the libcurl perfgate runs against offers, found at run time: the release binary links
/// against the oldest libcurl it supports (7.61, RHEL 8's) and must not need a newer one to start.
/// - the URL API (`curl_url*`, 7.62) is looked up with `dlsym`, never linked, so a libcurl
///   without it still loads; `URLParts.strict` then reads URLs.
/// - `CURLOPT_PROTOCOLS_STR` (7.85) is tried first; on an older libcurl the legacy
///   `CURLOPT_PROTOCOLS`/`CURLOPT_REDIR_PROTOCOLS` bitmasks keep the http/https-only rule.
///
/// `CurlMulti` uses only the multi_socket API (7.15.4) and a pipe of its own, on every version.
struct CurlFeatures: Sendable {
    /// Whether to try `CURLOPT_PROTOCOLS_STR` before the legacy bitmasks.
    let protocolsString: Bool
    /// libcurl's URL API, when it has one.
    let urlAPI: URLAPI?

    /// `curl_url`, `curl_url_cleanup`, `curl_url_set` and `curl_url_get`.
    struct URLAPI: @unchecked Sendable {
        let create: perfgate_url_function
        let cleanup: perfgate_url_cleanup_function
        let set: perfgate_url_set_function
        let get: perfgate_url_get_function
    }

    /// The libcurl this process loaded.
    static let loaded: CurlFeatures = {
        CurlFeatures(protocolsString: true, urlAPI: lookUpURLAPI())
    }()

    private static func lookUpURLAPI() -> URLAPI? {
        guard let create = dlsym(nil, "curl_url"), let cleanup = dlsym(nil, "curl_url_cleanup"), let set = dlsym(nil, "curl_url_set"),
            let get = dlsym(nil, "curl_url_get")
        else { return nil }
        return URLAPI(
            create: unsafeBitCast(create, to: perfgate_url_function.self), cleanup: unsafeBitCast(cleanup, to: perfgate_url_cleanup_function.self),
            set: unsafeBitCast(set, to: perfgate_url_set_function.self), get: unsafeBitCast(get, to: perfgate_url_get_function.self))
    }

    /// As if libcurl were 7.61: every fallback taken. Tests force it; so does
    /// `PERFGATE_CURL_FEATURES=7.61` (to try the fallbacks with a newer libcurl).
    static let legacy = CurlFeatures(protocolsString: false, urlAPI: nil)

    /// What a new client uses: `loaded`, unless the environment asks for `legacy`.
    static let forNewClient: CurlFeatures = getenv("PERFGATE_CURL_FEATURES").map { String(cString: $0) } == "7.61" ? legacy : loaded

    /// Restricts the transfer to http and https, on every libcurl version.
    func allowOnlyHTTP(_ handle: UnsafeMutableRawPointer) {
        if protocolsString, perfgate_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK { return }
        perfgate_setopt_long(handle, perfgate_legacy_protocols, perfgate_protocols_http_https)
        perfgate_setopt_long(handle, perfgate_legacy_redirect_protocols, perfgate_protocols_http_https)
    }
}
