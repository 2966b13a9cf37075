import Foundation
@testable import PerfGateCore
import PerfGateTestSupport
import Testing

/// The exit-code contract in one table (issue 33), and no exit code decided anywhere else.
@Suite struct ExitCodeTests {
    @Test func theTableIsTheDocumentedContract() {
        #expect(ExitCode.allCases.map(\.rawValue) == [0, 1, 2, 64, 65])
        #expect(ExitCode.of(.pass) == .pass && ExitCode.of(.warning) == .pass && ExitCode.of(.warning, failOnWarning: true) == .fail)
        #expect(ExitCode.of(.fail) == .fail && ExitCode.of(.error) == .couldNotMeasure)
        #expect(ExitCode.userCodes == 3...63)
        #expect(ExitCode.allCases.allSatisfy { !ExitCode.userCodes.contains($0.rawValue) })
    }

    /// Code decides exit codes through the table: no `ExitCode(64)`, `exitCode: 65`, `code == 64` or
    /// `? 64 :` outside it (help texts and comments may say the numbers). Plain string checks, line
    /// by line: this runs beside tests that measure the process's memory.
    @Test func noOtherSourceDecidesAnExitCodeWithALiteral() throws {
        var offenders: [String] = []
        for file in PackageRulesTests.swiftFiles(under: "Sources") where !file.hasSuffix("/ExitCode.swift") {
            for line in try Fixtures.read(file).split(separator: "\n") where Self.decidesAnExitCode(line) {
                offenders.append(file + ": " + line.trimmingCharacters(in: .whitespaces))
            }
        }
        #expect(offenders.isEmpty, "exit codes decided outside ExitCode: \(offenders)")
        for sample in ["throw ExitCode(64)", "exitCode: 65)", "code == 64 ?", "let code: Int32 = kind == .usage ? 64 : 65", "status != 65"] {
            #expect(Self.decidesAnExitCode(Substring(sample)), "\(sample)")
        }
        #expect(!Self.decidesAnExitCode("if bits == 64 { return }"))
    }

    static func decidesAnExitCode(_ line: Substring) -> Bool {
        let text = line.lowercased().replacingOccurrences(of: " ", with: "")
        if text.hasPrefix("//") { return false }
        for code in ["1", "2", "64", "65"]
        where text.contains("exitcode(" + code + ")") || text.contains("exitcode:" + code + ")")
            || text.contains("exitcode:" + code + ",")
        {
            return true
        }
        for code in ["64", "65"] {
            for pattern in ["code==", "code!=", "status==", "status!=", "?", ":int32="] where text.contains(pattern + code) {
                // `? 64 :` (a ternary) or a comparison or a typed constant: what `bits == 64` is not.
                if pattern != "?" || text.contains("?" + code + ":") { return true }
            }
        }
        return false
    }
}
