//! Builtins of the units family (see builtin.zig for the interface):
//! units.parse (v1/topdown/parse_units.go), exact through big.Rat, and
//! units.parse_bytes (parse_bytes.go), through big.Float at precision 64 and
//! truncated to an integer. Both share the split of "<number><unit>".
const std = @import("std");
const builtin = @import("builtin.zig");
const value_mod = @import("../value/mod.zig");
const gobig = @import("../misc/gobig.zig");
const gotext = @import("../misc/gotext.zig");

const Value = builtin.Value;
const Context = builtin.Context;
const Error = builtin.Error;
const Number = value_mod.Number;
const BigInt = gobig.BigInt;

pub const builtins: []const builtin.Builtin = &.{
    .{ .name = "units.parse", .arity = 1, .func = parse },
    .{ .name = "units.parse_bytes", .arity = 1, .func = parseBytes },
};

/// Exponents in scientific notation may have at most this many digits.
const max_exponent_digits = 6;

const Split = struct { number: []const u8, unit: []const u8 };

fn isDigit(c: u8) bool {
    return c >= '0' and c <= '9';
}

/// extractNumAndUnit: the number is the longest prefix of digits, '.', signs
/// and exponent markers ('e' only when a digit or sign follows it).
fn splitNumber(s: []const u8) error{ExponentTooLarge}!Split {
    var i: usize = 0;
    while (i < s.len) : (i += 1) {
        const c = s[i];
        const numeric = isDigit(c) or c == '.' or c == 'e' or c == 'E' or c == '+' or c == '-';
        if (!numeric) break;
        if (c == 'e' or c == 'E') {
            if (i == s.len - 1) break;
            const next = s[i + 1];
            if (!isDigit(next) and next != '+' and next != '-') break;
            if (next == '+' or next == '-') i += 1;
            var end = i + 1;
            while (end < s.len and isDigit(s[end])) end += 1;
            if (end - (i + 1) > max_exponent_digits) return error.ExponentTooLarge;
        }
    }
    return .{ .number = s[0..i], .unit = s[i..] };
}

fn removeQuotes(allocator: std.mem.Allocator, s: []const u8) std.mem.Allocator.Error![]const u8 {
    if (std.mem.indexOfScalar(u8, s, '"') == null) return s;
    var out: std.ArrayList(u8) = .empty;
    try out.ensureTotalCapacity(allocator, s.len);
    for (s) |c| {
        if (c != '"') out.appendAssumeCapacity(c);
    }
    return out.items;
}

fn stringOperand(ctx: *Context, args: []const Value) Error![]const u8 {
    if (args[0] != .string) return ctx.operandError(1, "string", args[0]);
    return args[0].string;
}

const Multiplier = union(enum) {
    integer: u64,
    /// The float64 0.001, as big.Rat.SetFloat64 takes it: exactly.
    milli,
};

fn pow1024(n: u6) u64 {
    return @as(u64, 1) << (10 * n);
}

fn pow1000(n: u6) u64 {
    return std.math.pow(u64, 1000, n);
}

