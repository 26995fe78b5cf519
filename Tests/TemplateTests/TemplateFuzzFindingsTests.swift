import Testing

@testable import Template

/// Inputs found by the libFuzzer targets (`scripts/fuzz.sh`), fed to the same APIs.
@Suite struct TemplateFuzzFindingsTests {
    /// FuzzTemplate out-of-memory: function results were not bounded, so a variable doubled by
    /// `print` in a loop reached gigabytes (a 2.4 GB allocation) while the output stayed empty.
    @Test(arguments: [
        #"{{ $x := "a" }}{{ range 40 }}{{ $x = print $x $x }}{{ end }}{{ len $x }}"#,
        #"{{ $x := "ab" }}{{ range 40 }}{{ $x = printf "%s%s" $x $x }}{{ end }}"#,
        #"{{ $x := "a" }}{{ range 40 }}{{ $x = cat $x $x }}{{ end }}"#,
    ])
    func doublingAVariableHitsTheOutputLimit(_ template: String) throws {
        let t = try MessageTemplate(template)
        do {
            let out = try t.render(.null)
            Issue.record("expected a limit error, rendered \(out.utf8.count) bytes")
        } catch {
            #expect(error.kind == .limit)
            #expect(error.message.contains("exceeds the output limit of 65536 bytes"), "\(error.message)")
        }
    }

    @Test func resultsUpToTheLimitStillWork() throws {
        let out = try MessageTemplate(#"{{ $x := "a" }}{{ range 16 }}{{ $x = print $x $x }}{{ end }}{{ len $x }}"#)
            .render(.null)
        #expect(out == "65536")
    }

    /// Same family, with values instead of strings: lists or maps doubled in a loop took
    /// exponential time to print, compare or encode (libFuzzer timeouts), and a list nested
    /// 300 000 deep overflowed the stack when printed or freed. Returned values now cost a step
    /// per node and nest at most `maxDepth` deep.
    @Test(arguments: [
        (#"{{ $l := list 1 }}{{ range 40 }}{{ $l = list $l $l }}{{ end }}{{ $l }}"#, "evaluation steps"),
        (#"{{ $l := list 1 }}{{ range 40 }}{{ $l = list $l $l }}{{ end }}{{ len (toJson $l) }}"#, "evaluation steps"),
        (
            #"{{ $d := dict "k" 1 }}{{ range 40 }}{{ $d = dict "a" $d "b" $d }}{{ end }}{{ eq $d $d }}"#,
            "evaluation steps"
        ),
        (
            #"{{ $l := list 1 }}{{ range 300000 }}{{ $l = list $l }}{{ end }}{{ len $l }}"#,
            "value nested deeper than 100 levels"
        ),
    ])
    func doublingOrNestingAValueHitsALimit(_ template: String, _ message: String) throws {
        let t = try MessageTemplate(template)
        do {
            let out = try t.render(.null)
            Issue.record("expected a limit error, rendered \(out.utf8.count) bytes")
        } catch {
            #expect(error.kind == .limit)
            #expect(error.message.contains(message), "\(error.message)")
        }
    }

    @Test func modestValuesStillWork() throws {
        let out = try MessageTemplate(
            #"{{ $l := list 1 }}{{ range 10 }}{{ $l = list $l $l }}{{ end }}{{ len (toJson $l) }} {{ len (list 1 2 3) }}"#
        ).render(.null)
        #expect(out == "6141 3")
    }
}
