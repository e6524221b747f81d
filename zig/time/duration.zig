//! Durations: Go's time.ParseDuration ("1h30m", "-1.5s", "300ms") and OPA's
//! extension of it with days, weeks and years ("1d12h", "2w", "1.5y").
//!
//! OPA rewrites a duration with d, w or y units into hours (1d -> 24h; the
//! count is a float64, printed as Go prints it) and gives the result to Go.
//! Its error texts quote the input with strconv.Quote ("%q") where Go's own
//! quote the (rewritten) input with package time's quote.
const std = @import("std");
const assert = std.debug.assert;
const Allocator = std.mem.Allocator;
const quote = @import("quote.zig");
const sprintf = @import("../builtins/sprintf.zig");

pub const Parsed = union(enum) {
    ns: i64,
    failure: []const u8,
};

/// Why Go's ParseDuration failed.
const GoError = union(enum) {
    invalid,
    missing_unit,
    /// The unit, a slice of the input.
    unknown_unit: []const u8,
};

/// OPA's time.parse_duration_ns.
pub fn parse(allocator: Allocator, s: []const u8) Allocator.Error!Parsed {
    if (s.len == 0 or std.mem.indexOfAny(u8, s, "dwy") == null) {
        return switch (parseGo(s)) {
            .ns => |ns| .{ .ns = ns },
            .err => |err| .{ .failure = try goMessage(allocator, err, s) },
        };
    }
    const rewritten = try rewrite(allocator, s) orelse return invalid(allocator, s);
    return switch (parseGo(rewritten)) {
        .ns => |ns| .{ .ns = ns },
        // Go's text with the rewritten input replaced by the original, %q-quoted.
        .err => |err| .{ .failure = try std.mem.concat(allocator, u8, &.{
            try goMessagePrefix(allocator, err),
            " ",
            try sprintf.quote(allocator, s),
        }) },
    };
}

fn invalid(allocator: Allocator, s: []const u8) Allocator.Error!Parsed {
    return .{ .failure = try std.mem.concat(allocator, u8, &.{ "time: invalid duration ", try sprintf.quote(allocator, s) }) };
}

/// Hours per extended unit.
fn hoursPer(unit: []const u8) ?f64 {
    if (unit.len != 1) return null;
    return switch (unit[0]) {
        'd' => 24,
        'w' => 7 * 24,
        'y' => 365 * 24,
        else => null,
    };
}

/// OPA's grammar, `[-+]? (digits unit)+` with digits `[0-9.]+` and unit one of
/// ms, us, µs, ns or a single letter a-z, rewritten with d, w and y counts
/// turned into hours; null when `s` does not fit it or a count is not a number.
fn rewrite(allocator: Allocator, s: []const u8) Allocator.Error!?[]const u8 {
    var out: std.ArrayList(u8) = .empty;
    var i: usize = 0;
    if (s.len > 0 and (s[0] == '-' or s[0] == '+')) {
        try out.append(allocator, s[0]);
        i = 1;
    }
    var segments: usize = 0;
    while (i < s.len) : (segments += 1) {
        const digits_start = i;
        while (i < s.len and (std.ascii.isDigit(s[i]) or s[i] == '.')) i += 1;
        if (i == digits_start) return null;
        const digits = s[digits_start..i];
        const unit_len = unitLength(s[i..]) orelse return null;
        const unit = s[i .. i + unit_len];
        i += unit_len;
        if (hoursPer(unit)) |per| {
            const count = parseCount(digits) orelse return null;
            try out.print(allocator, "{d}h", .{count * per});
        } else {
            try out.appendSlice(allocator, digits);
            try out.appendSlice(allocator, unit);
        }
    }
    if (segments == 0) return null;
    return try out.toOwnedSlice(allocator);
}

fn unitLength(s: []const u8) ?usize {
    for ([_][]const u8{ "ms", "us", "µs", "ns" }) |unit| {
        if (std.mem.startsWith(u8, s, unit)) return unit.len;
    }
    if (s.len > 0 and std.ascii.isLower(s[0])) return 1;
    return null;
}

/// strconv.ParseFloat of `[0-9.]+`: one '.' at most and a digit; a count too
/// large for float64 fails.
fn parseCount(digits: []const u8) ?f64 {
    if (std.mem.count(u8, digits, ".") > 1 or std.mem.indexOfAny(u8, digits, "0123456789") == null) return null;
    const value = std.fmt.parseFloat(f64, digits) catch return null;
    return if (std.math.isInf(value)) null else value;
}

