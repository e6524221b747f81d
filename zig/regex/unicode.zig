//! Unicode data the regex engine needs, answered exactly as Go's unicode
//! package answers it (the tables are generated from it, see gen/): named
//! classes for \p{...}, simple case folding and the letter/digit tests used by
//! template expansion.
const std = @import("std");
const tables = @import("unicode_tables.zig");

pub const Range = tables.Range;
pub const Table = []const Range;
pub const version = tables.unicode_version;

/// Smallest and largest runes that take part in simple case folding.
pub const min_fold: u32 = tables.min_fold;
pub const max_fold: u32 = tables.max_fold;

/// Go's unicode.SimpleFold: the next rune in `r`'s case-folding orbit, or `r`.
pub fn simpleFold(r: u32) u32 {
    const pairs = &tables.fold_pairs;
    var lo: usize = 0;
    var hi: usize = pairs.len;
    while (lo < hi) {
        const mid = lo + (hi - lo) / 2;
        if (pairs[mid][0] < r) {
            lo = mid + 1;
        } else if (pairs[mid][0] > r) {
            hi = mid;
        } else {
            return pairs[mid][1];
        }
    }
    return r;
}

/// Whether `r` is in a strided range table (Go's unicode.Is).
pub fn inTable(table: Table, r: u32) bool {
    var lo: usize = 0;
    var hi: usize = table.len;
    while (lo < hi) {
        const mid = lo + (hi - lo) / 2;
        const range = table[mid];
        if (r < range[0]) {
            hi = mid;
        } else if (r > range[1]) {
            lo = mid + 1;
        } else {
            return (r - range[0]) % range[2] == 0;
        }
    }
    return false;
}

/// Go's unicode.IsLetter (category L).
pub fn isLetter(r: u32) bool {
    if (r < 0x80) return (r | 0x20) >= 'a' and (r | 0x20) <= 'z';
    return inTable(tables.tables[tables.letter_table], r);
}

/// Go's unicode.IsDigit (category Nd).
pub fn isDigit(r: u32) bool {
    if (r < 0x80) return r >= '0' and r <= '9';
    return inTable(tables.tables[tables.digit_table], r);
}

pub const Lookup = struct {
    table: Table,
    /// Extra runes that fold into the class under (?i), if any.
    fold: ?Table,
    /// The class is the complement of `table` (only \p{Assigned}).
    negated: bool = false,
};

const any_table: [2]Range = .{ .{ 0, 0xFFFF, 1 }, .{ 0x10000, 0x10FFFF, 1 } };
const ascii_table: [1]Range = .{.{ 0, 0x7F, 1 }};
const ascii_fold_table: [3]Range = .{ .{ 0, 0x7F, 1 }, .{ 0x017F, 0x017F, 1 }, .{ 0x212A, 0x212A, 1 } };

/// The class named `name` in \p{name}, matched the way Go 1.26's regexp/syntax
/// matches it (the name is canonicalized first, see `canonicalName`).
pub fn lookup(name: []const u8, buffer: []u8) ?Lookup {
    const canonical = canonicalName(name, buffer) orelse return null;
    if (std.mem.eql(u8, canonical, "Any")) return .{ .table = &any_table, .fold = &any_table };
    if (std.mem.eql(u8, canonical, "Assigned")) {
        const cn = tables.tables[tables.cn_table];
        return .{ .table = cn, .fold = cn, .negated = true };
    }
    if (std.mem.eql(u8, canonical, "Ascii")) return .{ .table = &ascii_table, .fold = &ascii_fold_table };
    var lo: usize = 0;
    var hi: usize = tables.named.len;
    while (lo < hi) {
        const mid = lo + (hi - lo) / 2;
        const entry = tables.named[mid];
        switch (std.mem.order(u8, entry.name, canonical)) {
            .lt => lo = mid + 1,
            .gt => hi = mid,
            .eq => return .{
                .table = tables.tables[entry.table],
                .fold = if (entry.fold) |f| tables.tables[f] else null,
            },
        }
    }
    return null;
}

/// First letter upper case, the rest lower case, '_', '-' and ' ' dropped
/// (ASCII only). Null when `buffer` is too small: no class name is that long.
fn canonicalName(name: []const u8, buffer: []u8) ?[]const u8 {
    var n: usize = 0;
    var first = true;
    for (name) |c0| {
        var c = c0;
        if (c == '_' or c == '-' or c == ' ') continue;
        if (first) {
            c = std.ascii.toUpper(c);
            first = false;
        } else {
            c = std.ascii.toLower(c);
        }
        if (n == buffer.len) return null;
        buffer[n] = c;
        n += 1;
    }
    return buffer[0..n];
}

test "simple folding orbits" {
    const t = std.testing;
    try t.expectEqual(@as(u32, 'a'), simpleFold('A'));
    try t.expectEqual(@as(u32, 0x212A), simpleFold('k'));
    try t.expectEqual(@as(u32, 'K'), simpleFold(0x212A));
    try t.expectEqual(@as(u32, '1'), simpleFold('1'));
    try t.expectEqual(@as(u32, 0x10FFFF), simpleFold(0x10FFFF));
}

test "named classes" {
    const t = std.testing;
    var buf: [64]u8 = undefined;
    const greek = lookup("greek", &buf).?;
    try t.expect(inTable(greek.table, 0x3B1));
    try t.expect(!inTable(greek.table, 'a'));
    try t.expect(lookup("L", &buf) != null);
    try t.expect(lookup("Letter", &buf) != null);
    try t.expect(lookup("cased_letter", &buf) != null);
    try t.expect(lookup("Old_Italic", &buf) == null); // Go 1.26 cannot find it either
    try t.expect(lookup("", &buf) == null);
    try t.expect(lookup("Assigned", &buf).?.negated);
    try t.expect(isLetter(0xE9) and !isLetter('1') and isDigit(0x0663) and !isDigit('a'));
}

fn namedTable(comptime name: []const u8) Table {
    @setEvalBranchQuota(100_000);
    for (tables.named) |entry| {
        if (std.mem.eql(u8, entry.name, name)) return tables.tables[entry.table];
    }
    @compileError("no table " ++ name);
}

/// Go's unicode.IsPrint (and strconv.IsPrint): letters, marks, numbers,
/// punctuation, symbols and the ASCII space.
pub fn isPrint(r: u32) bool {
    if (r < 0x80) return r >= 0x20 and r < 0x7F;
    inline for (.{ "L", "M", "N", "P", "S" }) |name| {
        if (inTable(comptime namedTable(name), r)) return true;
    }
    return false;
}

test "printable runes" {
    try std.testing.expect(isPrint(' ') and isPrint('a') and isPrint(0xE9) and isPrint(0xFFFD));
    try std.testing.expect(!isPrint('\n') and !isPrint(0x7F) and !isPrint(0xA0) and !isPrint(0x200B));
}
