//! Builtins of the strings family (see builtin.zig for the interface).
//!
//! OPA implements these with Go's strings, strconv and unicode packages, and
//! their behaviour is part of the answer: runes are decoded as Go decodes them
//! (an invalid byte is one U+FFFD rune of width 1), case mapping is Go's simple
//! Unicode mapping, `replace` follows strings.Replacer's match priority, and
//! OPA's quirks (its own integer parsing, overflows that make Go panic) are
//! kept. `sprintf` lives in sprintf.zig.
const std = @import("std");
const assert = std.debug.assert;
const Allocator = std.mem.Allocator;
const builtin = @import("builtin.zig");
const value_mod = @import("../value/mod.zig");
const sprintf = @import("sprintf.zig");

const Value = builtin.Value;
const Context = builtin.Context;
const Error = builtin.Error;
const Number = value_mod.Number;

pub const builtins: []const builtin.Builtin = &.{
    .{ .name = "concat", .arity = 2, .func = concat },
    .{ .name = "startswith", .arity = 2, .func = startsWith },
    .{ .name = "endswith", .arity = 2, .func = endsWith },
    .{ .name = "contains", .arity = 2, .func = contains },
    .{ .name = "lower", .arity = 1, .func = lower },
    .{ .name = "upper", .arity = 1, .func = upper },
    .{ .name = "split", .arity = 2, .func = split },
    .{ .name = "strings.split_n", .arity = 3, .func = splitN },
    .{ .name = "trim", .arity = 2, .func = trim },
    .{ .name = "trim_left", .arity = 2, .func = trimLeft },
    .{ .name = "trim_right", .arity = 2, .func = trimRight },
    .{ .name = "trim_prefix", .arity = 2, .func = trimPrefix },
    .{ .name = "trim_suffix", .arity = 2, .func = trimSuffix },
    .{ .name = "trim_space", .arity = 1, .func = trimSpace },
    .{ .name = "replace", .arity = 3, .func = replace },
    .{ .name = "strings.replace_n", .arity = 2, .func = replaceN },
    .{ .name = "substring", .arity = 3, .func = substring },
    .{ .name = "indexof", .arity = 2, .func = indexOf },
    .{ .name = "indexof_n", .arity = 2, .func = indexOfN },
    .{ .name = "strings.count", .arity = 2, .func = count },
    .{ .name = "strings.reverse", .arity = 1, .func = reverse },
    .{ .name = "strings.any_prefix_match", .arity = 2, .func = anyPrefixMatch },
    .{ .name = "strings.any_suffix_match", .arity = 2, .func = anySuffixMatch },
    .{ .name = "format_int", .arity = 2, .func = formatInt },
    .{ .name = "to_number", .arity = 1, .func = toNumber },
    .{ .name = "sprintf", .arity = 2, .func = sprintf.sprintf },
};

// ---------------------------------------------------------------------------
// Operands (OPA's builtins.StringOperand, NumberOperand, IntOperand)

fn stringOperand(ctx: *Context, args: []const Value, index: usize) Error![]const u8 {
    return switch (args[index]) {
        .string => |s| s,
        else => ctx.operandError(index + 1, "string", args[index]),
    };
}

fn numberOperand(ctx: *Context, args: []const Value, index: usize) Error!Number {
    return switch (args[index]) {
        .number => |n| n,
        else => ctx.operandError(index + 1, "number", args[index]),
    };
}

/// A number whose literal text is an integer in i64 range: "1.0" and "1e3"
/// are refused, as OPA's IntOperand refuses them.
fn intOperand(ctx: *Context, args: []const Value, index: usize) Error!i64 {
    const n = try numberOperand(ctx, args, index);
    return atoi64(n) orelse
        ctx.typeError("operand {d} must be integer number but got floating-point number", .{index + 1});
}

/// OPA's Number.Int64 (util.Atoi64 on the literal text): the value when the
/// text is an optionally signed run of at most 19 digits that fits i64.
pub fn atoi64(n: Number) ?i64 {
    return switch (n) {
        .int => |i| i,
        .big => |big| atoi64Text(big.text),
    };
}

fn atoi64Text(text: []const u8) ?i64 {
    var digits = text;
    var negative = false;
    if (digits.len > 0 and (digits[0] == '-' or digits[0] == '+')) {
        negative = digits[0] == '-';
        digits = digits[1..];
    }
    if (digits.len == 0 or digits.len > 19) return null;
    var magnitude: u64 = 0;
    for (digits) |c| {
        if (c < '0' or c > '9') return null;
        magnitude = magnitude * 10 + (c - '0'); // 19 digits fit u64.
    }
    const signed: i128 = if (negative) -@as(i128, magnitude) else magnitude;
    return std.math.cast(i64, signed);
}

fn stringValue(s: []const u8) Value {
    return .{ .string = s };
}

fn intValue(i: i64) Value {
    return .{ .number = Number.fromInt(i) };
}

fn stringsToArray(allocator: Allocator, parts: []const []const u8) Error!Value {
    const items = try allocator.alloc(Value, parts.len);
    for (parts, items) |part, *item| item.* = stringValue(part);
    return .{ .array = items };
}

// ---------------------------------------------------------------------------
// Go's UTF-8 decoding, shared with sprintf.zig

pub const rune_error: u21 = 0xFFFD;
pub const max_rune: u21 = 0x10FFFF;

pub const Rune = struct {
    code: u21,
    len: u3,
};

const invalid_rune: Rune = .{ .code = rune_error, .len = 1 };

/// utf8.DecodeRuneInString for a non-empty `s`: an invalid, overlong,
/// surrogate or truncated sequence decodes as (U+FFFD, 1).
pub fn decodeRune(s: []const u8) Rune {
    assert(s.len > 0);
    const b0 = s[0];
    if (b0 < 0x80) return .{ .code = b0, .len = 1 };
    // Sequence length and the range allowed for the second byte.
    const len: u3, const low: u8, const high: u8 = switch (b0) {
        0xc2...0xdf => .{ 2, 0x80, 0xbf },
        0xe0 => .{ 3, 0xa0, 0xbf },
        0xe1...0xec, 0xee, 0xef => .{ 3, 0x80, 0xbf },
        0xed => .{ 3, 0x80, 0x9f },
        0xf0 => .{ 4, 0x90, 0xbf },
        0xf1...0xf3 => .{ 4, 0x80, 0xbf },
        0xf4 => .{ 4, 0x80, 0x8f },
        else => return invalid_rune,
    };
    if (s.len < len) return invalid_rune;
    if (s[1] < low or s[1] > high) return invalid_rune;
    for (s[2..len]) |c| {
        if (c < 0x80 or c > 0xbf) return invalid_rune;
    }
    const lead_mask: u8 = @as(u8, 0xff) >> (@as(u3, len) + 1);
    var code: u21 = b0 & lead_mask;
    for (s[1..len]) |c| code = (code << 6) | (c & 0x3f);
    return .{ .code = code, .len = len };
}

fn isRuneStart(b: u8) bool {
    return b & 0xc0 != 0x80;
}

/// utf8.DecodeLastRuneInString for a non-empty `s`.
pub fn decodeLastRune(s: []const u8) Rune {
    assert(s.len > 0);
    const end = s.len;
    if (s[end - 1] < 0x80) return .{ .code = s[end - 1], .len = 1 };
    // Look back at most 4 bytes for the start of the sequence.
    const limit = end -| 4;
    var start = end - 1;
    while (start > limit and !isRuneStart(s[start])) start -= 1;
    const r = decodeRune(s[start..end]);
    if (start + r.len != end) return invalid_rune;
    return r;
}

/// utf8.RuneCountInString: invalid bytes count one each.
pub fn runeCount(s: []const u8) usize {
    var n: usize = 0;
    var i: usize = 0;
    while (i < s.len) : (n += 1) i += decodeRune(s[i..]).len;
    return n;
}

pub fn isValidRune(r: u21) bool {
    return r <= max_rune and !(r >= 0xd800 and r <= 0xdfff);
}

/// utf8.EncodeRune: invalid runes (surrogates, beyond U+10FFFF) encode as U+FFFD.
pub fn encodeRune(r: u21, buffer: *[4]u8) []const u8 {
    const code: u21 = if (isValidRune(r)) r else rune_error;
    if (code < 0x80) {
        buffer[0] = @intCast(code);
        return buffer[0..1];
    }
    if (code < 0x800) {
        buffer[0] = @intCast(0xc0 | (code >> 6));
        buffer[1] = @intCast(0x80 | (code & 0x3f));
        return buffer[0..2];
    }
    if (code < 0x10000) {
        buffer[0] = @intCast(0xe0 | (code >> 12));
        buffer[1] = @intCast(0x80 | ((code >> 6) & 0x3f));
        buffer[2] = @intCast(0x80 | (code & 0x3f));
        return buffer[0..3];
    }
    buffer[0] = @intCast(0xf0 | (code >> 18));
    buffer[1] = @intCast(0x80 | ((code >> 12) & 0x3f));
    buffer[2] = @intCast(0x80 | ((code >> 6) & 0x3f));
    buffer[3] = @intCast(0x80 | (code & 0x3f));
    return buffer[0..4];
}

pub fn appendRune(out: *std.ArrayList(u8), allocator: Allocator, r: u21) Allocator.Error!void {
    var buffer: [4]u8 = undefined;
    try out.appendSlice(allocator, encodeRune(r, &buffer));
}

fn isAscii(s: []const u8) bool {
    for (s) |c| {
        if (c >= 0x80) return false;
    }
    return true;
}

/// Go's []rune(s): invalid bytes become U+FFFD.
fn decodeAll(allocator: Allocator, s: []const u8) Allocator.Error![]u21 {
    const runes = try allocator.alloc(u21, runeCount(s));
    var i: usize = 0;
    for (runes) |*r| {
        const decoded = decodeRune(s[i..]);
        r.* = decoded.code;
        i += decoded.len;
    }
    assert(i == s.len);
    return runes;
}

/// Go's string([]rune).
fn encodeAll(allocator: Allocator, runes: []const u21) Allocator.Error![]const u8 {
    var out: std.ArrayList(u8) = .empty;
    try out.ensureTotalCapacity(allocator, runes.len);
    for (runes) |r| try appendRune(&out, allocator, r);
    return out.items;
}

// ---------------------------------------------------------------------------
// Unicode tables (Go's unicode.ToUpper/ToLower/IsSpace, Unicode 15)

/// Runes lo, lo+stride, ..., hi map to rune+delta; the runes between them
/// (for stride 2) map to themselves. Runs are sorted and disjoint.
const CaseRun = struct {
    lo: u21,
    hi: u21,
    stride: u21,
    delta: i32,
};

fn run(lo: u21, hi: u21, stride: u21, delta: i32) CaseRun {
    return .{ .lo = lo, .hi = hi, .stride = stride, .delta = delta };
}

fn mapCase(runs: []const CaseRun, r: u21) u21 {
    // Index of the first run starting after r.
    var low: usize = 0;
    var high: usize = runs.len;
    while (low < high) {
        const mid = low + (high - low) / 2;
        if (runs[mid].lo <= r) low = mid + 1 else high = mid;
    }
    if (low == 0) return r;
    const case_run = runs[low - 1];
    if (r > case_run.hi or (r - case_run.lo) % case_run.stride != 0) return r;
    return @intCast(@as(i32, r) + case_run.delta);
}

pub fn toUpperRune(r: u21) u21 {
    if (r < 0x80) return if (r >= 'a' and r <= 'z') r - 32 else r; // the common case, no table search
    return mapCase(&upper_runs, r);
}

pub fn toLowerRune(r: u21) u21 {
    if (r < 0x80) return if (r >= 'A' and r <= 'Z') r + 32 else r; // the common case, no table search
    return mapCase(&lower_runs, r);
}

/// unicode.IsSpace.
fn isSpace(r: u21) bool {
    return switch (r) {
        '\t', '\n', 0x0b, 0x0c, '\r', ' ', 0x85, 0xa0, 0x1680, 0x2000...0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000 => true,
        else => false,
    };
}

