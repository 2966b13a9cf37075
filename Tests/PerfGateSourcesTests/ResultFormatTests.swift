import Glibc

import PerfGateCore
import PerfGateTestSupport
import Testing

@testable import PerfGateSources

/// The files users really have, and messages that name the real problem.
@Suite struct ResultFormatTests {
    func jmeter(_ text: String, _ query: [(String, Node)] = [], window: Window? = nil) async throws -> [Measurement] {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(text, to: folder + "/r.jtl")
        var context = SourceContext(specDirectory: folder)
        context.window = window
        return try await JMeterSource().fetch(.object([("file", .string("r.jtl")), ("stat", .string("max"))] + query), context: context)
    }

    func message(_ text: String, _ query: [(String, Node)] = [], window: Window? = nil) async -> String {
        do {
            _ = try await jmeter(text, query, window: window)
            return "no error"
        } catch let error as SourceError {
            return error.message
        } catch {
            return "\(error)"
        }
    }

    @Test(arguments: ["\t", ";", ","])
    func readsTheDelimiterTheHeaderUses(_ separator: String) async throws {
        let text =
            ["timeStamp", "elapsed", "label", "success"].joined(separator: separator) + "\n"
            + ["1714564800000", "120", "home page", "true"].joined(separator: separator) + "\n"
        #expect(try await jmeter(text) == [Measurement(key: "home page", value: 120)])
    }

    @Test(arguments: [
        ("1393227741256,1425,Login,200,OK,Thread 1-1,text,true,3478,1016\n", "has no header line"),
        ("timeStamp,elapsed,label,success\n2014-02-24 07:42:21.256,1300,Login,true\n", "'timeStamp' is a formatted date"),
        ("Label,# Samples,Average,Median,90% Line\nHTTP Request,1000,17,13,26\n", "Aggregate or Summary Report table"),
        ("RUN\tmytest.BasicSimulation\tgatling-1\t1617110479263\t\t3.5.1\n", "is a Gatling simulation.log")
    ])
    func wrongFormatsSayWhatTheyAre(_ text: String, _ expected: String) async {
        let text = await message(text)
        #expect(text.contains(expected), "\(text)")
    }

    /// An XML JTL: top-level samples only (sub-samples skipped), entities decoded, comments, CDATA
    /// and self-closing elements handled, read in pieces whatever the buffer size.
    @Test(arguments: [7, 64, 1 << 18])
    func readsXMLJTLs(_ chunkSize: Int) async throws {
        let xml = """
            \u{FEFF}<?xml version="1.0" encoding="UTF-8"?>
            <!-- a comment with <httpSample t="999"/> inside -->
            <testResults version="1.2">
            <httpSample t="120" lt="100" ts="1714564800000" s="true" lb="Home &amp; &quot;index&quot;" rc="200" rm="OK">
              <httpSample t="5000" ts="1714564800001" s="false" lb="sub-sample"/>
              <responseData class="java.lang.String"><![CDATA[<httpSample t="888"/> > ]]></responseData>
              <assertionResult><name>Ok</name><failure>false</failure></assertionResult>
            </httpSample>
            <sample t="80" ts="1714564800500" s="false" lb="Home &amp; &quot;index&quot;" rm="a > b"/>
            <httpSample t="40" ts="1714564801000" s="true" lb="Login"></httpSample>
            </testResults>
            """
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(xml, to: folder + "/r.jtl")
        var summary: JTLSummary?
        try ResultFile.stream(folder + "/r.jtl", files: LocalFiles()) { (file) throws(SourceError) in
            var reader = XMLJTLReader()
            reader.chunkSize = chunkSize
            var seen: [String?] = []
            try reader.read(file: file, name: "r.jtl") { attributes, _ in seen.append(attributes["t"]) }
            #expect(seen == ["120", "80", "40"])
            rewind(file)
            summary = try JTLSummary.read(file: file, name: "r.jtl", window: nil, onlyLabel: nil)
        }
        #expect(summary?.labelOrder == ["Home & \"index\"", "Login"])
        #expect(summary?.byLabel["Home & \"index\""]?.count == 2 && summary?.byLabel["Home & \"index\""]?.errors == 1)
    }

