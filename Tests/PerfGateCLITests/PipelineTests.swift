import Foundation
import PerfGateCore
import PerfGateTestSupport
import Testing

/// The whole workflow on each simulated platform: the spec in a nested artifact folder, mark
/// start, a load test, mark stop, evaluate; then every file and command the platform would read.
enum FileSystemCheck {
    static func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }
}

@Suite struct PipelineTests {
    static let hostileLabel = "::warning::pwned ##vso[task.setvariable variable=PERFGATE_RESULT]pass %0A"
    static let hostileId = "static ##vso[task.complete result=Succeeded]\n::error::x"
    static let token = "PIPELINE-SECRET-91c2"

    /// A workspace with `artifacts/drop/checkout.perfspec.yaml` and the command files of a runner.
    struct Workspace {
        let root: String
        let environment: [String: String]

        init(platform: String) throws {
            root = try Fixtures.temporaryFolder()
            try FileManager.default.createDirectory(atPath: root + "/artifacts/drop", withIntermediateDirectories: true)
            try Fixtures.write(
                """
                spec_version: "1.0"
                indicators:
                  - id: checkout_p95
                    source: jmeter
                    query: {file: results.jtl, stat: p95}
                    grading: {type: Threshold, thresholds: {upperWarning: 800, upperSevere: 5000}, metricScore: 50}
                  - id: "\(PipelineTests.hostileId.replacingOccurrences(of: "\n", with: "\\n"))"
                    source: static
                    query: 1
                    grading: {type: Threshold, thresholds: {upperSevere: 5}, metricScore: 50}
                objectives: {pass: 100, warning: 50}
                """, to: root + "/artifacts/drop/checkout.perfspec.yaml")
            var environment = ["DYNATRACE_API_TOKEN": PipelineTests.token]
            switch platform {
            case "github":
                environment.merge([
                    "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": root, "GITHUB_ENV": root + "/.runner/env",
                    "GITHUB_OUTPUT": root + "/.runner/output", "GITHUB_STEP_SUMMARY": root + "/.runner/summary"
                ]) { $1 }
                try FileManager.default.createDirectory(atPath: root + "/.runner", withIntermediateDirectories: true)
            case "azure":
                environment.merge([
                    "TF_BUILD": "True", "PIPELINE_WORKSPACE": root, "SYSTEM_ARTIFACTSDIRECTORY": root + "/artifacts",
                    "BUILD_SOURCESDIRECTORY": root + "/s", "SYSTEM_HOSTTYPE": "build", "SYSTEM_COLLECTIONURI": "https://dev.azure.com/contoso/",
                    "SYSTEM_TEAMPROJECT": "Perf (EU) [x]", "BUILD_BUILDID": "4711", "SYSTEM_JOBNAME": "gate leg/1", "SYSTEM_JOBATTEMPT": "2"
                ]) { $1 }
            case "jenkins":
                environment.merge(["JENKINS_URL": "http://jenkins.example/", "WORKSPACE": root]) { $1 }
            default:
                break
            }
            self.environment = environment
        }

        func run(_ arguments: [String]) async throws -> PerfGateBinary.Output {
            try await InProcess.run(arguments, environment: environment, in: root)
        }

        /// The binary, for a test whose bounds are wall-clock time: a process of its own is not
        /// slowed by the other tests' work in this process.
        func runBinary(_ arguments: [String]) throws -> PerfGateBinary.Output {
            try PerfGateBinary.run(arguments, environment: environment, in: root)
        }

        /// The load step: a JTL whose samples fall inside the window being recorded.
        func loadTest() throws {
            let now = Int(Date().timeIntervalSince1970 * 1000)
            var lines = ["timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes"]
            for index in 0..<20 { lines.append("\(now + index),\(100 + index),checkout,200,OK,t,text,true,,10") }
            lines.append("\(now + 30),900,\"\(PipelineTests.hostileLabel)\",200,OK,t,text,true,,10")
            try Fixtures.write(lines.joined(separator: "\n") + "\n", to: root + "/artifacts/drop/results.jtl")
            usleep(50_000)
        }

