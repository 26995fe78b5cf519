import Metrics

/// The daemon's metric names, in one place (they are an interface: dashboards and alerts use
/// them). Recorded through swift-metrics; `imagebot run` exports them in Prometheus format.
enum DaemonMetrics {
    /// The labels of a failure counter: the code and the condition reason it gave (both from
    /// fixed sets, so the series stay bounded).
    static func failureLabels(_ failure: FailureCode, kind: ObjectKind) -> [(String, String)] {
        [("code", failure.label), ("reason", ConditionReason.of(failure, kind: kind))]
    }

    static func scanned(_ repository: ObjectKey, failure: FailureCode?, tags: Int, duration: Duration) {
        let labels = [("namespace", repository.namespace), ("name", repository.name)]
        Counter(label: "imagebot_scans_total", dimensions: labels).increment()
        if let failure {
            Counter(
                label: "imagebot_scan_errors_total", dimensions: labels + failureLabels(failure, kind: .imageRepository)
            ).increment()
        } else {
            Gauge(label: "imagebot_repository_tags", dimensions: labels).record(tags)
        }
        Timer(label: "imagebot_scan_duration_seconds").record(duration: duration)
    }

    static func evaluated(_ policy: ObjectKey, failure: FailureCode?, duration: Duration) {
        let labels = [("namespace", policy.namespace), ("name", policy.name)]
        Counter(label: "imagebot_policy_evaluations_total", dimensions: labels).increment()
        if let failure {
            Counter(
                label: "imagebot_policy_nothing_selected_total",
                dimensions: labels + failureLabels(failure, kind: .imagePolicy)
            ).increment()
        }
        Timer(label: "imagebot_evaluate_duration_seconds").record(duration: duration)
    }

    static func automationRan(
        _ automation: ObjectKey, result: String, failure: FailureCode?, attempts: Int, pushed: Bool, duration: Duration
    ) {
        let labels = [("namespace", automation.namespace), ("name", automation.name)]
        Counter(label: "imagebot_automation_runs_total", dimensions: labels + [("result", result)]).increment()
        if let failure {
            Counter(
                label: "imagebot_automation_failures_total",
                dimensions: labels + failureLabels(failure, kind: .imageUpdateAutomation)
            )
            .increment()
        }
        if pushed { Counter(label: "imagebot_commits_pushed_total", dimensions: labels).increment() }
        if attempts > 1 {
            Counter(label: "imagebot_push_retries_total", dimensions: labels).increment(by: attempts - 1)
        }
        Timer(label: "imagebot_automation_duration_seconds").record(duration: duration)
    }

    static func configReloaded(ok: Bool) {
        Counter(label: "imagebot_config_reloads_total", dimensions: [("result", ok ? "applied" : "rejected")])
            .increment()
    }

    static func tagToCommit(_ latency: Duration) {
        Timer(label: "imagebot_tag_to_commit_seconds").record(duration: latency)
    }

    static func webhook(found: Bool) {
        Counter(label: "imagebot_webhooks_total", dimensions: [("result", found ? "accepted" : "unknown")]).increment()
    }
}

/// Stage timings recorded from inside a run (rewrite, push), where the controller cannot see.
enum StageMetrics {
    static func rewrite(_ duration: Duration) {
        Timer(label: "imagebot_rewrite_duration_seconds").record(duration: duration)
    }
    static func push(_ duration: Duration, outcome: String) {
        Timer(label: "imagebot_push_duration_seconds").record(duration: duration)
        Counter(label: "imagebot_pushes_total", dimensions: [("outcome", outcome)]).increment()
    }
}
