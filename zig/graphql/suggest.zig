//! The "Did you mean ...?" machinery of gqlparser's validator (core/helpers.go):
//! suggestion lists ranked by edit distance, and "A, B, or C" lists.
const std = @import("std");
const Allocator = std.mem.Allocator;
const types = @import("../builtins/types.zig");

/// A string as Go's strconv.Quote prints it; use with `{f}`.
pub const Quoted = struct {
    text: []const u8,

    pub fn format(q: Quoted, w: *std.Io.Writer) std.Io.Writer.Error!void {
        try types.writeGoQuoted(w, q.text);
    }
};

/// The options within edit distance floor(0.4 * len(input)) + 1 of `input`,
/// closest first (ties keep their order: Go sorts these few with an
/// insertion sort).
pub fn suggestionList(allocator: Allocator, input: []const u8, options: []const []const u8) Allocator.Error![]const []const u8 {
    const Candidate = struct { option: []const u8, distance: usize };
    var candidates: std.ArrayList(Candidate) = .empty;
    const threshold = input.len * 2 / 5 + 1;
    for (options) |option| {
        // The distance is at least the difference in length (in runes, which
        // bytes bound from above): a cheap exact rejection.
        if (option.len > 4 * (input.len + threshold)) continue;
        const distance = try lexicalDistance(allocator, input, option);
        if (distance <= threshold) try candidates.append(allocator, .{ .option = option, .distance = distance });
    }
    std.sort.insertion(Candidate, candidates.items, {}, struct {
        fn lessThan(_: void, a: Candidate, b: Candidate) bool {
            return a.distance < b.distance;
        }
    }.lessThan);
    const result = try allocator.alloc([]const u8, candidates.items.len);
    for (candidates.items, result) |candidate, *r| r.* = candidate.option;
    return result;
}

/// Levenshtein distance over runes, where a change of case alone counts 1.
fn lexicalDistance(allocator: Allocator, a: []const u8, b: []const u8) Allocator.Error!usize {
    if (std.mem.eql(u8, a, b)) return 0;
    const lower_a = try std.ascii.allocLowerString(allocator, a);
    const lower_b = try std.ascii.allocLowerString(allocator, b);
    if (std.mem.eql(u8, lower_a, lower_b)) return 1;
    return levenshtein(allocator, lower_a, lower_b);
}

/// Beyond this many cells a pair counts as dissimilar: names that long only
/// come from hostile documents, and the table is quadratic.
const max_cells = 16 << 20;

fn levenshtein(allocator: Allocator, a: []const u8, b: []const u8) Allocator.Error!usize {
    const runes_a = try runes(allocator, a);
    const runes_b = try runes(allocator, b);
    if (runes_a.len * runes_b.len > max_cells) return std.math.maxInt(usize);
    const row = try allocator.alloc(usize, runes_b.len + 1);
    for (row, 0..) |*cell, j| cell.* = j;
    for (runes_a, 1..) |rune_a, i| {
        var diagonal = row[0];
        row[0] = i;
        for (runes_b, 1..) |rune_b, j| {
            const above = row[j];
            const cost: usize = if (rune_a == rune_b) 0 else 1;
            row[j] = @min(@min(row[j] + 1, row[j - 1] + 1), diagonal + cost);
            diagonal = above;
        }
    }
    return row[runes_b.len];
}

fn runes(allocator: Allocator, s: []const u8) Allocator.Error![]const u21 {
    var out: std.ArrayList(u21) = try .initCapacity(allocator, s.len);
    var i: usize = 0;
    while (i < s.len) {
        const decoded = @import("lexer.zig").decodeRune(s, i);
        out.appendAssumeCapacity(decoded.rune);
        i += decoded.width;
    }
    return out.items;
}

/// OrList: at most five items as "A", "A or B", "A, B, or C".
pub fn writeOrList(w: *std.Io.Writer, items: []const []const u8, quoted: bool) std.Io.Writer.Error!void {
    const shown = items[0..@min(items.len, 5)];
    for (shown, 0..) |item, i| {
        if (i > 0) {
            if (shown.len == 2) {
                try w.writeAll(" or ");
            } else if (i == shown.len - 1) {
                try w.writeAll(", or ");
            } else {
                try w.writeAll(", ");
            }
        }
        if (quoted) {
            try w.print("\"{s}\"", .{item});
        } else {
            try w.writeAll(item);
        }
    }
}

test "suggestions rank by distance and print as gqlparser's lists" {
    var arena: std.heap.ArenaAllocator = .init(std.testing.allocator);
    defer arena.deinit();
    const a = arena.allocator();
    const found = try suggestionList(a, "nmae", &.{ "name", "id", "names", "NMAE" });
    try std.testing.expectEqual(@as(usize, 2), found.len);
    try std.testing.expectEqualStrings("NMAE", found[0]);
    try std.testing.expectEqualStrings("name", found[1]);
    var buffer: [64]u8 = undefined;
    var w: std.Io.Writer = .fixed(&buffer);
    try writeOrList(&w, &.{ "A", "B" }, true);
    try w.writeAll("|");
    try writeOrList(&w, &.{ "A", "B", "C" }, false);
    try std.testing.expectEqualStrings("\"A\" or \"B\"|A, B, or C", w.buffered());
}
