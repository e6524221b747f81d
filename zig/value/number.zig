//! OPA numbers: arbitrary precision, printed exactly as written.
//!
//! OPA keeps a number as its literal text (`ast.Number` is a string), so
//! `1.0`, `1e3`, `-0` and `0.10` come back out unchanged, while comparison is
//! by exact value (`1 == 1.0 == 1e0 == 10e-1`). We mirror that with two forms:
//!
//! - `int`: the literal is a plain canonical integer that fits in i64, so
//!   formatting the i64 reproduces the text. This is the fast path.
//! - `big`: anything else. Holds the literal text plus the exact value as a
//!   normalized decimal (`Decimal`), which makes comparison exact without
//!   floats, and is the starting point for exact arithmetic later.
//!
//! Deliberate divergence: OPA's NumberCompare trims trailing ".0" characters
//! with strings.TrimRight, so in OPA `10.0 == 1.0` is true. We compare exactly.
const std = @import("std");
const assert = std.debug.assert;
const Allocator = std.mem.Allocator;

pub const ParseError = error{ InvalidNumber, NumberOutOfRange, OutOfMemory };

pub const parseLiteral = Number.parseLiteral;
pub const fromInt = Number.fromInt;
pub const fromF64 = Number.fromF64;
pub const fromF80 = Number.fromF80;
pub const FromFloatError = error{ NotFinite, OutOfMemory };

/// Exponent parts with more significant digits than this are rejected with
/// error.NumberOutOfRange (OPA itself refuses such numbers when comparing or
/// computing: big.Rat caps exponents at 1e6). Keeps every exponent sum in i64.
pub const max_exponent_digits = 18;

/// Exact decimal value: (-1)^negative * digits * 10^exponent, `digits` being
/// ASCII decimal digits read as an integer.
///
/// Normalized, so equal values have equal fields: `digits` has no leading or
/// trailing '0'; zero is `digits.len == 0, exponent == 0, negative == false`.
pub const Decimal = struct {
    negative: bool,
    digits: []const u8,
    exponent: i64,

    pub const zero: Decimal = .{ .negative = false, .digits = "", .exponent = 0 };

    pub fn isZero(self: Decimal) bool {
        return self.digits.len == 0;
    }

    pub fn signum(self: Decimal) i2 {
        if (self.isZero()) return 0;
        return if (self.negative) -1 else 1;
    }

    pub fn assertNormalized(self: Decimal) void {
        if (self.digits.len == 0) {
            assert(!self.negative and self.exponent == 0);
        } else {
            assert(self.digits[0] != '0');
            assert(self.digits[self.digits.len - 1] != '0');
        }
    }

    pub fn compare(a: Decimal, b: Decimal) std.math.Order {
        const sa = a.signum();
        const sb = b.signum();
        if (sa != sb) return std.math.order(sa, sb);
        if (sa == 0) return .eq;
        const magnitude = compareMagnitude(a, b);
        return if (sa < 0) magnitude.invert() else magnitude;
    }

    /// |a| vs |b| for non-zero values: first by the position of the leading
    /// digit, then digit by digit. Without trailing zeros, a digit string that
    /// is a strict prefix of another is the smaller value, which is exactly
    /// what lexicographic order gives.
    fn compareMagnitude(a: Decimal, b: Decimal) std.math.Order {
        assert(!a.isZero() and !b.isZero());
        const a_adjusted = a.exponent + @as(i64, @intCast(a.digits.len));
        const b_adjusted = b.exponent + @as(i64, @intCast(b.digits.len));
        if (a_adjusted != b_adjusted) return std.math.order(a_adjusted, b_adjusted);
        return std.mem.order(u8, a.digits, b.digits);
    }
};

/// A number that needs more than the i64 fast path: its literal text and its
/// exact value.
pub const BigNumber = struct {
    /// The literal as written, valid JSON number grammar; what OPA prints.
    text: []const u8,
    decimal: Decimal,
};