// Generated from Go 1.26's unicode.ToUpper/ToLower over every rune.
const upper_runs = [_]CaseRun{
    run(0x61, 0x7A, 1, -32),        run(0xB5, 0xB5, 1, 743),        run(0xE0, 0xF6, 1, -32),        run(0xF8, 0xFE, 1, -32),
    run(0xFF, 0xFF, 1, 121),        run(0x101, 0x12F, 2, -1),       run(0x131, 0x131, 1, -232),     run(0x133, 0x137, 2, -1),
    run(0x13A, 0x148, 2, -1),       run(0x14B, 0x177, 2, -1),       run(0x17A, 0x17E, 2, -1),       run(0x17F, 0x17F, 1, -300),
    run(0x180, 0x180, 1, 195),      run(0x183, 0x185, 2, -1),       run(0x188, 0x188, 1, -1),       run(0x18C, 0x18C, 1, -1),
    run(0x192, 0x192, 1, -1),       run(0x195, 0x195, 1, 97),       run(0x199, 0x199, 1, -1),       run(0x19A, 0x19A, 1, 163),
    run(0x19E, 0x19E, 1, 130),      run(0x1A1, 0x1A5, 2, -1),       run(0x1A8, 0x1A8, 1, -1),       run(0x1AD, 0x1AD, 1, -1),
    run(0x1B0, 0x1B0, 1, -1),       run(0x1B4, 0x1B6, 2, -1),       run(0x1B9, 0x1B9, 1, -1),       run(0x1BD, 0x1BD, 1, -1),
    run(0x1BF, 0x1BF, 1, 56),       run(0x1C5, 0x1C5, 1, -1),       run(0x1C6, 0x1C6, 1, -2),       run(0x1C8, 0x1C8, 1, -1),
    run(0x1C9, 0x1C9, 1, -2),       run(0x1CB, 0x1CB, 1, -1),       run(0x1CC, 0x1CC, 1, -2),       run(0x1CE, 0x1DC, 2, -1),
    run(0x1DD, 0x1DD, 1, -79),      run(0x1DF, 0x1EF, 2, -1),       run(0x1F2, 0x1F2, 1, -1),       run(0x1F3, 0x1F3, 1, -2),
    run(0x1F5, 0x1F5, 1, -1),       run(0x1F9, 0x21F, 2, -1),       run(0x223, 0x233, 2, -1),       run(0x23C, 0x23C, 1, -1),
    run(0x23F, 0x240, 1, 10815),    run(0x242, 0x242, 1, -1),       run(0x247, 0x24F, 2, -1),       run(0x250, 0x250, 1, 10783),
    run(0x251, 0x251, 1, 10780),    run(0x252, 0x252, 1, 10782),    run(0x253, 0x253, 1, -210),     run(0x254, 0x254, 1, -206),
    run(0x256, 0x257, 1, -205),     run(0x259, 0x259, 1, -202),     run(0x25B, 0x25B, 1, -203),     run(0x25C, 0x25C, 1, 42319),
    run(0x260, 0x260, 1, -205),     run(0x261, 0x261, 1, 42315),    run(0x263, 0x263, 1, -207),     run(0x265, 0x265, 1, 42280),
    run(0x266, 0x266, 1, 42308),    run(0x268, 0x268, 1, -209),     run(0x269, 0x269, 1, -211),     run(0x26A, 0x26A, 1, 42308),
    run(0x26B, 0x26B, 1, 10743),    run(0x26C, 0x26C, 1, 42305),    run(0x26F, 0x26F, 1, -211),     run(0x271, 0x271, 1, 10749),
    run(0x272, 0x272, 1, -213),     run(0x275, 0x275, 1, -214),     run(0x27D, 0x27D, 1, 10727),    run(0x280, 0x280, 1, -218),
    run(0x282, 0x282, 1, 42307),    run(0x283, 0x283, 1, -218),     run(0x287, 0x287, 1, 42282),    run(0x288, 0x288, 1, -218),
    run(0x289, 0x289, 1, -69),      run(0x28A, 0x28B, 1, -217),     run(0x28C, 0x28C, 1, -71),      run(0x292, 0x292, 1, -219),
    run(0x29D, 0x29D, 1, 42261),    run(0x29E, 0x29E, 1, 42258),    run(0x345, 0x345, 1, 84),       run(0x371, 0x373, 2, -1),
    run(0x377, 0x377, 1, -1),       run(0x37B, 0x37D, 1, 130),      run(0x3AC, 0x3AC, 1, -38),      run(0x3AD, 0x3AF, 1, -37),
    run(0x3B1, 0x3C1, 1, -32),      run(0x3C2, 0x3C2, 1, -31),      run(0x3C3, 0x3CB, 1, -32),      run(0x3CC, 0x3CC, 1, -64),
    run(0x3CD, 0x3CE, 1, -63),      run(0x3D0, 0x3D0, 1, -62),      run(0x3D1, 0x3D1, 1, -57),      run(0x3D5, 0x3D5, 1, -47),
    run(0x3D6, 0x3D6, 1, -54),      run(0x3D7, 0x3D7, 1, -8),       run(0x3D9, 0x3EF, 2, -1),       run(0x3F0, 0x3F0, 1, -86),
    run(0x3F1, 0x3F1, 1, -80),      run(0x3F2, 0x3F2, 1, 7),        run(0x3F3, 0x3F3, 1, -116),     run(0x3F5, 0x3F5, 1, -96),
    run(0x3F8, 0x3F8, 1, -1),       run(0x3FB, 0x3FB, 1, -1),       run(0x430, 0x44F, 1, -32),      run(0x450, 0x45F, 1, -80),
    run(0x461, 0x481, 2, -1),       run(0x48B, 0x4BF, 2, -1),       run(0x4C2, 0x4CE, 2, -1),       run(0x4CF, 0x4CF, 1, -15),
    run(0x4D1, 0x52F, 2, -1),       run(0x561, 0x586, 1, -48),      run(0x10D0, 0x10FA, 1, 3008),   run(0x10FD, 0x10FF, 1, 3008),
    run(0x13F8, 0x13FD, 1, -8),     run(0x1C80, 0x1C80, 1, -6254),  run(0x1C81, 0x1C81, 1, -6253),  run(0x1C82, 0x1C82, 1, -6244),
    run(0x1C83, 0x1C84, 1, -6242),  run(0x1C85, 0x1C85, 1, -6243),  run(0x1C86, 0x1C86, 1, -6236),  run(0x1C87, 0x1C87, 1, -6181),
    run(0x1C88, 0x1C88, 1, 35266),  run(0x1D79, 0x1D79, 1, 35332),  run(0x1D7D, 0x1D7D, 1, 3814),   run(0x1D8E, 0x1D8E, 1, 35384),
    run(0x1E01, 0x1E95, 2, -1),     run(0x1E9B, 0x1E9B, 1, -59),    run(0x1EA1, 0x1EFF, 2, -1),     run(0x1F00, 0x1F07, 1, 8),
    run(0x1F10, 0x1F15, 1, 8),      run(0x1F20, 0x1F27, 1, 8),      run(0x1F30, 0x1F37, 1, 8),      run(0x1F40, 0x1F45, 1, 8),
    run(0x1F51, 0x1F57, 2, 8),      run(0x1F60, 0x1F67, 1, 8),      run(0x1F70, 0x1F71, 1, 74),     run(0x1F72, 0x1F75, 1, 86),
    run(0x1F76, 0x1F77, 1, 100),    run(0x1F78, 0x1F79, 1, 128),    run(0x1F7A, 0x1F7B, 1, 112),    run(0x1F7C, 0x1F7D, 1, 126),
    run(0x1F80, 0x1F87, 1, 8),      run(0x1F90, 0x1F97, 1, 8),      run(0x1FA0, 0x1FA7, 1, 8),      run(0x1FB0, 0x1FB1, 1, 8),
    run(0x1FB3, 0x1FB3, 1, 9),      run(0x1FBE, 0x1FBE, 1, -7205),  run(0x1FC3, 0x1FC3, 1, 9),      run(0x1FD0, 0x1FD1, 1, 8),
    run(0x1FE0, 0x1FE1, 1, 8),      run(0x1FE5, 0x1FE5, 1, 7),      run(0x1FF3, 0x1FF3, 1, 9),      run(0x214E, 0x214E, 1, -28),
    run(0x2170, 0x217F, 1, -16),    run(0x2184, 0x2184, 1, -1),     run(0x24D0, 0x24E9, 1, -26),    run(0x2C30, 0x2C5F, 1, -48),
    run(0x2C61, 0x2C61, 1, -1),     run(0x2C65, 0x2C65, 1, -10795), run(0x2C66, 0x2C66, 1, -10792), run(0x2C68, 0x2C6C, 2, -1),
    run(0x2C73, 0x2C73, 1, -1),     run(0x2C76, 0x2C76, 1, -1),     run(0x2C81, 0x2CE3, 2, -1),     run(0x2CEC, 0x2CEE, 2, -1),
    run(0x2CF3, 0x2CF3, 1, -1),     run(0x2D00, 0x2D25, 1, -7264),  run(0x2D27, 0x2D27, 1, -7264),  run(0x2D2D, 0x2D2D, 1, -7264),
    run(0xA641, 0xA66D, 2, -1),     run(0xA681, 0xA69B, 2, -1),     run(0xA723, 0xA72F, 2, -1),     run(0xA733, 0xA76F, 2, -1),
    run(0xA77A, 0xA77C, 2, -1),     run(0xA77F, 0xA787, 2, -1),     run(0xA78C, 0xA78C, 1, -1),     run(0xA791, 0xA793, 2, -1),
    run(0xA794, 0xA794, 1, 48),     run(0xA797, 0xA7A9, 2, -1),     run(0xA7B5, 0xA7C3, 2, -1),     run(0xA7C8, 0xA7CA, 2, -1),
    run(0xA7D1, 0xA7D1, 1, -1),     run(0xA7D7, 0xA7D9, 2, -1),     run(0xA7F6, 0xA7F6, 1, -1),     run(0xAB53, 0xAB53, 1, -928),
    run(0xAB70, 0xABBF, 1, -38864), run(0xFF41, 0xFF5A, 1, -32),    run(0x10428, 0x1044F, 1, -40),  run(0x104D8, 0x104FB, 1, -40),
    run(0x10597, 0x105A1, 1, -39),  run(0x105A3, 0x105B1, 1, -39),  run(0x105B3, 0x105B9, 1, -39),  run(0x105BB, 0x105BC, 1, -39),
    run(0x10CC0, 0x10CF2, 1, -64),  run(0x118C0, 0x118DF, 1, -32),  run(0x16E60, 0x16E7F, 1, -32),  run(0x1E922, 0x1E943, 1, -34),
};

