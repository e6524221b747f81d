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
//!   floats.
//!
//! Arithmetic (`add`, `sub`, `mul`, `div`, `rem`, `abs`, `round`, `ceil`,
//! `floor`) reproduces OPA's: exact integers when both operands are integers,
//! else Go's big.Float at precision 64, printed as OPA prints it (see the
//! "Arithmetic" section).
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

    /// OPA's text for a big.Float of precision 64, which is f80's mantissa:
    /// the same rules with the shortest digits found as Go's big.Float finds
    /// them (which differs from Ryu's where the mantissa is a power of two:
    /// 1/2^393 is 4.956917651007127389e-119 in OPA). So computing +-*/ in f80
    /// and formatting here reproduces OPA: 0.1+0.2 -> 0.3, 1/3 ->
    /// 0.33333333333333333334. (big.Float's exponent range is far wider than
    /// f80's; for OPA's own arithmetic use `add`, `sub`, `mul`, `div`.)
    pub fn fromF80(allocator: Allocator, value: f80) FromFloatError!Number {
        if (!std.math.isFinite(value)) return error.NotFinite;
        var fallback = std.heap.stackFallback(scratch_stack_bytes, allocator);
        var scratch_state = std.heap.ArenaAllocator.init(fallback.get());
        defer scratch_state.deinit();
        return Float.fromF80(value).toNumber(allocator, scratch_state.allocator()) catch |err| switch (err) {
            error.OutOfMemory => error.OutOfMemory,
            // f80's exponents are far inside our limits; nothing divides.
            error.OutOfRange, error.DivideByZero, error.ModuloByZero, error.ModuloOnFloat => unreachable,
        };
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
    try formatGo(text_allocator, &text, negative, digits, exp10, .f_if_integral);

    return parseLiteralImpl(allocator, text.items) catch |err| switch (err) {
        error.OutOfMemory => error.OutOfMemory,
        // formatGo only writes JSON numbers with small exponents.
        error.InvalidNumber, error.NumberOutOfRange => unreachable,
    };
}

/// How `formatGo` writes a number.
pub const GoFormat = enum {
    /// big.Float.Text('g', -1): '%e' when exp < -4 || exp >= 6 (at least two exponent
    /// digits), else '%f'.
    g,
    /// As OPA's FloatToNumber: 'f' for integral values, otherwise 'g'.
    f_if_integral,
};

/// Go's big.Float.Text with the shortest digits: `digits` and `exp10`, the exponent of
/// digits[0], in the given style.
pub fn formatGo(
    allocator: Allocator,
    out: *std.ArrayList(u8),
    negative: bool,
    digits: []const u8,
    exp10: i64,
    style: GoFormat,
) error{OutOfMemory}!void {
    assert(digits.len > 0);
    if (negative) try out.append(allocator, '-');
    if (digits.len == 1 and digits[0] == '0') {
        try out.append(allocator, '0');
        return;
    }
    const digits_len: i64 = @intCast(digits.len);
    if (style == .f_if_integral and exp10 >= digits_len - 1) {
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
        if (point >= digits.len) {
            try out.appendSlice(allocator, digits);
            try out.appendNTimes(allocator, '0', point - digits.len);
        } else {
            try out.appendSlice(allocator, digits[0..point]);
            try out.append(allocator, '.');
            try out.appendSlice(allocator, digits[point..]);
        }
    }
}

// ---------------------------------------------------------------------------
// Arithmetic with OPA's semantics (v1/topdown/arithmetic.go)
//
// OPA computes +, - and * exactly (arbitrary-precision integers) when both
// operands are integers (builtins.NumberToInt), and everything else in Go's
// big.Float at precision 64: round to nearest even, an exponent range far
// beyond f80's, results printed with the shortest digits that round back at
// that precision ('f' for integral values, 'g' otherwise). `Float` below
// reproduces that arithmetic and printing bit for bit; integer results come
// from std.math.big.int.
//
// Bounded divergence: OPA has no size limits; we refuse (error.OutOfRange)
// integers beyond `max_integer_bits` and floats beyond 2^±`max_float_exponent`,
// which keeps the quadratic cost of printing them small.

pub const ArithmeticError = error{
    OutOfMemory,
    /// OPA: "divide by zero".
    DivideByZero,
    /// OPA: "modulo by zero".
    ModuloByZero,
    /// OPA: "modulo on floating-point number".
    ModuloOnFloat,
    /// Beyond `max_integer_bits` or `max_float_exponent`.
    OutOfRange,
};

/// Integer operands and results above this many bits (about 39,400 decimal
/// digits) are refused with error.OutOfRange.
pub const max_integer_bits: usize = 1 << 17;
/// Integer operands whose literal spells more decimal digits than this are
/// refused before any work is done (a little under `max_integer_bits`).
const max_integer_digits: u64 = 39_000;
/// Floats must lie within 2^±max_float_exponent (about 1e±19728).
pub const max_float_exponent: i64 = 1 << 16;
/// Decimal counterpart of `max_float_exponent`, checked before converting.
const max_float_decimal_exponent: i64 = 19_800;
/// Float operands with more significant digits than this are refused.
const max_float_digits: usize = 100_000;
/// OPA's big.Rat refuses literals whose exponent, after moving the decimal
/// point to the end, exceeds this; such numbers are not integers to OPA.
const rat_max_exponent: u64 = 1_000_000;

/// Scratch memory per operation: a stack buffer, then `allocator`.
const scratch_stack_bytes = 4096;

pub const BigInt = std.math.big.int.Managed;
pub const BigConst = std.math.big.int.Const;
const Limb = std.math.big.Limb;
const DoubleLimb = std.math.big.DoubleLimb;

/// x + y: exact for integers, else big.Float at precision 64.
pub fn add(allocator: Allocator, x: Number, y: Number) ArithmeticError!Number {
    return exactOrFloat(allocator, x, y, .add);
}

/// x - y: exact for integers, else big.Float at precision 64.
pub fn sub(allocator: Allocator, x: Number, y: Number) ArithmeticError!Number {
    return exactOrFloat(allocator, x, y, .sub);
}

/// x * y: exact for integers, else big.Float at precision 64.
pub fn mul(allocator: Allocator, x: Number, y: Number) ArithmeticError!Number {
    return exactOrFloat(allocator, x, y, .mul);
}

/// x / y, always in big.Float (OPA: 4 / 2 = 2, 1 / 3 = 0.33333333333333333334).
pub fn div(allocator: Allocator, x: Number, y: Number) ArithmeticError!Number {
    var fallback = std.heap.stackFallback(scratch_stack_bytes, allocator);
    var scratch_state = std.heap.ArenaAllocator.init(fallback.get());
    defer scratch_state.deinit();
    const scratch = scratch_state.allocator();

    const a = try Float.fromNumber(scratch, x);
    const b = try Float.fromNumber(scratch, y);
    if (b.isZero()) return error.DivideByZero;
    const quotient = try a.div(b);
    return quotient.toNumber(allocator, scratch);
}