pub const Number = union(enum) {
    int: i64,
    big: *const BigNumber,

    comptime {
        // Keeps `Value` at 24 bytes.
        assert(@sizeOf(Number) == 16);
    }

    pub fn fromInt(i: i64) Number {
        return .{ .int = i };
    }

    /// Parses and validates a JSON number literal (RFC 8259 grammar, no
    /// surrounding whitespace). The result does not reference `text`.
    pub fn parseLiteral(allocator: Allocator, text: []const u8) ParseError!Number {
        return parseLiteralImpl(allocator, text);
    }

    /// Frees a number built by `parseLiteral`/`fromF64`/`fromF80` with a
    /// non-arena allocator. Values normally live in arenas and skip this.
    pub fn deinit(self: Number, allocator: Allocator) void {
        switch (self) {
            .int => {},
            .big => |big| allocator.free(bigAllocation(big)),
        }
    }

    /// The exact value. `buffer` holds the digits of an `int`.
    pub fn decimal(self: Number, buffer: *[20]u8) Decimal {
        return switch (self) {
            .int => |i| intDecimal(i, buffer),
            .big => |big| big.decimal,
        };
    }

    pub fn compare(a: Number, b: Number) std.math.Order {
        if (a == .int and b == .int) return std.math.order(a.int, b.int);
        var buffer_a: [20]u8 = undefined;
        var buffer_b: [20]u8 = undefined;
        return Decimal.compare(a.decimal(&buffer_a), b.decimal(&buffer_b));
    }

    pub fn eql(a: Number, b: Number) bool {
        if (a == .int and b == .int) return a.int == b.int;
        return compare(a, b) == .eq;
    }

    pub fn isInteger(self: Number) bool {
        return switch (self) {
            .int => true,
            .big => |big| big.decimal.isZero() or big.decimal.exponent >= 0,
        };
    }

    /// The value as i64 when it is integral and in range (1.0 -> 1, 1e3 -> 1000).
    pub fn toI64(self: Number) ?i64 {
        return switch (self) {
            .int => |i| i,
            .big => |big| decimalToI64(big.decimal),
        };
    }

    /// Nearest f64 (OPA's Number.Float64); may be ±inf for huge values.
    pub fn toF64(self: Number) f64 {
        return self.toFloat(f64);
    }

    /// Nearest f80: f80 has the 64-bit mantissa of OPA's big.Float arithmetic.
    pub fn toF80(self: Number) f80 {
        return self.toFloat(f80);
    }

    fn toFloat(self: Number, comptime T: type) T {
        return switch (self) {
            .int => |i| @floatFromInt(i),
            // The text is valid JSON, which parseFloat accepts; NaN only
            // guards against a future divergence of the two grammars.
            .big => |big| std.fmt.parseFloat(T, big.text) catch std.math.nan(T),
        };
    }

    /// OPA's text for a float64 result: Go's `strconv.FormatFloat(f, 'g', -1, 64)`
    /// except that integral values use 'f' (OPA's builtins.FloatToNumber), e.g.
    /// 3.5, 1e-07, 1.2345675e+06, 1000000000000000000000, -0.
    /// Use for builtins that compute in float64 (math, time, units).
    pub fn fromF64(allocator: Allocator, value: f64) FromFloatError!Number {
        return fromFloat(allocator, value);
    }

    /// Same formatting rules with the shortest digits at a 64-bit mantissa.
    /// OPA's arithmetic uses big.Float at precision 64, which is f80's
    /// mantissa, so computing +-*/ in f80 and formatting here reproduces OPA:
    /// 0.1+0.2 -> 0.3, 1/3 -> 0.33333333333333333334. (big.Float's exponent
    /// range is far wider than f80's; results beyond 1e±4932 differ.)
    pub fn fromF80(allocator: Allocator, value: f80) FromFloatError!Number {
        return fromFloat(allocator, value);
    }

    /// Writes the literal text; use with `{f}`.
    pub fn format(self: Number, writer: *std.Io.Writer) std.Io.Writer.Error!void {
        switch (self) {
            .int => |i| try writer.print("{d}", .{i}),
            .big => |big| try writer.writeAll(big.text),
        }
    }

    /// The literal text; `buffer` holds the digits of an `int`.
    pub fn literal(self: Number, buffer: *[20]u8) []const u8 {
        return switch (self) {
            .int => |i| std.fmt.bufPrint(buffer, "{d}", .{i}) catch unreachable, // 20 bytes fit any i64.
            .big => |big| big.text,
        };
    }

    /// Feeds the value (not the text) to `hasher`: equal numbers hash equal.
    pub fn hash(self: Number, hasher: *std.hash.Wyhash) void {
        if (self.toI64()) |i| {
            hasher.update(std.mem.asBytes(&i));
            return;
        }
        const d = self.big.decimal;
        hasher.update(&.{ 0xff, @intFromBool(d.negative) });
        hasher.update(std.mem.asBytes(&d.exponent));
        hasher.update(d.digits);
    }
};

