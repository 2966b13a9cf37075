import Glibc
import CCurl
import PerfGateCore

/// The production HTTP client: one libcurl easy handle per request, all run by one multi handle
/// on a thread of its own, so connections are reused and any number of requests run at once. Proxies (`https_proxy`, `http_proxy`, `no_proxy`, …) and
/// TLS trust behave as they do for curl. Redirects are followed here rather than by libcurl, so
/// credentials are provably dropped when a redirect leads to another host.
package struct CurlHTTPClient: HTTPClient {
    package var settings: HTTPSettings
    /// Every transfer of this client runs on one libcurl multi handle: connections to a host are
    /// kept and reused, at most `settings.maxHostConnections` at once.
    let transfers: CurlMulti

    package init(settings: HTTPSettings = HTTPSettings()) {
        self.init(settings: settings, features: .forNewClient)
    }

    /// A client that uses only the given libcurl features (tests force the fallbacks with it).
    init(settings: HTTPSettings, features: CurlFeatures, idleWait: Int32 = 1000) {
        self.settings = settings
        transfers = CurlMulti(maxHostConnections: settings.maxHostConnections, features: features, idleWait: idleWait)
    }

    // On first use (`CurlMulti.run`), not at start-up: commands that never make a request skip TLS
    // initialisation. (Swift initialises a static once, thread-safely, as curl_global_init requires.)
    static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    package func send(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        try await sendFollowingRedirects(request).get()
    }

    /// Performs the request and follows redirects.
    func sendFollowingRedirects(_ original: HTTPRequest) async -> Result<HTTPResponse, HTTPError> {
        var request = original
        guard let firstOrigin = URLText.origin(request.url) else {
            return .failure(HTTPError(.other, "\(URLText.redacted(request.url)): not a valid http(s) URL"))
        }
        // One budget for the request and all its redirects: the time libcurl spends on them (a
        // busy machine's delay in resuming this task between two hops does not count).
        var remaining = min(settings.totalTimeout, original.timeout ?? .infinity)
        for _ in 0...settings.maxRedirects {
            var limits = settings
            limits.totalTimeout = max(0.001, remaining)
            limits.connectTimeout = min(settings.connectTimeout, limits.totalTimeout)
            let (outcome, seconds) = await transfers.run(CurlTransfer(request: request, settings: limits))
            remaining -= seconds
            guard case .success(let (response, location)) = outcome else { return outcome.map(\.0) }
            guard [301, 302, 303, 307, 308].contains(response.status), let location else { return .success(response) }
            if URLText.origin(location) != firstOrigin {
                // Another host: never send it our credentials.
                request.headers.removeAll { request.secretHeaders.contains($0.name.lowercased()) }
            }
            // As browsers and curl do: 303, and 301/302 after POST, continue as GET without the body.
            if response.status == 303 || (request.method == "POST" && response.status != 307 && response.status != 308) {
                request.method = "GET"
                request.body = nil
                request.headers.removeAll { $0.name.lowercased() == "content-type" }
            }
            request.url = location
        }
        return .failure(HTTPError(.tooManyRedirects, "\(URLText.redacted(original.url)): more than \(settings.maxRedirects) redirects"))
    }
}

/// A clock that only goes forward, for deadlines.
enum Monotonic {
    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}

/// The state libcurl's callbacks fill in during one transfer.
final class TransferBuffers {
    let limit: Int
    let budget: ResponseBudget?
    var body: [UInt8] = []
    var headers: [String: String] = [:]
    var exceeded = false
    var overBudget = false
    /// Bytes taken from the budget so far.
    var taken = 0

    init(limit: Int, budget: ResponseBudget?) {
        self.limit = limit
        self.budget = budget
    }

    /// The budget taken, as a hold for the response (or given back, for a failed transfer).
    func hold(keep: Bool) -> ResponseBudget.Hold? {
        guard let budget, taken > 0 else { return nil }
        defer { taken = 0 }
        if keep { return ResponseBudget.Hold(budget, bytes: taken) }
        budget.give(taken)
        return nil
    }
}

/// One request on one easy handle.
struct CurlTransfer {
    let request: HTTPRequest
    let settings: HTTPSettings

    /// What one transfer holds while libcurl runs it; `release` frees it.
    final class Prepared: @unchecked Sendable {
        let handle: UnsafeMutableRawPointer
        let buffers: TransferBuffers
        let errorText: UnsafeMutablePointer<CChar>
        let headerList: UnsafeMutablePointer<curl_slist>?

        init(
            handle: UnsafeMutableRawPointer, buffers: TransferBuffers, errorText: UnsafeMutablePointer<CChar>,
            headerList: UnsafeMutablePointer<curl_slist>?
        ) {
            self.handle = handle
            self.buffers = buffers
            self.errorText = errorText
            self.headerList = headerList
        }

        func release() {
            curl_easy_cleanup(handle)
            curl_slist_free_all(headerList)
            errorText.deallocate()
        }
    }

