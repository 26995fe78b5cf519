import Testing

@testable import Registry

@Suite("tag list JSON reader")
struct TagListJSONTests {
    @Test(arguments: [
        (#"{"name":"a/b","tags":["1.0","v2"]}"#, ["1.0", "v2"]),
        (#" { "tags" : [ ] , "name" : "x" } "#, []),
        (#"{"name":"a","tags":null}"#, []),
        (#"{"name":"a"}"#, []),
        (#"{}"#, []),
        (#"{"extra":{"nested":[1,-2.5e3,true,false,null,{"k":"v"}]},"tags":["a"]}"#, ["a"]),
        (#"{"tags":["a\"b","c\\d","\u0041\u00e9","\ud83d\ude00"]}"#, ["a\"b", "c\\d", "Aé", "😀"]),
        (#"{"tags":["x"],"tags":["y"]}"#, ["y"]),
        ("{\"tags\":\n[\"1\",\r\n\t\"2\"]}", ["1", "2"]),
    ])
    func reads(_ json: String, _ tags: [String]) throws {
        #expect(try TagListJSON.tags(in: Array(json.utf8)) == tags)
    }

    @Test(arguments: [
        (#"{"name":"a","tags":["1.0""#, "invalid JSON: expected ',' or ']', found the end of the data"),
        (#"<html>"#, "invalid JSON: expected an object at byte 0"),
        (#"{"tags":"1.0"}"#, "wrong type at .tags: expected an array of strings"),
        (#"{"tags":["a",1]}"#, "wrong type at .tags[1]: expected a string"),
        (#"{"tags":[]} trailing"#, "invalid JSON: unexpected data after the object at byte 12"),
        (#"{"a":01}"#, "invalid JSON: expected ',' or '}' at byte 6"),
        (#"{"a":tru}"#, "invalid JSON: expected a value at byte 5"),
        ("{\"tags\":[\"a\u{01}\"]}", "invalid JSON: control character in a string at byte 11"),
        (#"{"tags":["\x"]}"#, "invalid JSON: invalid escape at byte 12"),
        ("", "invalid JSON: expected an object, found the end of the data"),
    ])
    func rejects(_ json: String, _ reason: String) {
        #expect {
            _ = try TagListJSON.tags(in: Array(json.utf8))
        } throws: { error in
            (error as? TagListJSON.Failure)?.reason == reason
        }
    }

    @Test func deepNestingIsRefused() {
        let deep = "{\"x\":" + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}"
        #expect(throws: TagListJSON.Failure.self) { _ = try TagListJSON.tags(in: Array(deep.utf8)) }
    }
}
