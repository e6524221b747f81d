//! Behaviour tests of the regex engine against answers taken from Go 1.26's regexp.
const std = @import("std");
const regex = @import("regex.zig");
const t = std.testing;

fn expectError(pattern: []const u8, message: []const u8) !void {
    var d: regex.Diagnostic = .{};
    if (regex.compileDiagnostic(t.allocator, pattern, &d)) |re| {
        var r = re;
        r.deinit(t.allocator);
        std.debug.print("pattern {s} compiled, expected {s}\n", .{ pattern, message });
        return error.TestExpectedError;
    } else |err| try t.expectEqual(error.Syntax, err);
    var buf: [512]u8 = undefined;
    const got = try std.fmt.bufPrint(&buf, "{f}", .{d});
    try t.expectEqualStrings(message, got);
}

fn expectMatch(pattern: []const u8, input: []const u8, want: bool) !void {
    var re = try regex.compile(t.allocator, pattern);
    defer re.deinit(t.allocator);
    try t.expectEqual(want, try re.isMatch(t.allocator, input));
}

test "basic matching" {
    try expectMatch("^[a-z]+\\[[0-9]+\\]$", "foo[1]", true);
    try expectMatch("^$", "", true);
    try expectMatch("", "x", true);
    try expectMatch("^$", "something", false);
    try expectMatch("a.c", "a\nc", false);
    try expectMatch("(?s)a.c", "a\nc", true);
    try expectMatch("(?i)straße", "STRAßE", true);
    try expectMatch("\\bfoo\\b", "a foo b", true);
    try expectMatch("\\bfoo\\b", "afoob", false);
    try expectMatch("(?m)^b$", "a\nb\nc", true);
    try expectMatch("^b$", "a\nb\nc", false);
    try expectMatch("\\p{Greek}+", "αβγ", true);
    try expectMatch("^\\pL+$", "héllo", true);
    try expectMatch("^\\PL+$", "héllo", false);
    try expectMatch("[[:alpha:]]", "1a", true);
    try expectMatch("^[^a]$", "\n", true);
    try expectMatch("^\\x{1F600}$", "\u{1F600}", true);
    try expectMatch("^.$", "\xff", true); // invalid UTF-8 is one U+FFFD
}

test "syntax errors read like Go's" {
    try expectError("(", "error parsing regexp: missing closing ): `(`");
    try expectError("$^[[[", "error parsing regexp: missing closing ]: `[[[`");
    try expectError("++", "error parsing regexp: missing argument to repetition operator: `+`");
    try expectError("a**", "error parsing regexp: invalid nested repetition operator: `**`");
    try expectError("a{1001}", "error parsing regexp: invalid repeat count: `{1001}`");
    try expectError("(?<=a)b", "error parsing regexp: invalid named capture: `(?<=a)b`");
    try expectError("(?=a)", "error parsing regexp: invalid or unsupported Perl syntax: `(?=`");
    try expectError("\\1", "error parsing regexp: invalid escape sequence: `\\1`");
    try expectError("a\\", "error parsing regexp: trailing backslash at end of expression: ``");
    try expectError("x)", "error parsing regexp: unexpected ): `x)`");
    try expectError("[z-a]", "error parsing regexp: invalid character class range: `z-a`");
    try expectError("\\p{Foo}", "error parsing regexp: invalid character class range: `\\p{Foo}`");
    try expectError("[[:foo:]]", "error parsing regexp: invalid character class range: `[:foo:]`");
}

test "find, submatches, split and replace" {
    const gpa = t.allocator;
    var re = try regex.compile(gpa, "a(x*)b");
    defer re.deinit(gpa);
    const all = try re.findAllSubmatch(gpa, "-ab-axb-", -1);
    defer {
        for (all) |m| gpa.free(m);
        gpa.free(all);
    }
    try t.expectEqual(@as(usize, 2), all.len);
    try t.expectEqualStrings("ab", all[0][0].?.slice("-ab-axb-"));
    try t.expectEqualStrings("", all[0][1].?.slice("-ab-axb-"));
    try t.expectEqualStrings("x", all[1][1].?.slice("-ab-axb-"));

    const replaced = try re.replaceAll(gpa, "-ab-axxb-", "<$1>");
    defer gpa.free(replaced);
    try t.expectEqualStrings("-<>-<xx>-", replaced);

    var z = try regex.compile(gpa, "z+");
    defer z.deinit(gpa);
    const parts = try z.split(gpa, "pizza", -1);
    defer gpa.free(parts);
    try t.expectEqual(@as(usize, 2), parts.len);
    try t.expectEqualStrings("pi", parts[0]);
    try t.expectEqualStrings("a", parts[1]);

    var star = try regex.compile(gpa, "a*");
    defer star.deinit(gpa);
    const r2 = try star.replaceAll(gpa, "baaac", "-");
    defer gpa.free(r2);
    try t.expectEqualStrings("-b-c-", r2);
}

