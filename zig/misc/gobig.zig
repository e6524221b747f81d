//! The slice of Go's math/big that units.parse and units.parse_bytes go
//! through: the decimal grammar of big.Rat.SetString / big.Float.SetString,
//! exact rationals printed as Rat.RatString/FloatString(10) print them, and
//! big.Float's rounding (nearest even) at a given precision, including the
//! inexact powers of five Float.SetString uses for large exponents.
//!
//! Values are bounded (see `max_digits`): OPA has no limits, but numbers
//! beyond them would take this library minutes to print.
const std = @import("std");
const assert = std.debug.assert;
const Allocator = std.mem.Allocator;

pub const BigInt = std.math.big.int.Managed;
const Limb = std.math.big.Limb;
const DoubleLimb = std.math.big.DoubleLimb;

/// Results whose integer part would need more decimal digits than this, or
/// mantissas with more significant digits, are refused (error.OutOfRange).
pub const max_digits: i64 = 39_000;

pub const Error = error{ OutOfMemory, OutOfRange };

/// A decimal as written: (-1)^negative * digits * 10^exponent, `digits`
/// without leading zeros (empty for zero).
pub const Decimal = struct {
    negative: bool,
    digits: []const u8,
    exponent: i64,

    pub fn isZero(d: Decimal) bool {
        return d.digits.len == 0;
    }

    /// The value is below 10^magnitude (and at least 10^(magnitude-1)).
    pub fn magnitude(d: Decimal) i64 {
        return @as(i64, @intCast(d.digits.len)) + d.exponent;
    }
};

/// The decimal forms math/big's SetString accepts from text made of digits,
/// '.', 'e', 'E', '+' and '-' (the only bytes units.* hand it): an optional
/// sign, digits with at most one '.', at least one digit, then optionally an
/// exponent with an optional sign and at least one digit. Null otherwise.
/// The digits keep their '.' and leading zeros: see `normalize`.
pub fn scanDecimal(text: []const u8) ?Decimal {
    var i: usize = 0;
    var negative = false;
    if (i < text.len and (text[i] == '+' or text[i] == '-')) {
        negative = text[i] == '-';
        i += 1;
    }
    const mantissa_start = i;
    var digit_count: usize = 0;
    var fraction_digits: i64 = 0;
    var seen_point = false;
    while (i < text.len) : (i += 1) {
        const c = text[i];
        if (c == '.' and !seen_point) {
            seen_point = true;
        } else if (c >= '0' and c <= '9') {
            digit_count += 1;
            if (seen_point) fraction_digits += 1;
        } else break;
    }
    if (digit_count == 0) return null;
    const mantissa = text[mantissa_start..i];

    var exponent: i64 = 0;
    if (i < text.len and (text[i] == 'e' or text[i] == 'E')) {
        i += 1;
        var exponent_negative = false;
        if (i < text.len and (text[i] == '+' or text[i] == '-')) {
            exponent_negative = text[i] == '-';
            i += 1;
        }
        const start = i;
        while (i < text.len and text[i] >= '0' and text[i] <= '9') : (i += 1) {
            // strconv.ParseInt's range: more digits than i64 holds fail.
            exponent = std.math.mul(i64, exponent, 10) catch return null;
            exponent = std.math.add(i64, exponent, text[i] - '0') catch return null;
        }
        if (i == start) return null;
        if (exponent_negative) exponent = -exponent;
    }
    if (i != text.len) return null;

    return .{
        .negative = negative,
        .digits = mantissa,
        .exponent = exponent - fraction_digits,
    };
}

/// `d` from scanDecimal with its digits made contiguous and stripped of
/// leading zeros, allocated in `allocator` when the point must go.
pub fn normalize(allocator: Allocator, d: Decimal) Allocator.Error!Decimal {
    var digits: []const u8 = d.digits;
    if (std.mem.indexOfScalar(u8, digits, '.')) |point| {
        const joined = try allocator.alloc(u8, digits.len - 1);
        @memcpy(joined[0..point], digits[0..point]);
        @memcpy(joined[point..], digits[point + 1 ..]);
        digits = joined;
    }
    const first = std.mem.indexOfNone(u8, digits, "0") orelse digits.len;
    return .{ .negative = d.negative, .digits = digits[first..], .exponent = d.exponent };
}