/// x % y on integers, truncated (the sign of x), as Go's big.Int.Rem.
pub fn rem(allocator: Allocator, x: Number, y: Number) ArithmeticError!Number {
    if (opaInt64(x)) |a| {
        if (opaInt64(y)) |b| {
            if (b == 0) return error.ModuloByZero;
            // i128: minInt(i64) % -1 must not trap.
            return fromI128(allocator, @rem(@as(i128, a), b));
        }
    }
    if (!isOpaInteger(x) or !isOpaInteger(y)) return error.ModuloOnFloat;
    return remBig(allocator, x, y);
}

/// Kept out of line so the fast path above has a small stack frame.
noinline fn remBig(allocator: Allocator, x: Number, y: Number) ArithmeticError!Number {
    var fallback = std.heap.stackFallback(scratch_stack_bytes, allocator);
    var scratch_state = std.heap.ArenaAllocator.init(fallback.get());
    defer scratch_state.deinit();
    const scratch = scratch_state.allocator();

    var a = try toBigIntIn(scratch, x);
    var b = try toBigIntIn(scratch, y);
    // OPA tests b.Int64() == 0, which only reads the low 64 bits of |b|:
    // 2^64 counts as zero there, so it does here.
    if (low64(b.toConst()) == 0) return error.ModuloByZero;
    var quotient = try BigInt.init(scratch);
    var remainder = try BigInt.init(scratch);
    try quotient.divTrunc(&remainder, &a, &b);
    return numberFromBig(allocator, scratch, remainder.toConst());
}

/// |x|, through big.Float as OPA (abs(-1e30) = 1000000000000000000000000000000).
pub fn abs(allocator: Allocator, x: Number) ArithmeticError!Number {
    return unary(allocator, x, .abs);
}

/// x rounded half away from zero, through big.Float as OPA.
pub fn round(allocator: Allocator, x: Number) ArithmeticError!Number {
    return unary(allocator, x, .round);
}

/// OPA's ceil, quirk included: ceil(-0.5) = 1 (its integer part is +0).
pub fn ceil(allocator: Allocator, x: Number) ArithmeticError!Number {
    return unary(allocator, x, .ceil);
}

/// OPA's floor, quirk included: floor(-0.5) = 0 (its integer part is +0).
pub fn floor(allocator: Allocator, x: Number) ArithmeticError!Number {
    return unary(allocator, x, .floor);
}

/// Whether OPA's builtins.NumberToInt accepts `n`: the value is integral and,
/// for a literal with '.' or an exponent, big.Rat accepts it (the exponent
/// minus the count of fraction digits stays within ±1e6; zero always passes).
pub fn isOpaInteger(n: Number) bool {
    switch (n) {
        .int => return true,
        .big => |big| {
            if (big.decimal.isZero()) return true;
            if (big.decimal.exponent < 0) return false;
            // The text passed this grammar when the number was built.
            const shape = scan(big.text) catch return false;
            const fraction_digits: i64 = @intCast(shape.frac_end - shape.frac_start);
            return @abs(shape.exponent - fraction_digits) <= rat_max_exponent;
        },
    }
}

/// The value as i64 when it is an OPA integer that fits.
pub fn opaInt64(n: Number) ?i64 {
    return switch (n) {
        .int => |i| i,
        .big => if (isOpaInteger(n)) n.toI64() else null,
    };
}

/// The exact integer value, allocated in `allocator` (the caller deinits).
/// Asserts `isOpaInteger(n)`; error.OutOfRange beyond `max_integer_bits`.
pub fn toBigInt(allocator: Allocator, n: Number) ArithmeticError!BigInt {
    return toBigIntIn(allocator, n);
}

/// The number for an exact integer: the i64 fast path when it fits, else a
/// big literal. error.OutOfRange beyond `max_integer_bits`.
pub fn fromBigInt(allocator: Allocator, value: BigConst) ArithmeticError!Number {
    var fallback = std.heap.stackFallback(scratch_stack_bytes, allocator);
    var scratch_state = std.heap.ArenaAllocator.init(fallback.get());
    defer scratch_state.deinit();
    return numberFromBig(allocator, scratch_state.allocator(), value);
}

/// The number for an i128 (never needs more than a big literal of 40 bytes).
pub fn fromI128(allocator: Allocator, value: i128) error{OutOfMemory}!Number {
    if (std.math.cast(i64, value)) |i| return .{ .int = i };
    var buffer: [48]u8 = undefined;
    const text = std.fmt.bufPrint(&buffer, "{d}", .{value}) catch unreachable; // 40 bytes fit any i128.
    return literalNumber(allocator, text);
}

/// Builds a number from text this file produced (always a valid literal).
fn literalNumber(allocator: Allocator, text: []const u8) error{OutOfMemory}!Number {
    return parseLiteralImpl(allocator, text) catch |err| switch (err) {
        error.OutOfMemory => error.OutOfMemory,
        // Our integer and float printers only write JSON numbers with
        // exponents far inside the parser's limits.
        error.InvalidNumber, error.NumberOutOfRange => unreachable,
    };
}

/// A running sum or product in big.Float at precision 64, as OPA's sum and
/// product take it when some element is not an integer: each step rounds,
/// and the value is printed once at the end.
pub const FloatAccumulator = struct {
    float: Float,

    /// big.NewFloat(start): OPA starts sums at 0 and products at 1.
    pub fn init(start: i64) FloatAccumulator {
        return .{ .float = Float.fromI64(start) };
    }

    pub fn add(self: *FloatAccumulator, allocator: Allocator, n: Number) ArithmeticError!void {
        try self.step(allocator, n, .add);
    }

    pub fn mul(self: *FloatAccumulator, allocator: Allocator, n: Number) ArithmeticError!void {
        try self.step(allocator, n, .mul);
    }

    fn step(self: *FloatAccumulator, allocator: Allocator, n: Number, comptime op: BinaryOp) ArithmeticError!void {
        var fallback = std.heap.stackFallback(scratch_stack_bytes, allocator);
        var scratch_state = std.heap.ArenaAllocator.init(fallback.get());
        defer scratch_state.deinit();
        const x = try Float.fromNumber(scratch_state.allocator(), n);
        self.float = switch (op) {
            .add => try self.float.add(x),
            .mul => try self.float.mul(x),
            .sub => comptime unreachable,
        };
    }

    pub fn toNumber(self: FloatAccumulator, allocator: Allocator) ArithmeticError!Number {
        var fallback = std.heap.stackFallback(scratch_stack_bytes, allocator);
        var scratch_state = std.heap.ArenaAllocator.init(fallback.get());
        defer scratch_state.deinit();
        return self.float.toNumber(allocator, scratch_state.allocator());
    }
};

const BinaryOp = enum { add, sub, mul };

fn exactOrFloat(allocator: Allocator, x: Number, y: Number, comptime op: BinaryOp) ArithmeticError!Number {
    // Fast path: i64 operands never overflow i128.
    if (opaInt64(x)) |a| {
        if (opaInt64(y)) |b| {
            const wide_a: i128 = a;
            const wide_b: i128 = b;
            return fromI128(allocator, switch (op) {
                .add => wide_a + wide_b,
                .sub => wide_a - wide_b,
                .mul => wide_a * wide_b,
            });
        }
    }
    return exactOrFloatSlow(allocator, x, y, op);
}

