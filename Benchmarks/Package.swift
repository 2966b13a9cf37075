// swift-tools-version:6.0
// perfgate's in-process benchmark (Benchmarks/run.sh builds it; bench.py runs the rest).
import PackageDescription

let package = Package(
    name: "perfgate-benchmarks",
    dependencies: [.package(name: "perfgate", path: "..")],
    targets: [
        // Decoding a large Prometheus answer in-process.
        .executableTarget(
            name: "perfgate-decode-bench", dependencies: [.product(name: "PerfGateKit", package: "perfgate")], path: "DecodeBench"),
    ]
)