    @Test func jsonIsNotAJTL() async {
        let dashboard = await message(#"{"Total": {"transaction": "Total", "sampleCount": 3, "pct1ResTime": 10.0}}"#)
        #expect(dashboard.contains("JMeter's HTML dashboard statistics.json"), "\(dashboard)")
        let other = await message("[1, 2]")
        #expect(other.contains("is JSON, not a JMeter JTL"), "\(other)")
    }

    /// Attributes however XML lets them be written: single quotes, white space and line breaks
    /// around '=', '>' and the other quote inside a value, an empty value, and no space between
    /// attributes; read in pieces whatever the buffer size.
    @Test(arguments: [5, 64, 1 << 18])
    func readsAttributesInEverySpelling(_ chunkSize: Int) async throws {
        let xml = """
            <testResults version="1.2">
            <httpSample t = '12' ts=\n"1714564800000" s='true' lb="a > 'b'" rm=""/>
            <httpSample lb='x "y"'t="7"ts="1714564800001" s="false"/>
            <sample
               t="9"
               ts="1714564800002"
               lb="z"/>
            </testResults>
            """
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(xml, to: folder + "/r.jtl")
        try ResultFile.stream(folder + "/r.jtl", files: LocalFiles()) { (file) throws(SourceError) in
            var reader = XMLJTLReader()
            reader.chunkSize = chunkSize
            var seen: [[String?]] = []
            var lines: [Int] = []
            try reader.read(file: file, name: "r.jtl") { attributes, line in
                seen.append([attributes["t"], attributes["ts"], attributes["lb"], attributes["s"], attributes["rm"]])
                lines.append(line)
                #expect(attributes.integer("t") != nil)
            }
            #expect(
                seen == [
                    ["12", "1714564800000", "a > 'b'", "true", ""], ["7", "1714564800001", #"x "y""#, "false", nil],
                    ["9", "1714564800002", "z", nil, nil]
                ])
            #expect(lines == [2, 4, 5])
        }
    }

    @Test func aCutXMLJTLIsAnError() async {
        let error = await message("<?xml version=\"1.0\"?>\n<testResults>\n<httpSample t=\"1\" ts=\"1714564800000\" s=\"true\" lb=\"a")
        #expect(error.contains("ends inside a piece of markup"), "\(error)")
        let other = await message("<?xml version=\"1.0\"?>\n<html><body/></html>\n")
        #expect(other.contains("not a JMeter XML JTL"), "\(other)")
    }

    @Test func aLabelNotInTheFileListsTheLabelsThere() async {
        let text = "timeStamp,elapsed,label,success\n1714564800000,10,CreateToken ,true\n1714564800001,20,Login,true\n"
        let error = await message(text, [("label", .string("CreateToken"))])
        #expect(error.contains(#"has no sample labelled "CreateToken" (did you mean "CreateToken "? whitespace counts)"#), "\(error)")
        #expect(error.contains(#""Login""#))
    }

    @Test func noSampleInsideTheWindowSaysWhereTheSamplesAre() async {
        let text = "timeStamp,elapsed,label,success\n1714564800000,10,a,true\n1714564860000,20,a,true\n"
        let error = await message(text, window: Window(start: 1_714_600_000, end: 1_714_600_600))
        #expect(error.contains("falls inside the window 2024-05-01T21:46:40Z to 2024-05-01T21:56:40Z"), "\(error)")
        #expect(error.contains("its 2 samples run from 2024-05-01T12:00:00Z to 2024-05-01T12:01:00Z"))
    }

    @Test func locustBefore1_0AndItsHistoryFile() async throws {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(
            "\"Method\",\"Name\",\"# requests\",\"Median response time\"\n\"GET\",\"/a\",10,4\n\"POST\",\"/b\",5,7\n\"None\",\"Total\",15,5\n",
            to: folder + "/old.csv")
        let context = SourceContext(specDirectory: folder)
        let rows = try await LocustSource().fetch(
            .object([("file", .string("old.csv")), ("stat", .string("Median response time"))]), context: context)
        #expect(rows.map(\.key) == ["/a", "/b"])
        let posts = try await LocustSource().fetch(
            .object([("file", .string("old.csv")), ("stat", .string("# requests")), ("type", .string("post"))]), context: context)
        #expect(posts == [Measurement(key: "/b", value: 5)])
        try Fixtures.write("Timestamp,User Count,Type,Name,Requests/s\n1680476363,0,,Aggregated,0\n", to: folder + "/history.csv")
        await #expect(throws: SourceError.self) {
            _ = try await LocustSource().fetch(.object([("file", .string("history.csv")), ("stat", .string("Requests/s"))]), context: context)
        }
    }