/// Kept out of line so the fast path above has a small stack frame.
noinline fn exactOrFloatSlow(allocator: Allocator, x: Number, y: Number, comptime op: BinaryOp) ArithmeticError!Number {
    var fallback = std.heap.stackFallback(scratch_stack_bytes, allocator);
    var scratch_state = std.heap.ArenaAllocator.init(fallback.get());
    defer scratch_state.deinit();
    const scratch = scratch_state.allocator();

    if (isOpaInteger(x) and isOpaInteger(y)) {
        var a = try toBigIntIn(scratch, x);
        var b = try toBigIntIn(scratch, y);
        var result = try BigInt.init(scratch);
        switch (op) {
            .add => try result.add(&a, &b),
            .sub => try result.sub(&a, &b),
            .mul => try result.mul(&a, &b),
        }
        return numberFromBig(allocator, scratch, result.toConst());
    }

    const a = try Float.fromNumber(scratch, x);
    const b = try Float.fromNumber(scratch, y);
    const result = switch (op) {
        .add => try a.add(b),
        .sub => try a.add(b.negated()),
        .mul => try a.mul(b),
    };
    return result.toNumber(allocator, scratch);
}

const UnaryOp = enum { abs, round, ceil, floor };

fn unary(allocator: Allocator, x: Number, comptime op: UnaryOp) ArithmeticError!Number {
    var fallback = std.heap.stackFallback(scratch_stack_bytes, allocator);
    var scratch_state = std.heap.ArenaAllocator.init(fallback.get());
    defer scratch_state.deinit();
    const scratch = scratch_state.allocator();

    const a = try Float.fromNumber(scratch, x);
    switch (op) {
        .abs => {
            var magnitude = a;
            magnitude.negative = false;
            return magnitude.toNumber(allocator, scratch);
        },
        .round => {
            // OPA adds ±0.5 at precision 64 (so 2^63+1 rounds to 2^63+2)
            // and truncates.
            const half: Float = .{ .negative = a.negative, .mantissa = 1 << 63, .exponent = -64 };
            var integer = try (try a.add(half)).truncate(scratch);
            return numberFromBig(allocator, scratch, integer.toConst());
        },
        .ceil, .floor => {
            // OPA: i = trunc(a); keep i when a is integral or, for ceil,
            // i < 0 (for floor, i >= 0); else step away by one. A zero i
            // counts as non-negative, hence ceil(-0.5) = 1, floor(-0.5) = 0.
            var integer = try a.truncate(scratch);
            const keep = a.isInteger() or switch (op) {
                .ceil => !integer.isPositive(),
                .floor => integer.isPositive(),
                else => comptime unreachable,
            };
            if (!keep) try integer.addScalar(&integer, @as(i8, if (op == .ceil) 1 else -1));
            return numberFromBig(allocator, scratch, integer.toConst());
        },
    }
}

/// The low 64 bits of |value| (Go's big.Int.Int64 before the sign).
fn low64(value: BigConst) u64 {
    var result: u64 = 0;
    const limb_bits = @bitSizeOf(Limb);
    const count = @min(value.limbs.len, (64 + limb_bits - 1) / limb_bits);
    for (value.limbs[0..count], 0..) |limb, i| {
        result |= @as(u64, @truncate(@as(u128, limb) << @intCast(i * limb_bits)));
    }
    return result;
}

fn toBigIntIn(allocator: Allocator, n: Number) ArithmeticError!BigInt {
    assert(isOpaInteger(n));
    switch (n) {
        .int => |i| return BigInt.initSet(allocator, i),
        .big => |big| {
            const d = big.decimal;
            if (d.isZero()) return BigInt.initSet(allocator, 0);
            assert(d.exponent >= 0);
            // Both terms are below maxInt(i64)/4 (see makeBig).
            const total_digits = @as(u64, d.digits.len) + @as(u64, @intCast(d.exponent));
            if (total_digits > max_integer_digits) return error.OutOfRange;
            var result = try bigFromDigits(allocator, d.digits);
            errdefer result.deinit();
            if (d.exponent > 0) {
                var power = try bigPower(allocator, 10, @intCast(d.exponent));
                defer power.deinit();
                try result.mul(&result, &power);
            }
            result.setSign(!d.negative);
            return result;
        },
    }
}

fn numberFromBig(allocator: Allocator, scratch: Allocator, value: BigConst) ArithmeticError!Number {
    if (value.toInt(i64)) |i| return .{ .int = i } else |_| {}
    if (value.bitCountAbs() > max_integer_bits) return error.OutOfRange;
    const text = try value.toStringAlloc(scratch, 10, .lower);
    return literalNumber(allocator, text);
}

/// The digits as a non-negative integer, a limb's worth of digits at a time
/// (std's setString is one digit at a time).
fn bigFromDigits(allocator: Allocator, digits: []const u8) error{OutOfMemory}!BigInt {
    assert(digits.len > 0);
    const chunk = comptime digitsPerLimb();
    // value < 10^len <= (10^chunk)^ceil(len/chunk) < 2^(limb_bits * that).
    var result = try BigInt.initCapacity(allocator, digits.len / chunk + 2);
    errdefer result.deinit();
    var len: usize = 1;
    result.limbs[0] = 0;
    // The first chunk takes the odd digits so the others are full.
    var end = digits.len % chunk;
    if (end == 0) end = chunk;
    var start: usize = 0;
    while (start < digits.len) : ({
        start = end;
        end += chunk;
    }) {
        var scale: Limb = 1;
        var carry: Limb = 0;
        for (digits[start..end]) |c| {
            assert(isDigit(c));
            scale *= 10;
            carry = carry * 10 + (c - '0');
        }
        for (result.limbs[0..len]) |*limb| {
            // *%: the product of two limbs fits a double limb, and the
            // checked multiply would be a slow libcall.
            const product = (@as(DoubleLimb, limb.*) *% scale) + carry;
            limb.* = @truncate(product);
            carry = @intCast(product >> @bitSizeOf(Limb));
        }
        if (carry != 0) {
            result.limbs[len] = carry;
            len += 1;
        }
    }
    result.setMetadata(true, len);
    result.normalize(len);
    return result;
}

fn digitsPerLimb() usize {
    var digits: usize = 0;
    var power: Limb = 1;
    while (power <= std.math.maxInt(Limb) / 10) : (power *= 10) digits += 1;
    return digits;
}

fn bigPower(allocator: Allocator, base: u8, exponent: u64) ArithmeticError!BigInt {
    const e = std.math.cast(u32, exponent) orelse return error.OutOfRange;
    var result = try BigInt.initSet(allocator, base);
    errdefer result.deinit();
    try result.pow(&result, e);
    return result;
}

/// The exact 128-bit product. *% because a checked u128 multiply is a slow
/// libcall and this product cannot overflow.
fn wideMul(a: u64, b: u64) u128 {
    return @as(u128, a) *% b;
}

const pow5_u64 = blk: {
    var table: [28]u64 = undefined;
    table[0] = 1;
    for (1..table.len) |i| table[i] = table[i - 1] * 5;
    break :blk table;
};