/// Shape of a literal that passed the grammar check; offsets into the text.
const Shape = struct {
    negative: bool,
    int_start: usize,
    int_end: usize,
    /// Fraction digits, without the '.'; empty when there is no '.'.
    frac_start: usize,
    frac_end: usize,
    /// Value of the exponent part; 0 when absent.
    exponent: i64,
    /// No '.' and no exponent part.
    plain: bool,
};

fn isDigit(c: u8) bool {
    return c >= '0' and c <= '9';
}

fn scan(text: []const u8) error{ InvalidNumber, NumberOutOfRange }!Shape {
    var i: usize = 0;
    const negative = i < text.len and text[i] == '-';
    if (negative) i += 1;

    const int_start = i;
    if (i >= text.len) return error.InvalidNumber;
    if (text[i] == '0') {
        i += 1;
    } else if (text[i] >= '1' and text[i] <= '9') {
        while (i < text.len and isDigit(text[i])) i += 1;
    } else return error.InvalidNumber;
    const int_end = i;

    var frac_start = i;
    var frac_end = i;
    var plain = true;
    if (i < text.len and text[i] == '.') {
        plain = false;
        i += 1;
        frac_start = i;
        while (i < text.len and isDigit(text[i])) i += 1;
        if (i == frac_start) return error.InvalidNumber;
        frac_end = i;
    }

    var exponent: i64 = 0;
    if (i < text.len and (text[i] == 'e' or text[i] == 'E')) {
        plain = false;
        i += 1;
        var exponent_negative = false;
        if (i < text.len and (text[i] == '+' or text[i] == '-')) {
            exponent_negative = text[i] == '-';
            i += 1;
        }
        const digits_start = i;
        while (i < text.len and text[i] == '0') i += 1;
        const significant_start = i;
        while (i < text.len and isDigit(text[i])) i += 1;
        if (i == digits_start) return error.InvalidNumber;
        if (i - significant_start > max_exponent_digits) return error.NumberOutOfRange;
        for (text[significant_start..i]) |c| exponent = exponent * 10 + (c - '0');
        if (exponent_negative) exponent = -exponent;
    }
    if (i != text.len) return error.InvalidNumber;

    return .{
        .negative = negative,
        .int_start = int_start,
        .int_end = int_end,
        .frac_start = frac_start,
        .frac_end = frac_end,
        .exponent = exponent,
        .plain = plain,
    };
}

/// The i64 of a plain integer literal whose text `{d}` reproduces, else null.
fn plainInt(text: []const u8, shape: Shape) ?i64 {
    assert(shape.plain);
    const digits = text[shape.int_start..shape.int_end];
    assert(digits.len > 0);
    if (shape.negative and digits[0] == '0') return null; // "-0" must keep its sign.
    // 19 digits always fit u64; i64 needs at most 19.
    if (digits.len > 19) return null;
    var magnitude: u64 = 0;
    for (digits) |c| magnitude = magnitude * 10 + (c - '0');
    return magnitudeToI64(shape.negative, magnitude);
}

fn magnitudeToI64(negative: bool, magnitude: u64) ?i64 {
    const max: u64 = std.math.maxInt(i64);
    if (negative) {
        if (magnitude > max + 1) return null;
        if (magnitude == max + 1) return std.math.minInt(i64);
        return -@as(i64, @intCast(magnitude));
    }
    if (magnitude > max) return null;
    return @intCast(magnitude);
}