/// units.parse's suffixes; the first letter keeps its case ("m" is milli,
/// "M" mega), the rest was lowercased.
fn unitMultiplier(unit: []const u8) ?Multiplier {
    const table = [_]struct { []const u8, Multiplier }{
        .{ "m", .milli },
        .{ "", .{ .integer = 1 } },
        .{ "k", .{ .integer = pow1000(1) } },
        .{ "K", .{ .integer = pow1000(1) } },
        .{ "ki", .{ .integer = pow1024(1) } },
        .{ "Ki", .{ .integer = pow1024(1) } },
        .{ "M", .{ .integer = pow1000(2) } },
        .{ "mi", .{ .integer = pow1024(2) } },
        .{ "Mi", .{ .integer = pow1024(2) } },
        .{ "g", .{ .integer = pow1000(3) } },
        .{ "G", .{ .integer = pow1000(3) } },
        .{ "gi", .{ .integer = pow1024(3) } },
        .{ "Gi", .{ .integer = pow1024(3) } },
        .{ "t", .{ .integer = pow1000(4) } },
        .{ "T", .{ .integer = pow1000(4) } },
        .{ "ti", .{ .integer = pow1024(4) } },
        .{ "Ti", .{ .integer = pow1024(4) } },
        .{ "p", .{ .integer = pow1000(5) } },
        .{ "P", .{ .integer = pow1000(5) } },
        .{ "pi", .{ .integer = pow1024(5) } },
        .{ "Pi", .{ .integer = pow1024(5) } },
        .{ "e", .{ .integer = pow1000(6) } },
        .{ "E", .{ .integer = pow1000(6) } },
        .{ "ei", .{ .integer = pow1024(6) } },
        .{ "Ei", .{ .integer = pow1024(6) } },
    };
    for (table) |entry| {
        if (std.mem.eql(u8, entry[0], unit)) return entry[1];
    }
    return null;
}

/// units.parse_bytes' suffixes, on the lowercased string.
fn byteMultiplier(unit: []const u8) ?u64 {
    const table = [_]struct { []const u8, u64 }{
        .{ "", 1 },
        .{ "kb", pow1000(1) },
        .{ "k", pow1000(1) },
        .{ "kib", pow1024(1) },
        .{ "ki", pow1024(1) },
        .{ "mb", pow1000(2) },
        .{ "m", pow1000(2) },
        .{ "mib", pow1024(2) },
        .{ "mi", pow1024(2) },
        .{ "gb", pow1000(3) },
        .{ "g", pow1000(3) },
        .{ "gib", pow1024(3) },
        .{ "gi", pow1024(3) },
        .{ "tb", pow1000(4) },
        .{ "t", pow1000(4) },
        .{ "tib", pow1024(4) },
        .{ "ti", pow1024(4) },
        .{ "pb", pow1000(5) },
        .{ "p", pow1000(5) },
        .{ "pib", pow1024(5) },
        .{ "pi", pow1024(5) },
        .{ "eb", pow1000(6) },
        .{ "e", pow1000(6) },
        .{ "eib", pow1024(6) },
        .{ "ei", pow1024(6) },
    };
    for (table) |entry| {
        if (std.mem.eql(u8, entry[0], unit)) return entry[1];
    }
    return null;
}

/// Multipliers are below 10^19, so results have at most this many more
/// integer digits than the number itself.
const multiplier_digits = 19;

// OPA's messages for these builtins carry the name themselves (fmt.Errorf with
// the name), and the evaluator prefixes it again: "units.parse: units.parse: ...".

fn tooBig(ctx: *Context) Error {
    // Not an OPA error: OPA has no size limit (see gobig.max_digits).
    return ctx.builtinError("number too big", .{});
}

fn parse(ctx: *Context, args: []const Value) Error!Value {
    const allocator = ctx.allocator;
    const s = try removeQuotes(allocator, try stringOperand(ctx, args));
    if (std.mem.indexOfScalar(u8, s, ' ') != null) return ctx.builtinError("units.parse: spaces not allowed in resource strings", .{});
    const split = splitNumber(s) catch return ctx.builtinError("units.parse: exponent too large", .{});
    if (split.number.len == 0) return ctx.builtinError("units.parse: no amount provided", .{});

    var unit = split.unit;
    if (unit.len > 1) unit = try std.mem.concat(allocator, u8, &.{ unit[0..1], try gotext.toLower(allocator, unit[1..]) });
    const multiplier = unitMultiplier(unit) orelse return ctx.builtinError("units.parse: unit {s} not recognized", .{unit});

    const scanned = gobig.scanDecimal(split.number) orelse return ctx.builtinError("units.parse: could not parse amount to a number", .{});
    const d = try gobig.normalize(allocator, scanned);
    if (d.isZero()) return .{ .number = .fromInt(0) };
    // big.Rat.SetString refuses exponents beyond 1e6.
    if (@abs(d.exponent) > 1_000_000) return ctx.builtinError("units.parse: could not parse amount to a number", .{});

    const text = ratText(allocator, d, multiplier) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        error.OutOfRange => return tooBig(ctx),
    };
    const n = Number.parseLiteral(allocator, text) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        error.InvalidNumber, error.NumberOutOfRange => return tooBig(ctx),
    };
    return .{ .number = n };
}