/// Go's big.Float at precision 64 (the precision OPA's arithmetic uses):
/// value = (-1)^negative * mantissa * 2^exponent, mantissa zero or with its
/// top bit set. Operations round to nearest even as big.Float does, and zero
/// keeps a sign (OPA prints "-0" for 0 / -5).
const Float = struct {
    negative: bool = false,
    mantissa: u64 = 0,
    exponent: i64 = 0,

    fn isZero(x: Float) bool {
        return x.mantissa == 0;
    }

    fn assertValid(x: Float) void {
        if (x.isZero()) {
            assert(x.exponent == 0);
        } else {
            assert(x.mantissa >> 63 == 1);
            assert(@abs(x.exponent) <= 2 * max_float_exponent);
        }
    }

    fn negated(x: Float) Float {
        var result = x;
        result.negative = !x.negative;
        return result;
    }

    /// big.Float.IsInt.
    fn isInteger(x: Float) bool {
        if (x.isZero() or x.exponent >= 0) return true;
        if (x.exponent <= -64) return false;
        const fraction_bits: u6 = @intCast(-x.exponent);
        return x.mantissa & ((@as(u64, 1) << fraction_bits) - 1) == 0;
    }

    /// big.Float.SetString as OPA's NumberToFloat uses it: the literal's
    /// exact value rounded once to 64 bits; "-0" keeps its sign.
    fn fromNumber(scratch: Allocator, n: Number) ArithmeticError!Float {
        return switch (n) {
            .int => |i| fromI64(i),
            .big => |big| fromDecimal(scratch, big.text[0] == '-', big.decimal),
        };
    }

    /// The exact value of a finite f80 (its explicit 64-bit mantissa).
    fn fromF80(value: f80) Float {
        assert(std.math.isFinite(value));
        const bits: u80 = @bitCast(value);
        const negative = bits >> 79 == 1;
        const biased: i64 = @intCast((bits >> 64) & 0x7fff);
        const mantissa: u64 = @truncate(bits);
        if (mantissa == 0) return .{ .negative = negative };
        const shift: u6 = @intCast(@clz(mantissa));
        // Subnormals (biased 0) share the exponent of the smallest normals.
        const normal_biased: i64 = @max(biased, 1); // Typed: @max with 1 would narrow to unsigned.
        const exponent = normal_biased - 16383 - 63 - @as(i64, shift);
        return .{ .negative = negative, .mantissa = mantissa << shift, .exponent = exponent };
    }

    fn fromI64(i: i64) Float {
        if (i == 0) return .{};
        const magnitude: u64 = @abs(i);
        const shift: u6 = @intCast(@clz(magnitude));
        return .{ .negative = i < 0, .mantissa = magnitude << shift, .exponent = -@as(i64, shift) };
    }

    fn fromDecimal(scratch: Allocator, negative: bool, d: Decimal) ArithmeticError!Float {
        if (d.isZero()) return .{ .negative = negative };
        // Fast path: up to 19 digits and 5^|exponent| < 2^63.
        if (d.digits.len <= 19 and @abs(d.exponent) < pow5_u64.len) {
            var digits: u64 = 0;
            for (d.digits) |c| digits = digits * 10 + (c - '0');
            const power = pow5_u64[@intCast(@abs(d.exponent))];
            // 10^e = 5^e * 2^e.
            if (d.exponent >= 0) return fromU128(negative, wideMul(digits, power), d.exponent, false);
            // The numerator has 128 significant bits and the divisor < 2^63,
            // so the quotient has at least 65 bits: one beyond the mantissa.
            const shift: u6 = @intCast(@clz(digits));
            const numerator = @as(u128, digits << shift) << 64;
            return fromU128(negative, numerator / power, d.exponent - 64 - shift, numerator % power != 0);
        }
        return fromDecimalBig(scratch, negative, d);
    }

    fn fromDecimalBig(scratch: Allocator, negative: bool, d: Decimal) ArithmeticError!Float {
        if (d.digits.len > max_float_digits) return error.OutOfRange;
        const adjusted = d.exponent + @as(i64, @intCast(d.digits.len));
        if (@abs(adjusted) > max_float_decimal_exponent) return error.OutOfRange;

        var n = try bigFromDigits(scratch, d.digits);
        if (d.exponent >= 0) {
            var power = try bigPower(scratch, 5, @intCast(d.exponent));
            try n.mul(&n, &power);
            return fromBig(scratch, negative, &n, d.exponent, false);
        }
        // n / 5^k * 2^-k, with n scaled so the quotient has 66 to 130 bits:
        // enough for a guard bit, and no more work than that. Bits shifted
        // out of n only matter as sticky (floor((n' + f) / p) = floor(n' / p)
        // for 0 <= f < 1).
        const k: u64 = @intCast(-d.exponent);
        var power = try bigPower(scratch, 5, k);
        const n_bits: i64 = @intCast(n.bitCountAbs());
        const power_bits: i64 = @intCast(power.bitCountAbs());
        var shift: i64 = 0; // n * 2^shift.
        var lost = false;
        if (n_bits < power_bits + 66) {
            shift = power_bits + 66 - n_bits;
            try n.shiftLeft(&n, @intCast(shift));
        } else if (n_bits > power_bits + 130) {
            const dropped: usize = @intCast(n_bits - power_bits - 130);
            lost = n.toConst().ctz(@intCast(n_bits)) < dropped;
            try n.shiftRight(&n, dropped);
            shift = -@as(i64, @intCast(dropped));
        }
        var quotient = try BigInt.init(scratch);
        var remainder = try BigInt.init(scratch);
        try quotient.divTrunc(&remainder, &n, &power);
        return fromBig(scratch, negative, &quotient, d.exponent - shift, lost or !remainder.eqlZero());
    }

    /// Rounds magnitude * 2^exponent, plus a fraction of the last unit when
    /// `sticky`, to 64 bits.
    fn fromBig(scratch: Allocator, negative: bool, magnitude: *const BigInt, exponent: i64, sticky: bool) ArithmeticError!Float {
        const bits = magnitude.bitCountAbs();
        if (bits <= 128) {
            const small = magnitude.toInt(u128) catch unreachable; // Fits: at most 128 bits, non-negative.
            return fromU128(negative, small, exponent, sticky);
        }
        // The top 128 bits decide; any bit below them is sticky.
        const dropped = bits - 128;
        var top = try BigInt.init(scratch);
        try top.shiftRight(magnitude, dropped);
        const top_bits = top.toInt(u128) catch unreachable; // Exactly 128 bits.
        const lost = magnitude.toConst().ctz(bits) < dropped;
        return fromU128(negative, top_bits, exponent + @as(i64, @intCast(dropped)), sticky or lost);
    }

    /// Rounds magnitude * 2^exponent to 64 bits, to nearest even. `sticky`
    /// says the true value is a little above that (strictly between
    /// magnitude and magnitude + 1 units), which needs guard bits: it is only
    /// allowed when magnitude has more than 64 bits.
    fn fromU128(negative: bool, magnitude: u128, exponent: i64, sticky: bool) ArithmeticError!Float {
        assert(magnitude != 0);
        const bits: u8 = 128 - @as(u8, @clz(magnitude));
        if (bits <= 64) {
            assert(!sticky);
            const shift: u7 = @intCast(64 - bits);
            return checkRange(.{
                .negative = negative,
                .mantissa = @intCast(magnitude << shift),
                .exponent = exponent - shift,
            });
        }
        const shift: u7 = @intCast(bits - 64);
        const rest = magnitude & ((@as(u128, 1) << shift) - 1);
        const half = @as(u128, 1) << (shift - 1);
        var mantissa: u64 = @intCast(magnitude >> shift);
        var result_exponent = exponent + shift;
        const round_up = rest > half or (rest == half and (sticky or mantissa & 1 == 1));
        if (round_up) {
            mantissa, const carry = @addWithOverflow(mantissa, 1);
            if (carry == 1) {
                mantissa = 1 << 63;
                result_exponent += 1;
            }
        }
        return checkRange(.{ .negative = negative, .mantissa = mantissa, .exponent = result_exponent });
    }

    fn checkRange(x: Float) ArithmeticError!Float {
        assert(x.mantissa >> 63 == 1);
        // |x| is in [2^(exponent+63), 2^(exponent+64)).
        if (x.exponent + 64 > max_float_exponent or x.exponent + 63 < -max_float_exponent) {
            return error.OutOfRange;
        }
        return x;
    }

    /// big.Float.Add: exact sum rounded once. Operands are aligned in a
    /// 128-bit window with 63 bits of headroom below the larger mantissa;
    /// bits of the smaller one that fall off the window become sticky.
    fn add(x: Float, y: Float) ArithmeticError!Float {
        x.assertValid();
        y.assertValid();
        if (x.isZero() and y.isZero()) return .{ .negative = x.negative and y.negative };
        if (x.isZero()) return y;
        if (y.isZero()) return x;

        const x_larger = x.exponent > y.exponent or (x.exponent == y.exponent and x.mantissa >= y.mantissa);
        const larger = if (x_larger) x else y;
        const smaller = if (x_larger) y else x;
        const distance: u64 = @intCast(larger.exponent - smaller.exponent);

        const wide_larger = @as(u128, larger.mantissa) << 63;
        var wide_smaller: u128 = 0;
        var sticky = true; // Everything falls off when distance >= 127.
        if (distance < 127) {
            wide_smaller = (@as(u128, smaller.mantissa) << 63) >> @intCast(distance);
            sticky = distance > 63 and
                smaller.mantissa & ((@as(u64, 1) << @intCast(distance - 63)) - 1) != 0;
        }
        const exponent = larger.exponent - 63;

        if (x.negative == y.negative) {
            // < 2^127 + 2^127: no overflow.
            return fromU128(x.negative, wide_larger + wide_smaller, exponent, sticky);
        }
        // Go: the result takes the sign of the larger operand; an exact
        // cancellation gives +0.
        if (wide_larger == wide_smaller and !sticky) return .{};
        // With sticky bits the subtrahend is a little above wide_smaller, so
        // the difference is a little above this. distance > 63 here, so the
        // difference keeps 126+ bits and the borrow cannot reach the mantissa.
        const difference = wide_larger - wide_smaller - @intFromBool(sticky);
        return fromU128(larger.negative, difference, exponent, sticky);
    }

    fn mul(x: Float, y: Float) ArithmeticError!Float {
        x.assertValid();
        y.assertValid();
        const negative = x.negative != y.negative;
        if (x.isZero() or y.isZero()) return .{ .negative = negative };
        return fromU128(negative, wideMul(x.mantissa, y.mantissa), x.exponent + y.exponent, false);
    }

    fn div(x: Float, y: Float) ArithmeticError!Float {
        x.assertValid();
        y.assertValid();
        assert(!y.isZero());
        const negative = x.negative != y.negative;
        if (x.isZero()) return .{ .negative = negative };
        const numerator = @as(u128, x.mantissa) << 64;
        const quotient = numerator / y.mantissa;
        const remainder: u128 = numerator % y.mantissa;
        const exponent = x.exponent - 64 - y.exponent;
        // 65 bits: the lowest is the guard bit, the remainder is sticky.
        if (quotient >> 64 != 0) return fromU128(negative, quotient, exponent, remainder != 0);
        // 64 bits: one more quotient bit comes from twice the remainder.
        const twice = remainder * 2;
        const guard = twice >= y.mantissa;
        const rest = twice - if (guard) @as(u128, y.mantissa) else 0;
        return fromU128(negative, (quotient << 1) | @intFromBool(guard), exponent - 1, rest != 0);
    }

    /// The integer part (rounded toward zero), as big.Float.Int.
    fn truncate(x: Float, scratch: Allocator) ArithmeticError!BigInt {
        var result = try BigInt.initSet(scratch, 0);
        if (x.isZero() or x.exponent <= -64) return result;
        if (x.exponent >= 0) {
            try result.set(x.mantissa);
            try result.shiftLeft(&result, @intCast(x.exponent));
        } else {
            try result.set(x.mantissa >> @intCast(-x.exponent));
        }
        if (!result.eqlZero()) result.setSign(!x.negative);
        return result;
    }

    /// big.Float.Text('f' if integral else 'g', -1), as OPA's FloatToNumber.
    fn toNumber(x: Float, allocator: Allocator, scratch: Allocator) ArithmeticError!Number {
        x.assertValid();
        if (x.isZero()) return if (x.negative) literalNumber(allocator, "-0") else .{ .int = 0 };
        const shortest = try x.shortestDecimal(scratch);
        var text: std.ArrayList(u8) = .empty;
        // formatGo writes 'f' exactly when the digits are integral, which for
        // a 64-bit mantissa is exactly when x is (the rounding interval of a
        // non-integer holds no integer, that of an integer ends at its units).
        try formatGo(scratch, &text, x.negative, shortest.digits, shortest.exponent - 1, .f_if_integral);
        return literalNumber(allocator, text.items);
    }

    /// The shortest decimal that rounds back to x at its 64-bit precision.
    fn shortestDecimal(x: Float, scratch: Allocator) ArithmeticError!GoDecimal {
        assert(!x.isZero());
        const mantissa = try BigInt.initSet(scratch, x.mantissa);
        return GoDecimal.shortest(scratch, mantissa.toConst(), x.exponent);
    }
};

