//! Numbers as gojsonschema sees them: JSON number literals read into exact
//! rationals (Go's big.Rat.SetString, which refuses decimal exponents beyond
//! 1e6), printed in error texts as Go's `%v` of a big.Float made from the
//! rational (shortest digits at the rational's precision), and compared for
//! enum/const/uniqueItems through float64 (encoding/json round trip).
const std = @import("std");
const assert = std.debug.assert;
const Allocator = std.mem.Allocator;
const gobig = @import("../../misc/gobig.zig");
const gofloat = @import("../../misc/gofloat.zig");
const value_number = @import("../../value/number.zig");

const BigInt = std.math.big.int.Managed;

/// A number as big.Rat.SetString reads it, kept as its decimal digits:
/// value = (-1)^negative * digits * 10^exponent, digits without leading or
/// trailing zeros (zero: no digits). Comparing and dividing work on these
/// digits, so a literal like 1e999999 costs no 3-million-bit integers.
pub const Rat = struct {
    literal: []const u8,
    decimal: value_number.Decimal,
};

/// Largest decimal exponent big.Rat.SetString accepts.
const max_exponent: i64 = 1_000_000;

/// big.Rat.SetString of a JSON number literal; null where Go fails. The
/// result does not reference `text`.
pub fn parse(allocator: Allocator, text: []const u8) Allocator.Error!?Rat {
    const literal = try allocator.dupe(u8, text);
    const scanned = gobig.scanDecimal(literal) orelse return null;
    const d = try gobig.normalize(allocator, scanned);
    const significant = std.mem.trimRight(u8, d.digits, "0");
    if (significant.len == 0) return .{ .literal = literal, .decimal = value_number.Decimal.zero };
    // Go's limit is on the exponent as written (trailing zeros included).
    if (@abs(d.exponent) > max_exponent) return null;
    const exponent = d.exponent + @as(i64, @intCast(d.digits.len - significant.len));
    return .{ .literal = literal, .decimal = .{ .negative = d.negative, .digits = significant, .exponent = exponent } };
}

pub fn compare(x: Rat, y: Rat) std.math.Order {
    return x.decimal.compare(y.decimal);
}

/// Whether x / m is an integer (m > 0). With x = X*10^a, m = M*10^b and
/// X, M free of trailing zeros: for a < b never (unless x = 0), else
/// M | X*10^(a-b), i.e. M's part prime to 10 divides X and M's powers of
/// 2 and 5 are covered by X's plus a-b.
pub fn isMultiple(allocator: Allocator, x: Rat, m: Rat) Allocator.Error!bool {
    if (x.decimal.isZero()) return true;
    if (x.decimal.exponent < m.decimal.exponent) return false;
    const k = x.decimal.exponent - m.decimal.exponent;
    var big_x = try gobig.intFromDigits(allocator, x.decimal.digits);
    var big_m = try gobig.intFromDigits(allocator, m.decimal.digits);
    const m2 = try strip(allocator, &big_m, 2);
    const m5 = try strip(allocator, &big_m, 5);
    var quotient = try BigInt.init(allocator);
    var remainder = try BigInt.init(allocator);
    try quotient.divTrunc(&remainder, &big_x, &big_m);
    if (!remainder.eqlZero()) return false;
    if (m2 > k and m2 > k + try valuation(allocator, big_x, 2)) return false;
    if (m5 > k and m5 > k + try valuation(allocator, big_x, 5)) return false;
    return true;
}

/// Divides `n` by `p` while it divides; returns how many times.
fn strip(allocator: Allocator, n: *BigInt, p: u8) Allocator.Error!i64 {
    var count: i64 = 0;
    var divisor = try BigInt.initSet(allocator, p);
    var quotient = try BigInt.init(allocator);
    var remainder = try BigInt.init(allocator);
    while (!n.eqlZero()) {
        try quotient.divTrunc(&remainder, n, &divisor);
        if (!remainder.eqlZero()) break;
        try n.copy(quotient.toConst());
        count += 1;
    }
    return count;
}

fn valuation(allocator: Allocator, n: BigInt, p: u8) Allocator.Error!i64 {
    var copy = try n.clone();
    return strip(allocator, &copy, p);
}

/// Whether a JSON number literal is an integer as checkJSONInteger decides
/// (false where SetString fails), read from its decimal digits.
pub fn isIntegerLiteral(allocator: Allocator, literal: []const u8) Allocator.Error!bool {
    const scanned = gobig.scanDecimal(literal) orelse return false;
    const d = try gobig.normalize(allocator, scanned);
    const significant = std.mem.trimRight(u8, d.digits, "0");
    if (significant.len == 0) return true;
    if (@abs(d.exponent) > max_exponent) return false;
    const trailing_zeros: i64 = @intCast(d.digits.len - significant.len);
    return d.exponent + trailing_zeros >= 0;
}

/// mustBeInteger: strconv.ParseInt of the literal (so "5.0" and "5e0" are
/// not integers), after the rational check.
pub fn parseInt(literal: []const u8) ?i64 {
    return std.fmt.parseInt(i64, literal, 10) catch null;
}

