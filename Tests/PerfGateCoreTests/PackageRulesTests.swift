import Foundation
import PerfGateTestSupport
import Testing

/// Ground rules of the package that the compiler does not check.
@Suite struct PackageRulesTests {
    static func swiftFiles(under folder: String) -> [String] {
        let root = Fixtures.packageRoot + "/" + folder
        let enumerator = FileManager.default.enumerator(atPath: root)
        var files: [String] = []
        while let path = enumerator?.nextObject() as? String {
            if path.hasSuffix(".swift") { files.append(root + "/" + path) }
        }
        return files
    }

    /// Full Foundation links ICU: the static binary grows from about 14 MB to about 59 MB.
    @Test func sourcesImportFoundationEssentialsOnly() throws {
        let files = Self.swiftFiles(under: "Sources")
        #expect(files.count > 20)
        let forbidden = try NSRegularExpression(
            pattern:
                #"^\s*(@_exported\s+)?import\s+(struct\s+|class\s+|enum\s+|func\s+)?(Foundation|FoundationNetworking|FoundationXML|Yams)(\.|\s|$)"#,
            options: [.anchorsMatchLines])
        var offenders: [String] = []
        for file in files {
            let text = try Fixtures.read(file)
            if forbidden.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil {
                offenders.append(file)
            }
        }
        #expect(offenders.isEmpty, "full Foundation (or Yams) imported in: \(offenders)")
    }

    @Test func theRuleCatchesAnImport() throws {
        let forbidden = try NSRegularExpression(
            pattern:
                #"^\s*(@_exported\s+)?import\s+(struct\s+|class\s+|enum\s+|func\s+)?(Foundation|FoundationNetworking|FoundationXML|Yams)(\.|\s|$)"#,
            options: [.anchorsMatchLines])
        for sample in ["import Foundation\n", "  @_exported import FoundationNetworking", "import struct Foundation.Date", "import Yams"] {
            #expect(forbidden.firstMatch(in: sample, range: NSRange(sample.startIndex..., in: sample)) != nil, "\(sample)")
        }
        for sample in ["import FoundationEssentials", "// import Foundation is forbidden", "import FoundationInternationalizationX"] {
            #expect(forbidden.firstMatch(in: sample, range: NSRange(sample.startIndex..., in: sample)) == nil, "\(sample)")
        }
    }

    @Test func theExecutableIsAFewLines() throws {
        let main = try Fixtures.read(Fixtures.packageRoot + "/Sources/perfgate/main.swift")
        #expect(main.split(separator: "\n").count <= 5)
    }

    /// One path to the CI log: only `Log` writes to stdout or stderr, so no outside text can reach
    /// the log without its escaping.
    @Test func onlyLogWritesToTheStreams() throws {
        let forbidden = try NSRegularExpression(
            pattern:
                #"\b(print|debugPrint|fputs|puts|putchar|printf|fprintf|dprintf|vprintf)\(|\bwrite\((1|2|STDOUT_FILENO|STDERR_FILENO)\b|\bstdout\b|\bstderr\b|FileHandle\.standard"#
        )
        var offenders: [String] = []
        for file in Self.swiftFiles(under: "Sources") where !file.contains("/PerfGateCore/Log/") {
            for (number, line) in try Fixtures.read(file).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                // Comments and string literals may name them.
                let code = String(line.prefix { $0 != "/" }).replacingOccurrences(of: #""[^"]*""#, with: "\"\"", options: .regularExpression)
                if forbidden.firstMatch(in: code, range: NSRange(code.startIndex..., in: code)) != nil {
                    offenders.append("\(file):\(number + 1): \(line)")
                }
            }
        }
        #expect(offenders.isEmpty, "writes to the log outside Log: \(offenders)")
    }
}
