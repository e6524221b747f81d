//! go-yaml v2's implicit typing of scalars (YAML 1.1): which text is a bool
//! (y/yes/on/true, n/no/off/false in three casings), a null, an int (Go's
//! base-prefixed syntax, underscores ignored), a float, a timestamp or a
//! string. Used on the way in (yaml.unmarshal) and on the way out, to quote
//! strings that would not read back as strings (yaml.marshal).
const std = @import("std");
const parser = @import("parser.zig");

const prefix = parser.long_tag_prefix;
pub const str_tag = prefix ++ "str";
pub const bool_tag = prefix ++ "bool";
pub const int_tag = prefix ++ "int";
pub const float_tag = prefix ++ "float";
pub const null_tag = prefix ++ "null";
pub const timestamp_tag = prefix ++ "timestamp";
pub const binary_tag = prefix ++ "binary";
pub const merge_tag = prefix ++ "merge";

pub const Scalar = union(enum) {
    null,
    boolean: bool,
    int: i64,
    uint: u64,
    float: f64,
    /// Text kept as is: a string, a timestamp, or a value with a custom tag.
    text: []const u8,
    merge,
};

pub const Resolved = struct {
    tag: []const u8,
    value: Scalar,
};

const words = std.StaticStringMap(Scalar).initComptime(.{
    .{ "y", Scalar{ .boolean = true } },     .{ "Y", Scalar{ .boolean = true } },
    .{ "yes", Scalar{ .boolean = true } },   .{ "Yes", Scalar{ .boolean = true } },
    .{ "YES", Scalar{ .boolean = true } },   .{ "true", Scalar{ .boolean = true } },
    .{ "True", Scalar{ .boolean = true } },  .{ "TRUE", Scalar{ .boolean = true } },
    .{ "on", Scalar{ .boolean = true } },    .{ "On", Scalar{ .boolean = true } },
    .{ "ON", Scalar{ .boolean = true } },    .{ "n", Scalar{ .boolean = false } },
    .{ "N", Scalar{ .boolean = false } },    .{ "no", Scalar{ .boolean = false } },
    .{ "No", Scalar{ .boolean = false } },   .{ "NO", Scalar{ .boolean = false } },
    .{ "false", Scalar{ .boolean = false } }, .{ "False", Scalar{ .boolean = false } },
    .{ "FALSE", Scalar{ .boolean = false } }, .{ "off", Scalar{ .boolean = false } },
    .{ "Off", Scalar{ .boolean = false } },  .{ "OFF", Scalar{ .boolean = false } },
    .{ "", Scalar.null },                    .{ "~", Scalar.null },
    .{ "null", Scalar.null },                .{ "Null", Scalar.null },
    .{ "NULL", Scalar.null },                .{ ".nan", Scalar{ .float = std.math.nan(f64) } },
    .{ ".NaN", Scalar{ .float = std.math.nan(f64) } }, .{ ".NAN", Scalar{ .float = std.math.nan(f64) } },
    .{ ".inf", Scalar{ .float = std.math.inf(f64) } }, .{ ".Inf", Scalar{ .float = std.math.inf(f64) } },
    .{ ".INF", Scalar{ .float = std.math.inf(f64) } }, .{ "+.inf", Scalar{ .float = std.math.inf(f64) } },
    .{ "+.Inf", Scalar{ .float = std.math.inf(f64) } }, .{ "+.INF", Scalar{ .float = std.math.inf(f64) } },
    .{ "-.inf", Scalar{ .float = -std.math.inf(f64) } }, .{ "-.Inf", Scalar{ .float = -std.math.inf(f64) } },
    .{ "-.INF", Scalar{ .float = -std.math.inf(f64) } }, .{ "<<", Scalar.merge },
});

fn wordTag(v: Scalar) []const u8 {
    return switch (v) {
        .null => null_tag,
        .boolean => bool_tag,
        .float => float_tag,
        .merge => merge_tag,
        else => unreachable,
    };
}

pub fn isResolvable(tag: []const u8) bool {
    const known = [_][]const u8{ "", str_tag, bool_tag, int_tag, float_tag, null_tag, timestamp_tag };
    for (known) |k| if (std.mem.eql(u8, tag, k)) return true;
    return false;
}

