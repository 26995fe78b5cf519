import Template
import Testing

@testable import Automation

/// The single change of Flux's controller test fixture (testdata/appconfig).
let fluxChange = CommitMessageData.Change(
    file: "deploy.yaml", apiVersion: "apps/v1", kind: "Deployment", namespace: "", name: "test",
    oldValue: "helloworld:1.0.0", newValue: "helloworld:v1.0.0", setter: "ns:policy")

let fluxData = CommitMessageData(
    automationNamespace: "ns", automationName: "update-test", changes: [fluxChange],
    values: ["cluster": "prod", "testing": "yes"])

struct FluxExample: Sendable, CustomStringConvertible {
    var name: String
    var template: String
    var expected: String
    var description: String { name }
}

let fluxExamples: [FluxExample] = [
    FluxExample(
        name: "commit summary (v1 port of testCommitTemplate)",
        template: """
            Commit summary

            Automation: {{ .AutomationObject }}

            Files:
            {{ range $filename, $_ := .Changed.FileChanges -}}
            - {{ $filename }}
            {{ end -}}

            Objects:
            {{ range $resource, $_ := .Changed.Objects -}}
            {{ if eq $resource.Kind "Deployment" -}}
            - {{ $resource.Kind | lower }} {{ $resource.Name | lower }}
            {{ else -}}
            - {{ $resource.Kind }} {{ $resource.Name }}
            {{ end -}}
            {{ end -}}

            Images:
            {{ range .Changed.Changes -}}
            - {{ .NewValue }} ({{ .Setter }})
            {{ end -}}

            """,
        expected: """
            Commit summary

            Automation: ns/update-test

            Files:
            - deploy.yaml
            Objects:
            - deployment test
            Images:
            - helloworld:v1.0.0 (ns:policy)

            """),
    FluxExample(
        name: "nested FileChanges (ResultV2)",
        template: """
            Commit summary with ResultV2

            Automation: {{ .AutomationObject }}

            {{ range $filename, $objchange := .Changed.FileChanges -}}
            - File: {{ $filename }}
            {{- range $obj, $changes := $objchange }}
              - Object: {{ $obj.Kind }}/{{ $obj.Namespace }}/{{ $obj.Name }}
                Changes:
            {{- range $_ , $change := $changes }}
                - {{ $change.OldValue }} -> {{ $change.NewValue }} ({{ $change.Setter }})
            {{ end -}}
            {{ end -}}
            {{ end -}}

            """,
        expected: """
            Commit summary with ResultV2

            Automation: ns/update-test

            - File: deploy.yaml
              - Object: Deployment//test
                Changes:
                - helloworld:1.0.0 -> helloworld:v1.0.0 (ns:policy)

            """),
    FluxExample(
        name: "values",
        template: """
            Commit summary

            Automation: {{ .AutomationObject }}

            Cluster: {{ index .Values "cluster" }}
            Testing: {{ .Values.testing }}

            """,
        expected: """
            Commit summary

            Automation: ns/update-test

            Cluster: prod
            Testing: yes

            """),
    FluxExample(
        name: "docs: Changes and Files",
        template: """
            Automated image update

            Changes:
            {{ range .Changed.Changes -}}
            - {{ .OldValue }} -> {{ .NewValue }}
            {{ end -}}

            Files:
            {{ range $filename, $_ := .Changed.FileChanges -}}
            - {{ $filename }}
            {{ end -}}
            """,
        expected: """
            Automated image update

            Changes:
            - helloworld:1.0.0 -> helloworld:v1.0.0
            Files:
            - deploy.yaml

            """),
    FluxExample(
        name: "Gerrit Change-Id (sha256sum | trunc | toString)",
        template: "Update\n\nChange-Id: I{{ .Changed.Changes | toString | sha256sum | trunc 40 }}",
        expected: "Update\n\nChange-Id: I860f98071cdaaff5b50944b9e26073ae8dc39bb0"),
    FluxExample(
        name: "default message", template: CommitMessageData.defaultCommitMessage,
        expected: "Update from image update automation"),
]

@Suite struct TemplateFluxTests {
    @Test(arguments: fluxExamples)
    func fluxExample(_ example: FluxExample) throws {
        let out = try MessageTemplate(example.template).render(fluxData.templateValue)
        #expect(out == example.expected)
    }

