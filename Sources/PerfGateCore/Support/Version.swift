/// perfgate's own version, shown by `--version` and written into reports.
public enum PerfGateVersion {
    public static let current = "0.1.0"
}
