import Glibc

/// The open-file limit the service needs: every client connection and every pooled backend
/// connection is a descriptor. As Go's runtime does, the soft limit is raised to the hard one at
/// start, since the soft default (often 1,024) is an accident of history, not a policy.
package enum DescriptorLimit {
    /// Raises the soft limit to the hard one; a warning when even that is below `needed`.
    package static func raise(toFit needed: Int) -> String? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        guard limit.rlim_cur != rlim_t.max, limit.rlim_cur < rlim_t(needed) else { return nil }
        return
            "the open-file limit is \(limit.rlim_cur), but --max-connections and --backend-connections may need \(needed) descriptors: lower them, or raise the limit (ulimit -n, LimitNOFILE= in a systemd unit, --ulimit nofile= for a container)"
    }
}
