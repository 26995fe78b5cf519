import Automation
// libFuzzer entry point for the commit message template engine (`make fuzz`). Built only with
// IMAGEBOT_FUZZ=1 and `-sanitize=fuzzer -parse-as-library`; see Sources/FuzzSetters/main.swift
// for how `FuzzTemplate_main` hands control to libFuzzer's driver.
//
// The input is a template (bytes read as UTF-8). It is rendered against a fixed Flux data
// model with the default limits. Properties checked on every input:
// - parsing and rendering never trap: the step, depth and output limits turn runaway
//   templates into errors;
// - parsing fails only with `.parse` or `.removedField`;
// - a rendered message is at most `maxOutputBytes` long;
// - rendering is hermetic: a second render gives the same message or the same error;
// - a template without `{{` renders as its own text.
import FuzzSupport
import Template

let limits = TemplateLimits()
/// The data model, built for each input: a global would hold it through enum payload
/// pointers with tag bits, which LeakSanitizer cannot follow (a false leak report at exit).
func fluxData() -> TemplateValue {
    CommitMessageData(
        automationNamespace: "flux-system", automationName: "apps",
        changes: [
            .init(
                file: "apps/podinfo/deployment.yaml", apiVersion: "apps/v1", kind: "Deployment", namespace: "apps",
                name: "podinfo", oldValue: "ghcr.io/stefanprodan/podinfo:6.5.0",
                newValue: "ghcr.io/stefanprodan/podinfo:6.5.4", setter: "flux-system:podinfo"),
            .init(
                file: "apps/podinfo/deployment.yaml", apiVersion: "apps/v1", kind: "Deployment", namespace: "apps",
                name: "podinfo", oldValue: "6.5.0", newValue: "6.5.4", setter: "flux-system:podinfo:tag"),
            .init(
                file: "infra/redis.yaml", apiVersion: "apps/v1", kind: "StatefulSet", namespace: "",
                name: "redis", oldValue: "redis:7.2.3", newValue: "redis:7.2.4", setter: "flux-system:redis"),
        ],
        values: ["cluster": "prod", "env": "production"]
    ).templateValue
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTemplate(_ bytes: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let source = String(decoding: UnsafeBufferPointer(start: bytes, count: size), as: UTF8.self)
    let template: MessageTemplate
    do {
        template = try MessageTemplate(source)
    } catch {
        require(error.kind == .parse || error.kind == .removedField, "parse failed with \(error.kind): \(error)")
        return 0
    }
    let data = fluxData()
    let first = Result { () throws(TemplateError) in try template.render(data, limits: limits) }
    let second = Result { () throws(TemplateError) in try template.render(data, limits: limits) }
    require(first == second, "two renders differ: \(first) / \(second)")
    if case .success(let message) = first {
        require(message.utf8.count <= limits.maxOutputBytes, "rendered \(message.utf8.count) bytes")
        if !source.contains("{{") { require(message == source, "plain text rendered as '\(message)'") }
    }
    return 0
}

@_cdecl("FuzzTemplate_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv) { data, size in fuzzTemplate(data, size) }
}