/// The non-negative integer spelled by ASCII digits, a limb's worth of digits
/// at a time (std's setString multiplies once per digit).
pub fn intFromDigits(allocator: Allocator, digits: []const u8) Allocator.Error!BigInt {
    const chunk = comptime digitsPerLimb();
    var result = try BigInt.initCapacity(allocator, digits.len / chunk + 2);
    var len: usize = 1;
    result.limbs[0] = 0;
    var start: usize = 0;
    while (start < digits.len) {
        const end = @min(digits.len, start + chunk);
        var scale: Limb = 1;
        var carry: Limb = 0;
        for (digits[start..end]) |c| {
            assert(c >= '0' and c <= '9');
            scale *= 10;
            carry = carry * 10 + (c - '0');
        }
        for (result.limbs[0..len]) |*limb| {
            const product = @as(DoubleLimb, limb.*) * scale + carry;
            limb.* = @truncate(product);
            carry = @intCast(product >> @bitSizeOf(Limb));
        }
        if (carry != 0) {
            result.limbs[len] = carry;
            len += 1;
        }
        start = end;
    }
    result.setMetadata(true, len);
    result.normalize(len);
    return result;
}

fn digitsPerLimb() usize {
    var digits: usize = 0;
    var scale: Limb = 1;
    while (scale <= std.math.maxInt(Limb) / 10) : (scale *= 10) digits += 1;
    return digits;
}

pub fn power(allocator: Allocator, base: u32, exponent: u64) Error!BigInt {
    const e = std.math.cast(u32, exponent) orelse return error.OutOfRange;
    var result = try BigInt.initSet(allocator, base);
    try result.pow(&result, e);
    return result;
}

fn testBit(x: std.math.big.int.Const, bit: usize) bool {
    const limb = bit / @bitSizeOf(Limb);
    if (limb >= x.limbs.len) return false;
    const shift: std.math.Log2Int(Limb) = @intCast(bit % @bitSizeOf(Limb));
    return (x.limbs[limb] >> shift) & 1 == 1;
}

// ---------------------------------------------------------------------------
// Rationals: big.Rat.

/// An exact rational in lowest terms, denominator positive.
pub const Rat = struct {
    num: BigInt,
    den: BigInt,

    /// (-1)^negative * mantissa * 2^binary_exponent * 10^decimal_exponent.
    pub fn init(allocator: Allocator, negative: bool, mantissa: BigInt, binary_exponent: i64, decimal_exponent: i64) Error!Rat {
        var num = mantissa;
        var den = try BigInt.initSet(allocator, 1);
        if (decimal_exponent != 0) {
            var scale = try power(allocator, 10, @abs(decimal_exponent));
            if (decimal_exponent > 0) try num.mul(&num, &scale) else try den.mul(&den, &scale);
        }
        const shift = std.math.cast(usize, @abs(binary_exponent)) orelse return error.OutOfRange;
        if (binary_exponent > 0) try num.shiftLeft(&num, shift) else try den.shiftLeft(&den, shift);
        if (!num.eqlZero()) {
            var divisor = try BigInt.init(allocator);
            try divisor.gcd(&num, &den);
            var remainder = try BigInt.init(allocator);
            try num.divTrunc(&remainder, &num, &divisor);
            try den.divTrunc(&remainder, &den, &divisor);
        }
        num.setSign(!negative or num.eqlZero());
        return .{ .num = num, .den = den };
    }

    pub fn isInt(r: Rat) bool {
        return r.den.toConst().orderAgainstScalar(1) == .eq;
    }

    /// Rat.FloatString(places): the value rounded to `places` decimals, halves
    /// away from zero; "-" for any negative value, even one that rounds to 0.
    pub fn floatString(r: Rat, allocator: Allocator, places: u32) Error![]const u8 {
        var magnitude = try r.num.clone();
        magnitude.abs();
        var quotient = try BigInt.init(allocator);
        var remainder = try BigInt.init(allocator);
        try quotient.divTrunc(&remainder, &magnitude, &r.den);
        var scale = try power(allocator, 10, places);
        try remainder.mul(&remainder, &scale);
        var fraction = try BigInt.init(allocator);
        var rest = try BigInt.init(allocator);
        try fraction.divTrunc(&rest, &remainder, &r.den);
        try rest.shiftLeft(&rest, 1);
        if (r.den.toConst().order(rest.toConst()) != .gt) {
            try fraction.addScalar(&fraction, 1);
            if (fraction.toConst().order(scale.toConst()) != .lt) {
                try quotient.addScalar(&quotient, 1);
                try fraction.sub(&fraction, &scale);
            }
        }
        var out: std.ArrayList(u8) = .empty;
        if (!r.num.isPositive()) try out.append(allocator, '-');
        try out.appendSlice(allocator, try quotient.toConst().toStringAlloc(allocator, 10, .lower));
        if (places > 0) {
            const digits = try fraction.toConst().toStringAlloc(allocator, 10, .lower);
            try out.append(allocator, '.');
            try out.appendNTimes(allocator, '0', places -| digits.len);
            try out.appendSlice(allocator, digits);
        }
        return out.items;
    }
};

