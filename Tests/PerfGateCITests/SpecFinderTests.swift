import Foundation
import PerfGateCI
import PerfGateCore
import PerfGateTestSupport
import Testing

@Suite struct SpecFinderTests {
    func tree(_ files: [String]) throws -> String {
        let root = try Fixtures.temporaryFolder()
        for file in files {
            let path = root + "/" + file
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            // Each file its own content: identical copies of one spec count as one.
            try Fixtures.write("{\"file\": \(JSONWriter.quoted(file))}", to: path)
        }
        return root
    }

    @Test func recognisesSpecNames() {
        for name in ["perfspec.json", "perfspec.yaml", "perfspec.yml", "checkout.perfspec.json", "a.b.perfspec.YAML"] {
            #expect(SpecFinder.isSpecName(name), "\(name)")
        }
        for name in ["perfspec.txt", "myperfspec.json", "perfspec", "perfspec.json.bak", ".perfspec.json.swp"] {
            #expect(!SpecFinder.isSpecName(name), "\(name)")
        }
    }

    @Test func findsOneNestedSpecAndSkipsToolFolders() throws {
        let root = try tree(["a/b/c/checkout.perfspec.yaml", "node_modules/x/perfspec.json", ".git/perfspec.json", ".build/perfspec.yml", "README.md"]
        )
        #expect(SpecFinder.find(nil, roots: [root]) == .found(root + "/a/b/c/checkout.perfspec.yaml"))
    }

    @Test func searchesABoundedDepth() throws {
        let deep = (0...SpecFinder.maxDepth).map { "d\($0)" }.joined(separator: "/")
        let root = try tree([deep + "/perfspec.json"])
        #expect(SpecFinder.find(nil, roots: [root]) == .none(searched: [root]))
    }

    @Test func countsAFileReachedThroughTwoRootsOnce() throws {
        let root = try tree(["s/perfspec.json"])
        #expect(SpecFinder.find(nil, roots: [root, root + "/s"]) == .found(root + "/s/perfspec.json"))
        let several = try tree(["a/perfspec.json", "b/x.perfspec.yml"])
        #expect(SpecFinder.find(nil, roots: [several]) == .several([several + "/a/perfspec.json", several + "/b/x.perfspec.yml"]))
    }

    @Test func identicalCopiesOfOneSpecAreOneSpec() throws {
        // A job that checks the repository out and downloads the spec artifact: the artifact first.
        let root = try Fixtures.temporaryFolder()
        for folder in ["perfspec", "s/perf"] {
            try FileManager.default.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true)
            try Fixtures.write("{\"indicators\": []}", to: root + "/" + folder + "/checkout.perfspec.yaml")
        }
        #expect(SpecFinder.find(nil, roots: [root]) == .found(root + "/perfspec/checkout.perfspec.yaml"))
        try Fixtures.write("{\"indicators\": [1]}", to: root + "/s/perf/checkout.perfspec.yaml")
        #expect(SpecFinder.find(nil, roots: [root]) == .several([root + "/perfspec/checkout.perfspec.yaml", root + "/s/perf/checkout.perfspec.yaml"]))
    }

    @Test func takesAFileAFolderOrAGlob() throws {
        let root = try tree(["drop/one.perfspec.json", "drop/two.perfspec.json"])
        #expect(SpecFinder.find(root + "/drop/one.perfspec.json", roots: []) == .found(root + "/drop/one.perfspec.json"))
        #expect(SpecFinder.find(root + "/missing.json", roots: []) == .found(root + "/missing.json"))
        #expect(SpecFinder.find(root + "/drop/t*.json", roots: []) == .found(root + "/drop/two.perfspec.json"))
        #expect(SpecFinder.find(root + "/drop/*.json", roots: []) == .several([root + "/drop/one.perfspec.json", root + "/drop/two.perfspec.json"]))
        #expect(SpecFinder.find(root + "/nothing/*.json", roots: []) == .none(searched: [root + "/nothing/*.json"]))
        #expect(SpecFinder.find(root + "/drop", roots: []) == .several([root + "/drop/one.perfspec.json", root + "/drop/two.perfspec.json"]))
    }
}