        /// mark start, load, mark stop, evaluate: the four steps of the release pipeline. Then the
        /// token: in no output (but the mask command) and in no file of the workspace.
        func releasePipeline() async throws -> (start: PerfGateBinary.Output, stop: PerfGateBinary.Output, evaluate: PerfGateBinary.Output) {
            let start = try await run(["mark", "start"])
            try loadTest()
            let stop = try await run(["mark", "stop"])
            let evaluate = try await run(["evaluate"])
            let masks = ["::add-mask::" + PipelineTests.token + "\n", "##vso[task.setsecret]" + PipelineTests.token + "\n"]
            var outputs = [start, stop, evaluate].map { $0.stdout + $0.stderr }.joined()
            for mask in masks { outputs = outputs.replacingOccurrences(of: mask, with: "") }
            #expect(!outputs.contains(PipelineTests.token))
            let files = FileManager.default.enumerator(atPath: root)?.allObjects.compactMap { $0 as? String } ?? []
            for file in files where !FileSystemCheck.isDirectory(root + "/" + file) {
                #expect(!((try? Fixtures.read(root + "/" + file)) ?? "").contains(PipelineTests.token), "the token is in \(file)")
            }
            return (start, stop, evaluate)
        }

        func read(_ relative: String) throws -> String { try Fixtures.read(root + "/" + relative) }
    }

    /// Every line that a runner would take as a command, and a check that untrusted text made none.
    static func expectOnlyOurCommands(_ text: String, allowed: [String]) {
        for line in text.split(separator: "\n") {
            if line.contains("##vso[") || line.hasPrefix("::") || line.contains("##[") {
                #expect(allowed.contains { line.hasPrefix($0) }, "unexpected command: \(line)")
            }
        }
        #expect(!text.contains("##vso[task.setvariable variable=PERFGATE_RESULT]pass"))
        #expect(!text.contains(PipelineTests.token))
    }

