import Glibc
import PerfGateCore
import PerfGateReports

/// GitLab CI/CD: no logging commands (nothing in a job log turns into an action, and there is no
/// runtime mask: secrets must never be printed at all). The evaluation's detail goes in collapsible
/// log sections, and `metrics.txt` joins the reports for `artifacts:reports:metrics`. A warning
/// ends with `warningExitCode` by default, for `allow_failure: exit_codes:` (an orange job).
package struct GitLabCI: CIPlatform {
    package static let name = "gitlab"
    package static func detect(_ environment: [String: String]) -> Bool { environment["GITLAB_CI"] == "true" }

    /// The exit code of a warning under `--on-warning issues` (the default) on GitLab.
    package static let warningExitCode: Int32 = 3
    /// The metrics report's file name, beside the other reports.
    package static let metricsFile = "metrics.txt"
    /// `artifacts:reports:annotations`: links on the job's page (the HTML report's).
    package static let annotationsFile = "annotations.json"
    package static var ownedFiles: [String] { [metricsFile, annotationsFile] }

    let environment: [String: String]
    let output: any CIOutput

    package init(environment: [String: String], output: any CIOutput) {
        self.environment = environment
        self.output = output
    }

    func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }

    package var workspace: String { value("CI_PROJECT_DIR") ?? FileSystem.currentDirectory() }
    /// The pipeline: `mark start`, the load test and `evaluate` are usually separate jobs of one.
    package var runIdentifier: String? { value("CI_PIPELINE_ID").map { "gitlab-" + $0 } }
    package var searchRoots: [String] { [workspace] }
    package var issuesExitCode: Int32? { Self.warningExitCode }

    // GitLab masks only the variables marked "Masked" in the settings; nothing can add one at run time.
    package func mask(_ secrets: [String]) throws(FileError) {}

    /// For the rest of the job (`$GITLAB_ENV`); later jobs get the window file as an artifact.
    package func export(_ name: String, value: String) throws(FileError) {
        guard let file = self.value("GITLAB_ENV"), !value.contains("\n") else { return }
        try output.append("\(name)=\(value)\n", to: file)
    }

    package func publishSpec(at path: String, artifactName: String) throws(FileError) {
        output.line("perfgate: the spec to keep as an artifact (artifacts:paths): \(path)")
    }

    package func publish(_ result: EvaluationResult, presentation: Presentation, reports: ReportPaths, conclusion: Conclusion) throws(FileError) {
        let metrics = Path.resolve(Self.metricsFile, against: reports.folder)
        try FileSystem.writeAtomically(OpenMetricsReport.render(result), to: metrics)
        if let link = htmlLink(reports) {
            // GitLab's schema: one section, a list of {external_link: {label, url}} and nothing else.
            let annotations = Node.object([
                (
                    "perfgate",
                    .array([
                        .object([
                            (
                                "external_link",
                                .object([
                                    ("label", .string(link.title)), ("url", .string(link.url))
                                ])
                            )
                        ])
                    ])
                )
            ])
            try FileSystem.writeAtomically(JSONWriter.write(annotations) + "\n", to: Path.resolve(Self.annotationsFile, against: reports.folder))
        }
        let now = Int(Clock.now)
        for (index, indicator) in result.indicatorResults.prefix(200).enumerated() {
            let section = "perfgate_indicator_\(index + 1)"
            let collapsed = indicator.verdict == .pass ? "[collapsed=true]" : ""
            // The marker and its header are one line, the header outside text made inert (a command
            // line is written as it is: no escaping would reach the header).
            let header =
                CommandText.outside(indicator.id)
                + ": \(indicator.verdict.rawValue), score \(NumberText.format(indicator.score)) of \(NumberText.format(indicator.metricScore))"
            output.line(.command("\u{1B}[0Ksection_start:\(now):\(section)\(collapsed)\r\u{1B}[0K" + header))
            if indicator.verdict == .pass {
                output.line("\(indicator.id): within its thresholds")
            } else {
                output.line("\(AnnotationText.message(indicator))")
            }
            for measurement in indicator.measurements.prefix(20) {
                output.line("  \(measurement.key) = \(measurement.value.map(NumberText.precise) ?? "no value")")
            }
            output.line(.command("\u{1B}[0Ksection_end:\(now):\(section)\r\u{1B}[0K"))
        }
        if let url = value("CI_JOB_URL") {
            output.line("perfgate: reports: \(reports.files.values.sorted().joined(separator: ", ")), \(metrics); job: \(url)")
        }
    }

    package func conclude(_ conclusion: Conclusion) { output.note(conclusion.line) }

    /// The HTML report in the job's artifacts (`$CI_JOB_URL/artifacts/file/<path>`), when it is
    /// inside the project directory (artifacts cannot reach outside it) and the job's URL is plain.
    func htmlLink(_ reports: ReportPaths) -> Presentation.Link? {
        guard let html = reports.files["html"], let project = value("CI_PROJECT_DIR"), let job = value("CI_JOB_URL"), MarkdownText.isPlainURL(job)
        else { return nil }
        let base = project.hasSuffix("/") ? project : project + "/"
        guard html.hasPrefix(base) else { return nil }
        let relative = html.dropFirst(base.count).split(separator: "/").map { PercentEncoding.encoded(String($0)) }.joined(separator: "/")
        return Presentation.Link(
            title: "perfgate: HTML report with charts", url: (job.hasSuffix("/") ? String(job.dropLast()) : job) + "/artifacts/file/" + relative)
    }
}

/// The wall clock, for the sections' timestamps.
enum Clock {
    static var now: Double {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Double(spec.tv_sec)
    }
}