const GoCase = struct { pattern: []const u8, input: []const u8, all: []const u8, replaced: []const u8, split: []const u8 };

/// FindAllStringSubmatchIndex, ReplaceAllString(input, "<$1|${2}|$0>") and
/// Split (%q-quoted, comma-joined) as Go 1.26 answers them.
const go_cases = [_]GoCase{
    .{ .pattern = "(a|)*", .input = "aa", .all = "[0 2 1 2]", .replaced = "<a||aa>", .split = "\"\",\"\"" },
    .{ .pattern = "(|a)*", .input = "aa", .all = "[0 0 0 0][1 1 1 1][2 2 2 2]", .replaced = "<||>a<||>a<||>", .split = "\"a\",\"a\"" },
    .{ .pattern = "(a*)*", .input = "aab", .all = "[0 2 0 2][3 3 3 3]", .replaced = "<aa||aa>b<||>", .split = "\"\",\"b\"" },
    .{ .pattern = "(a*)+", .input = "b", .all = "[0 0 0 0][1 1 1 1]", .replaced = "<||>b<||>", .split = "\"b\"" },
    .{ .pattern = "(a*|b)*", .input = "aabba", .all = "[0 5 4 5]", .replaced = "<a||aabba>", .split = "\"\",\"\"" },
    .{ .pattern = "(a|b)*?c", .input = "abc", .all = "[0 3 1 2]", .replaced = "<b||abc>", .split = "\"\",\"\"" },
    .{ .pattern = "(?U)(a+)(a*)", .input = "aaa", .all = "[0 1 0 1 1 1][1 2 1 2 2 2][2 3 2 3 3 3]", .replaced = "<a||a><a||a><a||a>", .split = "\"\",\"\",\"\",\"\"" },
    .{ .pattern = "(?U)(a+?)(a*)", .input = "aaa", .all = "[0 3 0 3 3 3]", .replaced = "<aaa||aaa>", .split = "\"\",\"\"" },
    .{ .pattern = "a+?", .input = "aaa", .all = "[0 1][1 2][2 3]", .replaced = "<||a><||a><||a>", .split = "\"\",\"\",\"\",\"\"" },
    .{ .pattern = "(a)|b", .input = "ab", .all = "[0 1 0 1][1 2 -1 -1]", .replaced = "<a||a><||b>", .split = "\"\",\"\",\"\"" },
    .{ .pattern = "(?:(a)|(b))+", .input = "ab", .all = "[0 2 0 1 1 2]", .replaced = "<a|b|ab>", .split = "\"\",\"\"" },
    .{ .pattern = "(a+)(b+)?", .input = "aab aa", .all = "[0 3 0 2 2 3][4 6 4 6 -1 -1]", .replaced = "<aa|b|aab> <aa||aa>", .split = "\"\",\" \",\"\"" },
    .{ .pattern = "(a){0}b", .input = "ab", .all = "[1 2 -1 -1]", .replaced = "a<||b>", .split = "\"a\",\"\"" },
    .{ .pattern = "(a){2,}", .input = "aaaa", .all = "[0 4 3 4]", .replaced = "<a||aaaa>", .split = "\"\",\"\"" },
    .{ .pattern = "(a){1,3}?", .input = "aaaa", .all = "[0 1 0 1][1 2 1 2][2 3 2 3][3 4 3 4]", .replaced = "<a||a><a||a><a||a><a||a>", .split = "\"\",\"\",\"\",\"\",\"\"" },
    .{ .pattern = "x*", .input = "\xc3\xa9x\xc3\xa9", .all = "[0 0][2 3][5 5]", .replaced = "<||>\xc3\xa9<||x>\xc3\xa9<||>", .split = "\"\xc3\xa9\",\"\xc3\xa9\"" },
    .{ .pattern = "x*", .input = "\xffx\xff", .all = "[0 0][1 2][3 3]", .replaced = "<||>\xff<||x>\xff<||>", .split = "\"\\xff\",\"\\xff\"" },
    .{ .pattern = "", .input = "abc", .all = "[0 0][1 1][2 2][3 3]", .replaced = "<||>a<||>b<||>c<||>", .split = "\"a\",\"b\",\"c\"" },
    .{ .pattern = "()", .input = "ab", .all = "[0 0 0 0][1 1 1 1][2 2 2 2]", .replaced = "<||>a<||>b<||>", .split = "\"a\",\"b\"" },
    .{ .pattern = "\\b", .input = "ab cd", .all = "[0 0][2 2][3 3][5 5]", .replaced = "<||>ab<||> <||>cd<||>", .split = "\"ab\",\" \",\"cd\"" },
    .{ .pattern = "\\B", .input = "ab cd", .all = "[1 1][4 4]", .replaced = "a<||>b c<||>d", .split = "\"a\",\"b c\",\"d\"" },
    .{ .pattern = "^|$", .input = "ab", .all = "[0 0][2 2]", .replaced = "<||>ab<||>", .split = "\"ab\"" },
    .{ .pattern = "(?m)^", .input = "ab\ncd\n", .all = "[0 0][3 3][6 6]", .replaced = "<||>ab\n<||>cd\n<||>", .split = "\"ab\\n\",\"cd\\n\"" },
    .{ .pattern = "(?m)$", .input = "ab\ncd\n", .all = "[2 2][5 5][6 6]", .replaced = "ab<||>\ncd<||>\n<||>", .split = "\"ab\",\"\\ncd\",\"\\n\"" },
    .{ .pattern = "$", .input = "ab\n", .all = "[3 3]", .replaced = "ab\n<||>", .split = "\"ab\\n\"" },
    .{ .pattern = "(?i)k", .input = "K\xe2\x84\xaak", .all = "[0 1][1 4][4 5]", .replaced = "<||K><||\xe2\x84\xaa><||k>", .split = "\"\",\"\",\"\",\"\"" },
    .{ .pattern = "(?i)stra\xc3\x9fe", .input = "STRASSE STRA\xc3\x9fE", .all = "[8 15]", .replaced = "STRASSE <||STRA\xc3\x9fE>", .split = "\"STRASSE \",\"\"" },
    .{ .pattern = "\\p{Greek}+", .input = "abc \xce\xb1\xce\xb2\xce\xb3", .all = "[4 10]", .replaced = "abc <||\xce\xb1\xce\xb2\xce\xb3>", .split = "\"abc \",\"\"" },
    .{ .pattern = "[^a]", .input = "a\nb", .all = "[1 2][2 3]", .replaced = "a<||\n><||b>", .split = "\"a\",\"\",\"\"" },
    .{ .pattern = ".", .input = "a\nb", .all = "[0 1][2 3]", .replaced = "<||a>\n<||b>", .split = "\"\",\"\\n\",\"\"" },
    .{ .pattern = "(?s).", .input = "\n", .all = "[0 1]", .replaced = "<||\n>", .split = "\"\",\"\"" },
    .{ .pattern = "a|ab|abc", .input = "abc", .all = "[0 1]", .replaced = "<||a>bc", .split = "\"\",\"bc\"" },
    .{ .pattern = "abc|abd|aef|bcx|bcy", .input = "abd bcy aef", .all = "[0 3][4 7][8 11]", .replaced = "<||abd> <||bcy> <||aef>", .split = "\"\",\" \",\" \",\"\"" },
    .{ .pattern = "(\\w+)@(\\w+)\\.com", .input = "joe@x.com, ann@y.com", .all = "[0 9 0 3 4 5][11 20 11 14 15 16]", .replaced = "<joe|x|joe@x.com>, <ann|y|ann@y.com>", .split = "\"\",\", \",\"\"" },
    .{ .pattern = "\\Qa.b\\E+", .input = "a.bb axb", .all = "[0 4]", .replaced = "<||a.bb> axb", .split = "\"\",\" axb\"" },
    .{ .pattern = "\\x{41}\\x42\\101", .input = "ABA", .all = "[0 3]", .replaced = "<||ABA>", .split = "\"\",\"\"" },
    .{ .pattern = "[[:^alpha:]]+", .input = "ab12cd", .all = "[2 4]", .replaced = "ab<||12>cd", .split = "\"ab\",\"cd\"" },
    .{ .pattern = "(?P<first>\\w)(?P<rest>\\w*)", .input = "hello world", .all = "[0 5 0 1 1 5][6 11 6 7 7 11]", .replaced = "<h|ello|hello> <w|orld|world>", .split = "\"\",\" \",\"\"" },
    .{ .pattern = "a.*?b", .input = "aXbYb", .all = "[0 3]", .replaced = "<||aXb>Yb", .split = "\"\",\"Yb\"" },
    .{ .pattern = ".*", .input = "abc\ndef", .all = "[0 3][4 7]", .replaced = "<||abc>\n<||def>", .split = "\"\",\"\\n\",\"\"" },
    .{ .pattern = "(?i)[k-m]+", .input = "KLM\xe2\x84\xaa", .all = "[0 6]", .replaced = "<||KLM\xe2\x84\xaa>", .split = "\"\",\"\"" },
    .{ .pattern = "\\pN+", .input = "a12b\xd9\xa3", .all = "[1 3][4 6]", .replaced = "a<||12>b<||\xd9\xa3>", .split = "\"a\",\"b\",\"\"" },
    .{ .pattern = "[\\p{Lu}\\d]+", .input = "AB12c", .all = "[0 4]", .replaced = "<||AB12>c", .split = "\"\",\"c\"" },
    .{ .pattern = "\xc3\xa9+", .input = "\xc3\xa9\xc3\xa9\xc3\xa9", .all = "[0 6]", .replaced = "<||\xc3\xa9\xc3\xa9\xc3\xa9>", .split = "\"\",\"\"" },
    .{ .pattern = "(?i)\xc3\x89", .input = "\xc3\xa9", .all = "[0 2]", .replaced = "<||\xc3\xa9>", .split = "\"\",\"\"" },
    .{ .pattern = "[\xc3\xa0-\xc3\xbf]+", .input = "\xc3\xa9\xc3\xa0z", .all = "[0 4]", .replaced = "<||\xc3\xa9\xc3\xa0>z", .split = "\"\",\"z\"" },
};

