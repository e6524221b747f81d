//! Character classes as flat lists of inclusive rune ranges [lo0, hi0, lo1, hi1, ...].
//!
//! The operations follow regexp/syntax exactly (including how appendRange
//! coalesces with the last two ranges), because the parser's simplifications
//! look at the resulting lists: a class that ends up as one rune becomes a
//! literal, which changes the compiled program.
const std = @import("std");
const Allocator = std.mem.Allocator;
const unicode = @import("unicode.zig");

pub const max_rune: u32 = 0x10FFFF;
pub const List = std.ArrayList(u32);

/// Views a flat list as pairs.
pub fn pairs(runes: []u32) [][2]u32 {
    const ptr: [*][2]u32 = @ptrCast(runes.ptr);
    return ptr[0 .. runes.len / 2];
}

/// Adds [lo, hi], merging it into one of the last two ranges when they
/// overlap or abut (two, so that folded alphabets A-Z and a-z both grow).
pub fn appendRange(gpa: Allocator, r: *List, lo: u32, hi: u32) Allocator.Error!void {
    const n = r.items.len;
    var i: usize = 2;
    while (i <= 4) : (i += 2) {
        if (n >= i) {
            const rlo = r.items[n - i];
            const rhi = r.items[n - i + 1];
            if (lo <= rhi + 1 and rlo <= hi + 1) {
                if (lo < rlo) r.items[n - i] = lo;
                if (hi > rhi) r.items[n - i + 1] = hi;
                return;
            }
        }
    }
    try r.appendSlice(gpa, &.{ lo, hi });
}

/// Adds [lo, hi] and every rune that case-folds to one in it.
pub fn appendFoldedRange(gpa: Allocator, r: *List, lo_in: u32, hi_in: u32) Allocator.Error!void {
    var lo = lo_in;
    var hi = hi_in;
    if (lo <= unicode.min_fold and hi >= unicode.max_fold) return appendRange(gpa, r, lo, hi);
    if (hi < unicode.min_fold or lo > unicode.max_fold) return appendRange(gpa, r, lo, hi);
    if (lo < unicode.min_fold) {
        try appendRange(gpa, r, lo, unicode.min_fold - 1);
        lo = unicode.min_fold;
    }
    if (hi > unicode.max_fold) {
        try appendRange(gpa, r, unicode.max_fold + 1, hi);
        hi = unicode.max_fold;
    }
    var c = lo;
    while (c <= hi) : (c += 1) {
        try appendRange(gpa, r, c, c);
        var f = unicode.simpleFold(c);
        while (f != c) : (f = unicode.simpleFold(f)) try appendRange(gpa, r, f, f);
    }
}

pub fn appendLiteral(gpa: Allocator, r: *List, x: u32, fold: bool) Allocator.Error!void {
    if (fold) return appendFoldedRange(gpa, r, x, x);
    return appendRange(gpa, r, x, x);
}

/// Adds the (clean) class `x`.
pub fn appendClass(gpa: Allocator, r: *List, x: []const u32) Allocator.Error!void {
    var i: usize = 0;
    while (i + 1 < x.len) : (i += 2) try appendRange(gpa, r, x[i], x[i + 1]);
}

pub fn appendFoldedClass(gpa: Allocator, r: *List, x: []const u32) Allocator.Error!void {
    var i: usize = 0;
    while (i + 1 < x.len) : (i += 2) try appendFoldedRange(gpa, r, x[i], x[i + 1]);
}

/// Adds the complement of the (clean) class `x`.
pub fn appendNegatedClass(gpa: Allocator, r: *List, x: []const u32) Allocator.Error!void {
    var next_lo: u32 = 0;
    var i: usize = 0;
    while (i + 1 < x.len) : (i += 2) {
        if (x[i] > next_lo) try appendRange(gpa, r, next_lo, x[i] - 1);
        next_lo = x[i + 1] + 1;
    }
    if (next_lo <= max_rune) try appendRange(gpa, r, next_lo, max_rune);
}