/// Go's math/big decimal: value = 0.digits * 10^exponent, digits without
/// trailing zeros.
pub const GoDecimal = struct {
    digits: []u8,
    exponent: i64,

    /// Go's roundShortest (math/big/ftoa.go) for mantissa * 2^exponent, the mantissa's bits
    /// being the precision: walk the exact decimal of x against those of x -+ 1/2 ulp and
    /// stop at the first digit where x may be rounded down or up and still round back to itself.
    pub fn shortest(scratch: Allocator, mantissa: std.math.big.int.Const, exponent: i64) ArithmeticError!GoDecimal {
        assert(mantissa.positive and !mantissa.eqlZero());
        var doubled = try BigInt.initSet(scratch, 0);
        try doubled.copy(mantissa);
        try doubled.shiftLeft(&doubled, 1);
        var below = try doubled.clone();
        try below.addScalar(&below, -1);
        var above = try doubled.clone();
        try above.addScalar(&above, 1);
        var d = try exact(scratch, doubled.toConst(), exponent - 1);
        const lower = try exact(scratch, below.toConst(), exponent - 1);
        const upper = try exact(scratch, above.toConst(), exponent - 1);
        // The bounds round to x only when ties go to x's (even) mantissa.
        const inclusive = mantissa.limbs[0] & 1 == 0;
        for (d.digits, 0..) |m, i| {
            const l = lower.at(i);
            const u = upper.at(i);
            const ok_down = l != m or (inclusive and i + 1 == lower.digits.len);
            const ok_up = m != u and (inclusive or m + 1 < u or i + 1 < upper.digits.len);
            if (ok_down and ok_up) {
                d.roundNearest(i + 1);
                break;
            }
            if (ok_down) {
                d.roundDown(i + 1);
                break;
            }
            if (ok_up) {
                d.roundUp(i + 1);
                break;
            }
        }
        assert(d.digits.len > 0);
        return d;
    }

    /// The exact decimal of mantissa * 2^shift.
    fn exact(scratch: Allocator, mantissa: std.math.big.int.Const, shift: i64) ArithmeticError!GoDecimal {
        assert(!mantissa.eqlZero());
        var n = try BigInt.initSet(scratch, 0);
        try n.copy(mantissa);
        var point: i64 = 0;
        if (shift >= 0) {
            try n.shiftLeft(&n, @intCast(shift));
        } else {
            // 2^-k = 5^k / 10^k.
            var power = try bigPower(scratch, 5, @intCast(-shift));
            try n.mul(&n, &power);
            point = shift;
        }
        const text = try n.toConst().toStringAlloc(scratch, 10, .lower);
        var len = text.len;
        while (len > 0 and text[len - 1] == '0') len -= 1;
        assert(len > 0);
        return .{ .digits = text[0..len], .exponent = @as(i64, @intCast(text.len)) + point };
    }

    fn at(d: GoDecimal, i: usize) u8 {
        return if (i < d.digits.len) d.digits[i] else '0';
    }

    /// decimal.round: to nearest, ties to even on the exact digits.
    fn roundNearest(d: *GoDecimal, n: usize) void {
        if (n >= d.digits.len) return;
        const tie = d.digits[n] == '5' and n + 1 == d.digits.len;
        const up = if (tie) n > 0 and (d.digits[n - 1] - '0') & 1 == 1 else d.digits[n] >= '5';
        if (up) d.roundUp(n) else d.roundDown(n);
    }

    fn roundUp(d: *GoDecimal, n: usize) void {
        if (n >= d.digits.len) return;
        var i = n;
        while (i > 0 and d.digits[i - 1] >= '9') i -= 1;
        if (i == 0) {
            // All nines: 999 -> 1000.
            d.digits[0] = '1';
            d.digits = d.digits[0..1];
            d.exponent += 1;
            return;
        }
        d.digits[i - 1] += 1;
        d.digits = d.digits[0..i];
    }

    fn roundDown(d: *GoDecimal, n: usize) void {
        if (n >= d.digits.len) return;
        var len = n;
        while (len > 0 and d.digits[len - 1] == '0') len -= 1;
        d.digits = d.digits[0..len];
    }
};

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
    // Go's shortest digits, not Ryu's, at a power-of-two mantissa.
    try expectText("4.956917651007127389e-119", try Number.fromF80(arena, std.math.ldexp(one, -393)));
    try expectText("-0", try Number.fromF80(arena, -0.0));
    try expectText("3.6451995318824746025e-4951", try Number.fromF80(arena, std.math.floatTrueMin(f80)));
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