fn goMessage(allocator: Allocator, err: GoError, s: []const u8) Allocator.Error![]const u8 {
    return std.mem.concat(allocator, u8, &.{ try goMessagePrefix(allocator, err), " ", try quote.quote(allocator, s) });
}

/// Go's message up to the quoted input.
fn goMessagePrefix(allocator: Allocator, err: GoError) Allocator.Error![]const u8 {
    return switch (err) {
        .invalid => "time: invalid duration",
        .missing_unit => "time: missing unit in duration",
        .unknown_unit => |unit| std.mem.concat(allocator, u8, &.{ "time: unknown unit ", try quote.quote(allocator, unit), " in duration" }),
    };
}

const GoResult = union(enum) { ns: i64, err: GoError };

const unit_ns = std.StaticStringMap(u64).initComptime(.{
    .{ "ns", 1 },
    .{ "us", 1_000 },
    .{ "µs", 1_000 }, // U+00B5 micro sign
    .{ "μs", 1_000 }, // U+03BC Greek mu
    .{ "ms", 1_000_000 },
    .{ "s", 1_000_000_000 },
    .{ "m", 60_000_000_000 },
    .{ "h", 3_600_000_000_000 },
});

/// Go's time.ParseDuration: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+`, at most 2^63-1 ns
/// (2^63 when negative), fractions computed in float64 as Go computes them.
fn parseGo(orig: []const u8) GoResult {
    var s = orig;
    var negative = false;
    if (s.len > 0 and (s[0] == '-' or s[0] == '+')) {
        negative = s[0] == '-';
        s = s[1..];
    }
    if (std.mem.eql(u8, s, "0")) return .{ .ns = 0 };
    if (s.len == 0) return .{ .err = .invalid };
    const limit: u64 = 1 << 63;
    var total: u64 = 0;
    while (s.len > 0) {
        if (s[0] != '.' and !std.ascii.isDigit(s[0])) return .{ .err = .invalid };
        const whole = leadingInt(s) orelse return .{ .err = .invalid };
        s = s[whole.len..];
        var fraction: Fraction = .{ .value = 0, .scale = 1, .len = 0 };
        if (s.len > 0 and s[0] == '.') {
            fraction = leadingFraction(s[1..]);
            s = s[1 + fraction.len ..];
        }
        if (whole.len == 0 and fraction.len == 0) return .{ .err = .invalid };

        const unit_end = std.mem.indexOfAny(u8, s, ".0123456789") orelse s.len;
        if (unit_end == 0) return .{ .err = .missing_unit };
        const unit = s[0..unit_end];
        s = s[unit_end..];
        const per = unit_ns.get(unit) orelse return .{ .err = .{ .unknown_unit = unit } };

        if (whole.value > limit / per) return .{ .err = .invalid };
        var v = whole.value * per;
        if (fraction.value > 0) {
            // float64 keeps fractions of an hour nanosecond-exact, as Go relies on.
            const part = @as(f64, @floatFromInt(fraction.value)) * (@as(f64, @floatFromInt(per)) / fraction.scale);
            v += @intFromFloat(part);
            if (v > limit) return .{ .err = .invalid };
        }
        // Both are at most 2^63, so the sum can reach 2^64: Go's uint64 wraps
        // it to 0 and reads on ("9223372036854775808ns" twice is 0).
        total +%= v;
        if (total > limit) return .{ .err = .invalid };
    }
    if (negative) return .{ .ns = @bitCast(0 -% total) };
    if (total > limit - 1) return .{ .err = .invalid };
    return .{ .ns = @intCast(total) };
}

/// Leading digits, at most 2^63; null on overflow.
fn leadingInt(s: []const u8) ?struct { value: u64, len: usize } {
    var x: u64 = 0;
    var i: usize = 0;
    while (i < s.len and std.ascii.isDigit(s[i])) : (i += 1) {
        if (x > (1 << 63) / 10) return null;
        x = x * 10 + (s[i] - '0');
        if (x > 1 << 63) return null;
    }
    return .{ .value = x, .len = i };
}

const Fraction = struct { value: u64, scale: f64, len: usize };

