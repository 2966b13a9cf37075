import CCurl
import Glibc

/// What the libcurl perfgate runs against offers, found at run time: the release binary links
/// against the oldest libcurl it supports (7.61, RHEL 8's) and must not need a newer one to start.
/// - `curl_multi_poll` (7.66) and `curl_multi_wakeup` (7.68) are looked up with `dlsym`, never
///   linked, so a libcurl without them still loads; `CurlMulti` then waits in `curl_multi_wait`
///   (7.28) on a pipe of its own, which a write wakes.
/// - the URL API (`curl_url*`, 7.62) is looked up the same way; without it `URLParts.strict`
///   reads URLs.
/// - `CURLOPT_PROTOCOLS_STR` (7.85) is tried first; on an older libcurl the legacy
///   `CURLOPT_PROTOCOLS`/`CURLOPT_REDIR_PROTOCOLS` bitmasks keep the http/https-only rule.
struct CurlFeatures: Sendable {
    typealias Poll = perfgate_multi_poll_function
    typealias Wakeup = perfgate_multi_wakeup_function

    /// `curl_multi_poll` and `curl_multi_wakeup`, when libcurl has both (one without the other is
    /// of no use: a poll nobody can wake would sleep a whole timeout after each submission).
    let pollAndWakeup: (poll: Poll, wakeup: Wakeup)?
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
        let poll = dlsym(nil, "curl_multi_poll").map { unsafeBitCast($0, to: Poll.self) }
        let wakeup = dlsym(nil, "curl_multi_wakeup").map { unsafeBitCast($0, to: Wakeup.self) }
        let both = poll.flatMap { poll in wakeup.map { (poll: poll, wakeup: $0) } }
        return CurlFeatures(pollAndWakeup: both, protocolsString: true, urlAPI: lookUpURLAPI())
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
    static let legacy = CurlFeatures(pollAndWakeup: nil, protocolsString: false, urlAPI: nil)

    /// What a new client uses: `loaded`, unless the environment asks for `legacy`.
    static let forNewClient: CurlFeatures = getenv("PERFGATE_CURL_FEATURES").map { String(cString: $0) } == "7.61" ? legacy : loaded

    /// Restricts the transfer to http and https, on every libcurl version.
    func allowOnlyHTTP(_ handle: UnsafeMutableRawPointer) {
        if protocolsString, perfgate_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK { return }
        perfgate_setopt_long(handle, perfgate_legacy_protocols, perfgate_protocols_http_https)
        perfgate_setopt_long(handle, perfgate_legacy_redirect_protocols, perfgate_protocols_http_https)
    }
}
