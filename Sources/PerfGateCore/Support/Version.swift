/// perfgate's own version, shown by `--version` and written into reports.
package enum PerfGateVersion {
    package static let current = "0.1.0"
}