/// Leading digits of a fraction: value / scale, digits past int64 precision ignored.
fn leadingFraction(s: []const u8) Fraction {
    var x: u64 = 0;
    var scale: f64 = 1;
    var overflow = false;
    var i: usize = 0;
    while (i < s.len and std.ascii.isDigit(s[i])) : (i += 1) {
        if (overflow) continue;
        if (x > ((1 << 63) - 1) / 10) {
            overflow = true;
            continue;
        }
        const y = x * 10 + (s[i] - '0');
        if (y > 1 << 63) {
            overflow = true;
            continue;
        }
        x = y;
        scale *= 10;
    }
    return .{ .value = x, .scale = scale, .len = i };
}

// ---------------------------------------------------------------------------
// Tests (expected values from OPA v1.19.0)

const testing = std.testing;

fn expectNs(s: []const u8, want: i64) !void {
    var arena = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena.deinit();
    switch (try parse(arena.allocator(), s)) {
        .ns => |ns| testing.expectEqual(want, ns) catch |err| {
            std.debug.print("duration {s}\n", .{s});
            return err;
        },
        .failure => |text| {
            std.debug.print("duration {s}: {s}\n", .{ s, text });
            return error.TestUnexpectedResult;
        },
    }
}

fn expectFailure(s: []const u8, want: []const u8) !void {
    var arena = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena.deinit();
    switch (try parse(arena.allocator(), s)) {
        .ns => return error.TestUnexpectedResult,
        .failure => |text| try testing.expectEqualStrings(want, text),
    }
}

test "Go durations" {
    try expectNs("100ms", 100_000_000);
    try expectNs("1h30m", 5_400_000_000_000);
    try expectNs("-1.5h", -5_400_000_000_000);
    try expectNs("+.5s", 500_000_000);
    try expectNs("1µs1μs1us1ns", 3001);
    try expectNs("0", 0);
    try expectNs("-0", 0);
    try expectNs("9223372036854775807ns", std.math.maxInt(i64));
    try expectNs("-9223372036854775808ns", std.math.minInt(i64));
    try expectNs("2562047h47m16.854775807s", std.math.maxInt(i64));
    try expectNs("0.1h", 360_000_000_000);
    try expectNs("9223372036854775808ns9223372036854775808ns", 0);
    try expectNs("-9223372036854775808ns9223372036854775808ns1ns", -1);
}

test "OPA's days, weeks and years" {
    try expectNs("1d", 86_400_000_000_000);
    try expectNs("1.5y2h", 47_311_200_000_000_000);
    try expectNs("2w1d", 15 * 86_400_000_000_000);
    try expectNs("-1d1h", -90_000_000_000_000);
    try expectNs("0.1d", 8_640_000_000_000);
    try expectNs("1.y", 31_536_000_000_000_000);
    try expectNs("-.5w", -302_400_000_000_000);
    try expectNs("1d1µs", 86_400_000_001_000);
    try expectNs("+1d", 86_400_000_000_000);
    try expectNs("106751.99116730063d", 9223372036854774000);
}

test "error texts" {
    try expectFailure("", "time: invalid duration \"\"");
    try expectFailure("x", "time: invalid duration \"x\"");
    try expectFailure("1", "time: missing unit in duration \"1\"");
    try expectFailure("1x", "time: unknown unit \"x\" in duration \"1x\"");
    try expectFailure("1µ", "time: unknown unit \"\\xc2\\xb5\" in duration \"1\\xc2\\xb5\"");
    try expectFailure("9223372036854775808ns", "time: invalid duration \"9223372036854775808ns\"");
    try expectFailure("300000000000000h", "time: invalid duration \"300000000000000h\"");
    try expectFailure("1dx", "time: invalid duration \"1dx\"");
    try expectFailure("1d2x", "time: unknown unit \"x\" in duration \"1d2x\"");
    try expectFailure("300000d", "time: invalid duration \"300000d\"");
    try expectFailure("1..5d", "time: invalid duration \"1..5d\"");
    try expectFailure("1d\n", "time: invalid duration \"1d\\n\"");
    try expectFailure("1dé", "time: invalid duration \"1dé\"");
    try expectFailure("1d-1h", "time: invalid duration \"1d-1h\"");
    try expectFailure("1e3d", "time: unknown unit \"e\" in duration \"1e3d\"");
}