fn parseLiteralImpl(allocator: Allocator, text: []const u8) ParseError!Number {
    const shape = try scan(text);
    if (shape.plain) {
        if (plainInt(text, shape)) |i| return .{ .int = i };
    }
    return makeBig(allocator, text, shape);
}

/// The allocation backing a BigNumber: header, literal text, then the digits
/// when they are not a contiguous run of the text.
fn bigAllocation(big: *const BigNumber) []align(@alignOf(BigNumber)) const u8 {
    const base: [*]align(@alignOf(BigNumber)) const u8 = @ptrCast(big);
    var size = @sizeOf(BigNumber) + big.text.len;
    if (!digitsInText(big)) size += big.decimal.digits.len;
    return base[0..size];
}

fn digitsInText(big: *const BigNumber) bool {
    const digits = big.decimal.digits;
    if (digits.len == 0) return true;
    const text_start = @intFromPtr(big.text.ptr);
    const digits_start = @intFromPtr(digits.ptr);
    return digits_start >= text_start and digits_start + digits.len <= text_start + big.text.len;
}

/// Normalizes the literal into a Decimal and copies everything into a single
/// allocation. The digits are the significant run of int++frac digits; they
/// point into the copied text unless the run straddles the '.'.
fn makeBig(allocator: Allocator, text: []const u8, shape: Shape) ParseError!Number {
    const int_len = shape.int_end - shape.int_start;
    const frac_len = shape.frac_end - shape.frac_start;
    const total = int_len + frac_len;
    // Position c in the combined int++frac digit sequence.
    const Combined = struct {
        text: []const u8,
        shape: Shape,
        int_len: usize,
        fn at(self: @This(), c: usize) u8 {
            if (c < self.int_len) return self.text[self.shape.int_start + c];
            return self.text[self.shape.frac_start + (c - self.int_len)];
        }
        fn offset(self: @This(), c: usize) usize {
            if (c < self.int_len) return self.shape.int_start + c;
            return self.shape.frac_start + (c - self.int_len);
        }
    };
    const combined: Combined = .{ .text = text, .shape = shape, .int_len = int_len };

    var first: usize = 0;
    while (first < total and combined.at(first) == '0') first += 1;

    var d: Decimal = .zero;
    var copy_digits = false;
    var last: usize = 0; // Inclusive; meaningful when first < total.
    if (first < total) {
        last = total - 1;
        while (combined.at(last) == '0') last -= 1;
        assert(first <= last);
        const digits_len = last - first + 1;
        const trailing_zeros = total - 1 - last;
        // |shape.exponent| < 10^18 and lengths are bounded by memory, but stay
        // defensive: every later `exponent + digits.len` must fit in i64.
        const exponent = std.math.add(
            i64,
            shape.exponent,
            @as(i64, @intCast(trailing_zeros)) - @as(i64, @intCast(frac_len)),
        ) catch return error.NumberOutOfRange;
        if (@abs(exponent) > std.math.maxInt(i64) / 4 or digits_len > std.math.maxInt(i64) / 4) {
            return error.NumberOutOfRange;
        }
        d = .{ .negative = shape.negative, .digits = "", .exponent = exponent };
        copy_digits = first < int_len and last >= int_len;
    }

    const nonzero = first < total;
    const digits_len = if (nonzero) last - first + 1 else 0;
    const extra = if (copy_digits) digits_len else 0;
    const bytes = try allocator.alignedAlloc(
        u8,
        .of(BigNumber),
        @sizeOf(BigNumber) + text.len + extra,
    );
    const big: *BigNumber = @ptrCast(bytes.ptr);
    const text_copy = bytes[@sizeOf(BigNumber)..][0..text.len];
    @memcpy(text_copy, text);
    if (nonzero) {
        if (copy_digits) {
            const digits_copy = bytes[@sizeOf(BigNumber) + text.len ..][0..digits_len];
            const int_part = text[shape.int_start + first .. shape.int_end];
            @memcpy(digits_copy[0..int_part.len], int_part);
            @memcpy(digits_copy[int_part.len..], text[shape.frac_start..][0 .. digits_len - int_part.len]);
            d.digits = digits_copy;
        } else {
            d.digits = text_copy[combined.offset(first)..][0..digits_len];
        }
    }
    d.assertNormalized();
    big.* = .{ .text = text_copy, .decimal = d };
    assert(bigAllocation(big).len == bytes.len);
    return .{ .big = big };
}

