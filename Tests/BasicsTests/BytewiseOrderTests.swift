import Basics
import Testing

@Suite("bytewise string order")
struct BytewiseOrderTests {
    @Test(arguments: [
        ("a", "b", -1), ("B", "a", -1), ("1.10", "1.9", -1), ("v1", "v1", 0), ("v1", "v1.0", -1),
        ("é", "z", 1), ("z", "é", -1), ("", "a", -1), ("e\u{301}", "é", -1),
    ])
    func compare(_ lhs: String, _ rhs: String, _ order: Int) {
        #expect(BytewiseOrder.compare(lhs, rhs) == order)
        #expect(BytewiseOrder.compare(rhs, lhs) == -order)
    }

    @Test func sortsBothPaths() {
        var ascii = ["v2", "v10", "1.0", "B", "a"]
        BytewiseOrder.sort(&ascii, descending: true)
        #expect(ascii == ["v2", "v10", "a", "B", "1.0"])
        // "é" (C3 A9) sorts after "z" by bytes; decomposed "e\u{301}" starts with "e".
        var unicode = ["z", "é", "e\u{301}", "a"]
        BytewiseOrder.sort(&unicode)
        #expect(unicode == ["a", "e\u{301}", "z", "é"])
    }
}
