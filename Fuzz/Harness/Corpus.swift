import PerfGateCore
import PerfGateParserEntryPoints

import Glibc

/// Corpus files on disk.
enum Corpus {
    /// A file, or every file in a folder (one level).
    static func files(_ path: String) -> [String] {
        guard FileSystem.isDirectory(path) else { return [path] }
        return FileSystem.list(path).map { path + "/" + $0 }.filter { !FileSystem.isDirectory($0) }
    }

    static func read(_ path: String) -> [UInt8] {
        (try? FileSystem.read(path, limit: 1 << 30)) ?? []
    }
}

/// A seeded mutation loop for when libFuzzer is not at hand: byte flips, inserts, deletes,
/// splices of seeds and interesting tokens, for a number of seconds.
enum Mutator {
    static let tokens: [[UInt8]] =
        [
            "{", "}", "[", "]", "\"", ",", ":", "\\u0000", "\\ud800", "1e400", "-0", "NaN", "null", "true", "&a", "*a", "<<:",
            "\r\n", "\u{FEFF}", "##vso[", "::", "]]>", "%0A", "\"metric\":", "\"value\":[", "\"status\":\"success\""
        ].map { Array($0.utf8) } + [[0xFF], [0xC3], [0x00]]

    static func run(target: String, seeds: [[UInt8]], seconds: Double) -> Int {
        var generator = SplitMix(seed: 0x5EED)
        let deadline = now() + seconds
        var runs = 0
        while now() < deadline {
            var input = seeds[Int(generator.next() % UInt64(seeds.count))]
            for _ in 0..<(1 + Int(generator.next() % 8)) { mutate(&input, &generator, seeds) }
            ParserEntryPoints.run(target, input)
            runs += 1
        }
        return runs
    }

    static func mutate(_ input: inout [UInt8], _ generator: inout SplitMix, _ seeds: [[UInt8]]) {
        let position = input.isEmpty ? 0 : Int(generator.next() % UInt64(input.count + 1))
        switch generator.next() % 5 {
        case 0 where !input.isEmpty:
            input[min(position, input.count - 1)] ^= UInt8(truncatingIfNeeded: 1 << (generator.next() % 8))
        case 1:
            input.insert(contentsOf: tokens[Int(generator.next() % UInt64(tokens.count))], at: position)
        case 2 where !input.isEmpty:
            let length = min(input.count - min(position, input.count - 1), 1 + Int(generator.next() % 16))
            input.removeSubrange(min(position, input.count - 1)..<(min(position, input.count - 1) + length))
        case 3:
            let other = seeds[Int(generator.next() % UInt64(seeds.count))]
            if !other.isEmpty {
                let from = Int(generator.next() % UInt64(other.count))
                input.insert(contentsOf: other[from..<min(other.count, from + 64)], at: position)
            }
        default:
            input.insert(UInt8(truncatingIfNeeded: generator.next()), at: position)
        }
    }

    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}

/// A small deterministic generator, so a mutation run can be repeated.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
