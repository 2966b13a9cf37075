import PerfGateCore
/// When and how long to wait before trying a request again.
package struct RetryPolicy: Sendable {
    /// Tries in all, the first included.
    package var attempts = 3
    /// The first backoff; each later one doubles, with full jitter.
    package var baseDelay = 0.5
    /// No wait is longer than this, whatever a server asks for.
    package var maxDelay = 30.0
    /// Seconds for all tries and waits together; nil for no overall limit. A try gets what is
    /// left, and no wait starts that would end past it.
    package var budget: Double?
    package static let retryableStatuses: Set<Int> = [429, 502, 503, 504]

    package init(attempts: Int = 3, baseDelay: Double = 0.5, maxDelay: Double = 30, budget: Double? = nil) {
        self.attempts = max(1, attempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.budget = budget
    }
}

/// Retries connection errors, timeouts, 429, 502, 503 and 504 with exponential backoff and jitter,
/// honouring `Retry-After` and `X-RateLimit-Reset`. Any other status is returned as it is.
package struct RetryingHTTPClient: HTTPClient {
    package var base: any HTTPClient
    package var policy: RetryPolicy
    /// Seconds since the epoch; injected so tests control time.
    package var now: @Sendable () -> Double
    package var sleep: @Sendable (Double) async -> Void
    package var random: @Sendable (Double) -> Double
    /// Requests at once per host, narrowed when a host says 429 or 503 (nil: no limit here).
    package var throttle: HostThrottle?

    package init(
        base: any HTTPClient, policy: RetryPolicy = RetryPolicy(), now: @escaping @Sendable () -> Double,
        sleep: @escaping @Sendable (Double) async -> Void = {
            try? await Task.sleep(for: .milliseconds(CheckedNumber.clamped($0 * 1000, to: 0...86_400_000)))
        },
        random: @escaping @Sendable (Double) -> Double = { Double.random(in: 0...$0) }, hostConcurrency: Int? = nil
    ) {
        self.base = base
        self.policy = policy
        self.now = now
        self.sleep = sleep
        self.random = random
        throttle = hostConcurrency.map { HostThrottle(maximum: $0, now: now, sleep: sleep) }
    }

    package func send(_ original: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        let started = now()
        var attempt = 1
        var request = original
        while true {
            if let budget = policy.budget { request.timeout = max(0.001, budget - (now() - started)) }
            let outcome: Result<HTTPResponse, HTTPError>
            let host = URLText.origin(request.url) ?? ""
            await throttle?.acquire(host)
            do {
                outcome = .success(try await base.send(request))
            } catch {
                outcome = .failure(error)
            }
            await throttle?.release(host, throttled: throttled(outcome))
            guard attempt < policy.attempts, let wait = delay(after: outcome, attempt: attempt) else {
                return try outcome.get()
            }
            // A wait that would use up the budget leaves no time for the next try.
            if let budget = policy.budget, now() - started + wait >= budget { return try outcome.get() }
            await sleep(wait)
            attempt += 1
        }
    }

    /// For a 429 or 503: how long the host asked everyone to wait (0 when it did not say).
    func throttled(_ outcome: Result<HTTPResponse, HTTPError>) -> Double? {
        guard case .success(let response) = outcome, response.status == 429 || response.status == 503 else { return nil }
        return min(policy.maxDelay, RetryAfter.delay(headers: response.headers, now: now()) ?? 0)
    }

    /// The wait before the next try, or nil when the outcome is final.
    func delay(after outcome: Result<HTTPResponse, HTTPError>, attempt: Int) -> Double? {
        // Full jitter: a random wait up to the exponential step, so many clients do not retry in step.
        let backoff = random(min(policy.maxDelay, policy.baseDelay * Double(1 << min(attempt - 1, 20))))
        switch outcome {
        case .failure(let error):
            return error.isRetryable ? backoff : nil
        case .success(let response):
            guard RetryPolicy.retryableStatuses.contains(response.status) else { return nil }
            let asked = RetryAfter.delay(headers: response.headers, now: now())
            return min(policy.maxDelay, asked ?? backoff)
        }
    }
}
