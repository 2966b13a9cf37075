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

    /// Code decides exit codes through the table: no `ExitCode(64)`, `exitCode: 65`, `== 64` or
    /// `? 64 :` outside it (help texts and comments may say the numbers).
    @Test func noOtherSourceDecidesAnExitCodeWithALiteral() throws {
        let literal = try NSRegularExpression(
            pattern:
                #"(ExitCode\(\s*(1|2|64|65)\s*\)|exitCode:\s*(1|2|64|65)\b|(?i:code|status)\s*[=!]=\s*(64|65)\b|\?\s*(64|65)\s*:|:\s*Int32\s*=\s*(64|65)\b)"#
        )
        var offenders: [String] = []
        for file in PackageRulesTests.swiftFiles(under: "Sources") where !file.hasSuffix("/ExitCode.swift") {
            let text = try Fixtures.read(file)
            for match in literal.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                offenders.append(file + ": " + (Range(match.range, in: text).map { String(text[$0]) } ?? ""))
            }
        }
        #expect(offenders.isEmpty, "exit codes decided outside ExitCode: \(offenders)")
        for sample in ["throw ExitCode(64)", "exitCode: 65)", "code == 64 ?", "let code: Int32 = kind == .usage ? 64 : 65"] {
            #expect(literal.firstMatch(in: sample, range: NSRange(sample.startIndex..., in: sample)) != nil, "\(sample)")
        }
    }
}