test "submatches, replacement and split agree with Go" {
    const gpa = t.allocator;
    const goquote = @import("goquote.zig");
    for (go_cases) |c| {
        var arena_state: std.heap.ArenaAllocator = .init(gpa);
        defer arena_state.deinit();
        const arena = arena_state.allocator();
        var re = try regex.compile(gpa, c.pattern);
        defer re.deinit(gpa);

        var all: std.Io.Writer.Allocating = .init(arena);
        for (try re.findAllSubmatch(arena, c.input, -1)) |groups| {
            try all.writer.writeByte('[');
            for (groups, 0..) |g, i| {
                if (i > 0) try all.writer.writeByte(' ');
                if (g) |span| try all.writer.print("{d} {d}", .{ span.start, span.end }) else try all.writer.writeAll("-1 -1");
            }
            try all.writer.writeByte(']');
        }
        var split: std.Io.Writer.Allocating = .init(arena);
        for (try re.split(arena, c.input, -1), 0..) |piece, i| {
            if (i > 0) try split.writer.writeByte(',');
            try goquote.quote(&split.writer, piece);
        }
        const replaced = try re.replaceAll(arena, c.input, "<$1|${2}|$0>");
        t.expectEqualStrings(c.all, all.written()) catch |err| return report(c, err);
        t.expectEqualStrings(c.replaced, replaced) catch |err| return report(c, err);
        t.expectEqualStrings(c.split, split.written()) catch |err| return report(c, err);
    }
}