const lower_runs = [_]CaseRun{
    run(0x41, 0x5A, 1, 32),         run(0xC0, 0xD6, 1, 32),         run(0xD8, 0xDE, 1, 32),         run(0x100, 0x12E, 2, 1),
    run(0x130, 0x130, 1, -199),     run(0x132, 0x136, 2, 1),        run(0x139, 0x147, 2, 1),        run(0x14A, 0x176, 2, 1),
    run(0x178, 0x178, 1, -121),     run(0x179, 0x17D, 2, 1),        run(0x181, 0x181, 1, 210),      run(0x182, 0x184, 2, 1),
    run(0x186, 0x186, 1, 206),      run(0x187, 0x187, 1, 1),        run(0x189, 0x18A, 1, 205),      run(0x18B, 0x18B, 1, 1),
    run(0x18E, 0x18E, 1, 79),       run(0x18F, 0x18F, 1, 202),      run(0x190, 0x190, 1, 203),      run(0x191, 0x191, 1, 1),
    run(0x193, 0x193, 1, 205),      run(0x194, 0x194, 1, 207),      run(0x196, 0x196, 1, 211),      run(0x197, 0x197, 1, 209),
    run(0x198, 0x198, 1, 1),        run(0x19C, 0x19C, 1, 211),      run(0x19D, 0x19D, 1, 213),      run(0x19F, 0x19F, 1, 214),
    run(0x1A0, 0x1A4, 2, 1),        run(0x1A6, 0x1A6, 1, 218),      run(0x1A7, 0x1A7, 1, 1),        run(0x1A9, 0x1A9, 1, 218),
    run(0x1AC, 0x1AC, 1, 1),        run(0x1AE, 0x1AE, 1, 218),      run(0x1AF, 0x1AF, 1, 1),        run(0x1B1, 0x1B2, 1, 217),
    run(0x1B3, 0x1B5, 2, 1),        run(0x1B7, 0x1B7, 1, 219),      run(0x1B8, 0x1B8, 1, 1),        run(0x1BC, 0x1BC, 1, 1),
    run(0x1C4, 0x1C4, 1, 2),        run(0x1C5, 0x1C5, 1, 1),        run(0x1C7, 0x1C7, 1, 2),        run(0x1C8, 0x1C8, 1, 1),
    run(0x1CA, 0x1CA, 1, 2),        run(0x1CB, 0x1DB, 2, 1),        run(0x1DE, 0x1EE, 2, 1),        run(0x1F1, 0x1F1, 1, 2),
    run(0x1F2, 0x1F4, 2, 1),        run(0x1F6, 0x1F6, 1, -97),      run(0x1F7, 0x1F7, 1, -56),      run(0x1F8, 0x21E, 2, 1),
    run(0x220, 0x220, 1, -130),     run(0x222, 0x232, 2, 1),        run(0x23A, 0x23A, 1, 10795),    run(0x23B, 0x23B, 1, 1),
    run(0x23D, 0x23D, 1, -163),     run(0x23E, 0x23E, 1, 10792),    run(0x241, 0x241, 1, 1),        run(0x243, 0x243, 1, -195),
    run(0x244, 0x244, 1, 69),       run(0x245, 0x245, 1, 71),       run(0x246, 0x24E, 2, 1),        run(0x370, 0x372, 2, 1),
    run(0x376, 0x376, 1, 1),        run(0x37F, 0x37F, 1, 116),      run(0x386, 0x386, 1, 38),       run(0x388, 0x38A, 1, 37),
    run(0x38C, 0x38C, 1, 64),       run(0x38E, 0x38F, 1, 63),       run(0x391, 0x3A1, 1, 32),       run(0x3A3, 0x3AB, 1, 32),
    run(0x3CF, 0x3CF, 1, 8),        run(0x3D8, 0x3EE, 2, 1),        run(0x3F4, 0x3F4, 1, -60),      run(0x3F7, 0x3F7, 1, 1),
    run(0x3F9, 0x3F9, 1, -7),       run(0x3FA, 0x3FA, 1, 1),        run(0x3FD, 0x3FF, 1, -130),     run(0x400, 0x40F, 1, 80),
    run(0x410, 0x42F, 1, 32),       run(0x460, 0x480, 2, 1),        run(0x48A, 0x4BE, 2, 1),        run(0x4C0, 0x4C0, 1, 15),
    run(0x4C1, 0x4CD, 2, 1),        run(0x4D0, 0x52E, 2, 1),        run(0x531, 0x556, 1, 48),       run(0x10A0, 0x10C5, 1, 7264),
    run(0x10C7, 0x10C7, 1, 7264),   run(0x10CD, 0x10CD, 1, 7264),   run(0x13A0, 0x13EF, 1, 38864),  run(0x13F0, 0x13F5, 1, 8),
    run(0x1C90, 0x1CBA, 1, -3008),  run(0x1CBD, 0x1CBF, 1, -3008),  run(0x1E00, 0x1E94, 2, 1),      run(0x1E9E, 0x1E9E, 1, -7615),
    run(0x1EA0, 0x1EFE, 2, 1),      run(0x1F08, 0x1F0F, 1, -8),     run(0x1F18, 0x1F1D, 1, -8),     run(0x1F28, 0x1F2F, 1, -8),
    run(0x1F38, 0x1F3F, 1, -8),     run(0x1F48, 0x1F4D, 1, -8),     run(0x1F59, 0x1F5F, 2, -8),     run(0x1F68, 0x1F6F, 1, -8),
    run(0x1F88, 0x1F8F, 1, -8),     run(0x1F98, 0x1F9F, 1, -8),     run(0x1FA8, 0x1FAF, 1, -8),     run(0x1FB8, 0x1FB9, 1, -8),
    run(0x1FBA, 0x1FBB, 1, -74),    run(0x1FBC, 0x1FBC, 1, -9),     run(0x1FC8, 0x1FCB, 1, -86),    run(0x1FCC, 0x1FCC, 1, -9),
    run(0x1FD8, 0x1FD9, 1, -8),     run(0x1FDA, 0x1FDB, 1, -100),   run(0x1FE8, 0x1FE9, 1, -8),     run(0x1FEA, 0x1FEB, 1, -112),
    run(0x1FEC, 0x1FEC, 1, -7),     run(0x1FF8, 0x1FF9, 1, -128),   run(0x1FFA, 0x1FFB, 1, -126),   run(0x1FFC, 0x1FFC, 1, -9),
    run(0x2126, 0x2126, 1, -7517),  run(0x212A, 0x212A, 1, -8383),  run(0x212B, 0x212B, 1, -8262),  run(0x2132, 0x2132, 1, 28),
    run(0x2160, 0x216F, 1, 16),     run(0x2183, 0x2183, 1, 1),      run(0x24B6, 0x24CF, 1, 26),     run(0x2C00, 0x2C2F, 1, 48),
    run(0x2C60, 0x2C60, 1, 1),      run(0x2C62, 0x2C62, 1, -10743), run(0x2C63, 0x2C63, 1, -3814),  run(0x2C64, 0x2C64, 1, -10727),
    run(0x2C67, 0x2C6B, 2, 1),      run(0x2C6D, 0x2C6D, 1, -10780), run(0x2C6E, 0x2C6E, 1, -10749), run(0x2C6F, 0x2C6F, 1, -10783),
    run(0x2C70, 0x2C70, 1, -10782), run(0x2C72, 0x2C72, 1, 1),      run(0x2C75, 0x2C75, 1, 1),      run(0x2C7E, 0x2C7F, 1, -10815),
    run(0x2C80, 0x2CE2, 2, 1),      run(0x2CEB, 0x2CED, 2, 1),      run(0x2CF2, 0x2CF2, 1, 1),      run(0xA640, 0xA66C, 2, 1),
    run(0xA680, 0xA69A, 2, 1),      run(0xA722, 0xA72E, 2, 1),      run(0xA732, 0xA76E, 2, 1),      run(0xA779, 0xA77B, 2, 1),
    run(0xA77D, 0xA77D, 1, -35332), run(0xA77E, 0xA786, 2, 1),      run(0xA78B, 0xA78B, 1, 1),      run(0xA78D, 0xA78D, 1, -42280),
    run(0xA790, 0xA792, 2, 1),      run(0xA796, 0xA7A8, 2, 1),      run(0xA7AA, 0xA7AA, 1, -42308), run(0xA7AB, 0xA7AB, 1, -42319),
    run(0xA7AC, 0xA7AC, 1, -42315), run(0xA7AD, 0xA7AD, 1, -42305), run(0xA7AE, 0xA7AE, 1, -42308), run(0xA7B0, 0xA7B0, 1, -42258),
    run(0xA7B1, 0xA7B1, 1, -42282), run(0xA7B2, 0xA7B2, 1, -42261), run(0xA7B3, 0xA7B3, 1, 928),    run(0xA7B4, 0xA7C2, 2, 1),
    run(0xA7C4, 0xA7C4, 1, -48),    run(0xA7C5, 0xA7C5, 1, -42307), run(0xA7C6, 0xA7C6, 1, -35384), run(0xA7C7, 0xA7C9, 2, 1),
    run(0xA7D0, 0xA7D0, 1, 1),      run(0xA7D6, 0xA7D8, 2, 1),      run(0xA7F5, 0xA7F5, 1, 1),      run(0xFF21, 0xFF3A, 1, 32),
    run(0x10400, 0x10427, 1, 40),   run(0x104B0, 0x104D3, 1, 40),   run(0x10570, 0x1057A, 1, 39),   run(0x1057C, 0x1058A, 1, 39),
    run(0x1058C, 0x10592, 1, 39),   run(0x10594, 0x10595, 1, 39),   run(0x10C80, 0x10CB2, 1, 64),   run(0x118A0, 0x118BF, 1, 32),
    run(0x16E40, 0x16E5F, 1, 32),   run(0x1E900, 0x1E921, 1, 34),
};

// ---------------------------------------------------------------------------
// concat, startswith, endswith, contains

fn concat(ctx: *Context, args: []const Value) Error!Value {
    const separator = try stringOperand(ctx, args, 0);
    const items = switch (args[1]) {
        .array => |items| items,
        .set => |set| set.items,
        else => return ctx.operandError(2, "one of {set, array}", args[1]),
    };
    var total: usize = 0;
    for (items) |item| switch (item) {
        .string => |s| total += s.len,
        else => return elementError(ctx, 2, args[1], item),
    };
    if (items.len == 0) return stringValue("");
    if (items.len == 1) return items[0];
    total += separator.len * (items.len - 1);
    const out = try ctx.allocator.alloc(u8, total);
    var position: usize = 0;
    for (items, 0..) |item, i| {
        if (i > 0) {
            @memcpy(out[position..][0..separator.len], separator);
            position += separator.len;
        }
        @memcpy(out[position..][0..item.string.len], item.string);
        position += item.string.len;
    }
    assert(position == total);
    return stringValue(out);
}

/// OPA's NewOperandElementErr: "operand 2 must be array of strings but got array containing number".
fn elementError(ctx: *Context, position: usize, collection: Value, element: Value) Error {
    const collection_type = builtin.typeName(collection);
    return ctx.typeError("operand {d} must be {s} of strings but got {s} containing {s}", .{
        position, collection_type, collection_type, builtin.typeName(element),
    });
}

fn startsWith(ctx: *Context, args: []const Value) Error!Value {
    const s = try stringOperand(ctx, args, 0);
    const prefix = try stringOperand(ctx, args, 1);
    return .{ .boolean = std.mem.startsWith(u8, s, prefix) };
}

fn endsWith(ctx: *Context, args: []const Value) Error!Value {
    const s = try stringOperand(ctx, args, 0);
    const suffix = try stringOperand(ctx, args, 1);
    return .{ .boolean = std.mem.endsWith(u8, s, suffix) };
}

fn contains(ctx: *Context, args: []const Value) Error!Value {
    const s = try stringOperand(ctx, args, 0);
    const substring_ = try stringOperand(ctx, args, 1);
    return .{ .boolean = std.mem.indexOf(u8, s, substring_) != null };
}

// ---------------------------------------------------------------------------
// lower, upper

fn lower(ctx: *Context, args: []const Value) Error!Value {
    const s = try stringOperand(ctx, args, 0);
    return stringValue(try mapRunes(ctx.allocator, s, toLowerRune));
}

fn upper(ctx: *Context, args: []const Value) Error!Value {
    const s = try stringOperand(ctx, args, 0);
    return stringValue(try mapRunes(ctx.allocator, s, toUpperRune));
}

/// strings.Map: every rune mapped, invalid bytes replaced by U+FFFD; the
/// input itself when nothing changes.
fn mapRunes(allocator: Allocator, s: []const u8, mapping: fn (u21) u21) Allocator.Error![]const u8 {
    // The unchanged prefix: valid runes that map to themselves.
    var i: usize = 0;
    while (i < s.len) {
        const r = decodeRune(s[i..]);
        if (r.code == rune_error and r.len == 1) break;
        if (mapping(r.code) != r.code) break;
        i += r.len;
    } else return s;

    var out: std.ArrayList(u8) = .empty;
    try out.ensureTotalCapacity(allocator, s.len);
    out.appendSliceAssumeCapacity(s[0..i]);
    while (i < s.len) {
        const r = decodeRune(s[i..]);
        i += r.len;
        try appendRune(&out, allocator, mapping(r.code));
    }
    return out.items;
}

// ---------------------------------------------------------------------------
// split, strings.split_n

fn split(ctx: *Context, args: []const Value) Error!Value {
    const s = try stringOperand(ctx, args, 0);
    const delimiter = try stringOperand(ctx, args, 1);
    if (std.mem.indexOf(u8, s, delimiter) == null) {
        const items = try ctx.allocator.alloc(Value, 1);
        items[0] = args[0];
        return .{ .array = items };
    }
    return stringsToArray(ctx.allocator, try splitAll(ctx.allocator, s, delimiter));
}

fn splitN(ctx: *Context, args: []const Value) Error!Value {
    const s = try stringOperand(ctx, args, 0);
    const delimiter = try stringOperand(ctx, args, 1);
    const n = try intOperand(ctx, args, 2);
    // OPA takes the first n parts of strings.SplitN(s, d, n+1), which are the
    // first n parts of the full split; a negative n keeps the last -n parts.
    const parts = try splitAll(ctx.allocator, s, delimiter);
    const len: i128 = parts.len;
    if (n >= 0) return stringsToArray(ctx.allocator, parts[0..@intCast(@min(len, n))]);
    return stringsToArray(ctx.allocator, parts[@intCast(@max(len + n, 0))..]);
}

