import Template

extension ConfigLoader {
    /// Renders every automation's `spec.git.commit.messageTemplate` once, at load time, on
    /// representative changes and the automation's own values, so a template that cannot
    /// render is an error of `imagebot validate` and of the daemon's config load rather than a
    /// failure at the first commit. (Flux parses and runs the template only when it commits;
    /// a template reading the removed `.Updated` field fails there, with the message used here.)
    /// Each failure names the automation at the template's file:line:column and makes it a
    /// stalled automation: the daemon does not run it and runs the others.
    package static func validateMessageTemplates(_ configuration: inout Configuration) {
        for automation in configuration.automations.values.sorted(by: { $0.key < $1.key }) {
            guard let problem = messageTemplateProblem(automation) else { continue }
            let diagnostic = ConfigDiagnostic(
                .error, automation.messageTemplateLocation ?? automation.location,
                object: "ImageUpdateAutomation \(automation.key)",
                "spec.git.commit.messageTemplate: \(problem)")
            configuration.diagnostics.append(diagnostic)
            configuration.stalledAutomations[automation.key] = diagnostic
        }
    }

    /// The failure code of a stalled automation's diagnostic: reading a field Flux removed is
    /// its own reason (`RemovedTemplateField`), any other template failure `.template`.
    static func failureCode(ofStall diagnostic: ConfigDiagnostic) -> FailureCode {
        let removed = [CommitMessageData.removedUpdatedMessage, CommitMessageData.removedImageResultMessage]
        return removed.contains { diagnostic.message.hasSuffix($0) } ? .removedTemplateField : .template
    }

    /// Flux's error for a template that cannot be parsed or run on representative data; nil when it renders.
    static func messageTemplateProblem(_ automation: ImageUpdateAutomationConfig) -> String? {
        let template: MessageTemplate
        do {
            template = try CommitMessageData.template(forSpec: automation.messageTemplate)
        } catch {
            return fluxMessage(error, parsing: true)
        }
        do {
            _ = try template.render(representativeData(automation).templateValue)
            return nil
        } catch {
            return fluxMessage(error, parsing: false)
        }
    }

    /// Two changes to one Deployment of the automation's namespace (an image and a tag-only
    /// setter), as a typical run makes them.
    static func representativeData(_ automation: ImageUpdateAutomationConfig) -> CommitMessageData {
        let namespace = automation.key.namespace
        let changes = [
            CommitMessageData.Change(
                file: "deploy.yaml", apiVersion: "apps/v1", kind: "Deployment", namespace: namespace, name: "app",
                oldValue: "registry.example/app:1.0.0", newValue: "registry.example/app:1.0.1",
                setter: "\(namespace):app"),
            CommitMessageData.Change(
                file: "deploy.yaml", apiVersion: "apps/v1", kind: "Deployment", namespace: namespace, name: "app",
                oldValue: "2.3.4", newValue: "2.4.0", setter: "\(namespace):sidecar:tag"),
        ]
        return CommitMessageData(
            automationNamespace: namespace, automationName: automation.key.name, changes: changes,
            values: automation.messageTemplateValues)
    }

    /// The message Flux's controller reports for the error (`templateMsg`): a removed field's
    /// own message, otherwise the parse or execution error wrapped as Flux wraps it.
    static func fluxMessage(_ error: TemplateError, parsing: Bool) -> String {
        if error.kind == .removedField { return error.message }
        // Flux recognises a removed field by text/template's message (checkRemovedTemplateField).
        if error.message.contains("can't evaluate field Updated in type source.TemplateData") {
            return CommitMessageData.removedUpdatedMessage
        }
        if error.message.contains("can't evaluate field ImageResult in type update.Result") {
            return CommitMessageData.removedImageResultMessage
        }
        return parsing
            ? "unable to create commit message template from spec: \(error.message)"
            : "failed to run template from spec: \(error.message)"
    }
}