fn intDecimal(i: i64, buffer: *[20]u8) Decimal {
    if (i == 0) return .zero;
    var magnitude: u64 = @abs(i);
    var exponent: i64 = 0;
    while (magnitude % 10 == 0) {
        magnitude /= 10;
        exponent += 1;
    }
    var position: usize = buffer.len;
    while (magnitude != 0) {
        position -= 1;
        buffer[position] = '0' + @as(u8, @intCast(magnitude % 10));
        magnitude /= 10;
    }
    const result: Decimal = .{ .negative = i < 0, .digits = buffer[position..], .exponent = exponent };
    result.assertNormalized();
    return result;
}

fn decimalToI64(d: Decimal) ?i64 {
    if (d.isZero()) return 0;
    if (d.exponent < 0) return null; // No trailing zeros: a fraction remains.
    if (@as(i64, @intCast(d.digits.len)) + d.exponent > 19) return null;
    var magnitude: u64 = 0;
    for (d.digits) |c| magnitude = magnitude * 10 + (c - '0'); // <= 19 digits fit.
    var e = d.exponent;
    while (e > 0) : (e -= 1) {
        magnitude = std.math.mul(u64, magnitude, 10) catch return null;
    }
    return magnitudeToI64(d.negative, magnitude);
}

fn fromFloat(allocator: Allocator, value: anytype) FromFloatError!Number {
    if (!std.math.isFinite(value)) return error.NotFinite;

    // Shortest round-trip digits, as "[-]d[.ddd]e[-]N".
    var scientific_buffer: [std.fmt.float.min_buffer_size]u8 = undefined;
    // Without a precision, render cannot fail for a buffer this size.
    const scientific = std.fmt.float.render(&scientific_buffer, value, .{ .mode = .scientific }) catch unreachable;

    var rest = scientific;
    const negative = rest[0] == '-';
    if (negative) rest = rest[1..];
    const e_index = std.mem.indexOfScalar(u8, rest, 'e') orelse unreachable; // Always present.
    const exp10 = std.fmt.parseInt(i64, rest[e_index + 1 ..], 10) catch unreachable; // Small.
    var digits_buffer: [std.fmt.float.min_buffer_size]u8 = undefined;
    var digits_len: usize = 0;
    for (rest[0..e_index]) |c| {
        if (c == '.') continue;
        digits_buffer[digits_len] = c;
        digits_len += 1;
    }
    while (digits_len > 1 and digits_buffer[digits_len - 1] == '0') digits_len -= 1;
    const digits = digits_buffer[0..digits_len];

    var text_fallback = std.heap.stackFallback(128, allocator);
    const text_allocator = text_fallback.get();
    var text: std.ArrayList(u8) = .empty;
    defer text.deinit(text_allocator);
    try formatGo(text_allocator, &text, negative, digits, exp10);

    return parseLiteralImpl(allocator, text.items) catch |err| switch (err) {
        error.OutOfMemory => error.OutOfMemory,
        // formatGo only writes JSON numbers with small exponents.
        error.InvalidNumber, error.NumberOutOfRange => unreachable,
    };
}

