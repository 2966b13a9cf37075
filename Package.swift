// swift-tools-version:6.0
import PackageDescription

// perfgate is built, tested and released on Linux (glibc) only: its CI agents, containers and
// release binaries are Linux, and it calls glibc directly (no Darwin or Musl branches).
#if !os(Linux)
    #error("perfgate builds on Linux (glibc) only")
#endif

/// For the targets that run once per evaluation or request (the domain, the commands, the
/// engine's orchestration, the CI platforms, the service's routes, the reports), not per sample:
/// optimized for size in release builds, which keeps the static binary in its budget
/// (scripts/check-binary). The sources, whose parsers read result files and answers sample by
/// sample, stay optimized for speed. The reports took 25 KB less this way, and the benchmarks
/// that render them (series-100k, static-1000: fastest of 9 runs, 0.151-0.160 s and 0.033 s
/// against 0.149-0.163 s and 0.033 s) did not change. Core took 102 KB less, and the benchmarks
/// that run its code did not change either (medians, -O against -Osize, interleaved runs: the
/// JSON parser on 100,000 series 0.413/0.413 s against 0.410/0.419 s; the canary judge on
/// 1,000,000 samples a side 0.370 s against 0.371 s; series-100k 0.144/0.151 s against
/// 0.147/0.151 s; static-1000 0.039 s both).
let sizeOptimized: [SwiftSetting] = [.unsafeFlags(["-Osize"], .when(configuration: .release))]

