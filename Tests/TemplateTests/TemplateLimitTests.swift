import Testing

@testable import Template

struct LimitCase: Sendable, CustomStringConvertible {
    var template: String
    var limits: TemplateLimits
    var messageContains: String
    var description: String { template }
}

let limitCases: [LimitCase] = [
    LimitCase(
        template: #"{{ define "x" }}{{ template "x" . }}{{ end }}{{ template "x" . }}"#, limits: .init(),
        messageContains: "exceeded maximum template depth (100)"),
    LimitCase(
        template: #"{{ define "x" }}a{{ template "x" . }}{{ end }}{{ template "x" . }}"#, limits: .init(maxDepth: 5),
        messageContains: "exceeded maximum template depth (5)"),
    LimitCase(
        template: "{{ range 100000000 }}{{ end }}", limits: .init(),
        messageContains: "exceeded maximum of 1000000 evaluation steps"),
    LimitCase(
        template: "{{ range 100000 }}{{ range 100000 }}{{ end }}{{ end }}", limits: .init(),
        messageContains: "evaluation steps"),
    LimitCase(
        template: "{{ range 70000 }}x{{ end }}", limits: .init(),
        messageContains: "output exceeds the limit of 65536 bytes"),
    LimitCase(
        template: "{{ range 3 }}{{ range 3 }}{{ range 3 }}{{ end }}{{ end }}{{ end }}", limits: .init(maxDepth: 2),
        messageContains: "exceeded maximum template depth (2)"),
    LimitCase(
        template: #"{{ repeat 100000000 "ab" }}"#, limits: .init(),
        messageContains: "result exceeds the output limit of 65536 bytes"),
    LimitCase(
        template: #"{{ $s := repeat 60000 "a" }}{{ replace "a" "bb" $s }}"#, limits: .init(),
        messageContains: "result exceeds the output limit"),
    LimitCase(
        template: #"{{ indent 1000000 "a" }}"#, limits: .init(), messageContains: "result exceeds the output limit"),
    LimitCase(
        template: "0123456789", limits: .init(maxOutputBytes: 5), messageContains: "output exceeds the limit of 5 bytes"
    ),
]

@Suite struct TemplateLimitTests {
    @Test(arguments: limitCases)
    func limitIsEnforced(_ c: LimitCase) throws {
        let t = try MessageTemplate(c.template)
        do {
            let out = try t.render(.null, limits: c.limits)
            Issue.record("expected a limit error, rendered \(out.utf8.count) bytes")
        } catch {
            #expect(error.kind == .limit)
            #expect(error.message.contains(c.messageContains), "\(error.message)")
            #expect(error.line == 1)
        }
    }

    @Test func deepParseNestingIsAnErrorNotACrash() {
        let deep = "{{ " + String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000) + " }}"
        #expect(throws: TemplateError.self) { try MessageTemplate(deep) }
        let deepIf = String(repeating: "{{ if 1 }}", count: 5000) + String(repeating: "{{ end }}", count: 5000)
        #expect(throws: TemplateError.self) { try MessageTemplate(deepIf) }
    }

    @Test func maximumAllowedNestingRenders() throws {
        let n = 190
        let parens = "{{ " + String(repeating: "(", count: n) + "1" + String(repeating: ")", count: n) + " }}"
        #expect(try MessageTemplate(parens).render(.null) == "1")
        let ifs = String(repeating: "{{ if 1 }}", count: n) + "x" + String(repeating: "{{ end }}", count: n)
        #expect(try MessageTemplate(ifs).render(.null) == "x")
        let ranges = String(repeating: "{{ range 1 }}", count: 90) + "y" + String(repeating: "{{ end }}", count: 90)
        #expect(try MessageTemplate(ranges).render(.null) == "y")
    }

    @Test func withinLimitsRendersFully() throws {
        let out = try MessageTemplate("{{ range 1000 }}x{{ end }}").render(.null)
        #expect(out.count == 1000)
    }
}

@Suite struct GoFormatTests {
    @Test(arguments: [
        (1e6, "1e+06"), (123456.0, "123456"), (1234567.0, "1.234567e+06"), (0.0001, "0.0001"), (0.00001, "1e-05"),
        (1e21, "1e+21"), (-2.5, "-2.5"), (1.0 / 3, "0.3333333333333333"), (0.0, "0"), (100.0, "100"),
        (1.5e-7, "1.5e-07"),
    ])
    func goFloatFormatting(_ d: Double, _ text: String) {
        #expect(GoFormat.formatG(d) == text)
    }
}
