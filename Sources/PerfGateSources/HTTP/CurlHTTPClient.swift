import Glibc
import CCurl
import PerfGateCore

/// The production HTTP client: one libcurl easy handle per request, performed on a thread of its
/// own so any number of requests run at once. Proxies (`https_proxy`, `http_proxy`, `no_proxy`, …) and
/// TLS trust behave as they do for curl. Redirects are followed here rather than by libcurl, so
/// credentials are provably dropped when a redirect leads to another host.
package struct CurlHTTPClient: HTTPClient {
    package var settings: HTTPSettings

    package init(settings: HTTPSettings = HTTPSettings()) {
        self.settings = settings
    }

    // On first use, not at start-up: commands that never make a request skip TLS initialisation.
    // (Swift initialises a static once, thread-safely, as curl_global_init requires.)
    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    package func send(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        let result: Result<HTTPResponse, HTTPError> = await withCheckedContinuation { continuation in
            DetachedThread.start { continuation.resume(returning: sendBlocking(request)) }
        }
        return try result.get()
    }

    /// Performs the request and follows redirects, synchronously.
    func sendBlocking(_ original: HTTPRequest) -> Result<HTTPResponse, HTTPError> {
        _ = Self.globalInit
        var request = original
        guard let firstOrigin = URLText.origin(request.url) else {
            return .failure(HTTPError(.other, "\(URLText.redacted(request.url)): not a valid http(s) URL"))
        }
        // One deadline for the request and all its redirects.
        let budget = min(settings.totalTimeout, original.timeout ?? .infinity)
        let deadline = Monotonic.now() + budget
        for _ in 0...settings.maxRedirects {
            var limits = settings
            limits.totalTimeout = max(0.001, deadline - Monotonic.now())
            limits.connectTimeout = min(settings.connectTimeout, limits.totalTimeout)
            let outcome = CurlTransfer(request: request, settings: limits).perform()
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
private final class TransferBuffers {
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
private struct CurlTransfer {
    let request: HTTPRequest
    let settings: HTTPSettings

    /// The response and, for a redirect, the absolute URL it points to.
    func perform() -> Result<(HTTPResponse, String?), HTTPError> {
        guard let handle = curl_easy_init() else { return .failure(HTTPError(.other, "could not start libcurl")) }
        defer { curl_easy_cleanup(handle) }
        let buffers = TransferBuffers(limit: settings.maxResponseBytes, budget: settings.budget)
        let context = Unmanaged.passUnretained(buffers).toOpaque()
        let errorText = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorText.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        defer { errorText.deallocate() }
        var headerList: UnsafeMutablePointer<curl_slist>?
        for header in request.headers { headerList = curl_slist_append(headerList, "\(header.name): \(header.value)") }
        if request.body != nil, request.header("content-type") == nil {
            headerList = curl_slist_append(headerList, "Content-Type: application/x-www-form-urlencoded")
        }
        defer { curl_slist_free_all(headerList) }

        perfgate_setopt_string(handle, CURLOPT_URL, request.url)
        perfgate_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https")
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

        let code = curl_easy_perform(handle)
        let where_ = "\(request.method) \(URLText.redacted(request.url))"
        guard code == CURLE_OK else {
            _ = buffers.hold(keep: false)
            if buffers.overBudget, let budget = settings.budget {
                return .failure(HTTPError(.tooLarge,
                    "\(where_): the answers held at once passed the run's budget of \(budget.limit >> 20) MiB (--max-buffered-mib); lower --concurrency or raise the budget"))
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
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM:
            return HTTPError(.tls, "\(where_): TLS failed: \(reason) (trust a private CA with --ca-file)")
        default:
            return HTTPError(.other, "\(where_): \(reason)")
        }
    }
}