let package = Package(
    name: "perfgate",
    products: [
        .executable(name: "perfgate", targets: ["perfgate"]),
        // The parsers' entry points and the document model, for the fuzz harness and the
        // benchmarks, which are packages of their own (Fuzz/, Benchmarks/) that depend on this one
        // by path. The executable does not link the entry points.
        .library(name: "PerfGateKit", targets: ["PerfGateCore", "PerfGateParserEntryPoints"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // `perfgate serve` only: the HTTP server (NIOPosix, NIOHTTP1) and the quiescing helper that
        // lets a SIGTERM finish the requests in flight. No Foundation (see README, "Run as a service").
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.0")
    ],
    targets: [
        // System libraries, found through pkg-config; the providers name the Debian packages.
        .systemLibrary(
            name: "CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        // No pkg-config for libyaml: it would add a dynamic -lyaml beside the static archive the
        // module map links.
        .systemLibrary(name: "CYAML", providers: [.apt(["libyaml-dev"])]),
        // SQLite, linked statically like libyaml (module map): `perfgate serve`'s embedded store.
        .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),

        // The domain: spec model, loading, validation, grading, scoring, results.
        .target(name: "PerfGateCore", dependencies: ["CYAML"], swiftSettings: sizeOptimized),
        // Metric sources behind PerfGateCore's MetricSource protocol.
        .target(name: "PerfGateSources", dependencies: ["PerfGateCore", "CCurl"]),
        // Every parser of outside input on raw bytes, for the fuzzer: it needs the parsers'
        // package-level API, which only a target of this package can reach.
        .target(
            name: "PerfGateParserEntryPoints", dependencies: ["PerfGateCore", "PerfGateSources", "PerfGateEngine", "PerfGateReports"]),
        // Pure renderers: (EvaluationResult) -> String.
        .target(name: "PerfGateReports", dependencies: ["PerfGateCore"], swiftSettings: sizeOptimized),
        // The evaluation engine the CLI and the server share: a request in, the evaluation out,
        // with the clock, environment, HTTP, files and diagnostics injected.
        .target(name: "PerfGateEngine", dependencies: ["PerfGateCore", "PerfGateSources"], swiftSettings: sizeOptimized),
        // The CI platforms perfgate runs inside: detection, workspaces, publishing, escaping.
        .target(name: "PerfGateCI", dependencies: ["PerfGateCore", "PerfGateReports"], swiftSettings: sizeOptimized),
        // Where the verdict goes besides the CI's views: pull and merge request comments (GitHub,
        // GitLab, Azure DevOps, from Jenkins too), Azure's pull request status, Slack and Teams webhooks.
        .target(name: "PerfGateNotify", dependencies: ["PerfGateCore", "PerfGateReports", "PerfGateSources"], swiftSettings: sizeOptimized),
        // `perfgate serve`'s memory: the results store behind one interface (RunStore), and its engines.
        .target(
            name: "PerfGateStore",
            dependencies: ["PerfGateCore", "CSQLite", "CPostgres", .product(name: "NIOPosix", package: "swift-nio")],
            swiftSettings: sizeOptimized),
        // libpq, loaded at run time (dlopen) for the PostgreSQL store: agents without it still run perfgate.
        .target(name: "CPostgres", linkerSettings: [.linkedLibrary("dl")]),
        // `perfgate serve`: the Pitometer web service's and Azure Function's API and perfgate's own
        // over the engine, with authentication, limits, metrics and access logs.
        .target(
            name: "PerfGateServer",
            dependencies: [
                "PerfGateCore", "PerfGateSources", "PerfGateEngine", "PerfGateReports", "PerfGateStore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras")
            ],
            swiftSettings: sizeOptimized),
        // The commands, their options and the exit-code contract.
        .target(
            name: "PerfGateCLI",
            dependencies: [
                "PerfGateCore", "PerfGateSources", "PerfGateEngine", "PerfGateReports", "PerfGateCI", "PerfGateNotify", "PerfGateServer",
                "PerfGateStore",
                "CArguments",
                .product(name: "ArgumentParser", package: "swift-argument-parser")
            ],
            swiftSettings: sizeOptimized),
        // The command line as glibc hands it to the program (the Swift runtime's needs /proc).
        .target(name: "CArguments"),
        .executableTarget(
            name: "perfgate", dependencies: ["PerfGateCLI"],
            // Swift links executables with --export-dynamic (for testable imports, which only debug
            // builds use): 12,800 symbols and 1.3 MB of dynamic symbol tables no one reads. Identical
            // code folding merges the many identical specializations: 0.3 MB, no cost in speed.
            linkerSettings: [.unsafeFlags(["-Xlinker", "--no-export-dynamic", "-Xlinker", "--icf=all"], .when(configuration: .release))]),

        // Helpers shared by the test targets: the conformance data, fixtures, running the binary.
        .target(
            name: "PerfGateTestSupport", dependencies: ["PerfGateCore"], path: "Tests/PerfGateTestSupport", exclude: ["Servers"]),
        // Core tests also use the static source (how conformance cases become measurements) and the
        // JSON report's violation shape (what the reference data is written in).
        .testTarget(
            name: "PerfGateCoreTests", dependencies: ["PerfGateCore", "PerfGateSources", "PerfGateReports", "PerfGateTestSupport"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "PerfGateSourcesTests", dependencies: ["PerfGateSources", "PerfGateTestSupport"], exclude: ["Fixtures"]),
        // The engine in-process, the conformance cases included (their results in the JSON report's shape).
        .testTarget(name: "PerfGateEngineTests", dependencies: ["PerfGateEngine", "PerfGateReports", "PerfGateTestSupport"]),
        .testTarget(name: "PerfGateCITests", dependencies: ["PerfGateCI", "PerfGateTestSupport"]),
        .testTarget(name: "PerfGateNotifyTests", dependencies: ["PerfGateNotify", "PerfGateTestSupport"]),
        .testTarget(
            name: "PerfGateReportsTests", dependencies: ["PerfGateReports", "PerfGateTestSupport"], exclude: ["Fixtures"]),
        // Every store engine against one contract, and the schema's upgrades.
        .testTarget(name: "PerfGateStoreTests", dependencies: ["PerfGateStore", "PerfGateTestSupport"]),
        .testTarget(
            name: "PerfGateServerTests",
            dependencies: [
                "PerfGateServer", "PerfGateStore", "PerfGateTestSupport", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio")
            ]),
        // End-to-end through the built `perfgate` binary, and the commands' parsing in-process.
        .testTarget(name: "PerfGateCLITests", dependencies: ["perfgate", "PerfGateCLI", "PerfGateCore", "PerfGateSources", "PerfGateTestSupport"])
    ]
)
