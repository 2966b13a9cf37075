// perfgate's fuzz harness: every parser of outside input, one binary.
//
// Built normally, it replays a corpus and can run a seeded mutation loop:
//   perfgate-fuzz replay TARGET FILE_OR_FOLDER...
//   perfgate-fuzz mutate TARGET SECONDS SEED_FOLDER...
// Built for libFuzzer (Fuzz/run.sh), the target comes from PERFGATE_FUZZ_TARGET:
//   swift build --product perfgate-fuzz -Xswiftc -DFUZZING -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
import PerfGateCore
import PerfGateParserEntryPoints

import Glibc

#if FUZZING
    private let fuzzTarget: String = {
        guard let name = getenv("PERFGATE_FUZZ_TARGET").map({ String(cString: $0) }), ParserEntryPoints.names.contains(name) else {
            print("set PERFGATE_FUZZ_TARGET to one of \(ParserEntryPoints.names.joined(separator: ", "))")
            exit(64)
        }
        return name
    }()

    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
        let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
        ParserEntryPoints.run(fuzzTarget, bytes)
        return 0
    }

    // SwiftPM links an executable's entry point as `<product>_main`, so libFuzzer's own main is not
    // the one that runs: start its driver from ours.
    @_silgen_name("LLVMFuzzerRunDriver")
    func runFuzzerDriver(
        _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
    ) -> Int32

    @_cdecl("perfgate_fuzz_main")
    public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
        var count = argc
        var arguments = argv
        return runFuzzerDriver(&count, &arguments) { data, size in fuzzOneInput(data, size) }
    }
#else
    @main
    struct Harness {
        static func main() {
            let arguments = CommandLine.arguments
            guard arguments.count >= 3, ParserEntryPoints.names.contains(arguments[2]) else {
                print(
                    "usage: perfgate-fuzz replay TARGET PATH... | mutate TARGET SECONDS SEEDS...; targets: \(ParserEntryPoints.names.joined(separator: ", "))"
                )
                exit(64)
            }
            let target = arguments[2]
            switch arguments[1] {
            case "replay":
                let files = arguments.dropFirst(3).flatMap(Corpus.files)
                for file in files { ParserEntryPoints.run(target, Corpus.read(file)) }
                print("\(target): replayed \(files.count) inputs")
            case "mutate":
                guard arguments.count >= 4, let seconds = Double(arguments[3]) else { exit(64) }
                let seeds = arguments.dropFirst(4).flatMap(Corpus.files).map(Corpus.read)
                let runs = Mutator.run(target: target, seeds: seeds.isEmpty ? [[]] : seeds, seconds: seconds)
                print("\(target): \(runs) mutated inputs in \(Int(seconds)) s")
            default:
                exit(64)
            }
        }
    }
#endif