    /// `$GITHUB_OUTPUT`-style `name<<DELIMITER … DELIMITER` entries.
    static func fileCommands(_ text: String) -> [String: String] {
        var values: [String: String] = [:]
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).makeIterator()
        while let line = lines.next() {
            guard let range = line.range(of: "<<") else { continue }
            let name = String(line[..<range.lowerBound])
            let delimiter = String(line[range.upperBound...])
            var value: [Substring] = []
            while let next = lines.next(), next != delimiter { value.append(next) }
            values[name] = value.joined(separator: "\n")
        }
        return values
    }

    @Test func gitHubActions() async throws {
        let workspace = try Workspace(platform: "github")
        let (start, stop, evaluate) = try await workspace.releasePipeline()
        #expect(start.status == 0 && stop.status == 0)
        let environment = Self.fileCommands(try workspace.read(".runner/env"))
        #expect(environment["PERFGATE_START"] == start.stdout.trimmingCharacters(in: .newlines))
        #expect(environment["PERFGATE_END"] == stop.stdout.trimmingCharacters(in: .newlines))

        #expect(evaluate.status == 0, "\(evaluate.stderr)")
        #expect(evaluate.stderr.contains("using the spec \(workspace.root)/artifacts/drop/checkout.perfspec.yaml"))
        #expect(evaluate.stderr.contains("from the window file \(workspace.root)/.perfgate/window.json"))
        #expect(evaluate.stdout.hasPrefix("::add-mask::\(Self.token)\n"))
        #expect(evaluate.stdout.contains("::warning title=perfgate warning%3A checkout_p95::checkout_p95: "))
        Self.expectOnlyOurCommands(
            evaluate.stdout.replacingOccurrences(of: "::add-mask::\(Self.token)\n", with: ""),
            allowed: ["::warning title=perfgate warning%3A checkout_p95::"])

        let outputs = Self.fileCommands(try workspace.read(".runner/output"))
        #expect(outputs["result"] == "warning")
        #expect(outputs["score"] == "75")
        // Relative to the workspace: the path means the same file to later steps on the host.
        #expect(outputs["json-report"] == ".perfgate/perfgate-result.json")
        #expect(outputs["junit-report"] == ".perfgate/perfgate-junit.xml")
        #expect(outputs["markdown-report"] == ".perfgate/perfgate-summary.md")
        #expect(outputs["html-report"] == ".perfgate/perfgate.html")
        #expect(outputs["start"] != nil && outputs["end"] != nil)
        let summary = try workspace.read(".runner/summary")
        #expect(summary.hasPrefix("## ⚠️ perfgate: WARNING, score 75 of 100"))
        #expect(!summary.contains("##vso[") && !summary.contains("\n::"))

        let validate = try await workspace.run(["validate"])
        #expect(validate.status == 0)
        #expect(Self.fileCommands(try workspace.read(".runner/output"))["spec"] == "artifacts/drop/checkout.perfspec.yaml")
    }

    @Test func azurePipelines() async throws {
        let workspace = try Workspace(platform: "azure")
        let (start, _, evaluate) = try await workspace.releasePipeline()
        let stamp = start.stdout.split(separator: "\n").last.map(String.init) ?? ""
        #expect(start.stdout.contains("##vso[task.setvariable variable=PERFGATE_START]\(stamp)\n"))
        #expect(start.stdout.contains("##vso[task.setvariable variable=PERFGATE_START;isOutput=true]\(stamp)\n"))

        #expect(evaluate.status == 0, "\(evaluate.stderr)")
        let out = evaluate.stdout
        #expect(out.hasPrefix("##vso[task.setsecret]\(Self.token)\n"))
        let reports = workspace.root + "/.perfgate"
        #expect(
            out.contains("##vso[results.publish type=JUnit;runTitle=perfgate: checkout.perfspec.yaml;resultFiles=\(reports)/perfgate-junit.xml]\n"))
        #expect(out.contains("##vso[task.uploadsummary]\(reports)/perfgate-summary.md\n"))
        // The HTML report: an artifact per job and attempt, linked from the summary by the agent's own variables.
        #expect(
            out.contains(
                "##vso[artifact.upload containerfolder=perfgate-report-gate_leg_1-attempt2;artifactname=perfgate-report-gate_leg_1-attempt2]\(reports)/perfgate.html\n"
            ))
        let summary = try workspace.read(".perfgate/perfgate-summary.md")
        #expect(
            summary.contains(
                "[HTML report with charts: artifact perfgate-report-gate\\_leg\\_1-attempt2, perfgate.html](https://dev.azure.com/contoso/Perf%20%28EU%29%20%5Bx%5D/_build/results?buildId=4711&view=artifacts&type=publishedArtifacts)"
            ))
        #expect(out.contains("##vso[task.logissue type=warning]checkout_p95: "))
        #expect(out.contains("##vso[task.setvariable variable=PERFGATE_RESULT;isOutput=true]warning\n"))
        #expect(out.contains("##vso[task.setvariable variable=PERFGATE_SCORE;isOutput=true]75\n"))
        #expect(out.contains("##vso[task.complete result=SucceededWithIssues]"))
        Self.expectOnlyOurCommands(
            out.replacingOccurrences(of: "##vso[task.setsecret]\(Self.token)\n", with: ""),
            allowed: [
                "##vso[results.publish", "##vso[task.uploadsummary]", "##vso[task.logissue type=warning]checkout_p95: ",
                "##vso[artifact.upload containerfolder=perfgate-report-gate_leg_1-attempt2;",
                "##vso[task.setvariable variable=PERFGATE_RESULT;isOutput=true]warning", "##vso[task.setvariable variable=PERFGATE_SCORE",
                "##vso[task.setvariable variable=perfgateResult;isOutput=true]warning", "##vso[task.setvariable variable=perfgateScore",
                "##vso[task.complete result=SucceededWithIssues]"
            ])
        // The hostile label appears inside the logissue message only, escaped and neutralised.
        let issue = out.split(separator: "\n").first { $0.hasPrefix("##vso[task.logissue") } ?? ""
        #expect(issue.contains("%AZP25") && !issue.dropFirst(6).contains("##vso["))

        let validate = try await workspace.run(["validate", "--artifact-name", "checkout-spec"])
        #expect(
            validate.stdout.contains("##vso[artifact.upload artifactname=checkout-spec]\(workspace.root)/artifacts/drop/checkout.perfspec.yaml\n"))
    }

    @Test func jenkins() async throws {
        let workspace = try Workspace(platform: "jenkins")
        let (_, _, evaluate) = try await workspace.releasePipeline()
        #expect(evaluate.status == 0, "\(evaluate.stderr)")
        Self.expectOnlyOurCommands(evaluate.stdout + evaluate.stderr, allowed: [])
        let properties = try workspace.read(".perfgate/perfgate.properties")
        #expect(properties.contains("result=warning\nscore=75\nexit=0\nbuildResult=UNSTABLE\n"))
        #expect(properties.contains("\njson=\(workspace.root)/.perfgate/perfgate-result.json\n"))
        #expect(
            properties.contains("junit=\(workspace.root)/.perfgate/perfgate-junit.xml\nmarkdown=\(workspace.root)/.perfgate/perfgate-summary.md\n"))
    }

    /// Rendering does not depend on the platform: one end-to-end run checks the schema with
    /// hostile bytes from a real file (the renderer's own schema test is in the Reports suite).
    @Test func theJUnitReportValidatesWithHostileText() async throws {
        let workspace = try Workspace(platform: "github")
        _ = try await workspace.releasePipeline()
        // A label with markup, a CDATA end, a control character and bytes that are not UTF-8.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: workspace.root + "/artifacts/drop/results.jtl"))
        try handle.seekToEnd()
        let now = Int(Date().timeIntervalSince1970 * 1000) - 20
        try handle.write(contentsOf: Data("\(now),950,\"<b>&]]>\u{01}".utf8) + Data([0xFF, 0xFE, 0xC3]) + Data("\",200,OK,t,text,true,,10\n".utf8))
        try handle.close()
        let junit = workspace.root + "/junit.xml"
        let evaluate = try await workspace.run(["evaluate", "--junit", junit, "--markdown", workspace.root + "/summary.md", "--start", "now-1m"])
        #expect(evaluate.status == 0)
        #expect(try workspace.read("junit.xml").contains("&lt;b&gt;&amp;]]&gt;"))
        try Shared.expectValidJUnit(junit)
        #expect(try workspace.read("summary.md").contains("| `static #\u{266F}vso[task.complete result=Succeeded]\\n::error::x` |"))
    }

    @Test func specDiscoveryExplainsNoneAndSeveral() async throws {
        let workspace = try Workspace(platform: "github")
        let empty = try Fixtures.temporaryFolder()
        let none = try await InProcess.run(["validate"], environment: ["GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": empty], in: empty)
        #expect(none.status == 65)
        #expect(none.stderr.contains("no spec found") && none.stderr.contains("  \(empty)"))
        try Fixtures.write("{}", to: workspace.root + "/perfspec.json")
        let several = try await workspace.run(["validate"])
        #expect(several.status == 65)
        #expect(several.stderr.contains("2 specs found; pick one with --spec PATH"))
        #expect(several.stderr.contains("  \(workspace.root)/perfspec.json\n"))
        #expect(try await workspace.run(["validate", "--spec", workspace.root + "/artifacts"]).status == 0)
        #expect(try await workspace.run(["validate", "--spec", workspace.root + "/artifacts/*/*.perfspec.yaml"]).status == 0)
        #expect(try await workspace.run(["validate"]).status == 65)
        var environment = workspace.environment
        environment["PERFGATE_SPEC"] = workspace.root + "/artifacts/drop"
        #expect(try await InProcess.run(["validate"], environment: environment, in: workspace.root).status == 0)
    }

    @Test func theWindowComesFromFlagsThenEnvironmentThenFile() async throws {
        try await onOwnThread {
            let workspace = try Workspace(platform: "none")
            _ = try workspace.runBinary(["mark", "start", "--at", "now-20m"])
            _ = try workspace.runBinary(["mark", "stop", "--at", "now-10m"])
            let spec = ["--spec", workspace.root + "/artifacts/drop/checkout.perfspec.yaml", "--json", "-"]
            func window(_ output: PerfGateBinary.Output) throws -> Double? {
                try JSONParser.parse(output.stdout)["window"]?["durationSeconds"]?.numberValue
            }
            let fromFile = try workspace.runBinary(["evaluate"] + spec)
            #expect(try window(fromFile).map { abs($0 - 600) < 2 } == true)
            var environment = workspace.environment
            environment["PERFGATE_START"] = "now-5m"
            environment["PERFGATE_END"] = "now-4m"
            let fromEnvironment = try PerfGateBinary.run(["evaluate"] + spec, environment: environment, in: workspace.root)
            #expect(try window(fromEnvironment).map { abs($0 - 60) < 2 } == true)
            let fromFlags = try PerfGateBinary.run(
                ["evaluate", "--start", "now-2m", "--end", "now-1m30s"] + spec, environment: environment, in: workspace.root)
            #expect(try window(fromFlags).map { abs($0 - 30) < 2 } == true)
            environment["PERFGATE_END"] = "now-10m"
            let reversed = try PerfGateBinary.run(["evaluate"] + spec, environment: environment, in: workspace.root)
            #expect(reversed.status == 64)
            #expect(reversed.stderr.contains("perfgate: error: the window ends"))
            let short = try workspace.runBinary(["evaluate", "--start", "now", "--end", "now"] + spec)
            #expect(short.stderr.contains("warning: the window is shorter than 1 second"))
        }
    }

    @Test func markStopWithoutStartWarnsAndRecords() async throws {
        let workspace = try Workspace(platform: "none")
        let stop = try await workspace.run(["mark", "stop", "--window-file", "out/w.json"])
        #expect(stop.status == 0)
        #expect(stop.stderr.contains("warning: no 'perfgate mark start' recorded"))
        #expect(try JSONParser.parse(workspace.read("out/w.json"))["end"]?.stringValue == stop.stdout.trimmingCharacters(in: .newlines))
        let evaluate = try await workspace.run(["evaluate", "--window-file", "out/w.json", "--spec", "artifacts/drop"])
        #expect(evaluate.status == 64)
        #expect(evaluate.stderr.contains("has no start: run 'perfgate mark start' before the load test"))
    }
}

