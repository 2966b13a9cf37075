/// Where a run came from: the CI platform's pipeline, run and attempt, the branch and commit it
/// built, the branch a merge or pull request targets, and the run's page. A results store keys,
/// deduplicates and links runs by it; every member may be missing (a run on a laptop).
package struct RunProvenance: Sendable, Equatable {
    /// `github-actions`, `azure-pipelines`, `jenkins`, `gitlab`.
    package var platform: String?
    /// The repository and workflow, the pipeline's definition, the job's name.
    package var pipeline: String?
    /// The platform's id of this pipeline run.
    package var runId: String?
    /// Which attempt of the run (a re-run of a GitHub workflow or an Azure job is another attempt).
    package var attempt: String?
    package var branch: String?
    /// The branch a merge or pull request would merge into: runs compare with that branch's.
    package var targetBranch: String?
    package var commit: String?
    /// The run's page on the platform.
    package var url: String?

    package init(
        platform: String? = nil, pipeline: String? = nil, runId: String? = nil, attempt: String? = nil, branch: String? = nil,
        targetBranch: String? = nil, commit: String? = nil, url: String? = nil
    ) {
        self.platform = platform
        self.pipeline = pipeline
        self.runId = runId
        self.attempt = attempt
        self.branch = branch
        self.targetBranch = targetBranch
        self.commit = commit
        self.url = url
    }

    /// The members' names, in the order the API writes them.
    package static let fields = ["platform", "pipeline", "runId", "attempt", "branch", "targetBranch", "commit", "url"]

    /// Each member by its API name.
    package var values: [String?] { [platform, pipeline, runId, attempt, branch, targetBranch, commit, url] }

    package init(values: [String?]) {
        func at(_ index: Int) -> String? { index < values.count ? values[index] : nil }
        self.init(
            platform: at(0), pipeline: at(1), runId: at(2), attempt: at(3), branch: at(4), targetBranch: at(5), commit: at(6), url: at(7))
    }

    package var isEmpty: Bool { values.allSatisfy { $0 == nil } }

    /// The longest a member may be: longer ones are a client's mistake or an attack, not a branch name.
    package static let maxLength = 2048

    /// `{"platform": …, …}`, absent members left out.
    package var node: Node {
        .object(zip(Self.fields, values).compactMap { name, value in value.map { (name, Node.string($0)) } })
    }

    /// The provenance an object gives; a member that is not a short string without control
    /// characters is refused with its name.
    package static func parse(_ node: Node) throws(ProvenanceError) -> RunProvenance {
        guard let members = node.members else { throw ProvenanceError("provenance must be an object, not \(node.typeName)") }
        var values = [String?](repeating: nil, count: fields.count)
        for member in members where !member.value.isNull {
            guard let index = fields.firstIndex(of: member.key) else {
                throw ProvenanceError("provenance.\(member.key) is not a member; it has \(fields.joined(separator: ", "))")
            }
            guard let text = member.value.stringValue else {
                throw ProvenanceError("provenance.\(member.key) must be a string, not \(member.value.typeName)")
            }
            guard text.utf8.count <= maxLength, !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw ProvenanceError("provenance.\(member.key) must be at most \(maxLength) bytes without control characters")
            }
            values[index] = text.isEmpty ? nil : text
        }
        return RunProvenance(values: values)
    }

    /// What makes two requests the same step of the same run: a retried step records once. nil
    /// without a run id (nothing says two runs are one).
    package func idempotencyKey(specDigest: String?, context: [String: String]) -> String? {
        guard let runId else { return nil }
        let parts =
            [platform ?? "", pipeline ?? "", runId, attempt ?? "1", specDigest ?? ""] + ["project", "stage", "service"].map { context[$0] ?? "" }
        // Lengths first, so no two lists of parts join to the same text.
        return "v1:" + SHA256.hex(Array(parts.map { "\($0.utf8.count):\($0)" }.joined(separator: "|").utf8))
    }
}

/// Why a request's provenance cannot be read.
package struct ProvenanceError: Error, Sendable {
    package var message: String
    package init(_ message: String) { self.message = message }
}