/// strings.Split: an empty delimiter splits after each UTF-8 sequence (each
/// invalid byte on its own). Parts are slices of `s`.
fn splitAll(allocator: Allocator, s: []const u8, delimiter: []const u8) Allocator.Error![]const []const u8 {
    if (delimiter.len == 0) {
        const parts = try allocator.alloc([]const u8, runeCount(s));
        var i: usize = 0;
        for (parts) |*part| {
            const len = decodeRune(s[i..]).len;
            part.* = s[i..][0..len];
            i += len;
        }
        return parts;
    }
    const parts = try allocator.alloc([]const u8, std.mem.count(u8, s, delimiter) + 1);
    var iterator = std.mem.splitSequence(u8, s, delimiter);
    for (parts) |*part| part.* = iterator.next().?; // count+1 parts exist.
    assert(iterator.next() == null);
    return parts;
}

// ---------------------------------------------------------------------------
// trim, trim_left, trim_right, trim_prefix, trim_suffix, trim_space

fn trim(ctx: *Context, args: []const Value) Error!Value {
    const s = try stringOperand(ctx, args, 0);
    const cutset = try stringOperand(ctx, args, 1);
    return stringValue(trimRightRunes(trimLeftRunes(s, cutset), cutset));
}

fn trimLeft(ctx: *Context, args: []const Value) Error!Value {
    const s = try stringOperand(ctx, args, 0);
    const cutset = try stringOperand(ctx, args, 1);
    return stringValue(trimLeftRunes(s, cutset));
}

fn trimRight(ctx: *Context, args: []const Value) Error!Value {
    const s = try stringOperand(ctx, args, 0);
    const cutset = try stringOperand(ctx, args, 1);
    return stringValue(trimRightRunes(s, cutset));
}

/// strings.ContainsRune(cutset, r): U+FFFD matches any invalid byte too.
fn cutsetContains(cutset: []const u8, r: u21) bool {
    var i: usize = 0;
    while (i < cutset.len) {
        const c = decodeRune(cutset[i..]);
        if (c.code == r) return true;
        i += c.len;
    }
    return false;
}

fn trimLeftRunes(s: []const u8, cutset: []const u8) []const u8 {
    var rest = s;
    while (rest.len > 0) {
        const r = decodeRune(rest);
        if (!cutsetContains(cutset, r.code)) break;
        rest = rest[r.len..];
    }
    return rest;
}

fn trimRightRunes(s: []const u8, cutset: []const u8) []const u8 {
    var rest = s;
    while (rest.len > 0) {
        const r = decodeLastRune(rest);
        if (!cutsetContains(cutset, r.code)) break;
        rest = rest[0 .. rest.len - r.len];
    }
    return rest;
}

fn trimPrefix(ctx: *Context, args: []const Value) Error!Value {
    const s = try stringOperand(ctx, args, 0);
    const prefix = try stringOperand(ctx, args, 1);
    if (!std.mem.startsWith(u8, s, prefix)) return args[0];
    return stringValue(s[prefix.len..]);
}

fn trimSuffix(ctx: *Context, args: []const Value) Error!Value {
    const s = try stringOperand(ctx, args, 0);
    const suffix = try stringOperand(ctx, args, 1);
    if (!std.mem.endsWith(u8, s, suffix)) return args[0];
    return stringValue(s[0 .. s.len - suffix.len]);
}

fn trimSpace(ctx: *Context, args: []const Value) Error!Value {
    var rest = try stringOperand(ctx, args, 0);
    while (rest.len > 0) {
        const r = decodeRune(rest);
        if (!isSpace(r.code)) break;
        rest = rest[r.len..];
    }
    while (rest.len > 0) {
        const r = decodeLastRune(rest);
        if (!isSpace(r.code)) break;
        rest = rest[0 .. rest.len - r.len];
    }
    return stringValue(rest);
}

// ---------------------------------------------------------------------------
// replace, strings.replace_n

const Replacement = struct {
    old: []const u8,
    new: []const u8,
};

fn replace(ctx: *Context, args: []const Value) Error!Value {
    const s = try stringOperand(ctx, args, 0);
    const old = try stringOperand(ctx, args, 1);
    const new = try stringOperand(ctx, args, 2);
    return stringValue(try replaceAll(ctx.allocator, s, &.{.{ .old = old, .new = new }}));
}

fn replaceN(ctx: *Context, args: []const Value) Error!Value {
    const patterns = switch (args[0]) {
        .object => |object| object,
        else => return ctx.operandError(1, "object", args[0]),
    };
    const s = try stringOperand(ctx, args, 1);
    // Canonical key order is OPA's: it decides both which error comes first
    // and the priority of overlapping patterns.
    const replacements = try ctx.allocator.alloc(Replacement, patterns.keys.len);
    for (patterns.keys, patterns.values, replacements) |key, value, *replacement| {
        if (key != .string) return ctx.typeError("operand 1 non-string key found in pattern object", .{});
        if (value != .string) return ctx.typeError("operand 1 non-string value found in pattern object", .{});
        replacement.* = .{ .old = key.string, .new = value.string };
    }
    return stringValue(try replaceAll(ctx.allocator, s, replacements));
}

/// Go's strings.Replacer: scanning byte positions left to right, the first
/// replacement (in argument order) whose old string starts at the position
/// is applied and the scan resumes after it. An empty old string matches at
/// every position, but not twice in a row at the same one.
fn replaceAll(allocator: Allocator, s: []const u8, replacements: []const Replacement) Allocator.Error![]const u8 {
    if (replacements.len == 1 and replacements[0].old.len > 0) {
        return replaceOne(allocator, s, replacements[0]);
    }
    var out: std.ArrayList(u8) = .empty;
    var copied: usize = 0;
    var matched = false;
    var i: usize = 0;
    var previous_match_empty = false;
    while (i <= s.len) {
        const match = firstMatch(s[i..], replacements, previous_match_empty);
        previous_match_empty = match != null and match.?.old.len == 0;
        if (match) |replacement| {
            matched = true;
            try out.appendSlice(allocator, s[copied..i]);
            try out.appendSlice(allocator, replacement.new);
            i += replacement.old.len;
            copied = i;
        } else {
            i += 1;
        }
    }
    if (!matched) return s;
    try out.appendSlice(allocator, s[copied..]);
    return out.items;
}

fn firstMatch(rest: []const u8, replacements: []const Replacement, skip_empty: bool) ?Replacement {
    for (replacements) |replacement| {
        if (skip_empty and replacement.old.len == 0) continue;
        if (std.mem.startsWith(u8, rest, replacement.old)) return replacement;
    }
    return null;
}

/// Non-overlapping occurrences of one non-empty string, left to right.
fn replaceOne(allocator: Allocator, s: []const u8, replacement: Replacement) Allocator.Error![]const u8 {
    assert(replacement.old.len > 0);
    var position = std.mem.indexOf(u8, s, replacement.old) orelse return s;
    var out: std.ArrayList(u8) = .empty;
    var copied: usize = 0;
    while (true) {
        try out.appendSlice(allocator, s[copied..position]);
        try out.appendSlice(allocator, replacement.new);
        copied = position + replacement.old.len;
        position = std.mem.indexOfPos(u8, s, copied, replacement.old) orelse break;
    }
    try out.appendSlice(allocator, s[copied..]);
    return out.items;
}

// ---------------------------------------------------------------------------
// substring, indexof, indexof_n, strings.count

fn substring(ctx: *Context, args: []const Value) Error!Value {
    const s = try stringOperand(ctx, args, 0);
    const start = try intOperand(ctx, args, 1);
    const length = try intOperand(ctx, args, 2);
    if (start < 0) return ctx.builtinError("negative offset", .{});
    if (s.len == 0) return stringValue("");

    if (isAscii(s)) {
        if (start >= s.len) return stringValue("");
        const begin: usize = @intCast(start);
        if (length < 0) return stringValue(s[begin..]);
        if (start == 0 and length >= s.len) return args[0];
        const end = try sliceEnd(ctx, start, length, s.len);
        return stringValue(s[begin..end]);
    }

    const rune_count = runeCount(s);
    if (start == 0 and length >= rune_count) return args[0];
    if (start >= rune_count) return stringValue("");
    const runes = try decodeAll(ctx.allocator, s);
    const begin: usize = @intCast(start);
    const end = if (length < 0) runes.len else try sliceEnd(ctx, start, length, runes.len);
    return stringValue(try encodeAll(ctx.allocator, runes[begin..end]));
}

/// min(len, start+length) as Go computes it: when the sum overflows, Go
/// slices with a negative bound and panics; we report that as an error.
fn sliceEnd(ctx: *Context, start: i64, length: i64, len: usize) Error!usize {
    assert(start >= 0 and length >= 0);
    const end = std.math.add(i64, start, length) catch
        return ctx.builtinError("runtime error: slice bounds out of range", .{});
    return @min(len, @as(usize, @intCast(end)));
}

fn indexOf(ctx: *Context, args: []const Value) Error!Value {
    const s = try stringOperand(ctx, args, 0);
    const search = try stringOperand(ctx, args, 1);
    if (search.len == 0) return ctx.builtinError("empty search character", .{});
    if (isAscii(s) and isAscii(search)) {
        const index = std.mem.indexOf(u8, s, search) orelse return intValue(-1);
        return intValue(@intCast(index));
    }
    const runes = try decodeAll(ctx.allocator, s);
    const search_runes = try decodeAll(ctx.allocator, search);
    const index = std.mem.indexOf(u21, runes, search_runes) orelse return intValue(-1);
    return intValue(@intCast(index));
}

fn indexOfN(ctx: *Context, args: []const Value) Error!Value {
    const s = try stringOperand(ctx, args, 0);
    const search = try stringOperand(ctx, args, 1);
    if (search.len == 0) return ctx.builtinError("empty search character", .{});
    const runes = try decodeAll(ctx.allocator, s);
    const search_runes = try decodeAll(ctx.allocator, search);
    // Every match, overlapping ones included.
    var indexes: std.ArrayList(Value) = .empty;
    var start: usize = 0;
    while (std.mem.indexOfPos(u21, runes, start, search_runes)) |index| {
        try indexes.append(ctx.allocator, intValue(@intCast(index)));
        start = index + 1;
    }
    return .{ .array = indexes.items };
}

fn count(ctx: *Context, args: []const Value) Error!Value {
    const s = try stringOperand(ctx, args, 0);
    const search = try stringOperand(ctx, args, 1);
    // strings.Count: an empty string occurs before each rune and at the end.
    const n = if (search.len == 0) runeCount(s) + 1 else std.mem.count(u8, s, search);
    return intValue(@intCast(n));
}

// ---------------------------------------------------------------------------
// strings.reverse, strings.any_prefix_match, strings.any_suffix_match

fn reverse(ctx: *Context, args: []const Value) Error!Value {
    const s = try stringOperand(ctx, args, 0);
    return stringValue(try reverseString(ctx, s));
}

/// OPA's reverseString: each rune decoded from the front is encoded at the
/// mirrored position. An invalid byte re-encodes as 3-byte U+FFFD over the
/// bytes after it, or past the end of the buffer, where Go panics.
fn reverseString(ctx: *Context, s: []const u8) Error![]const u8 {
    const out = try ctx.allocator.alloc(u8, s.len);
    @memset(out, 0);
    var start: usize = 0;
    while (start < s.len) {
        const r = decodeRune(s[start..]);
        start += r.len;
        var buffer: [4]u8 = undefined;
        const encoded = encodeRune(r.code, &buffer);
        const position = s.len - start;
        if (position + encoded.len > s.len) {
            return ctx.builtinError("runtime error: index out of range [{d}] with length {d}", .{
                s.len - position, s.len - position,
            });
        }
        @memcpy(out[position..][0..encoded.len], encoded);
    }
    return out;
}

fn anyPrefixMatch(ctx: *Context, args: []const Value) Error!Value {
    const strs = try stringListOperand(ctx, args, 0);
    const prefixes = try stringListOperand(ctx, args, 1);
    return .{ .boolean = anyStartsWithAny(strs, prefixes) };
}

fn anySuffixMatch(ctx: *Context, args: []const Value) Error!Value {
    const strs = try stringListOperand(ctx, args, 0);
    const suffixes = try stringListOperand(ctx, args, 1);
    // OPA compares reversed strings, which differs from a suffix test on
    // invalid UTF-8; reversing keeps its answers (and its failures).
    const reversed_strs = try ctx.allocator.alloc([]const u8, strs.len);
    for (strs, reversed_strs) |s, *r| r.* = try reverseString(ctx, s);
    const reversed_suffixes = try ctx.allocator.alloc([]const u8, suffixes.len);
    for (suffixes, reversed_suffixes) |s, *r| r.* = try reverseString(ctx, s);
    return .{ .boolean = anyStartsWithAny(reversed_strs, reversed_suffixes) };
}