// ---------------------------------------------------------------------------
// Go's fmt %v of new(big.Float).SetRat(r).

/// Above this many bits the exact shortest-digit search is skipped and the
/// literal's own digits are printed (what Go prints for integers, and for
/// every decimal whose digits fit the precision).
const max_exact_bits = 8192;
const max_exact_digits = 2400;

pub fn formatFloat(allocator: Allocator, x: Rat) Allocator.Error![]const u8 {
    const d = x.decimal;
    if (d.isZero()) return "0";
    const digits_len: i64 = @intCast(d.digits.len);
    // Beyond ~8192 bits in numerator or denominator, print the literal's digits.
    if (digits_len + @as(i64, @intCast(@abs(d.exponent))) <= max_exact_digits) {
        var mantissa = try gobig.intFromDigits(allocator, d.digits);
        const r = gobig.Rat.init(allocator, false, mantissa, 0, d.exponent) catch |err| switch (err) {
            error.OutOfMemory => return error.OutOfMemory,
            error.OutOfRange => unreachable, // |exponent| is small here.
        };
        _ = &mantissa;
        const precision: usize = @max(64, r.num.bitCountAbs(), r.den.bitCountAbs());
        if (precision <= max_exact_bits) {
            const f = try roundToPrecision(allocator, r.num, r.den, precision);
            const s = value_number.GoDecimal.shortest(allocator, f.mantissa.toConst(), f.exponent) catch |err| switch (err) {
                error.OutOfMemory => return error.OutOfMemory,
                else => unreachable, // the only other error is a power of 5 beyond u32: the exponent is within max_exact_bits
            };
            return formatG(allocator, d.negative, s.digits, s.exponent - 1);
        }
    }
    return formatG(allocator, d.negative, d.digits, d.exponent + digits_len - 1);
}

/// m * 2^e with m holding exactly `precision` bits.
const BinaryFloat = struct { mantissa: BigInt, exponent: i64 };

/// num/den rounded to nearest even at `precision` bits.
fn roundToPrecision(allocator: Allocator, num: BigInt, den: BigInt, precision: usize) Allocator.Error!BinaryFloat {
    // Scale so the quotient has precision + 2 or precision + 3 bits: a guard
    // bit plus room; the remainder and dropped bits are sticky.
    const shift: i64 = @as(i64, @intCast(precision + 2)) + @as(i64, @intCast(den.bitCountAbs())) - @as(i64, @intCast(num.bitCountAbs()));
    var scaled_num = try num.clone();
    var scaled_den = try den.clone();
    if (shift > 0) try scaled_num.shiftLeft(&scaled_num, @intCast(shift)) else if (shift < 0) try scaled_den.shiftLeft(&scaled_den, @intCast(-shift));
    var q = try BigInt.init(allocator);
    var rem = try BigInt.init(allocator);
    try q.divTrunc(&rem, &scaled_num, &scaled_den);
    var sticky = !rem.eqlZero();
    var exponent = -shift;
    const extra = q.bitCountAbs() - precision; // 2 or 3: guard bit and more
    assert(extra >= 1);
    // Bits below the guard bit are sticky.
    const below: usize = extra - 1;
    var low = try BigInt.init(allocator);
    if (below > 0) {
        var mask = try BigInt.initSet(allocator, 1);
        try mask.shiftLeft(&mask, below);
        try mask.addScalar(&mask, -1);
        try low.bitAnd(&q, &mask);
        if (!low.eqlZero()) sticky = true;
        try q.shiftRight(&q, below);
        exponent += @intCast(below);
    }
    const guard = q.isOdd();
    try q.shiftRight(&q, 1);
    exponent += 1;
    if (guard and (sticky or q.isOdd())) {
        try q.addScalar(&q, 1);
        if (q.bitCountAbs() > precision) {
            try q.shiftRight(&q, 1);
            exponent += 1;
        }
    }
    return .{ .mantissa = q, .exponent = exponent };
}

/// big.Float.Text('g', -1) of the digits; `exp10` is the exponent of digits[0].
fn formatG(allocator: Allocator, negative: bool, digits: []const u8, exp10: i64) Allocator.Error![]const u8 {
    var out: std.ArrayList(u8) = .empty;
    try value_number.formatGo(allocator, &out, negative, digits, exp10, .g);
    return out.items;
}

// ---------------------------------------------------------------------------
// float64 as encoding/json writes it.

/// The JSON text Go writes for the float64 nearest to `literal`
/// (json.Unmarshal into any, then json.Marshal); null when the literal is
/// beyond float64 (Go's "cannot unmarshal number" error).
pub fn float64Text(allocator: Allocator, literal: []const u8) Allocator.Error!?[]const u8 {
    const f = std.fmt.parseFloat(f64, literal) catch return null;
    if (!std.math.isFinite(f)) return null;
    var out: std.Io.Writer.Allocating = .init(allocator);
    gofloat.writeJson(&out.writer, f) catch return error.OutOfMemory;
    return out.written();
}