    @Test func emptySpecUsesDefaultMessage() throws {
        #expect(
            try CommitMessageData.template(forSpec: nil).render(fluxData.templateValue)
                == CommitMessageData.defaultCommitMessage)
        #expect(try CommitMessageData.template(forSpec: "").render(.null) == "Update from image update automation")
    }

    @Test func dataModelPrinting() throws {
        let render = { (s: String) throws -> String in try MessageTemplate(s).render(fluxData.templateValue) }
        #expect(try render("{{ .Changed.Changes }}") == "[{helloworld:1.0.0 helloworld:v1.0.0 ns:policy}]")
        #expect(
            try render("{{ .Changed }}")
                == "{map[deploy.yaml:map[{{{apps/v1 Deployment} {test }}}:[{helloworld:1.0.0 helloworld:v1.0.0 ns:policy}]]]}"
        )
        #expect(try render("{{ .AutomationObject.Namespace }}|{{ .AutomationObject.Name }}") == "ns|update-test")
        #expect(try render("{{ .Values }}") == "map[cluster:prod testing:yes]")
        #expect(try render("{{ .Values.missing }}") == "<no value>")
        #expect(try render("{{ len .Changed.Objects }}") == "1")
    }

    @Test func objectsSortFieldByFieldAndChangesDeduplicate() throws {
        func c(_ file: String, _ kind: String, _ name: String, _ old: String, _ new: String) -> CommitMessageData.Change
        {
            .init(
                file: file, apiVersion: "apps/v1", kind: kind, namespace: "default", name: name, oldValue: old,
                newValue: new, setter: "s")
        }
        let data = CommitMessageData(
            automationNamespace: "a", automationName: "b",
            changes: [
                c("z.yaml", "StatefulSet", "db", "1", "2"),
                c("a.yaml", "Deployment", "web", "1", "2"),
                c("a.yaml", "Deployment", "api", "3", "4"),
                c("b.yaml", "Deployment", "web", "5", "6"),
            ], values: [:])
        let t = try MessageTemplate(
            """
            {{ range $id, $ch := .Changed.Objects }}{{ $id.Kind }}/{{ $id.Name }}:{{ range $ch }} {{ .OldValue }}>{{ .NewValue }}{{ end }};{{ end }}
            {{ range .Changed.Changes }}{{ .OldValue }}>{{ .NewValue }},{{ end }}
            {{ range $f, $_ := .Changed.FileChanges }}{{ $f }} {{ end }}
            """)
        #expect(
            try t.render(data.templateValue) == """
                Deployment/api: 3>4;Deployment/web: 1>2 5>6;StatefulSet/db: 1>2;
                1>2,3>4,5>6,
                a.yaml b.yaml z.yaml 
                """)
    }
}

struct RemovedCase: Sendable, CustomStringConvertible {
    var template: String
    var updated: Bool
    var description: String { template }
}

/// Reading a removed field fails when it is executed, as in Flux (Go's text/template has no
/// parse-time field check): the template parses, rendering fails with Flux's message.
let removedCases: [RemovedCase] = [
    RemovedCase(template: "{{ range .Updated.Images }}- {{ . }}\n{{ end }}", updated: true),
    RemovedCase(template: "{{ .Updated }}", updated: true),
    RemovedCase(template: "{{ if .Changed }}{{ range .Updated.Files }}{{ end }}{{ end }}", updated: true),
    RemovedCase(template: "{{ range .Changed.Changes }}{{ $.Updated }}{{ end }}", updated: true),
    RemovedCase(template: "{{ .Changed.ImageResult }}", updated: false),
    RemovedCase(template: "{{ range $f, $_ := .Changed.ImageResult.Files }}{{ end }}", updated: false),
    RemovedCase(template: "{{ with $ }}{{ .Updated }}{{ end }}", updated: true),
    RemovedCase(template: "{{ with .Changed }}{{ .ImageResult }}{{ end }}", updated: false),
    RemovedCase(template: #"{{ define "t" }}{{ .Updated.Images }}{{ end }}{{ template "t" . }}"#, updated: true),
]

@Suite struct TemplateRemovedFieldTests {
    static let updatedMessage =
        "template uses removed '.Updated' field. Please use '.Changed' instead. See: https://fluxcd.io/flux/components/image/imageupdateautomations/#message-template"
    static let imageResultMessage =
        "template uses removed '.Changed.ImageResult' field. Please use '.Changed.FileChanges' or '.Changed.Objects' instead. See: https://fluxcd.io/flux/components/image/imageupdateautomations/#message-template"

    @Test(arguments: removedCases)
    func removedField(_ c: RemovedCase) throws {
        let expected = c.updated ? Self.updatedMessage : Self.imageResultMessage
        let t = try CommitMessageData.template(forSpec: c.template)
        do {
            let out = try t.render(fluxData.templateValue)
            Issue.record("expected a removed-field error, rendered \(out)")
        } catch {
            #expect(error.kind == .removedField)
            #expect(error.description == expected)
        }
    }

    @Test func removedFieldThatIsNeverExecutedIsNoError() throws {
        #expect(
            try CommitMessageData.template(forSpec: "ok{{ if false }}{{ .Updated }}{{ end }}").render(
                fluxData.templateValue) == "ok")
        #expect(
            try CommitMessageData.template(
                forSpec: "{{ range .Changed.Changes }}{{ else }}{{ .Changed.ImageResult }}{{ end }}x"
            )
            .render(fluxData.templateValue) == "x")
    }

    @Test func fieldNamedUpdatedElsewhereIsNotRemoved() throws {
        // `.Updated` on a value that is not the root is an ordinary field access.
        let out = try MessageTemplate("{{ range $k, $v := .Values }}{{ $k }}{{ end }}").render(fluxData.templateValue)
        #expect(out == "clustertesting")
        do {
            _ = try MessageTemplate("{{ range .Values }}{{ .Updated }}{{ end }}").render(fluxData.templateValue)
        } catch {
            #expect(error.kind == .execute)
            #expect(error.description.hasSuffix("can't evaluate field Updated in type string"))
        }
    }
}
