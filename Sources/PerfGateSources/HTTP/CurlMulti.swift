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

    /// `idleWait` bounds how long the thread sleeps when nothing wakes it, in milliseconds; a
    /// submission wakes it at once (tests raise it to prove that).
    init(maxHostConnections: Int, features: CurlFeatures = .forNewClient, idleWait: Int32 = 1000) {
        engine = Engine(maxHostConnections: maxHostConnections, features: features, idleWait: idleWait)
    }

    deinit { engine.stop() }

    /// What a transfer gave, and the seconds libcurl spent on it (from the moment it was handed
    /// over, not counting how long the caller took to resume).
    typealias Outcome = (result: Result<(HTTPResponse, String?), HTTPError>, seconds: Double)

    /// Runs the transfer and returns its outcome.
    func run(_ transfer: CurlTransfer) async -> Outcome {
        _ = CurlHTTPClient.globalInit
        return await withCheckedContinuation { continuation in
            guard let prepared = transfer.prepare(engine.features) else {
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
        let features: CurlFeatures
        private let maxHostConnections: Int
        private let idleWait: Int32
        private let state = Mutex(State())
        // Set once, under the lock, before the thread starts.
        private var multi: UnsafeMutableRawPointer?

        struct State {
            var incoming: [Job] = []
            var started = false
            var stopping = false
            /// The thread has cleaned up: nothing may touch the multi handle or the pipe again.
            var finished = false
            /// Without curl_multi_wakeup: a pipe whose read end curl_multi_wait watches.
            var wakeRead: Int32 = -1
            var wakeWrite: Int32 = -1
        }

        init(maxHostConnections: Int, features: CurlFeatures, idleWait: Int32) {
            self.maxHostConnections = max(1, maxHostConnections)
            self.features = features
            self.idleWait = idleWait
        }

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
                if features.pollAndWakeup == nil {
                    var ends: [Int32] = [-1, -1]
                    if pipe2(&ends, O_NONBLOCK | O_CLOEXEC) == 0 { (state.wakeRead, state.wakeWrite) = (ends[0], ends[1]) }
                }
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

        // Under the lock, so it never races the thread's cleanup. Before the thread started there
        // is nothing to wake; it reads the queue first.
        private func wake() {
            state.withLock { state in
                guard state.started, !state.finished, let multi else { return }
                if let (_, wakeup) = features.pollAndWakeup {
                    _ = wakeup(multi)
                } else if state.wakeWrite >= 0 {
                    // A full pipe already holds a wake-up: EAGAIN is fine.
                    var byte: UInt8 = 1
                    _ = Glibc.write(state.wakeWrite, &byte, 1)
                }
            }
        }

        private func loop() {
            guard let multi else { return }
            let wakeRead = state.withLock { $0.wakeRead }
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
                waitForWork(multi, wakeRead: wakeRead)
            }
            state.withLock { state in
                state.finished = true
                curl_multi_cleanup(multi)
                for end in [state.wakeRead, state.wakeWrite] where end >= 0 { close(end) }
            }
        }

        private func waitForWork(_ multi: UnsafeMutableRawPointer, wakeRead: Int32) {
            var ready: Int32 = 0
            if let (poll, _) = features.pollAndWakeup {
                _ = poll(multi, nil, 0, idleWait, &ready)
                return
            }
            guard wakeRead >= 0 else {
                // No pipe could be made: a short wait, so a new job waits at most 50 ms.
                curl_multi_wait(multi, nil, 0, min(50, idleWait), &ready)
                return
            }
            // curl_multi_wait returns at once when it has no socket to watch; the pipe is always
            // one, so it sleeps as curl_multi_poll does. Then drain what woke it.
            var extra = curl_waitfd(fd: wakeRead, events: Int16(CURL_WAIT_POLLIN), revents: 0)
            curl_multi_wait(multi, &extra, 1, idleWait, &ready)
            var sink = [UInt8](repeating: 0, count: 64)
            while Glibc.read(wakeRead, &sink, sink.count) > 0 {}
        }
    }
}
