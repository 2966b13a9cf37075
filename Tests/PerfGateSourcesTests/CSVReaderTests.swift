import Foundation
import PerfGateCore
import PerfGateTestSupport
import Testing

@testable import PerfGateSources

@Suite struct CSVReaderTests {
    func records(_ text: String, chunkSize: Int) throws -> [[String]] {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(text, to: folder + "/f.csv")
        var rows: [[String]] = []
        try CSVReader(chunkSize: chunkSize).read(path: folder + "/f.csv") { record, _ in
            rows.append((0..<record.count).map { record.string($0) })
            return true
        }
        return rows
    }

    static let tricky = "a,b,c\r\n1,\"x, y\",3\r\n\"multi\nline\",\"say \"\"hi\"\"\",\r\n\n,,\nlast,row,\"end\""
    static let expected = [["a", "b", "c"], ["1", "x, y", "3"], ["multi\nline", "say \"hi\"", ""], ["", "", ""], ["last", "row", "end"]]

    /// The same records whatever the buffer size, so records split across reads are stitched right.
    @Test(arguments: [1, 2, 3, 5, 7, 64, 1 << 18])
    func readsQuotesNewlinesAndCRLFAtAnyChunkSize(_ chunkSize: Int) throws {
        #expect(try records(Self.tricky, chunkSize: chunkSize) == Self.expected)
    }

    @Test func readsIntegersWithoutMakingStrings() throws {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write("12,-7,x,,99999999999999999999,true,TRUE,false\n", to: folder + "/f.csv")
        try CSVReader().read(path: folder + "/f.csv") { record, line in
            #expect(line == 1)
            #expect(record.integer(0) == 12)
            #expect(record.integer(1) == -7)
            #expect(record.integer(2) == nil)
            #expect(record.integer(3) == nil)
            #expect(record.integer(4) == nil)
            #expect(record.isTrue(5) && record.isTrue(6) && !record.isTrue(7))
            return false
        }
    }

    @Test func skipsAByteOrderMark() throws {
        #expect(try records("\u{FEFF}a,b\n1,2\n", chunkSize: 4) == [["a", "b"], ["1", "2"]])
    }

    @Test func countsLinesAcrossQuotedNewlines() throws {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write("h\n\"a\nb\"\nc\n", to: folder + "/f.csv")
        var lines: [Int] = []
        try CSVReader().read(path: folder + "/f.csv") { _, line in
            lines.append(line)
            return true
        }
        #expect(lines == [1, 2, 4])
    }
}

/// Files that lenient readers read wrong: each is an error that names the line, never fewer rows.
@Suite struct CSVReaderStrictnessTests {
    func error(_ text: String, chunkSize: Int = 1 << 18, maxRecordBytes: Int = 1 << 20) throws -> String? {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(text, to: folder + "/f.csv")
        do {
            try CSVReader(chunkSize: chunkSize, maxRecordBytes: maxRecordBytes).read(path: folder + "/f.csv") { _, _ in true }
            return nil
        } catch {
            #expect(error.isInvalidInput)
            return error.message.replacingOccurrences(of: folder + "/", with: "")
        }
    }

    @Test(arguments: [3, 7, 1 << 18])
    func anUnterminatedQuoteNamesTheLineItOpenedOn(_ chunkSize: Int) throws {
        let text = "a,b\n1,2\n3,\"stray\n4,5\n6,7\n"
        #expect(try error(text, chunkSize: chunkSize)?.hasPrefix("f.csv:3: a quoted field opens here and is never closed") == true)
    }

    @Test(arguments: [3, 1 << 18])
    func textAfterAClosingQuoteIsAnError(_ chunkSize: Int) throws {
        // The stray quote on line 2 closes at the quote on line 4: lenient readers merge three rows.
        let text = "a,b,c\n1,\"x,3\n4,5,6\n7,\"y\" z,9\n"
        #expect(try error(text, chunkSize: chunkSize)?.hasPrefix("f.csv:4: text after a closing quote") == true)
    }

    @Test func aRecordOverTheLimitIsAnError() throws {
        let long = String(repeating: "x", count: 5000)
        #expect(try error("a\n\(long)\n", chunkSize: 512, maxRecordBytes: 4096)?.hasPrefix("f.csv:2: a record longer than") == true)
        #expect(try error("a\n\"\(long)\"\n", chunkSize: 512, maxRecordBytes: 4096)?.hasPrefix("f.csv:2: a record longer than") == true)
        #expect(try error("a\n\(String(repeating: "y", count: 4000))\n", chunkSize: 512, maxRecordBytes: 4096) == nil)
    }

    @Test func specialFilesAreRefusedWithoutReading() throws {
        let folder = try Fixtures.temporaryFolder()
        #expect(mkfifo(folder + "/pipe", 0o600) == 0)
        for path in [folder + "/pipe", "/dev/zero", folder] {
            do {
                try CSVReader().read(path: path) { _, _ in true }
                Issue.record("read \(path)")
            } catch {
                #expect(error.isInvalidInput && error.message.contains("not a regular file"), "\(error.message)")
            }
        }
    }

    @Test func quotedCRLFEndsTheRecord() throws {
        #expect(try error("a,b\r\n\"1\",\"2\"\r\n\"3\",\"4\"") == nil)
    }
}