/// Adds a strided Unicode table (each strided rune on its own, as Go does).
pub fn appendTable(gpa: Allocator, r: *List, table: unicode.Table) Allocator.Error!void {
    for (table) |range| {
        if (range[2] == 1) {
            try appendRange(gpa, r, range[0], range[1]);
            continue;
        }
        var c = range[0];
        while (c <= range[1]) : (c += range[2]) try appendRange(gpa, r, c, c);
    }
}

pub fn appendNegatedTable(gpa: Allocator, r: *List, table: unicode.Table) Allocator.Error!void {
    var next_lo: u32 = 0;
    for (table) |range| {
        if (range[2] == 1) {
            if (range[0] > next_lo) try appendRange(gpa, r, next_lo, range[0] - 1);
            next_lo = range[1] + 1;
            continue;
        }
        var c = range[0];
        while (c <= range[1]) : (c += range[2]) {
            if (c > next_lo) try appendRange(gpa, r, next_lo, c - 1);
            next_lo = c + 1;
        }
    }
    if (next_lo <= max_rune) try appendRange(gpa, r, next_lo, max_rune);
}

fn lessRange(_: void, a: [2]u32, b: [2]u32) bool {
    return a[0] < b[0] or (a[0] == b[0] and a[1] > b[1]);
}

/// Sorts the ranges and merges overlapping or abutting ones, in place.
pub fn clean(r: *List) void {
    const ps = pairs(r.items);
    std.sort.pdq([2]u32, ps, {}, lessRange);
    if (ps.len < 2) return;
    var w: usize = 1;
    for (ps[1..]) |p| {
        if (p[0] <= ps[w - 1][1] + 1) {
            if (p[1] > ps[w - 1][1]) ps[w - 1][1] = p[1];
            continue;
        }
        ps[w] = p;
        w += 1;
    }
    r.shrinkRetainingCapacity(w * 2);
}

/// Replaces the (clean) class with its complement.
pub fn negate(gpa: Allocator, r: *List) Allocator.Error!void {
    var next_lo: u32 = 0;
    var w: usize = 0;
    var i: usize = 0;
    const n = r.items.len;
    while (i + 1 < n) : (i += 2) {
        const lo = r.items[i];
        const hi = r.items[i + 1];
        if (lo > next_lo) {
            r.items[w] = next_lo;
            r.items[w + 1] = lo - 1;
            w += 2;
        }
        next_lo = hi + 1;
    }
    r.shrinkRetainingCapacity(w);
    if (next_lo <= max_rune) try r.appendSlice(gpa, &.{ next_lo, max_rune });
}

/// Whether `c` is in the clean class `r`.
pub fn contains(r: []const u32, c: u32) bool {
    var lo: usize = 0;
    var hi: usize = r.len / 2;
    while (lo < hi) {
        const mid = lo + (hi - lo) / 2;
        if (c < r[2 * mid]) {
            hi = mid;
        } else if (c > r[2 * mid + 1]) {
            lo = mid + 1;
        } else {
            return true;
        }
    }
    return false;
}

test "append, clean and negate" {
    const gpa = std.testing.allocator;
    var r: List = .empty;
    defer r.deinit(gpa);
    try appendRange(gpa, &r, 'x', 'z');
    try appendRange(gpa, &r, 'a', 'c');
    try appendRange(gpa, &r, 'd', 'd'); // merges with a-c (second to last)
    try std.testing.expectEqualSlices(u32, &.{ 'x', 'z', 'a', 'd' }, r.items);
    clean(&r);
    try std.testing.expectEqualSlices(u32, &.{ 'a', 'd', 'x', 'z' }, r.items);
    try negate(gpa, &r);
    try std.testing.expectEqualSlices(u32, &.{ 0, 'a' - 1, 'e', 'w', 'z' + 1, max_rune }, r.items);
    try std.testing.expect(contains(r.items, 0) and contains(r.items, 'e') and !contains(r.items, 'x'));
}

test "folded ranges" {
    const gpa = std.testing.allocator;
    var r: List = .empty;
    defer r.deinit(gpa);
    try appendFoldedRange(gpa, &r, 'k', 'k');
    clean(&r);
    try std.testing.expectEqualSlices(u32, &.{ 'K', 'K', 'k', 'k', 0x212A, 0x212A }, r.items);
}