// ---------------------------------------------------------------------------
// Binary floats: big.Float, finite and non-zero.

/// mantissa * 2^exponent, mantissa positive; the sign is kept by callers.
pub const Float = struct {
    mantissa: BigInt,
    exponent: i64,

    pub fn fromInt(allocator: Allocator, value: u64) Allocator.Error!Float {
        return .{ .mantissa = try BigInt.initSet(allocator, value), .exponent = 0 };
    }

    /// Rounds to `precision` bits, to nearest even. `sticky` says the exact
    /// value is a little above mantissa * 2^exponent; it needs the mantissa
    /// to carry at least one bit beyond the precision.
    pub fn round(x: *Float, precision: usize, sticky: bool) Allocator.Error!void {
        const bits = x.mantissa.bitCountAbs();
        if (bits <= precision) {
            assert(!sticky);
            return;
        }
        const shift = bits - precision;
        const m = x.mantissa.toConst();
        const guard = testBit(m, shift - 1);
        const rest = sticky or m.ctz(@intCast(bits)) < shift - 1;
        try x.mantissa.shiftRight(&x.mantissa, shift);
        x.exponent += @intCast(shift);
        if (guard and (rest or x.mantissa.isOdd())) {
            try x.mantissa.addScalar(&x.mantissa, 1);
            if (x.mantissa.bitCountAbs() > precision) {
                try x.mantissa.shiftRight(&x.mantissa, 1);
                x.exponent += 1;
            }
        }
    }

    /// x * y rounded to `precision` bits (Float.Mul: exact product, one rounding).
    pub fn mul(allocator: Allocator, x: Float, y: Float, precision: usize) Allocator.Error!Float {
        var product: Float = .{ .mantissa = try BigInt.init(allocator), .exponent = x.exponent + y.exponent };
        try product.mantissa.mul(&x.mantissa, &y.mantissa);
        try product.round(precision, false);
        return product;
    }

    /// x / y rounded to `precision` bits (Float.Quo: correctly rounded).
    pub fn div(allocator: Allocator, x: Float, y: Float, precision: usize) Allocator.Error!Float {
        // Scale x so the quotient has at least precision + 2 bits.
        const x_bits: i64 = @intCast(x.mantissa.bitCountAbs());
        const y_bits: i64 = @intCast(y.mantissa.bitCountAbs());
        const shift: usize = @intCast(@max(0, y_bits - x_bits + @as(i64, @intCast(precision)) + 2));
        var numerator = try BigInt.init(allocator);
        try numerator.shiftLeft(&x.mantissa, shift);
        var quotient: Float = .{
            .mantissa = try BigInt.init(allocator),
            .exponent = x.exponent - y.exponent - @as(i64, @intCast(shift)),
        };
        var remainder = try BigInt.init(allocator);
        try quotient.mantissa.divTrunc(&remainder, &numerator, &y.mantissa);
        try quotient.round(precision, !remainder.eqlZero());
        return quotient;
    }

    /// Float.pow5 at precision 128: exact up to 5^27, then a square-and-
    /// multiply whose steps round (to 128 bits, the squares to 192).
    pub fn pow5(allocator: Allocator, n: u64) Allocator.Error!Float {
        const table_max = 27;
        if (n <= table_max) return fromInt(allocator, std.math.pow(u64, 5, n));
        var z = try fromInt(allocator, std.math.pow(u64, 5, table_max));
        var f = try fromInt(allocator, 5);
        var rest = n - table_max;
        while (rest > 0) : (rest >>= 1) {
            if (rest & 1 != 0) z = try mul(allocator, z, f, 128);
            f = try mul(allocator, f, f, 192);
        }
        return z;
    }

    /// big.Float.SetString at precision 64 for a non-zero decimal.
    pub fn fromDecimal(allocator: Allocator, d: Decimal) Error!Float {
        assert(!d.isZero());
        var z: Float = .{ .mantissa = try intFromDigits(allocator, d.digits), .exponent = d.exponent };
        if (d.exponent == 0) {
            try z.round(64, false);
            return z;
        }
        // 10^e = 5^e * 2^e: the 2^e went into the exponent above.
        const p = try pow5(allocator, @abs(d.exponent));
        return if (d.exponent > 0) mul(allocator, z, p, 64) else div(allocator, z, p, 64);
    }

    /// The integer part (big.Float.Int: toward zero), non-negative.
    pub fn truncate(x: Float, allocator: Allocator) Error!BigInt {
        var result = try x.mantissa.clone();
        if (x.exponent >= 0) {
            const shift = std.math.cast(usize, x.exponent) orelse return error.OutOfRange;
            try result.shiftLeft(&result, shift);
        } else {
            const shift = std.math.cast(usize, -x.exponent) orelse return BigInt.initSet(allocator, 0);
            try result.shiftRight(&result, shift);
        }
        return result;
    }
};

