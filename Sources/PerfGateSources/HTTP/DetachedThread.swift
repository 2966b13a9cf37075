import Glibc

/// Runs blocking work (a client's libcurl multi loop, `CurlMulti`) on a thread of its own, off
/// Dispatch's global queues and Swift's cooperative pool, which keep about one thread per core.
enum DetachedThread {
    private final class Work {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    static func start(_ body: @escaping @Sendable () -> Void) {
        let context = Unmanaged.passRetained(Work(body)).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        defer { pthread_attr_destroy(&attributes) }
        var thread = pthread_t()
        let created = pthread_create(
            &thread, &attributes,
            { context in
                let work = Unmanaged<Work>.fromOpaque(context!).takeRetainedValue()
                work.body()
                return nil
            }, context)
        if created != 0 {
            // No thread to be had: do the work here rather than never.
            Unmanaged<Work>.fromOpaque(context).takeRetainedValue().body()
        }
    }
}