fn anyStartsWithAny(strs: []const []const u8, prefixes: []const []const u8) bool {
    for (prefixes) |prefix| {
        for (strs) |s| {
            if (std.mem.startsWith(u8, s, prefix)) return true;
        }
    }
    return false;
}

/// A string, or an array or set of strings, as a list.
fn stringListOperand(ctx: *Context, args: []const Value, index: usize) Error![]const []const u8 {
    const items = switch (args[index]) {
        .string => |s| {
            const list = try ctx.allocator.alloc([]const u8, 1);
            list[0] = s;
            return list;
        },
        .array => |items| items,
        .set => |set| set.items,
        else => return ctx.operandError(index + 1, "one of {string, set, array}", args[index]),
    };
    const list = try ctx.allocator.alloc([]const u8, items.len);
    for (items, list) |item, *s| switch (item) {
        .string => |text| s.* = text,
        else => return elementError(ctx, index + 1, args[index], item),
    };
    return list;
}

// ---------------------------------------------------------------------------
// format_int

fn formatInt(ctx: *Context, args: []const Value) Error!Value {
    const input = try numberOperand(ctx, args, 0);
    const base_number = try numberOperand(ctx, args, 1);
    // OPA compares the base's literal text: 2.0 is not a valid base.
    var base_buffer: [20]u8 = undefined;
    const base_text = base_number.literal(&base_buffer);
    const base: u8 = for ([_]struct { []const u8, u8 }{ .{ "2", 2 }, .{ "8", 8 }, .{ "10", 10 }, .{ "16", 16 } }) |candidate| {
        if (std.mem.eql(u8, base_text, candidate[0])) break candidate[1];
    } else return ctx.typeError("operand 2 must be one of {{2, 8, 10, 16}}", .{});
    return stringValue(try formatIntText(ctx, input, base));
}

fn formatIntText(ctx: *Context, input: Number, base: u8) Error![]const u8 {
    const allocator = ctx.allocator;
    // Integer literals are formatted exactly, at any size.
    if (atoi64(input)) |i| return formatI64(allocator, i, base);
    assert(input == .big); // Every .int has an i64.
    const text = input.big.text;
    if (isPlainInteger(text)) {
        const negative = text[0] == '-';
        const magnitude = try bigFromDecimal(allocator, if (negative) text[1..] else text);
        const formatted = try bigToString(allocator, magnitude, base, false);
        if (!negative) return formatted;
        return std.mem.concat(allocator, u8, &.{ "-", formatted });
    }
    // Fractions and exponent forms: OPA parses a big.Float of 64-bit
    // precision, which f80 reproduces, and truncates toward zero.
    const truncated = @trunc(input.toF80());
    if (!std.math.isFinite(truncated)) {
        return try formatHugeNumber(allocator, input.big.decimal, base) orelse
            ctx.builtinError("number too large", .{});
    }
    if (@abs(truncated) < 0x1p63) return formatI64(allocator, @intFromFloat(truncated), base);
    return formatLargeFloat(allocator, truncated, base);
}

/// A value beyond f80's range, rounded to 64 significant bits (half to even)
/// as big.Float does, computed exactly from the decimal; null when the
/// exponent is too large to expand.
fn formatHugeNumber(allocator: Allocator, decimal: value_mod.number.Decimal, base: u8) Allocator.Error!?[]const u8 {
    const Managed = std.math.big.int.Managed;
    const max_exponent = 100_000;
    if (decimal.exponent > max_exponent or decimal.exponent < -max_exponent) return null;
    assert(!decimal.isZero());

    // The integer part, and whether a fraction was dropped.
    var integer = try bigFromDecimal(allocator, decimal.digits);
    var power = try Managed.initSet(allocator, 10);
    try power.pow(&power, @intCast(@abs(decimal.exponent)));
    var fraction_dropped = false;
    if (decimal.exponent >= 0) {
        try integer.mul(&integer, &power);
    } else {
        var quotient = try Managed.init(allocator);
        var remainder = try Managed.init(allocator);
        try quotient.divTrunc(&remainder, &integer, &power);
        fraction_dropped = !remainder.eqlZero();
        integer.swap(&quotient);
    }

    const bits = integer.bitCountAbs();
    assert(bits > 64); // Beyond f80's range.
    const shift = bits - 64;
    var mantissa = try Managed.init(allocator);
    try mantissa.shiftRight(&integer, shift);
    var dropped = try Managed.init(allocator);
    try dropped.shiftLeft(&mantissa, shift);
    try dropped.sub(&integer, &dropped);
    var half = try Managed.initSet(allocator, 1);
    try half.shiftLeft(&half, shift - 1);
    const round_up = switch (dropped.order(half)) {
        .gt => true,
        .eq => fraction_dropped or mantissa.isOdd(),
        .lt => false,
    };
    if (round_up) try mantissa.addScalar(&mantissa, 1);
    try integer.shiftLeft(&mantissa, shift);

    const formatted = try bigToString(allocator, integer, base, false);
    if (!decimal.negative) return formatted;
    return try std.mem.concat(allocator, u8, &.{ "-", formatted });
}

/// An optionally negative run of decimal digits (what Go's big.Int.SetString
/// accepts from a JSON number literal).
fn isPlainInteger(text: []const u8) bool {
    const digits = if (text.len > 0 and text[0] == '-') text[1..] else text;
    if (digits.len == 0) return false;
    for (digits) |c| {
        if (c < '0' or c > '9') return false;
    }
    return true;
}

fn formatI64(allocator: Allocator, i: i64, base: u8) Allocator.Error![]const u8 {
    var buffer: [64]u8 = undefined;
    const digits = formatUnsigned(&buffer, @abs(i), base, false);
    if (i >= 0) return allocator.dupe(u8, digits);
    return std.mem.concat(allocator, u8, &.{ "-", digits });
}

/// `value` in `base` (2..16), digits only.
pub fn formatUnsigned(buffer: *[64]u8, value: u64, base: u8, uppercase: bool) []const u8 {
    assert(base >= 2 and base <= 16);
    const digit_chars = if (uppercase) "0123456789ABCDEF" else "0123456789abcdef";
    var rest = value;
    var position: usize = buffer.len;
    while (true) {
        position -= 1;
        buffer[position] = digit_chars[@intCast(rest % base)];
        rest /= base;
        if (rest == 0) break;
    }
    return buffer[position..];
}

/// A big integer from ASCII decimal digits.
pub fn bigFromDecimal(allocator: Allocator, digits: []const u8) Allocator.Error!std.math.big.int.Managed {
    assert(digits.len > 0);
    for (digits) |c| assert(c >= '0' and c <= '9');
    var result = try std.math.big.int.Managed.init(allocator);
    result.setString(10, digits) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        // Base 10 and decimal digits were checked above.
        error.InvalidBase, error.InvalidCharacter => unreachable,
    };
    return result;
}

/// `magnitude` (non-negative) in base 2, 8, 10 or 16. Octal goes through
/// binary: std's big-int toString splits octal digits at limb boundaries.
pub fn bigToString(allocator: Allocator, magnitude: std.math.big.int.Managed, base: u8, uppercase: bool) Allocator.Error![]const u8 {
    assert(magnitude.isPositive());
    assert(base == 2 or base == 8 or base == 10 or base == 16);
    const case: std.fmt.Case = if (uppercase) .upper else .lower;
    const text_base: u8 = if (base == 8) 2 else base;
    const text = magnitude.toString(allocator, text_base, case) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        error.InvalidBase => unreachable, // Checked above.
    };
    if (base != 8) return text;
    // Three bits per octal digit, grouped from the least significant.
    const octal = try allocator.alloc(u8, (text.len + 2) / 3);
    var bit_end = text.len;
    var position = octal.len;
    while (bit_end > 0) {
        const bit_start = bit_end -| 3;
        var digit: u8 = 0;
        for (text[bit_start..bit_end]) |bit| digit = digit * 2 + (bit - '0');
        position -= 1;
        octal[position] = '0' + digit;
        bit_end = bit_start;
    }
    assert(position == 0);
    return octal;
}

/// An integral f80 of magnitude >= 2^63: mantissa << (exponent - 63).
fn formatLargeFloat(allocator: Allocator, value: f80, base: u8) Allocator.Error![]const u8 {
    assert(std.math.isFinite(value) and @abs(value) >= 0x1p63);
    const bits: u80 = @bitCast(value);
    const negative = bits >> 79 != 0;
    const mantissa: u64 = @truncate(bits);
    const exponent: i32 = @as(i32, @intCast((bits >> 64) & 0x7fff)) - 16383;
    assert(exponent >= 63);
    var magnitude = try std.math.big.int.Managed.initSet(allocator, mantissa);
    try magnitude.shiftLeft(&magnitude, @intCast(exponent - 63));
    const formatted = try bigToString(allocator, magnitude, base, false);
    if (!negative) return formatted;
    return std.mem.concat(allocator, u8, &.{ "-", formatted });
}

// ---------------------------------------------------------------------------
// to_number

fn toNumber(ctx: *Context, args: []const Value) Error!Value {
    return switch (args[0]) {
        .null => intValue(0),
        .boolean => |b| intValue(@intFromBool(b)),
        .number => args[0],
        .string => |s| .{ .number = try parseNumberString(ctx, args[0], s) },
        else => ctx.operandError(1, "one of {null, boolean, number, string}", args[0]),
    };
}

/// OPA accepts what Go's strconv.ParseFloat accepts (except infinities and
/// NaN) and keeps the string as the number's text. Texts that are not JSON
/// (".5", "+1", "1_000", "0x1p-2") are normalized, as OPA itself cannot
/// print them.
fn parseNumberString(ctx: *Context, operand: Value, s: []const u8) Error!Number {
    const unsigned = std.mem.trimLeft(u8, s, "+-");
    for ([_][]const u8{ "inf", "infinity", "nan" }) |special| {
        if (std.ascii.eqlIgnoreCase(unsigned, special)) return ctx.operandError(1, "valid number string", operand);
    }
    const syntax = goFloatSyntax(s) orelse return parseFloatError(ctx, s, "invalid syntax");

    var normalized: std.ArrayList(u8) = .empty;
    try normalizeFloat(ctx.allocator, &normalized, s, syntax);
    const value = std.fmt.parseFloat(f64, normalized.items) catch
        return parseFloatError(ctx, s, "invalid syntax"); // Not expected after goFloatSyntax.
    if (std.math.isInf(value)) return parseFloatError(ctx, s, "value out of range");

    if (!syntax.hex) {
        // A JSON literal keeps its text ("1.0" stays 1.0), as in OPA.
        for ([_][]const u8{ s, normalized.items }) |text| {
            if (Number.parseLiteral(ctx.allocator, text)) |n| return n else |err| switch (err) {
                error.OutOfMemory => return error.OutOfMemory,
                // Not JSON, or an exponent too long for the value model.
                error.InvalidNumber, error.NumberOutOfRange => {},
            }
        }
    }
    return Number.fromF64(ctx.allocator, value) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        error.NotFinite => unreachable, // Infinity was refused above.
    };
}

fn parseFloatError(ctx: *Context, s: []const u8, reason: []const u8) Error {
    const quoted = try sprintf.quote(ctx.allocator, s);
    return ctx.builtinError("strconv.ParseFloat: parsing {s}: {s}", .{ quoted, reason });
}

const FloatSyntax = struct {
    hex: bool,
};

/// The grammar of Go's strconv.ParseFloat (readFloat) for finite numbers:
/// sign, decimal or 0x-hex mantissa with an optional point, '_' between
/// digits, and an exponent ('e' decimal, mandatory 'p' for hex).
fn goFloatSyntax(s: []const u8) ?FloatSyntax {
    var i: usize = 0;
    if (i < s.len and (s[i] == '+' or s[i] == '-')) i += 1;
    var hex = false;
    if (i + 2 < s.len and s[i] == '0' and (s[i + 1] | 0x20) == 'x') {
        hex = true;
        i += 2;
    }
    var underscores = false;
    var saw_dot = false;
    var saw_digits = false;
    while (i < s.len) : (i += 1) {
        const c = s[i];
        if (c == '_') {
            underscores = true;
        } else if (c == '.') {
            if (saw_dot) break;
            saw_dot = true;
        } else if (std.ascii.isDigit(c) or (hex and std.ascii.isHex(c))) {
            saw_digits = true;
        } else break;
    }
    if (!saw_digits) return null;
    const exponent_char: u8 = if (hex) 'p' else 'e';
    if (i < s.len and (s[i] | 0x20) == exponent_char) {
        i += 1;
        if (i < s.len and (s[i] == '+' or s[i] == '-')) i += 1;
        if (i >= s.len or !std.ascii.isDigit(s[i])) return null;
        while (i < s.len and (std.ascii.isDigit(s[i]) or s[i] == '_')) : (i += 1) {
            if (s[i] == '_') underscores = true;
        }
    } else if (hex) return null;
    if (underscores and !underscoresOk(s[0..i])) return null;
    if (i != s.len) return null;
    return .{ .hex = hex };
}