const testing = std.testing;

test "scanDecimal takes math/big's decimal forms" {
    const cases = .{
        .{ "1", false, "1", 0 },
        .{ "+5", false, "5", 0 },
        .{ "-1.5", true, "1.5", -1 },
        .{ "1.", false, "1.", 0 },
        .{ ".5", false, ".5", -1 },
        .{ "1e3", false, "1", 3 },
        .{ "1.25E-2", false, "1.25", -4 },
        .{ "007", false, "007", 0 },
    };
    inline for (cases) |case| {
        const d = scanDecimal(case[0]).?;
        try testing.expectEqual(case[1], d.negative);
        try testing.expectEqualStrings(case[2], d.digits);
        try testing.expectEqual(@as(i64, case[3]), d.exponent);
    }
    for ([_][]const u8{ "", ".", "-", "1e", "1e+", "1..2", "1.2.3", "--1", "1-2", "e5", "1e5e5" }) |text| {
        try testing.expect(scanDecimal(text) == null);
    }
}

test "normalize joins the digits and drops leading zeros" {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    const d = try normalize(arena.allocator(), scanDecimal("00.0120").?);
    try testing.expectEqualStrings("120", d.digits);
    try testing.expectEqual(@as(i64, -4), d.exponent);
    try testing.expect((try normalize(arena.allocator(), scanDecimal("0.000").?)).isZero());
}

test "Rat prints as FloatString(10)" {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    const a = arena.allocator();
    const cases = .{
        .{ false, 15, 0, -1, "1.5000000000" },
        .{ true, 1, 0, -20, "-0.0000000000" },
        .{ false, 2, 0, -11, "0.0000000000" },
        .{ false, 5, 0, -11, "0.0000000001" },
        .{ false, 99999999999, 0, -11, "1.0000000000" },
        .{ false, 1, -2, 0, "0.2500000000" },
    };
    inline for (cases) |case| {
        const r = try Rat.init(a, case[0], try BigInt.initSet(a, case[1]), case[2], case[3]);
        try testing.expect(!r.isInt());
        try testing.expectEqualStrings(case[4], try r.floatString(a, 10));
    }
    const whole = try Rat.init(a, true, try BigInt.initSet(a, 15), 0, 1);
    try testing.expect(whole.isInt());
    try testing.expectEqualStrings("-150", try whole.num.toConst().toStringAlloc(a, 10, .lower));
}

test "Float.fromDecimal rounds as big.Float.SetString" {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    const a = arena.allocator();
    // OPA: units.parse_bytes("123456789012345678901234") = 123456789012345678897152,
    // units.parse_bytes("1e30") = 1000000000000000000024696061952.
    const cases = .{
        .{ "123456789012345678901234", "123456789012345678897152" },
        .{ "1e30", "1000000000000000000024696061952" },
        .{ "1.5", "1" },
        .{ "0.999", "0" },
    };
    inline for (cases) |case| {
        const d = try normalize(a, scanDecimal(case[0]).?);
        const f = try Float.fromDecimal(a, d);
        const n = try f.truncate(a);
        try testing.expectEqualStrings(case[1], try n.toConst().toStringAlloc(a, 10, .lower));
    }
}
