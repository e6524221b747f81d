//! github.com/gobwas/glob v0.2.3's matchers (package match), ported with
//! their quirks: they work on bytes with Go's UTF-8 decoding (an invalid
//! byte is a 3-byte U+FFFD when lengths are counted), Row hands its parts
//! prefixes cut one byte into their last rune and reports its length in
//! runes as bytes, a separator list is searched separator by separator,
//! and so on. glob.match's answers are these matchers' answers.
//!
//! `Index` results (the "segments": possible match lengths) live on a stack
//! in `Machine`, addressed by position, released by BTree after each try.
const std = @import("std");
const Allocator = std.mem.Allocator;
const gotext = @import("../gotext.zig");

/// Go's lenNo: no fixed length.
pub const no_len: isize = -1;

pub const Matcher = union(enum) {
    nothing,
    super,
    any: []const u21,
    single: []const u21,
    list: struct { runes: []const u21, not: bool },
    range: struct { lo: u21, hi: u21, not: bool },
    text: struct { str: []const u8, runes: usize },
    contains: struct { needle: []const u8, not: bool },
    prefix: []const u8,
    suffix: []const u8,
    prefix_suffix: struct { prefix: []const u8, suffix: []const u8 },
    prefix_any: struct { prefix: []const u8, separators: []const u21 },
    suffix_any: struct { suffix: []const u8, separators: []const u21 },
    min: usize,
    max: usize,
    row: struct { matchers: []const Matcher, runes: usize },
    any_of: []const Matcher,
    every_of: []const Matcher,
    btree: *const BTree,

    /// Matcher.Len: the length in runes of every match, or no_len.
    pub fn len(m: Matcher) isize {
        return switch (m) {
            .nothing => 0,
            .single, .list, .range => 1,
            .text => |t| @intCast(t.runes),
            .row => |r| @intCast(r.runes),
            .any_of => |matchers| anyOfLen(matchers),
            // EveryOf.Len starts from 0 and gives up unless it is positive.
            .every_of => |matchers| if (matchers.len == 0) 0 else no_len,
            .btree => |b| b.len,
            else => no_len,
        };
    }
};

/// AnyOf.Len, quirk included: a first no_len is forgotten by the next matcher.
fn anyOfLen(matchers: []const Matcher) isize {
    var l: isize = no_len;
    for (matchers) |m| {
        const ml = m.len();
        if (l == no_len) {
            l = ml;
        } else if (ml == no_len or l != ml) {
            return no_len;
        }
    }
    return l;
}

pub const BTree = struct {
    value: Matcher,
    left: ?Matcher,
    right: ?Matcher,
    /// Lengths as NewBTree saw them (0 for a missing side).
    left_len: isize,
    right_len: isize,
    len: isize,
};

/// match.NewBTree.
pub fn newBTree(allocator: Allocator, value: Matcher, left: ?Matcher, right: ?Matcher) Allocator.Error!Matcher {
    const b = try allocator.create(BTree);
    const value_len = value.len();
    const left_len = if (left) |l| l.len() else 0;
    const right_len = if (right) |r| r.len() else 0;
    const fixed = value_len != no_len and left_len != no_len and right_len != no_len;
    b.* = .{
        .value = value,
        .left = left,
        .right = right,
        .left_len = left_len,
        .right_len = right_len,
        .len = if (fixed) left_len + value_len + right_len else no_len,
    };
    return .{ .btree = b };
}

// ---------------------------------------------------------------------------
// Go string helpers.

fn runeIn(runes: []const u21, r: u21) bool {
    return std.mem.indexOfScalar(u21, runes, r) != null;
}

/// util/strings.IndexAnyRunes: the first separator (in list order) found anywhere.
fn indexAnyRunes(s: []const u8, runes: []const u21) ?usize {
    for (runes) |r| {
        if (gotext.indexRune(s, r)) |i| return i;
    }
    return null;
}