/// Go's big.Float.Text as used by OPA: 'f' for integral values, otherwise
/// 'g' with the shortest digits ('%e' when exp < -4 || exp >= 6, with at
/// least two exponent digits). `exp10` is the exponent of digits[0].
fn formatGo(
    allocator: Allocator,
    out: *std.ArrayList(u8),
    negative: bool,
    digits: []const u8,
    exp10: i64,
) error{OutOfMemory}!void {
    assert(digits.len > 0);
    if (negative) try out.append(allocator, '-');
    if (digits.len == 1 and digits[0] == '0') {
        try out.append(allocator, '0');
        return;
    }
    const digits_len: i64 = @intCast(digits.len);
    if (exp10 >= digits_len - 1) {
        // Integral: all digits then zeros.
        try out.appendSlice(allocator, digits);
        try out.appendNTimes(allocator, '0', @intCast(exp10 - (digits_len - 1)));
    } else if (exp10 < -4 or exp10 >= 6) {
        try out.append(allocator, digits[0]);
        if (digits.len > 1) {
            try out.append(allocator, '.');
            try out.appendSlice(allocator, digits[1..]);
        }
        try out.append(allocator, 'e');
        try out.append(allocator, if (exp10 < 0) '-' else '+');
        const magnitude = @abs(exp10);
        if (magnitude < 10) try out.append(allocator, '0');
        var buffer: [20]u8 = undefined;
        try out.appendSlice(allocator, std.fmt.bufPrint(&buffer, "{d}", .{magnitude}) catch unreachable);
    } else if (exp10 < 0) {
        try out.appendSlice(allocator, "0.");
        try out.appendNTimes(allocator, '0', @intCast(-exp10 - 1));
        try out.appendSlice(allocator, digits);
    } else {
        const point: usize = @intCast(exp10 + 1);
        assert(point < digits.len);
        try out.appendSlice(allocator, digits[0..point]);
        try out.append(allocator, '.');
        try out.appendSlice(allocator, digits[point..]);
    }
}

// ---------------------------------------------------------------------------
// Tests

const testing = std.testing;

fn expectText(expected: []const u8, n: Number) !void {
    var buffer: [20]u8 = undefined;
    try testing.expectEqualStrings(expected, n.literal(&buffer));
    var writer_buffer: [64]u8 = undefined;
    var w: std.Io.Writer = .fixed(&writer_buffer);
    try w.print("{f}", .{n});
    if (expected.len <= writer_buffer.len) try testing.expectEqualStrings(expected, w.buffered());
}

test "parseLiteral keeps the literal text" {
    var arena_state = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    const cases = [_][]const u8{
        "0",     "1",        "-1",                   "123",                 "1.0",                            "1e3",
        "-0",    "-0.0",     "0.10",                 "1e400",               "100000000000000000000000",       "1E+2",
        "1e-7",  "0.1",      "-1.5e-3",              "1e0",                 "123456789012345678901234567890", "0e0",
        "0.000", "1.23e+10", "-9223372036854775809", "9223372036854775808",
    };
    for (cases) |text| {
        const n = try Number.parseLiteral(arena, text);
        try expectText(text, n);
    }
}

test "plain canonical integers use the i64 fast path" {
    const cases = [_]struct { []const u8, i64 }{
        .{ "0", 0 },
        .{ "7", 7 },
        .{ "-7", -7 },
        .{ "9223372036854775807", std.math.maxInt(i64) },
        .{ "-9223372036854775808", std.math.minInt(i64) },
        .{ "1000000000000000000", 1000000000000000000 },
    };
    for (cases) |case| {
        // A failing allocator proves no allocation happens.
        const n = try Number.parseLiteral(testing.failing_allocator, case[0]);
        try testing.expect(n == .int);
        try testing.expectEqual(case[1], n.int);
    }
    const not_int = [_][]const u8{ "-0", "9223372036854775808", "-9223372036854775809", "1.0", "1e2" };
    for (not_int) |text| {
        const n = try Number.parseLiteral(testing.allocator, text);
        defer n.deinit(testing.allocator);
        try testing.expect(n == .big);
    }
}

test "parseLiteral rejects invalid grammar" {
    const invalid = [_][]const u8{
        "",    "-",   "+1", "01", "-01", "1.",  ".5",    "1.e3", "1e",  "1e+",
        "1e-", "0x1", "1 ", " 1", "1a",  "--1", "1.2.3", "NaN",  "inf", "1e1.5",
        "00",  "-.5", "1E", "١",
    };
    for (invalid) |text| {
        try testing.expectError(error.InvalidNumber, Number.parseLiteral(testing.allocator, text));
    }
    try testing.expectError(error.NumberOutOfRange, Number.parseLiteral(testing.allocator, "1e1000000000000000000"));
    // Leading zeros of the exponent do not count.
    const n = try Number.parseLiteral(testing.allocator, "1e0000000000000000000000005");
    defer n.deinit(testing.allocator);
    try testing.expectEqual(@as(?i64, 100000), n.toI64());
}