/// Go's underscoreOK: every '_' sits between digits (a base prefix counts as one).
fn underscoresOk(s: []const u8) bool {
    var rest = s;
    if (rest.len > 0 and (rest[0] == '+' or rest[0] == '-')) rest = rest[1..];
    // What came before: 0 a digit or prefix, '_' an underscore, '^' the start, '!' anything else.
    var saw: u8 = '^';
    var hex = false;
    var i: usize = 0;
    if (rest.len >= 2 and rest[0] == '0' and std.mem.indexOfScalar(u8, "box", rest[1] | 0x20) != null) {
        i = 2;
        saw = '0';
        hex = (rest[1] | 0x20) == 'x';
    }
    while (i < rest.len) : (i += 1) {
        const c = rest[i];
        if (std.ascii.isDigit(c) or (hex and std.ascii.isHex(c))) {
            saw = '0';
        } else if (c == '_') {
            if (saw != '0') return false;
            saw = '_';
        } else {
            if (saw == '_') return false;
            saw = '!';
        }
    }
    return saw != '_';
}

/// Rewrites a literal accepted by goFloatSyntax: no '_' and no '+'; decimal
/// literals also become JSON numbers ("-.5e3" -> "-0.5e3", "007." -> "7").
fn normalizeFloat(allocator: Allocator, out: *std.ArrayList(u8), s: []const u8, syntax: FloatSyntax) Allocator.Error!void {
    var rest = s;
    if (rest[0] == '+' or rest[0] == '-') {
        if (rest[0] == '-') try out.append(allocator, '-');
        rest = rest[1..];
    }
    if (syntax.hex) {
        for (rest) |c| {
            if (c != '_') try out.append(allocator, c);
        }
        return;
    }
    const exponent_start = std.mem.indexOfAny(u8, rest, "eE") orelse rest.len;
    const mantissa = rest[0..exponent_start];
    const dot = std.mem.indexOfScalar(u8, mantissa, '.') orelse mantissa.len;
    // Integer part without leading zeros, at least "0".
    const integer_start = out.items.len;
    for (mantissa[0..dot]) |c| {
        if (c == '_' or (c == '0' and out.items.len == integer_start)) continue;
        try out.append(allocator, c);
    }
    if (out.items.len == integer_start) try out.append(allocator, '0');
    const fraction_start = out.items.len;
    if (dot < mantissa.len) {
        try out.append(allocator, '.');
        for (mantissa[dot + 1 ..]) |c| {
            if (c != '_') try out.append(allocator, c);
        }
        if (out.items.len == fraction_start + 1) out.items.len = fraction_start; // "5." has no fraction.
    }
    if (exponent_start < rest.len) {
        try out.append(allocator, 'e');
        for (rest[exponent_start + 1 ..]) |c| {
            if (c != '_' and c != '+') try out.append(allocator, c);
        }
    }
}

// ---------------------------------------------------------------------------
// Tests

const testing = std.testing;
const json = value_mod.json;

/// Calls `func` with the JSON array `args_json`; compares the serialized
/// result with `expected_json` (so number texts must match too).
fn expectCall(func: builtin.Fn, args_json: []const u8, expected_json: []const u8) !void {
    var arena_state = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    const args = try json.parse(arena, args_json);
    var ctx: Context = .{ .allocator = arena };
    const result = func(&ctx, args.array) catch |err| {
        std.debug.print("{s}: unexpected {s}: {s}\n", .{ args_json, @errorName(err), ctx.message.items });
        return err;
    };
    const expected = try json.serializeAlloc(arena, try json.parse(arena, expected_json));
    const actual = try json.serializeAlloc(arena, result);
    testing.expectEqualStrings(expected, actual) catch |err| {
        std.debug.print("args: {s}\n", .{args_json});
        return err;
    };
}

fn expectFailure(func: builtin.Fn, args_json: []const u8, expected: Error, message: []const u8) !void {
    var arena_state = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    const args = try json.parse(arena, args_json);
    var ctx: Context = .{ .allocator = arena };
    if (func(&ctx, args.array)) |result| {
        std.debug.print("{s}: expected {s}, got {s}\n", .{ args_json, @errorName(expected), try json.serializeAlloc(arena, result) });
        return error.TestUnexpectedResult;
    } else |err| {
        try testing.expectEqual(expected, err);
        try testing.expectEqualStrings(message, ctx.message.items);
    }
}

/// Calls `func` on raw string arguments and returns the raw string result.
fn callStrings(arena: Allocator, func: builtin.Fn, args: []const []const u8) ![]const u8 {
    const values = try arena.alloc(Value, args.len);
    for (args, values) |arg, *v| v.* = stringValue(arg);
    var ctx: Context = .{ .allocator = arena };
    return (try func(&ctx, values)).string;
}

test "registered names and arities" {
    try testing.expectEqual(@as(usize, 26), builtins.len);
    for (builtins) |b| {
        try testing.expect(b.arity >= 1 and b.arity <= 3);
        try testing.expect(!b.nondeterministic);
    }
}

test "Go UTF-8 decoding" {
    try testing.expectEqual(Rune{ .code = 'a', .len = 1 }, decodeRune("abc"));
    try testing.expectEqual(Rune{ .code = 0xe9, .len = 2 }, decodeRune("é"));
    try testing.expectEqual(Rune{ .code = 0x1f600, .len = 4 }, decodeRune("😀"));
    try testing.expectEqual(invalid_rune, decodeRune("\xff"));
    try testing.expectEqual(invalid_rune, decodeRune("\xc3")); // Truncated.
    try testing.expectEqual(invalid_rune, decodeRune("\xc0\x80")); // Overlong.
    try testing.expectEqual(invalid_rune, decodeRune("\xed\xa0\x80")); // Surrogate.
    try testing.expectEqual(invalid_rune, decodeRune("\xf4\x90\x80\x80")); // Beyond U+10FFFF.
    try testing.expectEqual(Rune{ .code = 0x1f600, .len = 4 }, decodeLastRune("a😀"));
    try testing.expectEqual(invalid_rune, decodeLastRune("a\x80"));
    try testing.expectEqual(invalid_rune, decodeLastRune("\xf0\x9f\x98"));
    try testing.expectEqual(Rune{ .code = 'x', .len = 1 }, decodeLastRune("\xffx"));
    try testing.expectEqual(@as(usize, 4), runeCount("a\xffé😀"));
    var buffer: [4]u8 = undefined;
    try testing.expectEqualStrings("\xef\xbf\xbd", encodeRune(0xd800, &buffer));
    try testing.expectEqualStrings("\xef\xbf\xbd", encodeRune(0x110000, &buffer));
    try testing.expectEqualStrings("😀", encodeRune(0x1f600, &buffer));
}

test "Unicode case tables" {
    try testing.expectEqual(@as(u21, 'A'), toUpperRune('a'));
    try testing.expectEqual(@as(u21, 'a'), toLowerRune('A'));
    try testing.expectEqual(@as(u21, '1'), toUpperRune('1'));
    try testing.expectEqual(@as(u21, 0x178), toUpperRune(0xff)); // ÿ -> Ÿ
    try testing.expectEqual(@as(u21, 0x100), toUpperRune(0x101)); // Alternating block.
    try testing.expectEqual(@as(u21, 0x100), toUpperRune(0x100));
    try testing.expectEqual(@as(u21, 0x1c4), toUpperRune(0x1c5)); // Title case ǅ.
    try testing.expectEqual(@as(u21, 0x1c6), toLowerRune(0x1c5));
    try testing.expectEqual(@as(u21, 'i'), toLowerRune(0x130)); // İ
    try testing.expectEqual(@as(u21, 0xdf), toUpperRune(0xdf)); // ß has no simple upper case.
    try testing.expectEqual(@as(u21, 0x10400), toUpperRune(0x10428)); // Deseret.
    try testing.expectEqual(@as(u21, 0x1f600), toUpperRune(0x1f600));
}

test "concat" {
    try expectCall(concat, "[\"/\", [\"\", \"foo\", \"bar\", \"0\", \"baz\"]]", "\"/foo/bar/0/baz\"");
    try expectCall(concat, "[\", \", []]", "\"\"");
    try expectCall(concat, "[\", \", [\"a\"]]", "\"a\"");
    try expectCall(concat, "[\"\", [\"a\", \"b\"]]", "\"ab\"");
    try expectFailure(concat, "[\",\", [\"a\", 1]]", error.TypeError, "operand 2 must be array of strings but got array containing number");
    try expectFailure(concat, "[\",\", [1]]", error.TypeError, "operand 2 must be array of strings but got array containing number");
    try expectFailure(concat, "[\",\", \"a\"]", error.TypeError, "operand 2 must be one of {set, array} but got string");
    try expectFailure(concat, "[1, [\"a\"]]", error.TypeError, "operand 1 must be string but got number");

    var arena_state = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    const set = try value_mod.order.setFromUnsorted(arena, &.{ stringValue("b"), stringValue("a"), stringValue("c"), stringValue("B") });
    var ctx: Context = .{ .allocator = arena };
    const joined = try concat(&ctx, &.{ stringValue(","), .{ .set = set } });
    try testing.expectEqualStrings("B,a,b,c", joined.string);
    const mixed = try value_mod.order.setFromUnsorted(arena, &.{ stringValue("a"), .{ .number = Number.fromInt(1) } });
    try testing.expectError(error.TypeError, concat(&ctx, &.{ stringValue(","), .{ .set = mixed } }));
    try testing.expectEqualStrings("operand 2 must be set of strings but got set containing number", ctx.message.items);
}

test "startswith, endswith, contains" {
    try expectCall(startsWith, "[\"abcdefgh\", \"abcd\"]", "true");
    try expectCall(startsWith, "[\"abcdefgh\", \"bcd\"]", "false");
    try expectCall(startsWith, "[\"abc\", \"\"]", "true");
    try expectCall(endsWith, "[\"abcdefgh\", \"fgh\"]", "true");
    try expectCall(endsWith, "[\"abcdefgh\", \"fg\"]", "false");
    try expectCall(contains, "[\"abcdefgh\", \"defg\"]", "true");
    try expectCall(contains, "[\"abcdefgh\", \"ac\"]", "false");
    try expectCall(contains, "[\"\", \"\"]", "true");
    try expectFailure(startsWith, "[1, \"a\"]", error.TypeError, "operand 1 must be string but got number");
    try expectFailure(endsWith, "[\"a\", null]", error.TypeError, "operand 2 must be string but got null");
    try expectFailure(contains, "[\"a\", [\"a\"]]", error.TypeError, "operand 2 must be string but got array");
}

test "lower and upper" {
    try expectCall(lower, "[\"AbCdEf\"]", "\"abcdef\"");
    try expectCall(upper, "[\"AbCdEf\"]", "\"ABCDEF\"");
    try expectCall(lower, "[\"ÀÉ\"]", "\"àé\"");
    try expectCall(upper, "[\"straße\"]", "\"STRAßE\"");
    try expectCall(upper, "[\"ǆ\"]", "\"Ǆ\"");
    try expectCall(lower, "[\"ǅ\"]", "\"ǆ\"");
    try expectCall(lower, "[\"İ\"]", "\"i\"");
    try expectCall(upper, "[\"\"]", "\"\"");
    try expectFailure(upper, "[true]", error.TypeError, "operand 1 must be string but got boolean");

    var arena_state = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    // Invalid bytes become U+FFFD, as strings.Map does.
    try testing.expectEqualStrings("AB\xef\xbf\xbdC", try callStrings(arena, upper, &.{"ab\xffc"}));
    try testing.expectEqualStrings("AB\xef\xbf\xbdC", try callStrings(arena, upper, &.{"AB\xffC"}));
    // Unchanged input is returned as is.
    const same: []const u8 = "abc é";
    try testing.expectEqual(same.ptr, (try callStrings(arena, lower, &.{same})).ptr);
}

