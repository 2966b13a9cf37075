import Glibc

/// Runs blocking work (a libcurl transfer) on a thread of its own. Dispatch's global queues keep
/// about one thread per core, so eight blocked transfers on two cores would wait in line.
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
        let created = pthread_create(&thread, &attributes, { context in
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