test "normalized decimal form" {
    var arena_state = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    const cases = [_]struct { []const u8, bool, []const u8, i64 }{
        .{ "1.0", false, "1", 0 },
        .{ "10e-1", false, "1", 0 },
        .{ "-0", false, "", 0 },
        .{ "-0.000e5", false, "", 0 },
        .{ "0.10", false, "1", -1 },
        .{ "1200.0340", false, "1200034", -3 },
        .{ "-120e3", true, "12", 4 },
        .{ "0.00123e2", false, "123", -3 },
        .{ "100000000000000000000000", false, "1", 23 },
        .{ "12.5", false, "125", -1 },
    };
    for (cases) |case| {
        const n = try Number.parseLiteral(arena, case[0]);
        var buffer: [20]u8 = undefined;
        const d = n.decimal(&buffer);
        try testing.expectEqual(case[1], d.negative);
        try testing.expectEqualStrings(case[2], d.digits);
        try testing.expectEqual(case[3], d.exponent);
    }
    var buffer: [20]u8 = undefined;
    const d = Number.fromInt(std.math.minInt(i64)).decimal(&buffer);
    try testing.expectEqualStrings("9223372036854775808", d.digits);
    try testing.expect(d.negative);
    const d2 = Number.fromInt(-1200).decimal(&buffer);
    try testing.expectEqualStrings("12", d2.digits);
    try testing.expectEqual(@as(i64, 2), d2.exponent);
}

test "deinit frees exactly what parseLiteral allocated" {
    const cases = [_][]const u8{ "1.5", "12.5", "0.10", "-0", "1e400", "123456789012345678901234567890.5" };
    for (cases) |text| {
        const n = try Number.parseLiteral(testing.allocator, text);
        n.deinit(testing.allocator);
    }
}

fn expectOrder(expected: std.math.Order, a_text: []const u8, b_text: []const u8) !void {
    var arena_state = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    const a = try Number.parseLiteral(arena, a_text);
    const b = try Number.parseLiteral(arena, b_text);
    testing.expectEqual(expected, a.compare(b)) catch |err| {
        std.debug.print("compare({s}, {s})\n", .{ a_text, b_text });
        return err;
    };
    try testing.expectEqual(expected.invert(), b.compare(a));
    try testing.expectEqual(expected == .eq, a.eql(b));
    if (expected == .eq) {
        var ha = std.hash.Wyhash.init(0);
        var hb = std.hash.Wyhash.init(0);
        a.hash(&ha);
        b.hash(&hb);
        try testing.expectEqual(ha.final(), hb.final());
    }
}

test "compare is exact across representations" {
    try expectOrder(.eq, "1", "1.0");
    try expectOrder(.eq, "1", "1e0");
    try expectOrder(.eq, "1", "10e-1");
    try expectOrder(.eq, "1.0", "0.1e1");
    try expectOrder(.eq, "-0", "0");
    try expectOrder(.eq, "-0.0", "0e10");
    try expectOrder(.eq, "1000", "1e3");
    try expectOrder(.eq, "1000", "1E+3");
    try expectOrder(.gt, "10.0", "1.0"); // OPA says equal (TrimRight bug); we are exact.
    try expectOrder(.gt, "1e400", "1e399");
    try expectOrder(.lt, "-1e400", "-1e399");
    try expectOrder(.gt, "1e-400", "0");
    try expectOrder(.lt, "-1e-400", "0");
    try expectOrder(.lt, "1e-999999999999999999", "1e-999999999999999998");
    try expectOrder(.lt, "0.1", "0.10000000000000000001");
    try expectOrder(.lt, "0.1", "0.2");
    try expectOrder(.lt, "0.09", "0.1");
    try expectOrder(.lt, "12", "12.3");
    try expectOrder(.gt, "-12", "-12.3");
    try expectOrder(.lt, "-1", "1");
    try expectOrder(.lt, "-1", "0");
    try expectOrder(.eq, "9223372036854775807", "9.223372036854775807e18");
    try expectOrder(.lt, "9223372036854775807", "9223372036854775808");
    try expectOrder(.gt, "-9223372036854775808", "-9223372036854775809");
    try expectOrder(.lt, "9223372036854775807", "9223372036854775807.0000000001");
    try expectOrder(.gt, "-9223372036854775808", "-9223372036854775808.5");
    try expectOrder(.eq, "-9223372036854775808", "-9223372036854775808.000");
    try expectOrder(.gt, "123456789012345678901234567890", "123456789012345678901234567889");
    try expectOrder(.lt, "2", "10");
    try expectOrder(.lt, "2", "1e1");
    try expectOrder(.gt, "2.5", "2.49999999999999999999999");
}