/// util/strings.LastIndexAnyRunes. For a non-ASCII separator its loop keeps
/// finding the first occurrence and panics unless the string's length is a
/// multiple of that index + 1 (then it answers the first occurrence).
fn lastIndexAnyRunes(s: []const u8, runes: []const u21) error{Panic}!?usize {
    for (runes) |r| {
        if (r < 0x80) {
            if (std.mem.lastIndexOfScalar(u8, s, @intCast(r))) |i| return i;
            continue;
        }
        const j = gotext.indexRune(s, r) orelse continue;
        if (s.len % (j + 1) != 0) return error.Panic;
        return j;
    }
    return null;
}

fn runeLen(r: u21) usize {
    return @intCast(gotext.runeLen(r));
}

/// Go's `for i, r := range s`.
const Runes = struct {
    s: []const u8,
    i: usize = 0,

    fn next(it: *Runes) ?struct { usize, u21 } {
        if (it.i >= it.s.len) return null;
        const d = gotext.decode(it.s[it.i..]);
        defer it.i += d.len;
        return .{ it.i, d.code };
    }
};

fn runeCount(s: []const u8) usize {
    var it: Runes = .{ .s = s };
    var n: usize = 0;
    while (it.next()) |_| n += 1;
    return n;
}

// ---------------------------------------------------------------------------
// Matching.

pub const Error = error{ OutOfMemory, Panic };

const Segments = struct { start: usize, len: usize };
const Found = struct { index: usize, segments: Segments };

