// swift-tools-version:6.0
// perfgate's fuzz harness: a package of its own, so the product's manifest describes the product.
// Fuzz/run.sh builds it (with -sanitize=fuzzer,address for libFuzzer).
import PackageDescription

let package = Package(
    name: "perfgate-fuzz",
    dependencies: [.package(name: "perfgate", path: "..")],
    targets: [
        // One harness for every parser of outside input (libFuzzer with -DFUZZING, else replay and mutate).
        .executableTarget(
            name: "perfgate-fuzz", dependencies: [.product(name: "PerfGateKit", package: "perfgate")], path: "Harness")
    ]
)