pub const ResolveError = error{ Mismatch, OutOfMemory };

/// go-yaml's resolve(tag, text). On error.Mismatch, `mismatch_tag` holds the
/// tag the text resolved to (for "cannot decode !!str `x` as a !!int").
pub fn resolve(scratch: std.mem.Allocator, tag: []const u8, text: []const u8, mismatch_tag: *[]const u8) ResolveError!Resolved {
    if (!isResolvable(tag)) return .{ .tag = tag, .value = .{ .text = text } };
    const r = try resolveImplicit(scratch, tag, text);
    if (tag.len == 0 or std.mem.eql(u8, tag, r.tag) or std.mem.eql(u8, tag, str_tag)) return r;
    if (std.mem.eql(u8, tag, float_tag) and r.value == .int) {
        return .{ .tag = float_tag, .value = .{ .float = @floatFromInt(r.value.int) } };
    }
    mismatch_tag.* = r.tag;
    return error.Mismatch;
}

fn resolveImplicit(scratch: std.mem.Allocator, tag: []const u8, text: []const u8) error{OutOfMemory}!Resolved {
    const string: Resolved = .{ .tag = str_tag, .value = .{ .text = text } };
    if (std.mem.eql(u8, tag, str_tag)) return string;
    const hint: u8 = if (text.len == 0) 'N' else switch (text[0]) {
        '+', '-' => 'S',
        '0'...'9' => 'D',
        'y', 'Y', 'n', 'N', 't', 'T', 'f', 'F', 'o', 'O', '~' => 'M',
        '.' => '.',
        else => return string,
    };
    if (words.get(text)) |v| return .{ .tag = wordTag(v), .value = v };
    switch (hint) {
        '.' => if (parseFloat(text)) |f| return .{ .tag = float_tag, .value = .{ .float = f } },
        'D', 'S' => {
            if (tag.len == 0 or std.mem.eql(u8, tag, timestamp_tag)) {
                if (isTimestamp(text)) return .{ .tag = timestamp_tag, .value = .{ .text = text } };
            }
            const plain = try std.mem.replaceOwned(u8, scratch, text, "_", "");
            if (parseGoInt(plain)) |v| return .{ .tag = int_tag, .value = v };
            if (isYamlFloat(plain)) {
                if (parseFloat(plain)) |f| return .{ .tag = float_tag, .value = .{ .float = f } };
            }
            if (std.mem.startsWith(u8, plain, "0b")) {
                if (parseBinary(plain[2..], false)) |v| return .{ .tag = int_tag, .value = v };
            } else if (std.mem.startsWith(u8, plain, "-0b")) {
                if (parseBinary(plain[3..], true)) |v| return .{ .tag = int_tag, .value = v };
            }
        },
        else => {},
    }
    return string;
}