pub const Machine = struct {
    allocator: Allocator,
    stack: std.ArrayList(usize) = .empty,

    fn begin(m: *const Machine) usize {
        return m.stack.items.len;
    }

    fn push(m: *Machine, v: usize) Allocator.Error!void {
        try m.stack.append(m.allocator, v);
    }

    fn end(m: *const Machine, start: usize) Segments {
        return .{ .start = start, .len = m.stack.items.len - start };
    }

    fn one(m: *Machine, at_index: usize, v: usize) Allocator.Error!Found {
        const start = m.begin();
        try m.push(v);
        return .{ .index = at_index, .segments = m.end(start) };
    }

    fn at(m: *const Machine, segments: Segments, i: usize) usize {
        return m.stack.items[segments.start + i];
    }

    /// Every rune start of `s`, then len(s), each plus `offset`.
    fn runeStarts(m: *Machine, s: []const u8, offset: usize) Allocator.Error!Segments {
        const start = m.begin();
        var it: Runes = .{ .s = s };
        while (it.next()) |item| try m.push(offset + item[0]);
        try m.push(offset + s.len);
        return m.end(start);
    }

    /// length, then length + the end of each rune of `s`.
    fn runeEnds(m: *Machine, s: []const u8, length: usize) Allocator.Error!Segments {
        const start = m.begin();
        try m.push(length);
        var it: Runes = .{ .s = s };
        while (it.next()) |item| try m.push(length + item[0] + runeLen(item[1]));
        return m.end(start);
    }

    pub fn match(m: *Machine, matcher: Matcher, s: []const u8) Error!bool {
        switch (matcher) {
            .nothing => return s.len == 0,
            .super => return true,
            .any => |separators| return indexAnyRunes(s, separators) == null,
            .single, .list, .range => {
                // One rune exactly (an empty string decodes as U+FFFD).
                const d = gotext.decode(s);
                if (s.len > d.len) return false;
                return switch (matcher) {
                    .single => |separators| !runeIn(separators, d.code),
                    .list => |l| runeIn(l.runes, d.code) == !l.not,
                    .range => |r| (d.code >= r.lo and d.code <= r.hi) == !r.not,
                    else => unreachable,
                };
            },
            .text => |t| return std.mem.eql(u8, s, t.str),
            .contains => |c| return (std.mem.indexOf(u8, s, c.needle) != null) != c.not,
            .prefix => |p| return std.mem.startsWith(u8, s, p),
            .suffix => |x| return std.mem.endsWith(u8, s, x),
            .prefix_suffix => |ps| return std.mem.startsWith(u8, s, ps.prefix) and std.mem.endsWith(u8, s, ps.suffix),
            .prefix_any => |pa| return std.mem.startsWith(u8, s, pa.prefix) and indexAnyRunes(s[pa.prefix.len..], pa.separators) == null,
            .suffix_any => |sa| return std.mem.endsWith(u8, s, sa.suffix) and indexAnyRunes(s[0 .. s.len - sa.suffix.len], sa.separators) == null,
            .min => |limit| {
                var it: Runes = .{ .s = s };
                var l: usize = 0;
                while (it.next()) |_| {
                    l += 1;
                    if (l >= limit) return true;
                }
                return false;
            },
            .max => |limit| return runeCount(s) <= limit,
            .row => |r| return runeCount(s) == r.runes and try m.matchRow(r.matchers, s),
            .any_of => |matchers| {
                for (matchers) |sub| {
                    if (try m.match(sub, s)) return true;
                }
                return false;
            },
            .every_of => |matchers| {
                for (matchers) |sub| {
                    if (!try m.match(sub, s)) return false;
                }
                return true;
            },
            .btree => |b| return m.matchBTree(b, s),
        }
    }

    /// Row.matchAll: each part gets its length in runes, but the cut falls
    /// one byte after the start of its last rune.
    fn matchRow(m: *Machine, matchers: []const Matcher, s: []const u8) Error!bool {
        var idx: usize = 0;
        for (matchers) |sub| {
            const length = sub.len();
            var next: usize = 0;
            var i: isize = 0;
            var it: Runes = .{ .s = s[idx..] };
            while (it.next()) |item| {
                next = item[0];
                i += 1;
                if (i == length) break;
            }
            if (i < length) return false;
            // Go slices s[idx:idx+next+1]: past the end it panics.
            if (idx + next + 1 > s.len) return error.Panic;
            if (!try m.match(sub, s[idx .. idx + next + 1])) return false;
            idx += next + 1;
        }
        return true;
    }

    fn matchBTree(m: *Machine, b: *const BTree, s: []const u8) Error!bool {
        const input_len: isize = @intCast(s.len);
        if (b.len != no_len and b.len > input_len) return false;
        var offset: usize = if (b.left_len >= 0) @intCast(b.left_len) else 0;
        const limit: isize = if (b.right_len >= 0) input_len - b.right_len else input_len;
        while (@as(isize, @intCast(offset)) < limit) {
            const mark = m.begin();
            defer m.stack.shrinkRetainingCapacity(mark);
            const found = try m.index(b.value, s[offset..@intCast(limit)]) orelse return false;
            const start = offset + found.index;
            const left_ok = if (b.left) |left| try m.match(left, s[0..start]) else start == 0;
            if (left_ok) {
                var i = found.segments.len;
                while (i > 0) {
                    i -= 1;
                    const length = m.at(found.segments, i);
                    const rest = if (s.len <= start + length) "" else s[start + length ..];
                    const right_ok = if (b.right) |right| try m.match(right, rest) else rest.len == 0;
                    if (right_ok) return true;
                }
            }
            const step = gotext.decode(s[start..]).len;
            // Go would spin here forever; no matcher gets there.
            if (found.index + step == 0) return false;
            offset = start + step;
        }
        return false;
    }

    fn index(m: *Machine, matcher: Matcher, s: []const u8) Error!?Found {
        switch (matcher) {
            .nothing => return try m.one(0, 0),
            .super => return .{ .index = 0, .segments = try m.runeStarts(s, 0) },
            .any => |separators| {
                const found = indexAnyRunes(s, separators);
                if (found == 0) return try m.one(0, 0);
                return .{ .index = 0, .segments = try m.runeStarts(s[0 .. found orelse s.len], 0) };
            },
            .single, .list, .range => {
                var it: Runes = .{ .s = s };
                while (it.next()) |item| {
                    const i, const r = item;
                    const hit = switch (matcher) {
                        .single => |separators| !runeIn(separators, r),
                        .list => |l| l.not == !runeIn(l.runes, r),
                        .range => |rg| rg.not != (r >= rg.lo and r <= rg.hi),
                        else => unreachable,
                    };
                    if (hit) return try m.one(i, runeLen(r));
                }
                return null;
            },
            .text => |t| {
                const i = std.mem.indexOf(u8, s, t.str) orelse return null;
                return try m.one(i, t.str.len);
            },
            .contains => |c| {
                var rest = s;
                var offset: usize = 0;
                const i = std.mem.indexOf(u8, s, c.needle);
                if (!c.not) {
                    offset = (i orelse return null) + c.needle.len;
                    if (s.len <= offset) return try m.one(0, offset);
                    rest = s[offset..];
                } else if (i) |at_| {
                    rest = s[0..at_];
                }
                return .{ .index = 0, .segments = try m.runeStarts(rest, offset) };
            },
            .prefix => |p| {
                const i = std.mem.indexOf(u8, s, p) orelse return null;
                const rest = if (s.len > i + p.len) s[i + p.len ..] else "";
                return .{ .index = i, .segments = try m.runeEnds(rest, p.len) };
            },
            .suffix => |x| {
                const i = std.mem.indexOf(u8, s, x) orelse return null;
                return try m.one(0, i + x.len);
            },
            .prefix_suffix => |ps| {
                const prefix_index = std.mem.indexOf(u8, s, ps.prefix) orelse return null;
                if (ps.suffix.len == 0) return try m.one(prefix_index, s.len - prefix_index);
                if (s.len - prefix_index == 0) return null;
                // Every end of the suffix after the prefix's start, shortest first.
                const start = m.begin();
                var sub = s[prefix_index..];
                while (std.mem.lastIndexOf(u8, sub, ps.suffix)) |i| {
                    try m.push(i + ps.suffix.len);
                    sub = sub[0..i];
                }
                const segments = m.end(start);
                if (segments.len == 0) return null;
                std.mem.reverse(usize, m.stack.items[start..]);
                return .{ .index = prefix_index, .segments = segments };
            },
            .prefix_any => |pa| {
                const i = std.mem.indexOf(u8, s, pa.prefix) orelse return null;
                var rest = s[i + pa.prefix.len ..];
                if (indexAnyRunes(rest, pa.separators)) |j| rest = rest[0..j];
                return .{ .index = i, .segments = try m.runeEnds(rest, pa.prefix.len) };
            },
            .suffix_any => |sa| {
                const i = std.mem.indexOf(u8, s, sa.suffix) orelse return null;
                const from = if (try lastIndexAnyRunes(s[0..i], sa.separators)) |j| j + 1 else 0;
                return try m.one(from, i + sa.suffix.len - from);
            },
            .min => |limit| {
                if (@as(isize, @intCast(s.len)) - @as(isize, @intCast(limit)) + 1 <= 0) return null;
                const start = m.begin();
                var it: Runes = .{ .s = s };
                var count: usize = 0;
                while (it.next()) |item| {
                    count += 1;
                    if (count >= limit) try m.push(item[0] + runeLen(item[1]));
                }
                const segments = m.end(start);
                if (segments.len == 0) return null;
                return .{ .index = 0, .segments = segments };
            },
            .max => |limit| {
                const start = m.begin();
                try m.push(0);
                var it: Runes = .{ .s = s };
                var count: usize = 0;
                while (it.next()) |item| {
                    count += 1;
                    if (count > limit) break;
                    try m.push(item[0] + runeLen(item[1]));
                }
                return .{ .index = 0, .segments = m.end(start) };
            },
            .row => |r| {
                var it: Runes = .{ .s = s };
                while (it.next()) |item| {
                    const i = item[0];
                    // Bytes left against a length in runes, as Go compares them.
                    if (s.len - i < r.runes) break;
                    if (try m.matchRow(r.matchers, s[i..])) return try m.one(i, r.runes);
                }
                return null;
            },
            .any_of => |matchers| return m.indexAnyOf(matchers, s),
            .every_of => |matchers| return m.indexEveryOf(matchers, s),
            // BTree.Index is a stub that never finds anything.
            .btree => return null,
        }
    }

    /// AnyOf.Index: the leftmost index, with the merged segments of every
    /// matcher found there.
    fn indexAnyOf(m: *Machine, matchers: []const Matcher, s: []const u8) Error!?Found {
        var best: ?Found = null;
        for (matchers) |sub| {
            const found = try m.index(sub, s) orelse continue;
            if (best == null or found.index < best.?.index) {
                best = found;
                continue;
            }
            if (found.index > best.?.index) continue;
            best.?.segments = try m.appendMerge(best.?.segments, found.segments);
        }
        return best;
    }

    /// appendMerge: the merge of two sorted lists, equal values once.
    fn appendMerge(m: *Machine, target: Segments, sub: Segments) Allocator.Error!Segments {
        const start = m.begin();
        var x: usize = 0;
        var y: usize = 0;
        while (x < target.len or y < sub.len) {
            if (x >= target.len) {
                try m.push(m.at(sub, y));
                y += 1;
                continue;
            }
            if (y >= sub.len) {
                try m.push(m.at(target, x));
                x += 1;
                continue;
            }
            const a = m.at(target, x);
            const b = m.at(sub, y);
            try m.push(@min(a, b));
            if (a <= b) x += 1;
            if (b <= a) y += 1;
        }
        return m.end(start);
    }

    /// EveryOf.Index: each matcher searches after the previous one's index;
    /// segments survive when they end at the same place for all.
    fn indexEveryOf(m: *Machine, matchers: []const Matcher, s: []const u8) Error!?Found {
        var index_: isize = 0;
        var offset: isize = 0;
        var current: Segments = .{ .start = m.begin(), .len = 0 };
        var sub = s;
        for (matchers, 0..) |matcher, i| {
            const found = try m.index(matcher, sub) orelse return null;
            const idx: isize = @intCast(found.index);
            if (i == 0) {
                current = found.segments;
            } else {
                const delta = index_ - (idx + offset);
                const start = m.begin();
                for (0..current.len) |a| {
                    const ex: isize = @intCast(m.at(current, a));
                    for (0..found.segments.len) |b| {
                        const n = m.at(found.segments, b);
                        if (ex + delta == @as(isize, @intCast(n))) try m.push(n);
                    }
                }
                current = m.end(start);
                if (current.len == 0) return null;
            }
            index_ = idx + offset;
            sub = s[@intCast(index_)..];
            offset += idx;
        }
        return .{ .index = @intCast(index_), .segments = current };
    }
};

const testing = std.testing;

test "matchers answer as gobwas" {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    var m: Machine = .{ .allocator = arena.allocator() };
    const dot = &[_]u21{'.'};
    try testing.expect(try m.match(.{ .single = dot }, ""));
    try testing.expect(!try m.match(.{ .single = dot }, "."));
    try testing.expect(try m.match(.{ .any = dot }, "abc"));
    try testing.expect(!try m.match(.{ .any = dot }, "a.c"));
    try testing.expect(try m.match(.{ .prefix_suffix = .{ .prefix = "ab", .suffix = "b" } }, "ab"));
    try testing.expect(!try m.match(.{ .min = 0 }, ""));
    const tree = try newBTree(arena.allocator(), .{ .text = .{ .str = "b", .runes = 1 } }, .super, .{ .any = dot });
    try testing.expect(try m.match(tree, "x.bc"));
    try testing.expect(try m.match(tree, "x.b"));
    try testing.expect(!try m.match(tree, "x.b.c"));
    try testing.expect(!try m.match(tree, "x.a"));
}
