import Foundation
import PerfGateTestSupport
import Testing

/// Every relative link in the README, docs/ and the wrappers' pages leads somewhere: the file
/// exists, and an anchor names a heading of that page (GitHub's rule for heading ids).
@Suite struct DocumentationLinksTests {
    static let root = Fixtures.packageRoot

    static var pages: [String] {
        let docs = ((try? FileManager.default.contentsOfDirectory(atPath: root + "/docs")) ?? []).filter { $0.hasSuffix(".md") }.map { "docs/" + $0 }
        return ["README.md", "SECURITY.md", "github-actions/README.md", "azure-pipelines/README.md", "jenkins/README.md", "gitlab/README.md"]
            + docs.sorted()
    }

    /// GitHub's heading id: lower case, punctuation but `-` and `_` dropped, spaces to `-`.
    static func slug(_ heading: String) -> String {
        String(
            heading.lowercased().unicodeScalars.filter {
                $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" || $0 == " "
            }
            .map { $0 == " " ? "-" : Character($0) })
    }

    static func anchors(_ text: String) -> Set<String> {
        var found: Set<String> = []
        var inCode = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") { inCode.toggle() }
            guard !inCode, line.hasPrefix("#") else { continue }
            found.insert(slug(String(line.drop { $0 == "#" }.drop { $0 == " " })))
        }
        return found
    }

    /// The relative links of a page, outside code blocks and code spans.
    static func links(_ text: String) -> [String] {
        var found: [String] = []
        var inCode = false
        let pattern = try! NSRegularExpression(pattern: #"\]\(([^)\s]+)\)"#)
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") { inCode.toggle() }
            guard !inCode else { continue }
            let plain = String(line).replacingOccurrences(of: #"`[^`]*`"#, with: "", options: .regularExpression)
            for match in pattern.matches(in: plain, range: NSRange(plain.startIndex..., in: plain)) {
                let link = String(plain[Range(match.range(at: 1), in: plain)!])
                if link.contains("://") || link.hasPrefix("mailto:") { continue }
                found.append(link)
            }
        }
        return found
    }

    @Test func everyRelativeLinkResolves() throws {
        var checked = 0
        for page in Self.pages {
            let text = try Fixtures.read(Self.root + "/" + page)
            let folder = (page as NSString).deletingLastPathComponent
            for link in Self.links(text) {
                let parts = link.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                let target = parts[0].isEmpty ? page : ((folder as NSString).appendingPathComponent(parts[0]) as NSString).standardizingPath
                #expect(FileManager.default.fileExists(atPath: Self.root + "/" + target), "\(page): \(link): no such file")
                if parts.count == 2, target.hasSuffix(".md") {
                    let anchors = Self.anchors((try? Fixtures.read(Self.root + "/" + target)) ?? "")
                    #expect(anchors.contains(parts[1]), "\(page): \(link): no heading #\(parts[1]) in \(target)")
                }
                checked += 1
            }
        }
        #expect(checked > 50)
    }

    /// The README stays a front page: what perfgate is, install, quick start, one example per
    /// platform, and links to every page of docs/.
    @Test func theReadmeIsAFrontPageThatLinksEveryPage() throws {
        let readme = try Fixtures.read(Self.root + "/README.md")
        #expect(readme.split(separator: "\n", omittingEmptySubsequences: false).count < 300)
        for page in Self.pages where page.hasPrefix("docs/") { #expect(readme.contains("](\(page))"), "\(page) is not linked from the README") }
        for platform in ["github-actions/README.md", "azure-pipelines/README.md", "jenkins/README.md", "gitlab/README.md"] {
            #expect(readme.contains("](\(platform))"))
        }
    }
}

/// The command line's reference says only what the commands take: every flag of its synopsis is
/// in that command's --help.
@Suite struct DocumentedFlagsTests {
    @Test func everyFlagOfTheSynopsisIsTheCommandsOwn() async throws {
        let text = try Fixtures.read(DocumentationLinksTests.root + "/docs/cli.md")
        let block = try #require(text.components(separatedBy: "```\n").dropFirst().first)
        var command = ""
        var flags: [String: Set<String>] = [:]
        for line in block.split(separator: "\n") {
            if line.hasPrefix("perfgate ") { command = String(line.split(separator: " ")[1]) }
            for match in line.matches(of: /--[a-z][a-z0-9-]*/) where !["--version"].contains(String(match.output)) {
                flags[command, default: []].insert(String(match.output))
            }
        }
        #expect(flags["evaluate"]?.count ?? 0 > 40)
        for (name, documented) in flags where ["mark", "evaluate", "validate", "serve"].contains(name) {
            let help = try await InProcess.run(name == "mark" ? ["mark", "start", "--help"] : [name, "--help"]).stdout
            for flag in documented {
                #expect(help.contains(flag + " ") || help.contains(flag + "\n") || help.contains(flag + ","), "\(name): \(flag)")
            }
        }
        #expect(flags.keys.contains("mark") && flags.keys.contains("validate"))
    }
}