    /// The real files in ../shared/realworld/files (CI always has them).
    @Test(.enabled(if: Shared.enabled, Shared.skipped))
    func realFilesReadOrSayWhatTheyAre() async throws {
        let files = Shared.folder + "/realworld/files"
        let context = SourceContext(specDirectory: files)
        let tabs = try await JMeterSource().fetch(.object([("file", .string("j10_tabs.jtl")), ("stat", .string("count"))]), context: context)
        #expect(!tabs.isEmpty)
        let xml = try await JMeterSource().fetch(.object([("file", .string("j15_xml_multilevel.jtl")), ("stat", .string("count"))]), context: context)
        #expect(xml == [Measurement(key: "Home", value: 6), Measurement(key: "Workgroup", value: 4)])
        for (file, expected) in [
            ("j11_no_header.jtl", "has no header line"), ("j12_formatted_timestamp.csv", "formatted date"),
            ("j20_aggregate_report.csv", "Aggregate or Summary Report"),
            ("g01_simulation.log", "Gatling simulation.log"),
            ("j03_statistics.json", "HTML dashboard statistics.json")
        ] {
            do {
                _ = try await JMeterSource().fetch(.object([("file", .string(file)), ("stat", .string("p95"))]), context: context)
                Issue.record("\(file) was read")
            } catch let error as SourceError {
                #expect(error.message.contains(expected) && error.isInvalidInput, "\(file): \(error.message)")
            }
        }
        let old = try await LocustSource().fetch(
            .object([("file", .string("l04_old_requests.csv")), ("stat", .string("# requests"))]), context: context)
        #expect(!old.isEmpty && !old.contains { $0.key == "Total" })
        await #expect(throws: SourceError.self) {
            _ = try await LocustSource().fetch(
                .object([("file", .string("l06_stats_history.csv")), ("stat", .string("Requests/s"))]), context: context)
        }
    }
}

/// A compressed result file says so, whichever source reads it, instead of "no header line" or
/// "not a k6 file": `k6 --out json=points.json.gz` writes gzip.
@Suite struct CompressedResultFileTests {
    @Test func everySourceNamesTheCompression() async throws {
        let folder = try Fixtures.temporaryFolder()
        let files: [(String, [UInt8], String)] = [
            ("points.json.gz", [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03], "gzip"),
            ("r.jtl.zst", [0x28, 0xB5, 0x2F, 0xFD, 0x00, 0x58], "zstd"),
            ("r.zip", [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00], "zip")
        ]
        let kinds = ["points.json.gz": "gzip", "r.jtl.zst": "zstd", "r.zip": "zip"]
        for (name, bytes, _) in files {
            let file = fopen(folder + "/" + name, "wb")!
            _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
            fclose(file)
        }
        let context = SourceContext(specDirectory: folder)
        let queries: [(any MetricSource, Node)] = [
            (K6Source(), .object([("file", .string("points.json.gz")), ("metric", .string("http_req_duration")), ("stat", .string("p(95)"))])),
            (JMeterSource(), .object([("file", .string("r.jtl.zst")), ("stat", .string("p95"))])),
            (LocustSource(), .object([("file", .string("r.zip")), ("stat", .string("95%"))])),
            (JSONFileSource(), .object([("file", .string("points.json.gz")), ("pointer", .string("/a"))]))
        ]
        for (source, query) in queries {
            do {
                _ = try await source.fetch(query, context: context)
                Issue.record("\(source.name) read a compressed file")
            } catch let error as SourceError {
                let file = query["file"]?.stringValue ?? ""
                #expect(
                    error.isInvalidInput
                        && error.message.contains("\(kinds[file]!)-compressed: perfgate reads the results as the load tool writes them"),
                    "\(source.name): \(error.message)")
            }
        }
    }
}