const ArithmeticCase = struct {
    op: enum { add, sub, mul, div, rem, abs, round, ceil, floor },
    a: []const u8,
    b: ?[]const u8,
    /// OPA's text, or null for an error.
    want: ?[]const u8,
};

fn applyCase(allocator: Allocator, case: ArithmeticCase) ArithmeticError!Number {
    const a = parseLiteral(allocator, case.a) catch unreachable; // Test literals are valid.
    const b = if (case.b) |text| parseLiteral(allocator, text) catch unreachable else Number.fromInt(0);
    return switch (case.op) {
        .add => add(allocator, a, b),
        .sub => sub(allocator, a, b),
        .mul => mul(allocator, a, b),
        .div => div(allocator, a, b),
        .rem => rem(allocator, a, b),
        .abs => abs(allocator, a),
        .round => round(allocator, a),
        .ceil => ceil(allocator, a),
        .floor => floor(allocator, a),
    };
}

fn expectCases(cases: []const ArithmeticCase) !void {
    var arena_state = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    for (cases) |case| {
        const result = applyCase(arena, case);
        if (case.want) |want| {
            const n = result catch |err| {
                std.debug.print("{s} {s} {?s}: {s}\n", .{ @tagName(case.op), case.a, case.b, @errorName(err) });
                return err;
            };
            var buffer: [20]u8 = undefined;
            testing.expectEqualStrings(want, n.literal(&buffer)) catch |err| {
                std.debug.print("{s} {s} {?s}\n", .{ @tagName(case.op), case.a, case.b });
                return err;
            };
        } else {
            try testing.expect(std.meta.isError(result));
        }
    }
}