// ---------------------------------------------------------------------------
// Tests (expected texts from Go 1.26: fmt.Sprint(new(big.Float).SetRat(r))
// and json.Marshal of float64).

const testing = std.testing;

fn expectFormat(literal: []const u8, want: []const u8) !void {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    const a = arena.allocator();
    const r = (try parse(a, literal)).?;
    try testing.expectEqualStrings(want, try formatFloat(a, r));
}

test "big.Float %v of decimal rationals" {
    try expectFormat("0", "0");
    try expectFormat("10", "10");
    try expectFormat("1.5", "1.5");
    try expectFormat("-2.25", "-2.25");
    try expectFormat("0.1", "0.1");
    try expectFormat("100000", "100000");
    try expectFormat("1000000", "1e+06");
    try expectFormat("1234567", "1.234567e+06");
    try expectFormat("0.0001", "0.0001");
    try expectFormat("0.00001", "1e-05");
    try expectFormat("1e100", "1e+100");
    try expectFormat("123456789012345678901234567890", "1.2345678901234567890123456789e+29");
    try expectFormat("0.000000000931322574615478515625", "9.313225746154785156e-10");
    try expectFormat("0.3333333333333333333333", "0.3333333333333333333333");
}

fn expectFloat64(literal: []const u8, want: ?[]const u8) !void {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    const got = try float64Text(arena.allocator(), literal);
    if (want) |w| try testing.expectEqualStrings(w, got.?) else try testing.expect(got == null);
}

test "float64 texts as encoding/json writes them" {
    try expectFloat64("1.0", "1");
    try expectFloat64("1e30", "1e+30");
    try expectFloat64("1e-7", "1e-7");
    try expectFloat64("1.5e-10", "1.5e-10");
    try expectFloat64("0.000001", "0.000001");
    try expectFloat64("100000000000000000000", "100000000000000000000");
    try expectFloat64("1e21", "1e+21");
    try expectFloat64("-0", "-0");
    try expectFloat64("0.1", "0.1");
    try expectFloat64("1e400", null);
    try expectFloat64("1e-400", "0");
}

test "rationals: SetString limits, order, multiples" {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    const a = arena.allocator();
    try testing.expect(try parse(a, "1e1000001") == null);
    try testing.expect(try parse(a, "0e1000001") != null);
    try testing.expect(try isIntegerLiteral(a, "1.0"));
    try testing.expect(try isIntegerLiteral(a, "1e2"));
    try testing.expect(!try isIntegerLiteral(a, "1.5"));
    try testing.expectEqual(std.math.Order.lt, compare((try parse(a, "0.1")).?, (try parse(a, "0.2")).?));
    try testing.expect(try isMultiple(a, (try parse(a, "0.3")).?, (try parse(a, "0.1")).?));
    try testing.expect(!try isMultiple(a, (try parse(a, "0.35")).?, (try parse(a, "0.1")).?));
    try testing.expect(try isMultiple(a, (try parse(a, "-21")).?, (try parse(a, "7")).?));
    try testing.expectEqual(@as(?i64, 5), parseInt("5"));
    try testing.expectEqual(@as(?i64, null), parseInt("5.0"));
}

test "huge exponents stay fast" {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    const a = arena.allocator();
    try testing.expect(try isIntegerLiteral(a, "1e999999"));
    try testing.expect(!try isIntegerLiteral(a, "1e1000001"));
    try testing.expect(!try isIntegerLiteral(a, "1.5e-999999"));
    try testing.expect(try isIntegerLiteral(a, "1000e-3"));
    try testing.expect(!try isIntegerLiteral(a, "1000e-4"));
    try testing.expect(try isIntegerLiteral(a, "0e-5000000"));
    const big = (try parse(a, "1e99999")).?;
    try testing.expectEqualStrings("1e+99999", try formatFloat(a, big));
    const tiny = (try parse(a, "2.5e-99999")).?;
    try testing.expectEqualStrings("2.5e-99999", try formatFloat(a, tiny));
    try testing.expectEqual(std.math.Order.gt, compare(big, tiny));
    try testing.expect(try isMultiple(a, big, (try parse(a, "2.5e-99999")).?));
    try testing.expect(!try isMultiple(a, big, (try parse(a, "3")).?));
    try testing.expect(try isMultiple(a, (try parse(a, "1e999999")).?, (try parse(a, "1.6e-5")).?));
    try testing.expect(!try isMultiple(a, (try parse(a, "1e-999999")).?, (try parse(a, "3e-999999")).?));
    try testing.expect(try isMultiple(a, (try parse(a, "0.75")).?, (try parse(a, "0.25")).?));
    try testing.expect(!try isMultiple(a, (try parse(a, "0.75")).?, (try parse(a, "0.5")).?));
    try testing.expect(try isMultiple(a, (try parse(a, "12")).?, (try parse(a, "0.08")).?));
    try testing.expect(!try isMultiple(a, (try parse(a, "12.01")).?, (try parse(a, "0.08")).?));
}