/// Two pipelines on one self-hosted agent, sharing a workspace, each keep their own window.
@Suite struct SharedWorkspaceTests {
    @Test func concurrentRunsKeepSeparateWindows() async throws {
        let workspace = try Fixtures.temporaryFolder()
        func run(_ id: String, _ arguments: [String]) async throws -> PerfGateBinary.Output {
            try await InProcess.run(
                arguments,
                environment: [
                    "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": workspace, "GITHUB_RUN_ID": id,
                    "GITHUB_RUN_ATTEMPT": "1"
                ], in: workspace)
        }
        _ = try await run("101", ["mark", "start", "--at", "2024-05-01T12:00:00Z"])
        _ = try await run("202", ["mark", "start", "--at", "2024-05-01T12:05:00Z"])
        _ = try await run("101", ["mark", "stop", "--at", "2024-05-01T12:10:00Z"])
        _ = try await run("202", ["mark", "stop", "--at", "2024-05-01T12:20:00Z"])
        try Fixtures.write("{\"indicators\": [], \"objectives\": {\"pass\": 0, \"warning\": 0}}", to: workspace + "/perfspec.json")
        for (id, window) in [("101", "2024-05-01T12:00:00Z to 2024-05-01T12:10:00Z"), ("202", "2024-05-01T12:05:00Z to 2024-05-01T12:20:00Z")] {
            let evaluate = try await run(id, ["evaluate"])
            #expect(evaluate.stderr.contains("window \(window)"), "\(evaluate.stderr)")
            #expect(FileManager.default.fileExists(atPath: workspace + "/.perfgate/window-github-\(id)-1.json"))
        }
    }
}

