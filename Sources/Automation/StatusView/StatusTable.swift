#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// `imagebot status` as text: the three sections of `flux get images all` (repositories,
/// policies, automations), each a `TextTable`, separated by a blank line.
public enum StatusTable {
    /// The report as the terminal shows it, times relative to `now`, cut to `width` characters
    /// a line when a width is known.
    public static func render(_ report: StatusReport, now: Date, width: Int? = nil) -> String {
        var sections = [
            repositories(report, now: now).render(width: width),
            policies(report).render(width: width),
            automations(report, now: now).render(width: width),
        ]
        if let error = report.config.lastError {
            sections.insert(
                TextTable.truncate(TextTable.oneLine("config not applied: \(error)"), to: width ?? .max) + "\n", at: 0)
        }
        return sections.joined(separator: "\n")
    }

    /// Name, tag count, last scan, readiness and why, next scan.
    public static func repositories(_ report: StatusReport, now: Date) -> TextTable {
        TextTable(
            columns: [
                .init("IMAGEREPOSITORY", shrinkableTo: 16, shrinksLast: true), .init("TAGS", rightAligned: true),
                .init("LAST SCAN"),
                .init("READY"), .init("NEXT SCAN"), .init("MESSAGE", shrinkableTo: 12),
            ],
            rows: report.imageRepositories.map { repository in
                let ready = repository.conditions.ready
                return [
                    "\(repository.namespace)/\(repository.name)",
                    repository.lastScanResult.map { "\($0.tagCount)" } ?? "-",
                    StatusFormatting.ago(repository.lastScanResult?.scanTime, now: now),
                    StatusFormatting.readiness(ready),
                    StatusFormatting.next(repository.nextScan, now: now, busy: "scanning"),
                    StatusFormatting.reasonAndMessage(ready),
                ]
            })
    }

    /// Name, the latest image, readiness, and the decision in one line (or why there is none).
    public static func policies(_ report: StatusReport) -> TextTable {
        TextTable(
            columns: [
                .init("IMAGEPOLICY", shrinkableTo: 16, shrinksLast: true), .init("LATEST IMAGE", shrinkableTo: 20),
                .init("READY"),
                .init("DECISION", shrinkableTo: 12),
            ],
            rows: report.imagePolicies.map { policy in
                let ready = policy.conditions.ready
                return [
                    "\(policy.namespace)/\(policy.name)",
                    StatusFormatting.image(policy.latestRef),
                    StatusFormatting.readiness(ready),
                    decision(policy, in: report),
                ]
            })
    }

    /// Name, the last pushed commit and when, readiness and why, next run.
    public static func automations(_ report: StatusReport, now: Date) -> TextTable {
        TextTable(
            columns: [
                .init("IMAGEUPDATEAUTOMATION", shrinkableTo: 16, shrinksLast: true), .init("LAST COMMIT"),
                .init("LAST PUSH"), .init("READY"),
                .init("NEXT RUN"), .init("MESSAGE", shrinkableTo: 12),
            ],
            rows: report.imageUpdateAutomations.map { automation in
                let ready = automation.conditions.ready
                return [
                    "\(automation.namespace)/\(automation.name)",
                    StatusFormatting.shortCommit(automation.lastPushCommit),
                    StatusFormatting.ago(automation.lastPushTime, now: now),
                    StatusFormatting.readiness(ready),
                    StatusFormatting.next(automation.nextRun, now: now),
                    StatusFormatting.reasonAndMessage(ready),
                ]
            })
    }

    /// The decision record's summary; when the policy is not ready, the condition says why;
    /// before its first evaluation, what it waits for.
    static func decision(_ policy: PolicyStatus, in report: StatusReport) -> String {
        let ready = policy.conditions.ready
        if ready?.status == "False" { return StatusFormatting.reasonAndMessage(ready) }
        if let summary = policy.decision?.summary { return summary }
        let reason = StatusFormatting.reasonAndMessage(ready)
        if !reason.isEmpty { return reason }
        if report.repository(of: policy)?.conditions.ready?.status != "True" {
            return "waiting for ImageRepository \(policy.imageRepositoryRef)"
        }
        return "not evaluated yet"
    }
}
