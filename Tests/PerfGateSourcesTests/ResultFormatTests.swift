
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
        let text = ["timeStamp", "elapsed", "label", "success"].joined(separator: separator) + "\n"
            + ["1714564800000", "120", "home page", "true"].joined(separator: separator) + "\n"
        #expect(try await jmeter(text) == [Measurement(key: "home page", value: 120)])
    }

    @Test(arguments: [
        ("1393227741256,1425,Login,200,OK,Thread 1-1,text,true,3478,1016\n", "has no header line"),
        ("timeStamp,elapsed,label,success\n2014-02-24 07:42:21.256,1300,Login,true\n", "'timeStamp' is a formatted date"),
        ("Label,# Samples,Average,Median,90% Line\nHTTP Request,1000,17,13,26\n", "Aggregate or Summary Report table"),
        ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testResults version=\"1.2\">\n</testResults>\n", "is an XML JTL"),
        ("RUN\tmytest.BasicSimulation\tgatling-1\t1617110479263\t\t3.5.1\n", "is a Gatling simulation.log"),
    ])
    func wrongFormatsSayWhatTheyAre(_ text: String, _ expected: String) async {
        let text = await message(text)
        #expect(text.contains(expected), "\(text)")
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
        try Fixtures.write("\"Method\",\"Name\",\"# requests\",\"Median response time\"\n\"GET\",\"/a\",10,4\n\"POST\",\"/b\",5,7\n\"None\",\"Total\",15,5\n", to: folder + "/old.csv")
        let context = SourceContext(specDirectory: folder)
        let rows = try await LocustSource().fetch(.object([("file", .string("old.csv")), ("stat", .string("Median response time"))]), context: context)
        #expect(rows.map(\.key) == ["/a", "/b"])
        let posts = try await LocustSource().fetch(.object([("file", .string("old.csv")), ("stat", .string("# requests")), ("type", .string("post"))]), context: context)
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
        for (file, expected) in [("j11_no_header.jtl", "has no header line"), ("j12_formatted_timestamp.csv", "formatted date"),
                                 ("j15_xml_multilevel.jtl", "XML JTL"), ("j20_aggregate_report.csv", "Aggregate or Summary Report"),
                                 ("g01_simulation.log", "Gatling simulation.log")] {
            do {
                _ = try await JMeterSource().fetch(.object([("file", .string(file)), ("stat", .string("p95"))]), context: context)
                Issue.record("\(file) was read")
            } catch let error as SourceError {
                #expect(error.message.contains(expected) && error.isInvalidInput, "\(file): \(error.message)")
            }
        }
        let old = try await LocustSource().fetch(.object([("file", .string("l04_old_requests.csv")), ("stat", .string("# requests"))]), context: context)
        #expect(!old.isEmpty && !old.contains { $0.key == "Total" })
        await #expect(throws: SourceError.self) {
            _ = try await LocustSource().fetch(.object([("file", .string("l06_stats_history.csv")), ("stat", .string("Requests/s"))]), context: context)
        }
    }
}
