import Testing

@testable import Setters

@Suite struct MarkerTests {
    @Test(arguments: [
        (
            #"# {"$imagepolicy": "ns:app"}"#,
            Marker.Reading.marker(.init(setter: "ns:app", policy: "ns:app", field: .full))
        ),
        (#"#{"$imagepolicy":"ns:app:tag"}"#, .marker(.init(setter: "ns:app:tag", policy: "ns:app", field: .tag))),
        (
            #"### {"$imagepolicy": "ns:app:name"}   "#,
            .marker(.init(setter: "ns:app:name", policy: "ns:app", field: .name))
        ),
        (
            "#\t{\"$imagepolicy\": \"ns:app:digest\"}\t",
            .marker(.init(setter: "ns:app:digest", policy: "ns:app", field: .digest))
        ),
        (
            #"# {"other": "x", "$imagepolicy": "ns:app"}"#,
            .marker(.init(setter: "ns:app", policy: "ns:app", field: .full))
        ),
        (#"# {"$imagepolicy": "n\u0073:app"}"#, .marker(.init(setter: "ns:app", policy: "ns:app", field: .full))),
        (
            #"# {"$imagepolicy": "a:b", "$imagepolicy": "c:d"}"#,
            .marker(.init(setter: "c:d", policy: "c:d", field: .full))
        ),
        (
            #"# {"$imagepolicy": "ns:app:foo"}"#,
            .invalid(#"marker value "ns:app:foo" has unknown field "foo" (expected tag, name or digest)"#)
        ),
        (#"# {"$imagepolicy": "ns/app"}"#, .invalid(#"marker value "ns/app" is not NS:NAME[:tag|name|digest]"#)),
        (#"# {"$imagepolicy": ":app"}"#, .invalid(#"marker value ":app" is not NS:NAME[:tag|name|digest]"#)),
        (#"# {"$imagepolicy": "a:b:c:d"}"#, .invalid(#"marker value "a:b:c:d" is not NS:NAME[:tag|name|digest]"#)),
        (#"# {"$imagepolicy": "ns:app", "n": 1}"#, .notMarker),
        (#"# {"$imagepolicy": ns:app}"#, .notMarker),
        (#"# {"$imagepolicy": "ns:app"} trailing"#, .notMarker),
        (#"# {"$imagepolicy": "ns:app""#, .notMarker),
        (#"# {"imagepolicy": "ns:app"}"#, .notMarker),
        (#"# {'$imagepolicy': 'ns:app'}"#, .notMarker),
        (#"# $imagepolicy: ns:app"#, .notMarker),
        (#"# {"$imagepolicy": "ns:app",}"#, .notMarker),
        ("# plain comment", .notMarker),
    ])
    func readsComments(comment: String, expected: Marker.Reading) {
        #expect(Marker.read(comment: Substring(comment)) == expected)
    }

    @Test(arguments: [
        (Marker.Field.full, ImageRef(name: "r/app", tag: "1.0"), "r/app:1.0" as String?),
        (.full, ImageRef(name: "r/app", tag: "1.0", digest: "sha256:ab"), "r/app:1.0@sha256:ab"),
        (.tag, ImageRef(name: "r/app", tag: "1.0", digest: "sha256:ab"), "1.0"),
        (.name, ImageRef(name: "r/app", tag: "1.0"), "r/app"),
        (.digest, ImageRef(name: "r/app", tag: "1.0", digest: "sha256:ab"), "sha256:ab"),
        (.digest, ImageRef(name: "r/app", tag: "1.0"), nil),
    ])
    func valuesFromPolicyResults(field: Marker.Field, ref: ImageRef, expected: String?) {
        #expect(Marker(setter: "s", policy: "p", field: field).value(from: ref) == expected)
    }
}