fn report(c: GoCase, err: anyerror) anyerror {
    std.debug.print("pattern {s} input {s}\n", .{ c.pattern, c.input });
    return err;
}

test "limits are Go's" {
    const gpa = t.allocator;
    var deep: std.ArrayList(u8) = .empty;
    defer deep.deinit(gpa);
    for (0..1001) |_| try deep.append(gpa, '(');
    try deep.append(gpa, 'a');
    for (0..1001) |_| try deep.append(gpa, ')');
    var d: regex.Diagnostic = .{};
    try t.expectError(error.Syntax, regex.compileDiagnostic(gpa, deep.items, &d));
    try t.expectEqual(regex.ErrorCode.nesting_depth, d.code);
    try t.expect(!try regex.isValid(gpa, deep.items, &d));

    var large: std.ArrayList(u8) = .empty;
    defer large.deinit(gpa);
    try large.append(gpa, '(');
    for (0..4000) |_| try large.append(gpa, 'a');
    try large.appendSlice(gpa, "){1000}");
    try t.expectError(error.Syntax, regex.compileDiagnostic(gpa, large.items, &d));
    try t.expectEqual(regex.ErrorCode.large, d.code);

    try expectError("((a{10}){10}){11}", "error parsing regexp: invalid repeat count: `{11}`");
    try expectError("a{2,1}", "error parsing regexp: invalid repeat count: `{2,1}`");
    try expectError("x{1001,}", "error parsing regexp: invalid repeat count: `{1001,}`");
    try expectMatch("((a{10}){10}){10}", "a", false);
    try expectMatch("a{,3}", "a{,3}", true); // not a repetition: literal text
}

test "matching is linear on patterns that make backtrackers explode" {
    const gpa = t.allocator;
    const input = try gpa.alloc(u8, 20_000);
    defer gpa.free(input);
    @memset(input, 'a');
    for ([_][]const u8{ "(a*)*b", "(a|aa)+$b", "(x+x+)+y", "(a?){25}a{25}b" }) |p| {
        var re = try regex.compile(gpa, p);
        defer re.deinit(gpa);
        try t.expect(!try re.isMatch(gpa, input));
    }
}