test "split and strings.split_n" {
    try expectCall(split, "[\"\", \".\"]", "[\"\"]");
    try expectCall(split, "[\"test\", \"\"]", "[\"t\", \"e\", \"s\", \"t\"]");
    try expectCall(split, "[\"\", \"\"]", "[]");
    try expectCall(split, "[\"foo\", \".\"]", "[\"foo\"]");
    try expectCall(split, "[\"foo.bar.baz\", \".\"]", "[\"foo\", \"bar\", \"baz\"]");
    try expectCall(split, "[\"a,b,,c\", \",\"]", "[\"a\", \"b\", \"\", \"c\"]");
    try expectCall(split, "[\"abc\", \"abc\"]", "[\"\", \"\"]");
    try expectCall(split, "[\"é😀\", \"\"]", "[\"é\", \"😀\"]");
    try expectCall(split, "[\"aaa\", \"aa\"]", "[\"\", \"a\"]");

    try expectCall(splitN, "[\"a.b.c.d\", \".\", 2]", "[\"a\", \"b\"]");
    try expectCall(splitN, "[\"a.b.c.d\", \".\", 4]", "[\"a\", \"b\", \"c\", \"d\"]");
    try expectCall(splitN, "[\"a.b.c.d\", \".\", 10]", "[\"a\", \"b\", \"c\", \"d\"]");
    try expectCall(splitN, "[\"a.b.c.d\", \".\", 0]", "[]");
    try expectCall(splitN, "[\"a.b.c.d\", \".\", -2]", "[\"c\", \"d\"]");
    try expectCall(splitN, "[\"a.b.c.d\", \".\", -1]", "[\"d\"]");
    try expectCall(splitN, "[\"a.b.c.d\", \".\", -10]", "[\"a\", \"b\", \"c\", \"d\"]");
    try expectCall(splitN, "[\"abc\", \".\", 2]", "[\"abc\"]");
    try expectCall(splitN, "[\"abc\", \".\", -2]", "[\"abc\"]");
    try expectCall(splitN, "[\"\", \".\", 2]", "[\"\"]");
    try expectCall(splitN, "[\"abc\", \"\", 2]", "[\"a\", \"b\"]");
    try expectCall(splitN, "[\"abc\", \"\", -2]", "[\"b\", \"c\"]");
    try expectCall(splitN, "[\"a.b\", \".\", 9223372036854775807]", "[\"a\", \"b\"]");
    try expectCall(splitN, "[\"a.b\", \".\", -9223372036854775808]", "[\"a\", \"b\"]");
    try expectFailure(splitN, "[\"a.b.c\", \".\", 1.5]", error.TypeError, "operand 3 must be integer number but got floating-point number");
    try expectFailure(splitN, "[\"a.b.c\", \".\", 1e3]", error.TypeError, "operand 3 must be integer number but got floating-point number");
    try expectFailure(splitN, "[\"a.b.c\", \".\", 2.0]", error.TypeError, "operand 3 must be integer number but got floating-point number");
    try expectFailure(splitN, "[\"a.b.c\", \".\", \"x\"]", error.TypeError, "operand 3 must be number but got string");
    try expectFailure(split, "[\"a\", 1]", error.TypeError, "operand 2 must be string but got number");
}

test "trim family" {
    try expectCall(trim, "[\"\", \".\"]", "\"\"");
    try expectCall(trim, "[\"foo.bar...\", \".\"]", "\"foo.bar\"");
    try expectCall(trim, "[\"...foo.bar\", \".\"]", "\"foo.bar\"");
    try expectCall(trim, "[\"...foo.bar...\", \".fr\"]", "\"oo.ba\"");
    try expectCall(trim, "[\"...foo.bar...\", \".o\"]", "\"foo.bar\"");
    try expectCall(trim, "[\"¡¡¡foo, bar!!!\", \"!¡\"]", "\"foo, bar\"");
    try expectCall(trim, "[\"¡¡¡foo, bar!!!\", \"i\"]", "\"¡¡¡foo, bar!!!\"");
    try expectCall(trim, "[\"aaxaa\", \"\"]", "\"aaxaa\"");
    try expectCall(trimLeft, "[\"¡¡¡foo, bar!!!\", \"!¡\"]", "\"foo, bar!!!\"");
    try expectCall(trimLeft, "[\"!!!foo, bar¡¡¡\", \"¡\"]", "\"!!!foo, bar¡¡¡\"");
    try expectCall(trimLeft, "[\"éexé\", \"é\"]", "\"exé\"");
    try expectCall(trimRight, "[\"¡¡¡foo, bar!!!\", \"!¡\"]", "\"¡¡¡foo, bar\"");
    try expectCall(trimRight, "[\"!!!foo, bar¡¡¡\", \"!\"]", "\"!!!foo, bar¡¡¡\"");
    try expectCall(trimPrefix, "[\"¡¡¡foo, bar!!!\", \"¡¡¡foo\"]", "\", bar!!!\"");
    try expectCall(trimPrefix, "[\"¡¡¡foo, bar!!!\", \"¡¡¡bar\"]", "\"¡¡¡foo, bar!!!\"");
    try expectCall(trimSuffix, "[\"¡¡¡foo, bar!!!\", \", bar!!!\"]", "\"¡¡¡foo\"");
    try expectCall(trimSuffix, "[\"¡¡¡foo, bar!!!\", \", foo!!!\"]", "\"¡¡¡foo, bar!!!\"");
    try expectCall(trimSpace, "[\" \\t\\n foo, bar \\n\\t\\r\\n\"]", "\"foo, bar\"");
    try expectCall(trimSpace, "[\"foo, bar\"]", "\"foo, bar\"");
    try expectCall(trimSpace, "[\"\\u00a0\\u2000 x \\u3000\\u0085\"]", "\"x\"");
    try expectCall(trimSpace, "[\"\\u200b x\"]", "\"\\u200b x\"");
    try expectFailure(trim, "[\"a\", 1]", error.TypeError, "operand 2 must be string but got number");
    try expectFailure(trimSpace, "[{}]", error.TypeError, "operand 1 must be string but got object");

    var arena_state = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    // An invalid byte is U+FFFD for the cutset test.
    try testing.expectEqualStrings("a", try callStrings(arena, trim, &.{ "\xffa\xfe", "\u{fffd}" }));
    try testing.expectEqualStrings("a", try callStrings(arena, trim, &.{ "\u{fffd}a", "\xff" }));
    try testing.expectEqualStrings("\xff", try callStrings(arena, trim, &.{ "\xffa", "a" }));
}

test "replace and strings.replace_n" {
    try expectCall(replace, "[\"\", \"hi\", \"bye\"]", "\"\"");
    try expectCall(replace, "[\"foo.bar\", \".\", \",\"]", "\"foo,bar\"");
    try expectCall(replace, "[\"foo.bar.baz\", \".\", \",\"]", "\"foo,bar,baz\"");
    try expectCall(replace, "[\"foo...bar\", \"..\", \",,\"]", "\"foo,,.bar\"");
    try expectCall(replace, "[\"abc\", \"\", \"-\"]", "\"-a-b-c-\"");
    try expectCall(replace, "[\"\", \"\", \"-\"]", "\"-\"");
    try expectCall(replace, "[\"aaa\", \"a\", \"\"]", "\"\"");
    try expectCall(replaceN, "[{\"<\": \"&lt;\", \">\": \"&gt;\"}, \"This is <b>HTML</b>!\"]", "\"This is &lt;b&gt;HTML&lt;/b&gt;!\"");
    try expectCall(replaceN, "[{\"f\": \"x\", \"foo\": \"xxx\"}, \"foobar\"]", "\"xoobar\"");
    try expectCall(replaceN, "[{\"old1\": \"new1\", \"old2\": \"new2\"}, \"Everything is new1, new2\"]", "\"Everything is new1, new2\"");
    try expectCall(replaceN, "[{\"\": \"-\", \"a\": \"X\"}, \"ab\"]", "\"-X-b-\"");
    try expectCall(replaceN, "[{}, \"ab\"]", "\"ab\"");
    try expectCall(replaceN, "[{\"a\": \"b\", \"b\": \"a\"}, \"abba\"]", "\"baab\"");
    try expectFailure(replaceN, "[{\"f\": 100}, \"foo\"]", error.TypeError, "operand 1 non-string value found in pattern object");
    try expectFailure(replaceN, "[{\"foo\": \"baz\"}, 100]", error.TypeError, "operand 2 must be string but got number");
    try expectFailure(replaceN, "[[], \"foo\"]", error.TypeError, "operand 1 must be object but got array");
    try expectFailure(replace, "[\"a\", \"b\", 1]", error.TypeError, "operand 3 must be string but got number");

    var arena_state = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    // The empty pattern matches between bytes, even inside a UTF-8 sequence.
    try testing.expectEqualStrings("-a-\xc3-\xa9-", try callStrings(arena, replace, &.{ "aé", "", "-" }));
    const keys = [_]Value{ .{ .number = Number.fromInt(2) }, stringValue("a") };
    const values = [_]Value{ stringValue("x"), stringValue("y") };
    const patterns = try value_mod.order.objectFromUnsorted(arena, &keys, &values, .reject, null);
    var ctx: Context = .{ .allocator = arena };
    try testing.expectError(error.TypeError, replaceN(&ctx, &.{ .{ .object = patterns }, stringValue("foo") }));
    try testing.expectEqualStrings("operand 1 non-string key found in pattern object", ctx.message.items);
}

test "substring" {
    try expectCall(substring, "[\"abcdefgh\", 2, 3]", "\"cde\"");
    try expectCall(substring, "[\"åäö\", 0, 2]", "\"åä\"");
    try expectCall(substring, "[\"abcdefgh\", 2, -1]", "\"cdefgh\"");
    try expectCall(substring, "[\"aåäö\", 2, -1]", "\"äö\"");
    try expectCall(substring, "[\"abcdefgh\", 2, 10000]", "\"cdefgh\"");
    try expectCall(substring, "[\"abcdefghåäö\", 2, 10000]", "\"cdefghåäö\"");
    try expectCall(substring, "[\"aaa\", 3, -1]", "\"\"");
    try expectCall(substring, "[\"åäö\", 3, -1]", "\"\"");
    try expectCall(substring, "[\"aaa\", 4, -1]", "\"\"");
    try expectCall(substring, "[\"åäö\", 4, -1]", "\"\"");
    try expectCall(substring, "[\"\", 4, -1]", "\"\"");
    try expectCall(substring, "[\"abc\", 0, 9223372036854775807]", "\"abc\"");
    try expectCall(substring, "[\"abc\", 1, 0]", "\"\"");
    try expectFailure(substring, "[\"aaa\", -1, -1]", error.BuiltinError, "negative offset");
    try expectFailure(substring, "[\"åäö\", -1, -1]", error.BuiltinError, "negative offset");
    try expectFailure(substring, "[\"abc\", 1.0, 1]", error.TypeError, "operand 2 must be integer number but got floating-point number");
    try expectFailure(substring, "[\"abc\", 1, null]", error.TypeError, "operand 3 must be number but got null");
    // Go's start+length overflows and panics; we report an error.
    try expectFailure(substring, "[\"abcdef\", 2, 9223372036854775807]", error.BuiltinError, "runtime error: slice bounds out of range");
    try expectFailure(substring, "[\"abcdéf\", 2, 9223372036854775807]", error.BuiltinError, "runtime error: slice bounds out of range");

    var arena_state = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    var ctx: Context = .{ .allocator = arena };
    const result = try substring(&ctx, &.{ stringValue("ab\xffc"), .{ .number = Number.fromInt(1) }, .{ .number = Number.fromInt(2) } });
    try testing.expectEqualStrings("b\xef\xbf\xbd", result.string);
}