/// The product as OPA prints it: an integer, or FloatString(10).
fn ratText(allocator: std.mem.Allocator, d: gobig.Decimal, multiplier: Multiplier) gobig.Error![]const u8 {
    if (d.magnitude() > gobig.max_digits - multiplier_digits) return error.OutOfRange;
    // Below 10^-40 the product is below 10^-11 and rounds to zero places.
    if (d.magnitude() < -40) return if (d.negative) "-0.0000000000" else "0.0000000000";
    // Trailing zeros only scale: fold them into the exponent.
    const significant = std.mem.trimRight(u8, d.digits, "0");
    if (significant.len > gobig.max_digits) return error.OutOfRange;
    const exponent = d.exponent + @as(i64, @intCast(d.digits.len - significant.len));

    var mantissa = try gobig.intFromDigits(allocator, significant);
    var binary_exponent: i64 = 0;
    switch (multiplier) {
        .integer => |u| {
            var factor = try BigInt.initSet(allocator, u);
            try mantissa.mul(&mantissa, &factor);
        },
        .milli => {
            const bits: u64 = @bitCast(@as(f64, 0.001));
            const fraction = (bits & ((1 << 52) - 1)) | (1 << 52);
            const biased: i64 = @intCast(bits >> 52);
            var factor = try BigInt.initSet(allocator, fraction);
            try mantissa.mul(&mantissa, &factor);
            binary_exponent = biased - 1075;
        },
    }
    const r = try gobig.Rat.init(allocator, d.negative, mantissa, binary_exponent, exponent);
    if (r.isInt()) return r.num.toConst().toStringAlloc(allocator, 10, .lower);
    return r.floatString(allocator, 10);
}

fn parseBytes(ctx: *Context, args: []const Value) Error!Value {
    const allocator = ctx.allocator;
    const raw = try stringOperand(ctx, args);
    const s = try removeQuotes(allocator, try gotext.toLower(allocator, raw));
    if (std.mem.indexOfScalar(u8, s, ' ') != null) return ctx.builtinError("units.parse_bytes: spaces not allowed in resource strings", .{});
    const split = splitNumber(s) catch return ctx.builtinError("units.parse_bytes: exponent too large", .{});
    if (split.number.len == 0) return ctx.builtinError("units.parse_bytes: no byte amount provided", .{});
    const multiplier = byteMultiplier(split.unit) orelse return ctx.builtinError("units.parse_bytes: byte unit {s} not recognized", .{split.unit});

    const scanned = gobig.scanDecimal(split.number) orelse return ctx.builtinError("units.parse_bytes: could not parse byte amount to a number", .{});
    const d = try gobig.normalize(allocator, scanned);
    const n = bytesValue(allocator, d, multiplier) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        error.OutOfRange => return tooBig(ctx),
    };
    return .{ .number = n };
}

/// number * multiplier in big.Float (each rounded to 64 bits), truncated.
fn bytesValue(allocator: std.mem.Allocator, d: gobig.Decimal, multiplier: u64) gobig.Error!Number {
    if (d.isZero()) return .fromInt(0);
    if (d.magnitude() > gobig.max_digits - multiplier_digits) return error.OutOfRange;
    // Below 10^-25 the product stays below 1: it truncates to 0.
    if (d.magnitude() < -25) return .fromInt(0);
    if (d.digits.len > gobig.max_digits) return error.OutOfRange;

    const x = try gobig.Float.fromDecimal(allocator, d);
    const product = try gobig.Float.mul(allocator, x, try gobig.Float.fromInt(allocator, multiplier), 64);
    var total = try product.truncate(allocator);
    total.setSign(!d.negative or total.eqlZero());
    return value_mod.number.fromBigInt(allocator, total.toConst()) catch |err| switch (err) {
        error.OutOfMemory => error.OutOfMemory,
        else => error.OutOfRange,
    };
}