test "toI64 and isInteger" {
    var arena_state = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    const cases = [_]struct { []const u8, ?i64, bool }{
        .{ "1.0", 1, true },
        .{ "1e3", 1000, true },
        .{ "-0", 0, true },
        .{ "1.5", null, false },
        .{ "1e-7", null, false },
        .{ "9.223372036854775807e18", std.math.maxInt(i64), true },
        .{ "-9.223372036854775808e18", std.math.minInt(i64), true },
        .{ "9.223372036854775808e18", null, true },
        .{ "1e19", null, true },
        .{ "1e400", null, true },
        .{ "100000000000000000000000", null, true },
        .{ "0.0", 0, true },
    };
    for (cases) |case| {
        const n = try Number.parseLiteral(arena, case[0]);
        try testing.expectEqual(case[1], n.toI64());
        try testing.expectEqual(case[2], n.isInteger());
    }
}

test "fromF64 and fromF80 use OPA's float text" {
    var arena_state = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    const f64_cases = [_]struct { f64, []const u8 }{
        .{ 3.5, "3.5" },
        .{ 2.5, "2.5" },
        .{ 0.0001, "0.0001" },
        .{ 0.00001, "1e-05" },
        .{ 1e-7, "1e-07" },
        .{ 1234567.5, "1.2345675e+06" },
        .{ 100000.5, "100000.5" },
        .{ 1000.5, "1000.5" },
        .{ 1e21, "1000000000000000000000" },
        .{ 1234568, "1234568" },
        .{ -0.0, "-0" },
        .{ 0.0, "0" },
        .{ -2.5, "-2.5" },
        .{ 1.5e-300, "1.5e-300" },
    };
    for (f64_cases) |case| {
        const n = try Number.fromF64(arena, case[0]);
        try expectText(case[1], n);
    }
    var point_one: f64 = 0.1;
    _ = &point_one;
    try expectText("0.30000000000000004", try Number.fromF64(arena, point_one + 0.2));
    try testing.expect((try Number.fromF64(arena, 1234568)) == .int);
    try testing.expectError(error.NotFinite, Number.fromF64(arena, std.math.inf(f64)));
    try testing.expectError(error.NotFinite, Number.fromF64(arena, std.math.nan(f64)));

    // Reproduces `opa eval` results of big.Float arithmetic.
    const a = (try Number.parseLiteral(arena, "0.1")).toF80();
    const b = (try Number.parseLiteral(arena, "0.2")).toF80();
    try expectText("0.3", try Number.fromF80(arena, a + b));
    const one: f80 = 1;
    const three = Number.fromInt(3).toF80();
    try expectText("0.33333333333333333334", try Number.fromF80(arena, one / three));
    try expectText("0.6666666666666666667", try Number.fromF80(arena, 2 * one / three));
    const big = (try Number.parseLiteral(arena, "1e400")).toF80();
    const n = try Number.fromF80(arena, big * one);
    try testing.expectEqual(@as(usize, 401), n.big.text.len);
    try testing.expectEqual(std.math.Order.eq, n.compare(try Number.parseLiteral(arena, "1e400")));
}

test "toF64" {
    var arena_state = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    try testing.expectEqual(@as(f64, 0.1), (try Number.parseLiteral(arena, "0.1")).toF64());
    try testing.expectEqual(@as(f64, 100), (try Number.parseLiteral(arena, "1E+2")).toF64());
    try testing.expectEqual(@as(f64, -3), Number.fromInt(-3).toF64());
    try testing.expect(std.math.isInf((try Number.parseLiteral(arena, "1e400")).toF64()));
}