test "arithmetic matches opa eval (values checked against OPA v1.19.0)" {
    try expectCases(&.{
        .{ .op = .add, .a = "1", .b = "2", .want = "3" },
        .{ .op = .add, .a = "9223372036854775807", .b = "1", .want = "9223372036854775808" },
        .{ .op = .sub, .a = "-9223372036854775808", .b = "1", .want = "-9223372036854775809" },
        .{ .op = .mul, .a = "9223372036854775807", .b = "9223372036854775807", .want = "85070591730234615847396907784232501249" },
        .{ .op = .add, .a = "18446744073709551617", .b = "1", .want = "18446744073709551618" },
        .{ .op = .mul, .a = "10000000000000000000000", .b = "3", .want = "30000000000000000000000" },
        .{ .op = .add, .a = "1.0", .b = "2", .want = "3" },
        .{ .op = .add, .a = "1e3", .b = "1", .want = "1001" },
        .{ .op = .sub, .a = "-0", .b = "0", .want = "0" },
        .{ .op = .add, .a = "0.1", .b = "0.2", .want = "0.3" },
        .{ .op = .add, .a = "1.5", .b = "2.5", .want = "4" },
        .{ .op = .add, .a = "1", .b = "2.5", .want = "3.5" },
        .{ .op = .mul, .a = "2.5", .b = "2", .want = "5" },
        .{ .op = .mul, .a = "-0.0", .b = "1.5", .want = "-0" },
        .{ .op = .mul, .a = "0.1", .b = "3", .want = "0.3" },
        .{ .op = .sub, .a = "1", .b = "1e-30", .want = "1" },
        .{ .op = .sub, .a = "0.3", .b = "0.1", .want = "0.20000000000000000002" },
        .{ .op = .add, .a = "-1.5", .b = "1.5", .want = "0" },
        .{ .op = .add, .a = "-0.0", .b = "-0.0", .want = "0" },
        .{ .op = .add, .a = "-0.0", .b = "0.5", .want = "0.5" },
        .{ .op = .div, .a = "7", .b = "2", .want = "3.5" },
        .{ .op = .div, .a = "1", .b = "3", .want = "0.33333333333333333334" },
        .{ .op = .div, .a = "2", .b = "3", .want = "0.6666666666666666667" },
        .{ .op = .div, .a = "10", .b = "4", .want = "2.5" },
        .{ .op = .div, .a = "4", .b = "2", .want = "2" },
        .{ .op = .div, .a = "0", .b = "-5", .want = "-0" },
        .{ .op = .div, .a = "1", .b = "7", .want = "0.14285714285714285714" },
        .{ .op = .div, .a = "1", .b = "1e-400", .want = "10000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000" },
        .{ .op = .div, .a = "-1", .b = "3", .want = "-0.33333333333333333334" },
        .{ .op = .div, .a = "1e-7", .b = "1", .want = "1e-07" },
        .{ .op = .div, .a = "1234567.5", .b = "1", .want = "1.2345675e+06" },
        .{ .op = .div, .a = "100000.5", .b = "1", .want = "100000.5" },
        .{ .op = .div, .a = "123456789012345678901234567890", .b = "1", .want = "123456789012345678900000000000" },
        .{ .op = .rem, .a = "7", .b = "4", .want = "3" },
        .{ .op = .rem, .a = "-7", .b = "4", .want = "-3" },
        .{ .op = .rem, .a = "7", .b = "-4", .want = "3" },
        .{ .op = .rem, .a = "5.0", .b = "2", .want = "1" },
        .{ .op = .rem, .a = "1e3", .b = "7", .want = "6" },
        .{ .op = .rem, .a = "18446744073709551621", .b = "18446744073709551616", .want = null },
        .{ .op = .rem, .a = "100000000000000000000000", .b = "7", .want = "5" },
        .{ .op = .rem, .a = "-9223372036854775808", .b = "-1", .want = "0" },
        .{ .op = .abs, .a = "-10", .b = null, .want = "10" },
        .{ .op = .abs, .a = "-0", .b = null, .want = "0" },
        .{ .op = .abs, .a = "-123456789012345678901234567890", .b = null, .want = "123456789012345678900000000000" },
        .{ .op = .abs, .a = "1e30", .b = null, .want = "1000000000000000000000000000000" },
        .{ .op = .abs, .a = "-2.5", .b = null, .want = "2.5" },
        .{ .op = .round, .a = "2.5", .b = null, .want = "3" },
        .{ .op = .round, .a = "-2.5", .b = null, .want = "-3" },
        .{ .op = .round, .a = "-0.5", .b = null, .want = "-1" },
        .{ .op = .round, .a = "0.49999999999999999999", .b = null, .want = "1" },
        .{ .op = .round, .a = "1e30", .b = null, .want = "1000000000000000000024696061952" },
        .{ .op = .round, .a = "9223372036854775809", .b = null, .want = "9223372036854775810" },
        .{ .op = .round, .a = "-0.0", .b = null, .want = "0" },
        .{ .op = .ceil, .a = "1.01", .b = null, .want = "2" },
        .{ .op = .ceil, .a = "-1.99999", .b = null, .want = "-1" },
        .{ .op = .ceil, .a = "-0.5", .b = null, .want = "1" },
        .{ .op = .ceil, .a = "-1.5", .b = null, .want = "-1" },
        .{ .op = .ceil, .a = "1e30", .b = null, .want = "1000000000000000000024696061952" },
        .{ .op = .ceil, .a = "9223372036854775807.5", .b = null, .want = "9223372036854775808" },
        .{ .op = .floor, .a = "1.5", .b = null, .want = "1" },
        .{ .op = .floor, .a = "-1.001", .b = null, .want = "-2" },
        .{ .op = .floor, .a = "-0.5", .b = null, .want = "0" },
        .{ .op = .floor, .a = "-1.5", .b = null, .want = "-2" },
        .{ .op = .floor, .a = "99.99999", .b = null, .want = "99" },
        .{ .op = .floor, .a = "-9223372036854775807.5", .b = null, .want = "-9223372036854775808" },
    });
}

test "arithmetic errors" {
    var arena_state = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    const cases = [_]struct { ArithmeticCase, ArithmeticError }{
        .{ .{ .op = .div, .a = "1", .b = "0", .want = null }, error.DivideByZero },
        .{ .{ .op = .div, .a = "1", .b = "-0.0", .want = null }, error.DivideByZero },
        .{ .{ .op = .div, .a = "0", .b = "0", .want = null }, error.DivideByZero },
        .{ .{ .op = .rem, .a = "7", .b = "0", .want = null }, error.ModuloByZero },
        .{ .{ .op = .rem, .a = "7", .b = "0.0", .want = null }, error.ModuloByZero },
        // OPA reads only the low 64 bits of the divisor when testing for zero.
        .{ .{ .op = .rem, .a = "7", .b = "18446744073709551616", .want = null }, error.ModuloByZero },
        .{ .{ .op = .rem, .a = "1.1", .b = "1", .want = null }, error.ModuloOnFloat },
        .{ .{ .op = .rem, .a = "5.5", .b = "0", .want = null }, error.ModuloOnFloat },
        .{ .{ .op = .rem, .a = "5", .b = "1e-1", .want = null }, error.ModuloOnFloat },
        // Beyond big.Rat's exponent limit OPA does not see an integer.
        .{ .{ .op = .rem, .a = "1e1000001", .b = "7", .want = null }, error.ModuloOnFloat },
        // Our size limits.
        .{ .{ .op = .add, .a = "1e39001", .b = "1", .want = null }, error.OutOfRange },
        .{ .{ .op = .mul, .a = "1e30000", .b = "1e30000", .want = null }, error.OutOfRange },
        .{ .{ .op = .add, .a = "1e20000", .b = "0.5", .want = null }, error.OutOfRange },
        .{ .{ .op = .mul, .a = "1e19700", .b = "100000000000000000000000000000.5", .want = null }, error.OutOfRange },
        .{ .{ .op = .div, .a = "1e-19000", .b = "1e19000", .want = null }, error.OutOfRange },
    };
    for (cases) |case| {
        try testing.expectError(case[1], applyCase(arena, case[0]));
    }
}

