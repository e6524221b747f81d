//! Go's float formatting: strconv.FormatFloat with 'g' and shortest digits (go-yaml's
//! output, float map keys), and encoding/json's float64 encoding (what YAMLToJSON writes for
//! a float, and what json.match_schema's numbers become after Go's JSON round trip).
const std = @import("std");
const assert = std.debug.assert;

/// Shortest round-trip digits of a finite float: value = 0.d1d2... * 10^(point).
pub const Digits = struct {
    negative: bool,
    buffer: [32]u8 = undefined,
    len: usize = 0,
    /// Decimal exponent of the first digit (d1 * 10^exp10).
    exp10: i32 = 0,

    pub fn digits(self: *const Digits) []const u8 {
        return self.buffer[0..self.len];
    }
};

pub fn shortest(value: anytype) Digits {
    assert(std.math.isFinite(value));
    var scientific_buffer: [std.fmt.float.min_buffer_size]u8 = undefined;
    // Without a precision, render cannot fail for a buffer this size.
    const text = std.fmt.float.render(&scientific_buffer, value, .{ .mode = .scientific }) catch unreachable;
    var rest = text;
    var d: Digits = .{ .negative = rest[0] == '-' };
    if (d.negative) rest = rest[1..];
    const e_index = std.mem.indexOfScalar(u8, rest, 'e').?;
    d.exp10 = std.fmt.parseInt(i32, rest[e_index + 1 ..], 10) catch unreachable; // Small.
    for (rest[0..e_index]) |c| {
        if (c == '.') continue;
        d.buffer[d.len] = c;
        d.len += 1;
    }
    while (d.len > 1 and d.buffer[d.len - 1] == '0') d.len -= 1;
    if (d.len == 1 and d.buffer[0] == '0') d.exp10 = 0;
    return d;
}

fn writeExponentForm(w: *std.Io.Writer, d: *const Digits, min_exp_digits: usize) std.Io.Writer.Error!void {
    const digits = d.digits();
    if (d.negative) try w.writeByte('-');
    try w.writeByte(digits[0]);
    if (digits.len > 1) {
        try w.writeByte('.');
        try w.writeAll(digits[1..]);
    }
    try w.writeByte('e');
    try w.writeByte(if (d.exp10 < 0) '-' else '+');
    const magnitude: u32 = @abs(d.exp10);
    if (min_exp_digits == 2 and magnitude < 10) try w.writeByte('0');
    try w.print("{d}", .{magnitude});
}

fn writePointForm(w: *std.Io.Writer, d: *const Digits) std.Io.Writer.Error!void {
    const digits = d.digits();
    if (d.negative) try w.writeByte('-');
    if (d.exp10 < 0) {
        try w.writeAll("0.");
        for (0..@as(usize, @intCast(-d.exp10 - 1))) |_| try w.writeByte('0');
        try w.writeAll(digits);
        return;
    }
    const int_len: usize = @as(usize, @intCast(d.exp10)) + 1;
    if (digits.len <= int_len) {
        try w.writeAll(digits);
        for (0..int_len - digits.len) |_| try w.writeByte('0');
    } else {
        try w.writeAll(digits[0..int_len]);
        try w.writeByte('.');
        try w.writeAll(digits[int_len..]);
    }
}

/// strconv.FormatFloat(v, 'g', -1, bits) for bits 64 (f64) or 32 (f32),
/// with go-yaml's names for the non-finite values (.inf, -.inf, .nan).
pub fn writeG(w: *std.Io.Writer, value: anytype) std.Io.Writer.Error!void {
    if (std.math.isNan(value)) return w.writeAll(".nan");
    if (std.math.isInf(value)) return w.writeAll(if (value > 0) ".inf" else "-.inf");
    const d = shortest(value);
    // Shortest 'g' switches to %e when the exponent is < -4 or >= 6.
    if (d.exp10 < -4 or d.exp10 >= 6) {
        return writeExponentForm(w, &d, 2);
    }
    return writePointForm(w, &d);
}

/// encoding/json's float64: plain decimal, or exponent form (e-7, e+21)
/// outside [1e-6, 1e21). The value must be finite.
pub fn writeJson(w: *std.Io.Writer, value: f64) std.Io.Writer.Error!void {
    assert(std.math.isFinite(value));
    const abs = @abs(value);
    const d = shortest(value);
    if (abs != 0 and (abs < 1e-6 or abs >= 1e21)) return writeExponentForm(w, &d, 1);
    return writePointForm(w, &d);
}

fn expectG(expected: []const u8, value: anytype) !void {
    var buffer: [64]u8 = undefined;
    var w: std.Io.Writer = .fixed(&buffer);
    try writeG(&w, value);
    try std.testing.expectEqualStrings(expected, w.buffered());
}

fn expectJson(expected: []const u8, value: f64) !void {
    var buffer: [64]u8 = undefined;
    var w: std.Io.Writer = .fixed(&buffer);
    try writeJson(&w, value);
    try std.testing.expectEqualStrings(expected, w.buffered());
}

test "FormatFloat 'g' shortest" {
    try expectG("1", @as(f64, 1.0));
    try expectG("1.5", @as(f64, 1.5));
    try expectG("1e+06", @as(f64, 1e6));
    try expectG("123456", @as(f64, 123456));
    try expectG("1.234567e+06", @as(f64, 1234567));
    try expectG("0.0001", @as(f64, 0.0001));
    try expectG("1e-05", @as(f64, 0.00001));
    try expectG("1.2345678901234568e+22", @as(f64, 12345678901234567890123.0));
    try expectG("0.1", @as(f32, 0.1));
    try expectG("3.1415927", @as(f32, 3.14159265358979));
    try expectG("-0", @as(f64, -0.0));
    try expectG(".inf", std.math.inf(f64));
}

test "encoding/json floats" {
    try expectJson("1", 1.0);
    try expectJson("1500000", 1.5e6);
    try expectJson("1e+21", 1e21);
    try expectJson("123456789012345680000", 123456789012345678901.0);
    try expectJson("0.000001", 1e-6);
    try expectJson("1e-7", 1e-7);
    try expectJson("1.5e-10", 1.5e-10);
    try expectJson("-0", -0.0);
}
