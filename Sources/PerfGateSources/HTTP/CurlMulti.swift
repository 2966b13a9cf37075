import CCurl
import PerfGateCore
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

    /// The multi handle, owned by its thread; jobs come in through `submit`. The thread waits in
    /// epoll on the sockets libcurl names (its socket callback) and on a wake-up pipe, until
    /// libcurl's next timeout (its timer callback), and tells libcurl only which socket is ready
    /// (`curl_multi_socket_action`): an event costs its own transfer, where `curl_multi_perform`
    /// and `curl_multi_wait` walked every transfer and socket at each wake-up, which a service
    /// with hundreds of queries waiting on a slow backend paid for every answer.
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
            /// The thread has cleaned up: nothing may touch the pipe again.
            var finished = false
            var wakeRead: Int32 = -1
            var wakeWrite: Int32 = -1
        }

        /// What libcurl's callbacks tell the thread; only the thread touches it.
        final class Sockets {
            let epoll: Int32
            /// The sockets epoll watches for libcurl.
            var watched: Set<Int32> = []
            /// When libcurl wants `CURL_SOCKET_TIMEOUT` (monotonic seconds), if it does.
            var deadline: Double?

            init(epoll: Int32) { self.epoll = epoll }
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
                var ends: [Int32] = [-1, -1]
                if pipe2(&ends, O_NONBLOCK | O_CLOEXEC) == 0 { (state.wakeRead, state.wakeWrite) = (ends[0], ends[1]) }
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
                guard state.started, !state.finished, state.wakeWrite >= 0 else { return }
                // A full pipe already holds a wake-up: EAGAIN is fine.
                var byte: UInt8 = 1
                _ = Glibc.write(state.wakeWrite, &byte, 1)
            }
        }

        private func loop() {
            guard let multi else { return }
            let wakeRead = state.withLock { $0.wakeRead }
            let sockets = Sockets(epoll: epoll_create1(Int32(EPOLL_CLOEXEC)))
            if wakeRead >= 0 { _ = perfgate_epoll_watch(sockets.epoll, wakeRead, EPOLLIN.rawValue, 0) }
            let context = Unmanaged.passUnretained(sockets).toOpaque()
            perfgate_multi_socket_callback(multi, Self.socketCallback, context)
            perfgate_multi_timer_callback(multi, Self.timerCallback, context)
            var running: [UnsafeMutableRawPointer: Job] = [:]
            var fds = [Int32](repeating: 0, count: 64)
            var events = [UInt32](repeating: 0, count: 64)
            var active: Int32 = 0
            while true {
                let (incoming, stopping) = state.withLock { state -> ([Job], Bool) in
                    defer { state.incoming = [] }
                    return (state.incoming, state.stopping)
                }
                for var job in incoming {
                    job.added = Monotonic.now()
                    running[job.prepared.handle] = job
                    // libcurl then asks, through the timer callback, for a timeout at once.
                    curl_multi_add_handle(multi, job.prepared.handle)
                }
                if stopping && running.isEmpty { break }
                // Until a socket is ready, libcurl's timeout is due, or a job arrives.
                var wait = idleWait
                if let deadline = sockets.deadline {
                    wait = Int32(CheckedNumber.clamped(((deadline - Monotonic.now()) * 1000).rounded(.up), to: 0...Int(idleWait)))
                }
                // Without epoll (it could not be made) or a pipe: a short sleep, then every socket.
                let ready = sockets.epoll >= 0 && wakeRead >= 0 ? perfgate_epoll_wait(sockets.epoll, &fds, &events, wait) : -1
                if ready < 0 {
                    if errno != EINTR { usleep(UInt32(min(wait, 50)) * 1000) }
                    curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &active)
                }
                for index in 0..<max(0, Int(ready)) {
                    let fd = fds[index]
                    if fd == wakeRead {
                        var sink = [UInt8](repeating: 0, count: 64)
                        while Glibc.read(wakeRead, &sink, sink.count) > 0 {}
                        continue
                    }
                    var mask: Int32 = 0
                    if events[index] & EPOLLIN.rawValue != 0 { mask |= CURL_CSELECT_IN }
                    if events[index] & EPOLLOUT.rawValue != 0 { mask |= CURL_CSELECT_OUT }
                    if events[index] & (EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0 { mask |= CURL_CSELECT_ERR }
                    curl_multi_socket_action(multi, fd, mask, &active)
                }
                if let deadline = sockets.deadline, Monotonic.now() >= deadline {
                    sockets.deadline = nil
                    curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &active)
                }
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
            }
            state.withLock { state in
                state.finished = true
                curl_multi_cleanup(multi)
                for end in [state.wakeRead, state.wakeWrite, sockets.epoll] where end >= 0 { close(end) }
            }
        }

        /// libcurl names a socket to watch, and for what, or one to forget.
        private static let socketCallback: perfgate_socket_callback = { _, socket, what, context, _ in
            let sockets = Unmanaged<Sockets>.fromOpaque(context!).takeUnretainedValue()
            if what == CURL_POLL_REMOVE {
                if sockets.watched.remove(socket) != nil { _ = perfgate_epoll_unwatch(sockets.epoll, socket) }
                return 0
            }
            var events: UInt32 = 0
            if what & CURL_POLL_IN != 0 { events |= EPOLLIN.rawValue }
            if what & CURL_POLL_OUT != 0 { events |= EPOLLOUT.rawValue }
            let known = sockets.watched.contains(socket)
            // A socket libcurl closed and opened again under the same number: the other operation.
            if perfgate_epoll_watch(sockets.epoll, socket, events, known ? 1 : 0) != 0 {
                _ = perfgate_epoll_watch(sockets.epoll, socket, events, known ? 0 : 1)
            }
            sockets.watched.insert(socket)
            return 0
        }

        /// libcurl's next timeout: in `milliseconds`, or none (-1).
        private static let timerCallback: perfgate_timer_callback = { _, milliseconds, context in
            let sockets = Unmanaged<Sockets>.fromOpaque(context!).takeUnretainedValue()
            sockets.deadline = milliseconds < 0 ? nil : Monotonic.now() + Double(milliseconds) / 1000
            return 0
        }
    }
}