    /// An easy handle set up for this request, for a multi handle to run.
    func prepare(_ features: CurlFeatures) -> Prepared? {
        guard let handle = curl_easy_init() else { return nil }
        let buffers = TransferBuffers(limit: settings.maxResponseBytes, budget: settings.budget)
        let context = Unmanaged.passUnretained(buffers).toOpaque()
        let errorText = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorText.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        var headerList: UnsafeMutablePointer<curl_slist>?
        for header in request.headers { headerList = curl_slist_append(headerList, "\(header.name): \(header.value)") }
        if request.body != nil, request.header("content-type") == nil {
            headerList = curl_slist_append(headerList, "Content-Type: application/x-www-form-urlencoded")
        }

        perfgate_setopt_string(handle, CURLOPT_URL, request.url)
        features.allowOnlyHTTP(handle)
        perfgate_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        perfgate_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0)
        perfgate_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, CheckedNumber.clamped(settings.connectTimeout * 1000, to: 1...Int(Int32.max)))
        perfgate_setopt_long(handle, CURLOPT_TIMEOUT_MS, CheckedNumber.clamped(settings.totalTimeout * 1000, to: 1...Int(Int32.max)))
        perfgate_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, "")
        perfgate_setopt_string(handle, CURLOPT_USERAGENT, "perfgate/\(PerfGateVersion.current)")
        perfgate_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorText)
        perfgate_setopt_pointer(handle, CURLOPT_HTTPHEADER, headerList)
        if let caFile = settings.caFile { perfgate_setopt_string(handle, CURLOPT_CAINFO, caFile) }
        if settings.insecure {
            perfgate_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 0)
            perfgate_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 0)
        }
        if let body = request.body {
            perfgate_setopt_long(handle, CURLOPT_POSTFIELDSIZE, body.count)
            body.withUnsafeBytes { _ = perfgate_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: $0.baseAddress)) }
        }
        if request.method != "GET" && request.method != "POST" {
            perfgate_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method)
        } else if request.method == "POST" && request.body == nil {
            perfgate_setopt_long(handle, CURLOPT_POST, 1)
            perfgate_setopt_long(handle, CURLOPT_POSTFIELDSIZE, 0)
        }
        perfgate_setopt_callback(handle, CURLOPT_WRITEFUNCTION) { data, size, count, context in
            let buffers = Unmanaged<TransferBuffers>.fromOpaque(context!).takeUnretainedValue()
            let total = size * count
            guard buffers.body.count + total <= buffers.limit else {
                buffers.exceeded = true
                return 0  // makes libcurl stop with CURLE_WRITE_ERROR
            }
            if let budget = buffers.budget {
                guard budget.take(total) else {
                    buffers.overBudget = true
                    return 0
                }
                buffers.taken += total
            }
            data!.withMemoryRebound(to: UInt8.self, capacity: total) {
                buffers.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: total))
            }
            return total
        }
        perfgate_setopt_pointer(handle, CURLOPT_WRITEDATA, context)
        perfgate_setopt_callback(handle, CURLOPT_HEADERFUNCTION) { data, size, count, context in
            let buffers = Unmanaged<TransferBuffers>.fromOpaque(context!).takeUnretainedValue()
            let total = size * count
            let line = data!.withMemoryRebound(to: UInt8.self, capacity: total) {
                String(decoding: UnsafeBufferPointer(start: $0, count: total), as: UTF8.self)
            }
            if line.hasPrefix("HTTP/") {
                buffers.headers = [:]  // a new response (after 100 Continue, say)
            } else if let colon = line.firstIndex(of: ":") {
                let name = line[..<colon].lowercased()
                let value = String(line[line.index(after: colon)...]).trimmingSpaces()
                buffers.headers[name] = value
                // Room for the whole body at once (within the cap): no regrowth, no copies.
                if name == "content-length", let length = Int(value), length > 0 {
                    buffers.body.reserveCapacity(min(length, buffers.limit))
                }
            }
            return total
        }
        perfgate_setopt_pointer(handle, CURLOPT_HEADERDATA, context)
        return Prepared(handle: handle, buffers: buffers, errorText: errorText, headerList: headerList)
    }

    /// The response and, for a redirect, the absolute URL it points to, once libcurl has run the
    /// transfer and ended with `code`.
    func finish(_ prepared: Prepared, code: CURLcode) -> Result<(HTTPResponse, String?), HTTPError> {
        let (handle, buffers, errorText) = (prepared.handle, prepared.buffers, prepared.errorText)
        let where_ = "\(request.method) \(URLText.redacted(request.url))"
        guard code == CURLE_OK else {
            _ = buffers.hold(keep: false)
            if buffers.overBudget, let budget = settings.budget {
                return .failure(
                    HTTPError(
                        .tooLarge,
                        "\(where_): the answers held at once passed the run's budget of \(budget.limit >> 20) MiB (--max-buffered-mib); lower --concurrency or raise the budget"
                    ))
            }
            let detail = String(cString: errorText)
            let reason = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            return .failure(Self.error(code, exceeded: buffers.exceeded, limit: settings.maxResponseBytes, where_, reason))
        }
        var status = 0
        perfgate_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var redirect: UnsafeMutablePointer<CChar>?
        perfgate_getinfo_string(handle, CURLINFO_REDIRECT_URL, &redirect)
        var response = HTTPResponse(status: status, headers: buffers.headers, body: buffers.body, url: request.url)
        response.hold = buffers.hold(keep: true)
        return .success((response, redirect.map { String(cString: $0) }))
    }

    static func error(_ code: CURLcode, exceeded: Bool, limit: Int, _ where_: String, _ reason: String) -> HTTPError {
        if exceeded { return HTTPError(.tooLarge, "\(where_): the response is larger than the \(limit >> 20) MiB limit") }
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return HTTPError(.timeout, "\(where_): timed out (\(reason))")
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT, CURLE_SEND_ERROR,
            CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE:
            return HTTPError(.connection, "\(where_): \(reason)")
        // Before 7.62 (RHEL 8's 7.61) a certificate whose name did not match was code 51, which
        // newer headers call CURLE_OBSOLETE51.
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_OBSOLETE51, CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM:
            return HTTPError(.tls, "\(where_): TLS failed: \(reason) (trust a private CA with --ca-file)")
        default:
            return HTTPError(.other, "\(where_): \(reason)")
        }
    }
}