test "arithmetic with huge and tiny operands" {
    var arena_state = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    // 1e400 + 1 is exact: 1, 399 zeros, 1.
    const exact = try add(arena, try parseLiteral(arena, "1e400"), Number.fromInt(1));
    try testing.expectEqual(@as(usize, 401), exact.big.text.len);
    try testing.expect(exact.big.text[0] == '1' and exact.big.text[400] == '1');
    try testing.expect(std.mem.allEqual(u8, exact.big.text[1..400], '0'));
    // 1e400 + 0.5 goes through big.Float: 1e400 rounded to 64 bits prints
    // back as 1e400 in 'f' format.
    const float = try add(arena, try parseLiteral(arena, "1e400"), try parseLiteral(arena, "0.5"));
    try testing.expectEqual(@as(usize, 401), float.big.text.len);
    try testing.expect(std.mem.allEqual(u8, float.big.text[1..], '0'));
    // Tiny values print in %e form with the shortest digits (checked against opa).
    try expectCases(&.{
        .{ .op = .mul, .a = "1e-300", .b = "1.5", .want = "1.5e-300" },
        .{ .op = .mul, .a = "1e-5000", .b = "3", .want = "2.9999999999999999998e-5000" },
        .{ .op = .add, .a = "1e-5000", .b = "1e-5000", .want = "2e-5000" },
        .{ .op = .div, .a = "1", .b = "3e4000", .want = "3.3333333333333333333e-4001" },
        .{ .op = .add, .a = "1", .b = "1e-5000", .want = "1" },
        .{ .op = .sub, .a = "1", .b = "1e-5000", .want = "1" },
        .{ .op = .sub, .a = "1e-5000", .b = "1", .want = "-1" },
        .{ .op = .abs, .a = "-1.5e-4000", .b = null, .want = "1.5e-4000" },
    });
}

test "Float rounds to nearest even with guard and sticky bits" {
    // 2^64 + 1 needs 65 bits: a tie that goes to the even 2^64.
    const tie_down = try Float.fromU128(false, (1 << 64) + 1, 0, false);
    try testing.expectEqual(@as(u64, 1 << 63), tie_down.mantissa);
    try testing.expectEqual(@as(i64, 1), tie_down.exponent);
    // 2^64 + 3: a tie that goes up to the even 2^64 + 4.
    const tie_up = try Float.fromU128(false, (1 << 64) + 3, 0, false);
    try testing.expectEqual(@as(u64, (1 << 63) + 2), tie_up.mantissa);
    // A sticky bit breaks the tie upward.
    const sticky = try Float.fromU128(false, (1 << 64) + 1, 0, true);
    try testing.expectEqual(@as(u64, (1 << 63) + 1), sticky.mantissa);
    // Rounding up across a power of two renormalizes.
    const carry = try Float.fromU128(true, (1 << 65) - 1, 0, false);
    try testing.expectEqual(@as(u64, 1 << 63), carry.mantissa);
    try testing.expectEqual(@as(i64, 2), carry.exponent);
    try testing.expect(carry.negative);

    // Addition far below the last place only sets the sticky bit.
    const one = Float.fromI64(1);
    const tiny: Float = .{ .mantissa = 1 << 63, .exponent = -200 };
    try testing.expectEqual(one, try one.add(tiny));
    try testing.expectEqual(one, try one.add(tiny.negated()));
    // Exact cancellation is +0; -0 + -0 stays -0.
    try testing.expectEqual(Float{}, try one.add(one.negated()));
    try testing.expectEqual(Float{ .negative = true }, try (Float{ .negative = true }).add(.{ .negative = true }));
    // 3 / 2 = 1.5 exactly; 2 / 3 rounds.
    const three_halves = try Float.fromI64(3).div(Float.fromI64(2));
    try testing.expectEqual(@as(u64, 3 << 62), three_halves.mantissa);
    try testing.expectEqual(@as(i64, -63), three_halves.exponent);
}

test "isOpaInteger follows big.Int and big.Rat" {
    var arena_state = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    const cases = [_]struct { []const u8, bool }{
        .{ "1", true },                        .{ "-0", true },         .{ "1.0", true },
        .{ "1e3", true },                      .{ "1.5e1", true },      .{ "0.0e99", true },
        .{ "1.5", false },                     .{ "1e-1", false },      .{ "10e-1", true },
        .{ "1e1000000", true },                .{ "1e1000001", false }, .{ "10e999999", true },
        .{ "100000000000000000000000", true },
    };
    for (cases) |case| {
        const n = try parseLiteral(arena, case[0]);
        testing.expectEqual(case[1], isOpaInteger(n)) catch |err| {
            std.debug.print("{s}\n", .{case[0]});
            return err;
        };
    }
    try testing.expectEqual(@as(?i64, 10), opaInt64(try parseLiteral(arena, "1e1")));
    try testing.expectEqual(@as(?i64, null), opaInt64(try parseLiteral(arena, "1e19")));
    try testing.expectEqual(@as(?i64, null), opaInt64(try parseLiteral(arena, "1.5")));
}

test "big integers round trip through numbers" {
    var arena_state = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    const texts = [_][]const u8{ "0", "-1", "9223372036854775807", "-9223372036854775808", "9223372036854775808", "-123456789012345678901234567890", "1e40", "-2.5e1" };
    const want = [_][]const u8{ "0", "-1", "9223372036854775807", "-9223372036854775808", "9223372036854775808", "-123456789012345678901234567890", "10000000000000000000000000000000000000000", "-25" };
    for (texts, want) |text, expected| {
        var big = try toBigInt(arena, try parseLiteral(arena, text));
        const n = try fromBigInt(arena, big.toConst());
        var buffer: [20]u8 = undefined;
        try testing.expectEqualStrings(expected, n.literal(&buffer));
        big.deinit();
    }
    // The i64 fast path is used whenever the value fits.
    try testing.expect((try fromI128(arena, -9223372036854775808)) == .int);
    try testing.expect((try fromI128(arena, 9223372036854775808)) == .big);
    // bigFromDigits: every chunk boundary.
    var digits: [60]u8 = undefined;
    for (1..digits.len) |len| {
        for (digits[0..len], 0..) |*c, i| c.* = '1' + @as(u8, @intCast(i % 9));
        var big = try bigFromDigits(arena, digits[0..len]);
        const text = try big.toConst().toStringAlloc(arena, 10, .lower);
        try testing.expectEqualStrings(digits[0..len], text);
    }
}

fn arithmeticAllocations(allocator: Allocator) !void {
    const cases = [_]ArithmeticCase{
        .{ .op = .add, .a = "18446744073709551617", .b = "1", .want = null },
        .{ .op = .mul, .a = "1e300", .b = "1.5", .want = null },
        .{ .op = .div, .a = "1", .b = "3e4000", .want = null },
        .{ .op = .rem, .a = "100000000000000000000000", .b = "7", .want = null },
        .{ .op = .round, .a = "1e300", .b = null, .want = null },
        .{ .op = .add, .a = "0.123456789012345678901234567890123456789", .b = "1e-40", .want = null },
    };
    for (cases) |case| {
        var literals_state = std.heap.ArenaAllocator.init(testing.allocator);
        defer literals_state.deinit();
        const literals = literals_state.allocator();
        const a = try parseLiteral(literals, case.a);
        const b = if (case.b) |text| try parseLiteral(literals, text) else Number.fromInt(0);
        const result = switch (case.op) {
            .add => try add(allocator, a, b),
            .mul => try mul(allocator, a, b),
            .div => try div(allocator, a, b),
            .rem => try rem(allocator, a, b),
            .round => try round(allocator, a),
            else => unreachable,
        };
        result.deinit(allocator);
    }
}

test "arithmetic reports OutOfMemory and frees its scratch" {
    try testing.checkAllAllocationFailures(testing.allocator, arithmeticAllocations, .{});
}