const test_support = @import("numbers.zig").test_support;

fn expectValue(name: []const u8, argument: []const u8, want: []const u8) !void {
    return test_support.expectValue(builtins, name, &.{argument}, want);
}

/// `message` without the name OPA repeats in these errors.
fn expectFailure(comptime name: []const u8, argument: []const u8, comptime message: []const u8) !void {
    return test_support.expectFailure(builtins, name, &.{argument}, error.BuiltinError, name ++ ": " ++ message);
}

test "units.parse is exact, as OPA's big.Rat" {
    // Expected values from OPA v1.19.0.
    try expectValue("units.parse", "\"1m\"", "0.0010000000");
    try expectValue("units.parse", "\"1000m\"", "1.0000000000");
    try expectValue("units.parse", "\"1.5\"", "1.5000000000");
    try expectValue("units.parse", "\"1e3m\"", "1.0000000000");
    try expectValue("units.parse", "\"-0.5K\"", "-500");
    try expectValue("units.parse", "\"1.\"", "1");
    try expectValue("units.parse", "\".5\"", "0.5000000000");
    try expectValue("units.parse", "\"+5\"", "5");
    try expectValue("units.parse", "\"0.0000000000001\"", "0.0000000000");
    try expectValue("units.parse", "\"10KI\"", "10240");
    try expectValue("units.parse", "\"\\\"100TI\\\"\"", "109951162777600");
    try expectValue("units.parse", "\"10Ei\"", "11529215046068469760");
    try expectValue("units.parse", "\"-0\"", "0");
}

test "units.parse errors read like OPA's" {
    try expectFailure("units.parse", "\"\"", "no amount provided");
    try expectFailure("units.parse", "\"G\"", "no amount provided");
    try expectFailure("units.parse", "\" 327Mi \"", "spaces not allowed in resource strings");
    try expectFailure("units.parse", "\"0.0.0\"", "could not parse amount to a number");
    try expectFailure("units.parse", "\"10e10000000Ei\"", "exponent too large");
    try expectFailure("units.parse", "\"1foo\"", "unit foo not recognized");
    try expectFailure("units.parse", "\"1MB\"", "unit Mb not recognized");
    try test_support.expectFailure(builtins, "units.parse", &.{"\"1e999999\""}, error.BuiltinError, "number too big");
}

test "units.parse_bytes rounds through big.Float and truncates" {
    try expectValue("units.parse_bytes", "\"1.5\"", "1");
    try expectValue("units.parse_bytes", "\"-1.5kb\"", "-1500");
    try expectValue("units.parse_bytes", "\"123456789012345678901234\"", "123456789012345678897152");
    try expectValue("units.parse_bytes", "\"1e30\"", "1000000000000000000024696061952");
    try expectValue("units.parse_bytes", "\".5k\"", "500");
    try expectValue("units.parse_bytes", "\"1.1KiB\"", "1126");
    try expectValue("units.parse_bytes", "\"-0.5\"", "0");
    try expectValue("units.parse_bytes", "\"1e-30\"", "0");
}

test "units.parse_bytes errors read like OPA's" {
    try expectFailure("units.parse_bytes", "\"\"", "no byte amount provided");
    try expectFailure("units.parse_bytes", "\"100 kb\"", "spaces not allowed in resource strings");
    try expectFailure("units.parse_bytes", "\".5.2\"", "could not parse byte amount to a number");
    try expectFailure("units.parse_bytes", "\"1XB\"", "byte unit xb not recognized");
}
