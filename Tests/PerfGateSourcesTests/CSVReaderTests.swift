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