test "indexof, indexof_n, strings.count" {
    try expectCall(indexOf, "[\"abcdefgh\", \"cde\"]", "2");
    try expectCall(indexOf, "[\"abcabcabcdefgh\", \"cde\"]", "8");
    try expectCall(indexOf, "[\"abcdefgh\", \"xyz\"]", "-1");
    try expectCall(indexOf, "[\"μx\", \"x\"]", "1");
    try expectCall(indexOf, "[\"μ\", \"μμ\"]", "-1");
    try expectCall(indexOf, "[\"skön var våren\", \"vår\"]", "9");
    try expectCall(indexOf, "[\"🍧🍨🧁🍰🍮\", \"🍮\"]", "4");
    try expectCall(indexOf, "[\"🍧🍨🧁🍰🍮\", \"🍧🍨🧁🍰🍮\"]", "0");
    try expectFailure(indexOf, "[\"abc\", \"\"]", error.BuiltinError, "empty search character");
    try expectCall(indexOfN, "[\"dogcat\", \"cat\"]", "[3]");
    try expectCall(indexOfN, "[\"dogcatdogcat\", \"cat\"]", "[3, 9]");
    try expectCall(indexOfN, "[\"dogcat\", \"rabbit\"]", "[]");
    try expectCall(indexOfN, "[\"😇😀😇😀😇😀\", \"😀\"]", "[1, 3, 5]");
    try expectCall(indexOfN, "[\"😇😀😇😀😇😀\", \"😂\"]", "[]");
    try expectCall(indexOfN, "[\"aaa\", \"aa\"]", "[0, 1]");
    try expectFailure(indexOfN, "[\"abc\", \"\"]", error.BuiltinError, "empty search character");
    try expectCall(count, "[\"cheese\", \"e\"]", "3");
    try expectCall(count, "[\"hello hello hello world\", \"hello\"]", "3");
    try expectCall(count, "[\"dummy\", \"x\"]", "0");
    try expectCall(count, "[\"dummy\", \"\"]", "6");
    try expectCall(count, "[\"\", \"\"]", "1");
    try expectCall(count, "[\"\", \"x\"]", "0");
    try expectCall(count, "[\"11111\", \"11\"]", "2");
    try expectCall(count, "[\"11111\", \"11111\"]", "1");
    try expectCall(count, "[\"é😀\", \"\"]", "3");
    try expectFailure(count, "[\"a\", null]", error.TypeError, "operand 2 must be string but got null");
}

test "strings.reverse" {
    try expectCall(reverse, "[\"bar\"]", "\"rab\"");
    try expectCall(reverse, "[\"2️⃣\"]", "\"⃣️2\"");
    try expectCall(reverse, "[\"1\\ud83d\\ude00\\ud835\\udefe\"]", "\"\\ud835\\udefe\\ud83d\\ude001\"");
    try expectCall(reverse, "[\"\"]", "\"\"");
    try expectFailure(reverse, "[123]", error.TypeError, "operand 1 must be string but got number");

    var arena_state = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    // OPA's result for "ab\xffc": U+FFFD written over "ba".
    try testing.expectEqualStrings("c\xef\xbf\xbd", try callStrings(arena, reverse, &.{"ab\xffc"}));
    // Where Go panics (U+FFFD past the end of the buffer), an error.
    try testing.expectError(error.BuiltinError, callStrings(arena, reverse, &.{"\xff"}));
}

test "strings.any_prefix_match and strings.any_suffix_match" {
    try expectCall(anyPrefixMatch, "[[\"a/b/c\", \"a/b/d\", \"e/f/g\"], [\"a/\", \"d/\"]]", "true");
    try expectCall(anyPrefixMatch, "[[\"a/b/c\", \"a/b/d\", \"e/f/g\"], [\"f/\", \"d/\"]]", "false");
    try expectCall(anyPrefixMatch, "[[\"aa/bb/cc\"], [\"a/b\", \"e/f\"]]", "false");
    try expectCall(anyPrefixMatch, "[[], [\"a\"]]", "false");
    try expectCall(anyPrefixMatch, "[[\"a\"], []]", "false");
    try expectCall(anyPrefixMatch, "[\"a/b/c\", [\"a/\", \"d/\"]]", "true");
    try expectCall(anyPrefixMatch, "[[\"a\", \"b\"], [\"\"]]", "true");
    try expectCall(anyPrefixMatch, "[\"a\", \"\"]", "true");
    try expectCall(anySuffixMatch, "[[\"a/b/c\", \"a/b/d\", \"e/f/g\"], [\"/c\", \"/a\"]]", "true");
    try expectCall(anySuffixMatch, "[[\"aa/bb/cc\", \"aa/bb/dd\"], [\"b/c\", \"f/g\"]]", "false");
    try expectCall(anySuffixMatch, "[\"a/b/g\", [\"/c\", \"/a\"]]", "false");
    try expectCall(anySuffixMatch, "[[\"a/b/c\"], \"/c\"]", "true");
    try expectFailure(anyPrefixMatch, "[[1, 2, 3], [\"f/\"]]", error.TypeError, "operand 1 must be array of strings but got array containing number");
    try expectFailure(anyPrefixMatch, "[1, [\"f/\"]]", error.TypeError, "operand 1 must be one of {string, set, array} but got number");
    try expectFailure(anyPrefixMatch, "[[\"a\"], [1]]", error.TypeError, "operand 2 must be array of strings but got array containing number");
    try expectFailure(anySuffixMatch, "[[\"a\"], 1]", error.TypeError, "operand 2 must be one of {string, set, array} but got number");
}

test "format_int" {
    try expectCall(formatInt, "[15.5, 16]", "\"f\"");
    try expectCall(formatInt, "[3.1, 10]", "\"3\"");
    try expectCall(formatInt, "[18446744073709551617, 16]", "\"10000000000000001\"");
    try expectCall(formatInt, "[18446744073709551617, 10]", "\"18446744073709551617\"");
    try expectCall(formatInt, "[18446744073709551617, 8]", "\"2000000000000000000001\"");
    try expectCall(formatInt, "[18446744073709551617, 2]", "\"10000000000000000000000000000000000000000000000000000000000000001\"");
    try expectCall(formatInt, "[-18446744073709551617, 16]", "\"-10000000000000001\"");
    try expectCall(formatInt, "[-18446744073709551617, 10]", "\"-18446744073709551617\"");
    try expectCall(formatInt, "[15.9, 16]", "\"f\"");
    try expectCall(formatInt, "[-15.9, 16]", "\"-f\"");
    try expectCall(formatInt, "[-0, 16]", "\"0\"");
    try expectCall(formatInt, "[-15.9, 10]", "\"-15\"");
    try expectCall(formatInt, "[1e3, 2]", "\"1111101000\"");
    try expectCall(formatInt, "[2.5e1, 16]", "\"19\"");
    try expectCall(formatInt, "[0.5, 10]", "\"0\"");
    try expectCall(formatInt, "[-0.5, 10]", "\"0\"");
    try expectCall(formatInt, "[1e25, 16]", "\"84595161401484a000000\"");
    try expectCall(formatInt, "[123456789012345678901234567890.5, 10]", "\"123456789012345678899921813504\"");
    try expectCall(formatInt, "[-9223372036854775808, 16]", "\"-8000000000000000\"");
    try expectCall(formatInt, "[255, 16]", "\"ff\"");
    try expectCall(formatInt, "[-2.5e19, 16]", "\"-15af1d78b58c40000\"");
    try expectCall(formatInt, "[9.3e18, 16]", "\"81103cb9fb220000\"");
    try expectCall(formatInt, "[123.456e2, 16]", "\"3039\"");

    // Beyond f80's range, as OPA (big.Float) computes it.
    var arena_state = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    var ctx: Context = .{ .allocator = arena };
    const huge: Value = .{ .number = try Number.parseLiteral(arena, "1e5000") };
    const decimal = try formatInt(&ctx, &.{ huge, intValue(10) });
    try testing.expectEqual(@as(usize, 5000), decimal.string.len);
    try testing.expect(std.mem.startsWith(u8, decimal.string, "99999999999999999999394651683964110950143186209043793244336022944820838903085858"));
    const hex = try formatInt(&ctx, &.{ huge, intValue(16) });
    try testing.expectEqual(@as(usize, 4153), hex.string.len);
    try testing.expect(std.mem.startsWith(u8, hex.string, "31e20801036510f3c000"));
    const negative: Value = .{ .number = try Number.parseLiteral(arena, "-1.5e5000") };
    try testing.expect(std.mem.startsWith(u8, (try formatInt(&ctx, &.{ negative, intValue(10) })).string, "-1"));
    const too_huge: Value = .{ .number = try Number.parseLiteral(arena, "1e1000000") };
    try testing.expectError(error.BuiltinError, formatInt(&ctx, &.{ too_huge, intValue(10) }));
    try expectFailure(formatInt, "[4.1, 199]", error.TypeError, "operand 2 must be one of {2, 8, 10, 16}");
    try expectFailure(formatInt, "[15, 2.0]", error.TypeError, "operand 2 must be one of {2, 8, 10, 16}");
    try expectFailure(formatInt, "[\"1\", 2]", error.TypeError, "operand 1 must be number but got string");
    try expectFailure(formatInt, "[1, \"2\"]", error.TypeError, "operand 2 must be number but got string");
}

test "to_number" {
    try expectCall(toNumber, "[\"-42.0\"]", "-42.0");
    try expectCall(toNumber, "[false]", "0");
    try expectCall(toNumber, "[true]", "1");
    try expectCall(toNumber, "[null]", "0");
    try expectCall(toNumber, "[100.1]", "100.1");
    try expectCall(toNumber, "[\"3\"]", "3");
    try expectCall(toNumber, "[\"1.0\"]", "1.0");
    try expectCall(toNumber, "[\"1E5\"]", "1E5");
    try expectCall(toNumber, "[\"-0\"]", "-0");
    try expectCall(toNumber, "[\"1e-400\"]", "1e-400");
    try expectCall(toNumber, "[\"123456789012345678901234567890\"]", "123456789012345678901234567890");
    // Texts Go accepts that are not JSON become equal JSON numbers.
    try expectCall(toNumber, "[\".5\"]", "0.5");
    try expectCall(toNumber, "[\"5.\"]", "5");
    try expectCall(toNumber, "[\"+5\"]", "5");
    try expectCall(toNumber, "[\"007\"]", "7");
    try expectCall(toNumber, "[\"1_000\"]", "1000");
    try expectCall(toNumber, "[\"+1.50\"]", "1.50");
    try expectCall(toNumber, "[\"-.5e-3\"]", "-0.5e-3");
    try expectCall(toNumber, "[\"0x1.8p1\"]", "3");
    try expectCall(toNumber, "[\"0x_1p-2\"]", "0.25");
    try expectCall(toNumber, "[\"00.5E+2\"]", "0.5e2");
    try expectFailure(toNumber, "[\"broken\"]", error.BuiltinError, "strconv.ParseFloat: parsing \"broken\": invalid syntax");
    try expectFailure(toNumber, "[\"1e400\"]", error.BuiltinError, "strconv.ParseFloat: parsing \"1e400\": value out of range");
    try expectFailure(toNumber, "[\"0x1p2000\"]", error.BuiltinError, "strconv.ParseFloat: parsing \"0x1p2000\": value out of range");
    try expectFailure(toNumber, "[\"++5\"]", error.BuiltinError, "strconv.ParseFloat: parsing \"++5\": invalid syntax");
    try expectFailure(toNumber, "[\" 1\"]", error.BuiltinError, "strconv.ParseFloat: parsing \" 1\": invalid syntax");
    try expectFailure(toNumber, "[\"0x10\"]", error.BuiltinError, "strconv.ParseFloat: parsing \"0x10\": invalid syntax");
    try expectFailure(toNumber, "[\"0b101\"]", error.BuiltinError, "strconv.ParseFloat: parsing \"0b101\": invalid syntax");
    try expectFailure(toNumber, "[\"1__0\"]", error.BuiltinError, "strconv.ParseFloat: parsing \"1__0\": invalid syntax");
    try expectFailure(toNumber, "[\"_10\"]", error.BuiltinError, "strconv.ParseFloat: parsing \"_10\": invalid syntax");
    try expectFailure(toNumber, "[\"10_\"]", error.BuiltinError, "strconv.ParseFloat: parsing \"10_\": invalid syntax");
    try expectFailure(toNumber, "[\"1e\"]", error.BuiltinError, "strconv.ParseFloat: parsing \"1e\": invalid syntax");
    try expectFailure(toNumber, "[\"\"]", error.BuiltinError, "strconv.ParseFloat: parsing \"\": invalid syntax");
    try expectFailure(toNumber, "[\"\\u00e9\\n\"]", error.BuiltinError, "strconv.ParseFloat: parsing \"é\\n\": invalid syntax");
    for ([_][]const u8{ "nan", "inf", "-inf", "Infinity", "-Infinity", "-nan", "-NaN", "iNf", "+-Inf" }) |special| {
        var buffer: [64]u8 = undefined;
        const args = try std.fmt.bufPrint(&buffer, "[\"{s}\"]", .{special});
        try expectFailure(toNumber, args, error.TypeError, "operand 1 must be valid number string but got string");
    }
    try expectFailure(toNumber, "[[1]]", error.TypeError, "operand 1 must be one of {null, boolean, number, string} but got array");
}
