// Measures decoding a Prometheus answer in-process, to choose the parser for the sources:
// FoundationEssentials' JSONDecoder into Codable structs, and PerfGateCore's document parser.
// (The single-pass PrometheusAnswerParser is measured end to end by bench.py's series-100k case.)
// Usage: perfgate-decode-bench FILE [RUNS]
import FoundationEssentials
import PerfGateCore

import Glibc

struct Answer: Decodable {
    struct Series: Decodable {
        var metric: [String: String]
        var value: [Sample]
    }
    enum Sample: Decodable {
        case number(Double), text(String)
        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Double.self) { self = .number(number) } else { self = .text(try container.decode(String.self)) }
        }
    }
    struct Payload: Decodable {
        var resultType: String
        var result: [Series]
    }
    var status: String
    var data: Payload
}

func seconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

func peakRSS() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

let arguments = CommandLine.arguments
guard arguments.count >= 2, let bytes = try? FileSystem.read(arguments[1], limit: 1 << 30) else {
    print("usage: perfgate-decode-bench FILE [RUNS]")
    exit(64)
}
let runs = arguments.count > 2 ? Int(arguments[2]) ?? 5 : 5
let data = Data(bytes)
let which = arguments.count > 3 ? arguments[3] : "both"

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

if which != "parser" {
    var times: [Double] = []
    for _ in 0..<runs {
        let start = seconds()
        let answer = try JSONDecoder().decode(Answer.self, from: data)
        precondition(!answer.data.result.isEmpty)
        times.append(seconds() - start)
    }
    print("JSONDecoder (Codable)      median \(median(times)) s, peak RSS so far \(peakRSS()) MiB")
}
if which != "decoder" {
    var times: [Double] = []
    for _ in 0..<runs {
        let start = seconds()
        let node = try JSONParser.parse(bytes)
        precondition(node["data"] != nil)
        times.append(seconds() - start)
    }
    print("JSONParser (Node tree)     median \(median(times)) s, peak RSS so far \(peakRSS()) MiB")
}