/// strconv.ParseFloat for the texts that reach it: decimal syntax only (the
/// callers filtered the rest); out of range is an error, as in Go.
fn parseFloat(text: []const u8) ?f64 {
    if (!isYamlFloat(text)) return null;
    const f = std.fmt.parseFloat(f64, text) catch return null;
    if (std.math.isInf(f)) return null;
    return f;
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn isYamlFloat(text: []const u8) bool {
    var i: usize = 0;
    if (i < text.len and (text[i] == '+' or text[i] == '-')) i += 1;
    if (i < text.len and text[i] == '.') {
        i += 1;
        const start = i;
        while (i < text.len and std.ascii.isDigit(text[i])) i += 1;
        if (i == start) return false;
    } else {
        const start = i;
        while (i < text.len and std.ascii.isDigit(text[i])) i += 1;
        if (i == start) return false;
        if (i < text.len and text[i] == '.') {
            i += 1;
            while (i < text.len and std.ascii.isDigit(text[i])) i += 1;
        }
    }
    if (i < text.len and (text[i] == 'e' or text[i] == 'E')) {
        i += 1;
        if (i < text.len and (text[i] == '+' or text[i] == '-')) i += 1;
        const start = i;
        while (i < text.len and std.ascii.isDigit(text[i])) i += 1;
        if (i == start) return false;
    }
    return i == text.len;
}

/// strconv.ParseInt(text, 0, 64), then ParseUint(text, 0, 64).
fn parseGoInt(text: []const u8) ?Scalar {
    var rest = text;
    var negative = false;
    var signed = false;
    if (rest.len > 0 and (rest[0] == '+' or rest[0] == '-')) {
        negative = rest[0] == '-';
        signed = true;
        rest = rest[1..];
    }
    var base: u8 = 10;
    if (rest.len >= 2 and rest[0] == '0') {
        switch (rest[1]) {
            'x', 'X' => {
                base = 16;
                rest = rest[2..];
            },
            'o', 'O' => {
                base = 8;
                rest = rest[2..];
            },
            'b', 'B' => {
                base = 2;
                rest = rest[2..];
            },
            else => {
                base = 8;
                rest = rest[1..];
            },
        }
    }
    if (rest.len == 0) return null;
    var magnitude: u64 = 0;
    for (rest) |c| {
        const digit = std.fmt.charToDigit(c, base) catch return null;
        magnitude = std.math.mul(u64, magnitude, base) catch return null;
        magnitude = std.math.add(u64, magnitude, digit) catch return null;
    }
    if (negative) {
        if (magnitude > @as(u64, 1) << 63) return null;
        if (magnitude == @as(u64, 1) << 63) return .{ .int = std.math.minInt(i64) };
        return .{ .int = -@as(i64, @intCast(magnitude)) };
    }
    if (magnitude <= std.math.maxInt(i64)) return .{ .int = @intCast(magnitude) };
    if (signed) return null; // ParseUint takes no sign.
    return .{ .uint = magnitude };
}

fn parseBinary(digits: []const u8, negative: bool) ?Scalar {
    if (digits.len == 0) return null;
    var magnitude: u64 = 0;
    for (digits) |c| {
        if (c != '0' and c != '1') return null;
        magnitude = std.math.mul(u64, magnitude, 2) catch return null;
        magnitude += c - '0';
    }
    if (negative) {
        if (magnitude > @as(u64, 1) << 63) return null;
        if (magnitude == @as(u64, 1) << 63) return .{ .int = std.math.minInt(i64) };
        return .{ .int = -@as(i64, @intCast(magnitude)) };
    }
    if (magnitude <= std.math.maxInt(i64)) return .{ .int = @intCast(magnitude) };
    return .{ .uint = magnitude };
}

/// go-yaml's timestamp formats via time.Parse: 2006-1-2, optionally followed
/// by T/t and 15:4:5[.frac] and Z or ±07:00, or by a space and 15:4:5[.frac].
pub fn isTimestamp(text: []const u8) bool {
    var i: usize = 0;
    const year = number(text, &i, 4, 4) orelse return false;
    if (!expect(text, &i, '-')) return false;
    const month = number(text, &i, 1, 2) orelse return false;
    if (!expect(text, &i, '-')) return false;
    const day = number(text, &i, 1, 2) orelse return false;
    if (month < 1 or month > 12 or day < 1 or day > daysIn(month, year)) return false;
    if (i == text.len) return true;
    const separator = text[i];
    if (separator != 'T' and separator != 't' and separator != ' ') return false;
    i += 1;
    const hour = number(text, &i, 1, 2) orelse return false;
    if (!expect(text, &i, ':')) return false;
    const minute = number(text, &i, 1, 2) orelse return false;
    if (!expect(text, &i, ':')) return false;
    const second = number(text, &i, 1, 2) orelse return false;
    if (hour > 23 or minute > 59 or second > 59) return false;
    if (i < text.len and (text[i] == '.' or text[i] == ',') and i + 1 < text.len and std.ascii.isDigit(text[i + 1])) {
        i += 1;
        while (i < text.len and std.ascii.isDigit(text[i])) i += 1;
    }
    if (separator == ' ') return i == text.len;
    if (i == text.len) return false;
    if (text[i] == 'Z') return i + 1 == text.len;
    if (text[i] != '+' and text[i] != '-') return false;
    i += 1;
    const zone_hour = number(text, &i, 2, 2) orelse return false;
    if (!expect(text, &i, ':')) return false;
    const zone_minute = number(text, &i, 2, 2) orelse return false;
    if (zone_hour > 24 or zone_minute > 59) return false;
    return i == text.len;
}

fn number(text: []const u8, i: *usize, min: usize, max: usize) ?u32 {
    var n: u32 = 0;
    var count: usize = 0;
    while (i.* < text.len and count < max and std.ascii.isDigit(text[i.*])) : (count += 1) {
        n = n * 10 + (text[i.*] - '0');
        i.* += 1;
    }
    if (count < min) return null;
    return n;
}

fn expect(text: []const u8, i: *usize, c: u8) bool {
    if (i.* < text.len and text[i.*] == c) {
        i.* += 1;
        return true;
    }
    return false;
}

fn daysIn(month: u32, year: u32) u32 {
    return switch (month) {
        2 => if ((year % 4 == 0 and year % 100 != 0) or year % 400 == 0) 29 else 28,
        4, 6, 9, 11 => 30,
        else => 31,
    };
}

/// go-yaml's isBase60Float: `1:30`-like text that YAML 1.1 readers take as a
/// number, so go-yaml quotes it on output.
pub fn isBase60Float(text: []const u8) bool {
    if (text.len == 0) return false;
    const c = text[0];
    if (!(c == '+' or c == '-' or std.ascii.isDigit(c)) or std.mem.indexOfScalar(u8, text, ':') == null) return false;
    // ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$
    var i: usize = 0;
    if (text[i] == '+' or text[i] == '-') i += 1;
    if (i >= text.len or !std.ascii.isDigit(text[i])) return false;
    i += 1;
    while (i < text.len and (std.ascii.isDigit(text[i]) or text[i] == '_')) i += 1;
    var groups: usize = 0;
    while (i < text.len and text[i] == ':') : (groups += 1) {
        i += 1;
        // [0-5]?[0-9]
        if (i + 1 < text.len and text[i] >= '0' and text[i] <= '5' and std.ascii.isDigit(text[i + 1])) {
            i += 2;
        } else if (i < text.len and std.ascii.isDigit(text[i])) {
            i += 1;
        } else return false;
    }
    if (groups == 0) return false;
    if (i < text.len and text[i] == '.') {
        i += 1;
        while (i < text.len and (std.ascii.isDigit(text[i]) or text[i] == '_')) i += 1;
    }
    return i == text.len;
}

fn expectResolved(text: []const u8, expected: Scalar) !void {
    var arena: std.heap.ArenaAllocator = .init(std.testing.allocator);
    defer arena.deinit();
    var mismatch: []const u8 = "";
    const r = try resolve(arena.allocator(), "", text, &mismatch);
    try std.testing.expectEqualDeep(expected, r.value);
}

test "YAML 1.1 implicit types" {
    try expectResolved("yes", .{ .boolean = true });
    try expectResolved("Off", .{ .boolean = false });
    try expectResolved("~", .null);
    try expectResolved("0x1F", .{ .int = 31 });
    try expectResolved("0o17", .{ .int = 15 });
    try expectResolved("012", .{ .int = 10 });
    try expectResolved("1_000", .{ .int = 1000 });
    try expectResolved("08", .{ .float = 8 });
    try expectResolved("-0b101", .{ .int = -5 });
    try expectResolved("18446744073709551615", .{ .uint = 18446744073709551615 });
    try expectResolved("1e3", .{ .float = 1000 });
    try expectResolved(".5", .{ .float = 0.5 });
    try expectResolved("1e999", .{ .text = "1e999" });
    try expectResolved("2001-12-14", .{ .text = "2001-12-14" });
    try expectResolved("YES!", .{ .text = "YES!" });
    try std.testing.expect(isBase60Float("1:30"));
    try std.testing.expect(!isBase60Float("1:70"));
    try std.testing.expect(isTimestamp("2001-12-14t21:59:43.10-05:00"));
    try std.testing.expect(!isTimestamp("2001-02-30"));
}