/// Reports are renamed into place: a run killed mid-write leaves the old file or the new one.
@Suite struct AtomicReportTests {
    static func timeless(_ report: String) -> String {
        report.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.contains("\"evaluatedAt\"") }.joined(separator: "\n")
    }

    @Test func aKilledRunNeverLeavesHalfAReport() async throws {
        try await onOwnThread {
            let folder = try Fixtures.temporaryFolder()
            let indicators = (0..<10_000).map {
                "{\"id\":\"i\($0)\",\"source\":\"static\",\"query\":\($0),\"grading\":{\"type\":\"Threshold\",\"thresholds\":{\"upperSevere\":1e9},\"metricScore\":1}}"
            }
            try Fixtures.write(
                "{\"indicators\":[\(indicators.joined(separator: ","))],\"objectives\":{\"pass\":0,\"warning\":0}}", to: folder + "/perfspec.json")
            let report = folder + "/result.json"
            let arguments = ["evaluate", "--spec", folder + "/perfspec.json", "--json", report, "--junit", folder + "/result.xml"]
            // How long a whole run takes, to aim the kills at its end, where the reports are written.
            let started = Date()
            #expect(try PerfGateBinary.run(arguments).status == 0)
            let duration = Date().timeIntervalSince(started)
            let complete = try Fixtures.read(report)
            var killedMidRun = 0
            for attempt in 0..<10 {
                try Fixtures.write("OLD", to: report)
                let process = Process()
                process.executableURL = URL(fileURLWithPath: PerfGateBinary.path)
                process.arguments = arguments
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                usleep(useconds_t(duration * (0.5 + Double(attempt) / 20) * 1_000_000))
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                if process.terminationReason == .uncaughtSignal { killedMidRun += 1 }
                // The last run's report is removed when a run starts (it must never pass for this one's),
                // so a killed run leaves none, or its whole new one: never half of one.
                // The evaluation's time differs from run to run; everything else is the same.
                let text = try? Fixtures.read(report)
                #expect(
                    text == nil || Self.timeless(text!) == Self.timeless(complete),
                    "a torn report: \(text?.prefix(80) ?? "")… (\(text?.count ?? 0) of \(complete.count) characters)")
            }
            #expect(killedMidRun > 0, "no run was killed before it ended; the test proved nothing")
        }
    }
}
