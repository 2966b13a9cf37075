import CCurl
import Glibc
import Synchronization

/// One libcurl multi handle and the thread that drives it. Every transfer of a client runs here,
/// so the multi handle's connection cache serves them all: a request to a host reuses an idle
/// connection (and its TLS session) instead of opening a new one, and at most `maxHostConnections`
/// are open to one host at once (libcurl queues the rest). One thread serves any number of
/// transfers, where one thread per request used to.
final class CurlMulti: Sendable {
    private let engine: Engine

    init(maxHostConnections: Int) {
        engine = Engine(maxHostConnections: maxHostConnections)
    }

    deinit { engine.stop() }

    /// What a transfer gave, and the seconds libcurl spent on it (from the moment it was handed
    /// over, not counting how long the caller took to resume).
    typealias Outcome = (result: Result<(HTTPResponse, String?), HTTPError>, seconds: Double)

    /// Runs the transfer and returns its outcome.
    func run(_ transfer: CurlTransfer) async -> Outcome {
        _ = CurlHTTPClient.globalInit
        return await withCheckedContinuation { continuation in
            guard let prepared = transfer.prepare() else {
                continuation.resume(returning: (.failure(HTTPError(.other, "could not start libcurl")), 0))
                return
            }
            engine.submit(Job(transfer: transfer, prepared: prepared, continuation: continuation))
        }
    }

    struct Job: @unchecked Sendable {
        let transfer: CurlTransfer
        let prepared: CurlTransfer.Prepared
        let continuation: CheckedContinuation<Outcome, Never>
        var added = 0.0
    }

    /// The multi handle, owned by its thread; jobs come in through `submit`.
    final class Engine: @unchecked Sendable {
        private let maxHostConnections: Int
        private let state = Mutex(State())
        // Set once, before the thread starts; curl_multi_wakeup may be called from any thread.
        private var multi: UnsafeMutableRawPointer?

        struct State {
            var incoming: [Job] = []
            var started = false
            var stopping = false
        }

        init(maxHostConnections: Int) { self.maxHostConnections = max(1, maxHostConnections) }

        func submit(_ job: Job) {
            // The first job makes the multi handle (under the lock, so `wake` never sees it half
            // made) and starts the thread; later ones wake it.
            let start = state.withLock { state -> Bool in
                state.incoming.append(job)
                guard !state.started else { return false }
                state.started = true
                multi = curl_multi_init()
                perfgate_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, maxHostConnections)
                perfgate_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, maxHostConnections * 4)
                return true
            }
            if start {
                let engine = self
                DetachedThread.start { engine.loop() }
            } else {
                wake()
            }
        }

        func stop() {
            state.withLock { $0.stopping = true }
            wake()
        }

        private func wake() {
            // Before the thread started there is nothing to wake; it reads the queue first.
            if let multi = state.withLock({ $0.started ? self.multi : nil }) { curl_multi_wakeup(multi) }
        }

        private func loop() {
            guard let multi else { return }
            var running: [UnsafeMutableRawPointer: Job] = [:]
            while true {
                let (incoming, stopping) = state.withLock { state -> ([Job], Bool) in
                    defer { state.incoming = [] }
                    return (state.incoming, state.stopping)
                }
                for var job in incoming {
                    job.added = Monotonic.now()
                    running[job.prepared.handle] = job
                    curl_multi_add_handle(multi, job.prepared.handle)
                }
                if stopping && running.isEmpty { break }
                var active: Int32 = 0
                curl_multi_perform(multi, &active)
                var queued: Int32 = 0
                while let message = curl_multi_info_read(multi, &queued) {
                    var handle: UnsafeMutableRawPointer?
                    var code = CURLE_OK
                    guard perfgate_multi_done(message, &handle, &code) != 0, let handle, let job = running.removeValue(forKey: handle) else {
                        continue
                    }
                    curl_multi_remove_handle(multi, handle)
                    let outcome = job.transfer.finish(job.prepared, code: code)
                    job.prepared.release()
                    job.continuation.resume(returning: (outcome, Monotonic.now() - job.added))
                }
                // Until a socket is ready, a timeout of libcurl's is due, or a job arrives.
                var ready: Int32 = 0
                curl_multi_poll(multi, nil, 0, 1000, &ready)
            }
            curl_multi_cleanup(multi)
        }
    }
}
