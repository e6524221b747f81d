//! OPA's `sprintf`: the Rego arguments become Go values and go through Go's
//! fmt.Sprintf, so this file reproduces fmt: verbs, flags, width, precision,
//! '*' and [n] argument indexes, the error notes (%!d(string=x),
//! %!d(MISSING), %!(EXTRA int64=1), ...), and the strconv pieces fmt relies
//! on (exactly rounded float formatting, quoting, IsPrint).
//!
//! The argument conversion is OPA's (builtinSprintf):
//! - a number whose text is an i64 integer -> int64;
//! - a number whose text has a '.' and fits a float64 -> float64;
//! - another plain integer literal -> *big.Int;
//! - any other number -> its literal text as a string ("1e3", "1.5e400");
//! - a string -> string;
//! - anything else -> its Rego text (ast.Value.String: `["a", 1]`, `set()`).
const std = @import("std");
const assert = std.debug.assert;
const Allocator = std.mem.Allocator;
const builtin = @import("builtin.zig");
const value_mod = @import("../value/mod.zig");
const strings = @import("strings.zig");

const Value = builtin.Value;
const Context = builtin.Context;
const Error = builtin.Error;
const Number = value_mod.Number;

pub fn sprintf(ctx: *Context, args: []const Value) Error!Value {
    const format = switch (args[0]) {
        .string => |s| s,
        else => return ctx.operandError(1, "string", args[0]),
    };
    const items = switch (args[1]) {
        .array => |items| items,
        else => return ctx.operandError(2, "array", args[1]),
    };
    const go_args = try ctx.allocator.alloc(Arg, items.len);
    for (items, go_args) |item, *arg| arg.* = try toArg(ctx.allocator, item);
    var printer: Printer = .{ .allocator = ctx.allocator };
    try printer.doPrintf(format, go_args);
    return .{ .string = printer.out.items };
}

// ---------------------------------------------------------------------------
// Arguments

/// The Go value OPA passes to fmt.Sprintf.
const Arg = union(enum) {
    int: i64,
    float: f64,
    string: []const u8,
    /// An integer literal beyond i64 (a Go *big.Int): optional '-' and digits.
    big: []const u8,

    /// reflect.TypeOf(arg).String().
    fn typeString(arg: Arg) []const u8 {
        return switch (arg) {
            .int => "int64",
            .float => "float64",
            .string => "string",
            .big => "*big.Int",
        };
    }
};

fn toArg(allocator: Allocator, v: Value) Allocator.Error!Arg {
    return switch (v) {
        .string => |s| .{ .string = s },
        .number => |n| numberArg(n),
        else => .{ .string = try regoText(allocator, v) },
    };
}

fn numberArg(n: Number) Arg {
    if (strings.atoi64(n)) |i| return .{ .int = i };
    const text = n.big.text; // Every .int has an i64.
    if (std.mem.indexOfScalar(u8, text, '.') != null) {
        // A JSON number always parses; out of float64 range OPA keeps the text.
        const f = std.fmt.parseFloat(f64, text) catch return .{ .string = text };
        if (std.math.isInf(f)) return .{ .string = text };
        return .{ .float = f };
    }
    const digits = if (text[0] == '-') text[1..] else text;
    for (digits) |c| {
        if (c < '0' or c > '9') return .{ .string = text }; // "1e3"
    }
    return .{ .big = text };
}

/// A value's text as OPA's ast.Value.String() writes it: strings quoted by
/// strconv.Quote, numbers as their literal text, objects and sets in
/// canonical order, the empty set as `set()`.
pub fn regoText(allocator: Allocator, v: Value) Allocator.Error![]const u8 {
    var out: std.ArrayList(u8) = .empty;
    try writeRegoText(allocator, &out, v);
    return out.items;
}

pub fn writeRegoText(allocator: Allocator, out: *std.ArrayList(u8), v: Value) Allocator.Error!void {
    switch (v) {
        .null => try out.appendSlice(allocator, "null"),
        .boolean => |b| try out.appendSlice(allocator, if (b) "true" else "false"),
        .number => |n| {
            var buffer: [20]u8 = undefined;
            try out.appendSlice(allocator, n.literal(&buffer));
        },
        .string => |s| try appendQuoted(allocator, out, s, '"', false),
        .array => |items| {
            try out.append(allocator, '[');
            try writeRegoList(allocator, out, items);
            try out.append(allocator, ']');
        },
        .object => |object| {
            try out.append(allocator, '{');
            for (object.keys, object.values, 0..) |key, value, i| {
                if (i > 0) try out.appendSlice(allocator, ", ");
                try writeRegoText(allocator, out, key);
                try out.appendSlice(allocator, ": ");
                try writeRegoText(allocator, out, value);
            }
            try out.append(allocator, '}');
        },
        .set => |set| {
            if (set.items.len == 0) return out.appendSlice(allocator, "set()");
            try out.append(allocator, '{');
            try writeRegoList(allocator, out, set.items);
            try out.append(allocator, '}');
        },
    }
}

fn writeRegoList(allocator: Allocator, out: *std.ArrayList(u8), items: []const Value) Allocator.Error!void {
    for (items, 0..) |item, i| {
        if (i > 0) try out.appendSlice(allocator, ", ");
        try writeRegoText(allocator, out, item);
    }
}

// ---------------------------------------------------------------------------
// The printer (Go's fmt.pp and fmt.fmt)

const lower_digits = "0123456789abcdefx";
const upper_digits = "0123456789ABCDEFX";

/// What %p prints for a *big.Int: Go prints the pointer, which no other
/// implementation can reproduce; this stands in for it.
const fake_pointer: u64 = 0xc000010000;

const Flags = struct {
    wid_present: bool = false,
    prec_present: bool = false,
    minus: bool = false,
    plus: bool = false,
    sharp: bool = false,
    space: bool = false,
    zero: bool = false,
    /// %+v and %#v move the flags here (fmt's plusV/sharpV).
    plus_v: bool = false,
    sharp_v: bool = false,
};

const Printer = struct {
    allocator: Allocator,
    out: std.ArrayList(u8) = .empty,
    flags: Flags = .{},
    /// Width and precision, below 1e7 in magnitude (fmt's parsenum and tooLarge).
    wid: i64 = 0,
    prec: i64 = 0,
    /// The argument being printed (fmt's p.arg).
    arg: Arg = .{ .int = 0 },
    /// Set while printing a bad verb's note: a *big.Int's Format is not used.
    erroring: bool = false,
    /// An explicit [n] index appeared: unused arguments are not reported.
    reordered: bool = false,
    good_arg_num: bool = true,

    const Write = Allocator.Error!void;

    fn write(p: *Printer, bytes: []const u8) Write {
        try p.out.appendSlice(p.allocator, bytes);
    }

    fn writeByte(p: *Printer, byte: u8) Write {
        try p.out.append(p.allocator, byte);
    }

    fn writeRune(p: *Printer, r: u21) Write {
        try strings.appendRune(&p.out, p.allocator, r);
    }

    fn clearFlags(p: *Printer) void {
        p.flags = .{};
        p.wid = 0;
        p.prec = 0;
    }

    fn writePadding(p: *Printer, n: i64) Write {
        if (n <= 0) return;
        const byte: u8 = if (p.flags.zero and !p.flags.minus) '0' else ' ';
        try p.out.appendNTimes(p.allocator, byte, @intCast(n));
    }

    /// Writes `bytes` padded to the width, counted in runes.
    fn pad(p: *Printer, bytes: []const u8) Write {
        if (!p.flags.wid_present or p.wid == 0) return p.write(bytes);
        const width = p.wid - @as(i64, @intCast(strings.runeCount(bytes)));
        if (!p.flags.minus) {
            try p.writePadding(width);
            try p.write(bytes);
        } else {
            try p.write(bytes);
            try p.writePadding(width);
        }
    }

    /// `pad` with zero padding turned off.
    fn padSpaces(p: *Printer, bytes: []const u8) Write {
        const old_zero = p.flags.zero;
        p.flags.zero = false;
        defer p.flags.zero = old_zero;
        try p.pad(bytes);
    }

    // -- doPrintf -----------------------------------------------------------

    fn doPrintf(p: *Printer, format: []const u8, args: []const Arg) Write {
        const end = format.len;
        var arg_num: usize = 0;
        var after_index = false;
        p.reordered = false;
        var i: usize = 0;
        format_loop: while (i < end) {
            p.good_arg_num = true;
            const literal_start = i;
            while (i < end and format[i] != '%') i += 1;
            if (i > literal_start) try p.write(format[literal_start..i]);
            if (i >= end) break;
            i += 1; // The '%'.

            p.clearFlags();
            simple_format: while (i < end) : (i += 1) {
                const c = format[i];
                switch (c) {
                    '#' => p.flags.sharp = true,
                    '0' => p.flags.zero = true,
                    '+' => p.flags.plus = true,
                    '-' => p.flags.minus = true,
                    ' ' => p.flags.space = true,
                    else => {
                        // Fast path: flags then a lower-case verb.
                        if ('a' <= c and c <= 'z' and arg_num < args.len) {
                            if (c == 'v' or c == 'w') p.moveFlagsForV();
                            try p.printArg(args[arg_num], c);
                            arg_num += 1;
                            i += 1;
                            continue :format_loop;
                        }
                        break :simple_format;
                    },
                }
            }

            var index = p.argNumber(arg_num, format, i, args.len);
            arg_num = index.arg_num;
            i = index.i;
            after_index = index.found;

            // Width.
            if (i < end and format[i] == '*') {
                i += 1;
                const width = intFromArg(args, arg_num);
                p.wid = width.num;
                p.flags.wid_present = width.is_int;
                arg_num = width.arg_num;
                if (!p.flags.wid_present) try p.write("%!(BADWIDTH)");
                if (p.wid < 0) {
                    p.wid = -p.wid;
                    p.flags.minus = true;
                    p.flags.zero = false;
                }
                after_index = false;
            } else {
                const width = parseNum(format, i, end);
                p.wid = width.num;
                p.flags.wid_present = width.is_num;
                i = width.i;
                if (after_index and p.flags.wid_present) p.good_arg_num = false; // "%[3]2d"
            }

            // Precision.
            if (i + 1 < end and format[i] == '.') {
                i += 1;
                if (after_index) p.good_arg_num = false; // "%[3].2d"
                index = p.argNumber(arg_num, format, i, args.len);
                arg_num = index.arg_num;
                i = index.i;
                after_index = index.found;
                if (i < end and format[i] == '*') {
                    i += 1;
                    const precision = intFromArg(args, arg_num);
                    p.prec = precision.num;
                    p.flags.prec_present = precision.is_int;
                    arg_num = precision.arg_num;
                    if (p.prec < 0) {
                        p.prec = 0;
                        p.flags.prec_present = false;
                    }
                    if (!p.flags.prec_present) try p.write("%!(BADPREC)");
                    after_index = false;
                } else {
                    const precision = parseNum(format, i, end);
                    p.prec = precision.num;
                    p.flags.prec_present = precision.is_num;
                    i = precision.i;
                    if (!p.flags.prec_present) {
                        p.prec = 0;
                        p.flags.prec_present = true;
                    }
                }
            }

            if (!after_index) {
                index = p.argNumber(arg_num, format, i, args.len);
                arg_num = index.arg_num;
                i = index.i;
                after_index = index.found;
            }

            if (i >= end) {
                try p.write("%!(NOVERB)");
                break;
            }
            const decoded = strings.decodeRune(format[i..]);
            const verb = decoded.code;
            i += decoded.len;

            if (verb == '%') {
                try p.writeByte('%'); // Takes no argument, ignores width and precision.
            } else if (!p.good_arg_num) {
                try p.badArgNum(verb);
            } else if (arg_num >= args.len) {
                try p.missingArg(verb);
            } else {
                if (verb == 'v' or verb == 'w') p.moveFlagsForV();
                try p.printArg(args[arg_num], verb);
                arg_num += 1;
            }
        }

        // Unused arguments, unless indexes made that too hard to tell.
        if (!p.reordered and arg_num < args.len) {
            p.clearFlags();
            try p.write("%!(EXTRA ");
            for (args[arg_num..], 0..) |arg, n| {
                if (n > 0) try p.write(", ");
                try p.write(arg.typeString());
                try p.writeByte('=');
                try p.printArg(arg, 'v');
            }
            try p.writeByte(')');
        }
    }

    fn moveFlagsForV(p: *Printer) void {
        p.flags.sharp_v = p.flags.sharp;
        p.flags.sharp = false;
        p.flags.plus_v = p.flags.plus;
        p.flags.plus = false;
    }

    const ArgIndex = struct { arg_num: usize, i: usize, found: bool };

    /// An explicit "[n]" at format[i]: the argument to use next.
    fn argNumber(p: *Printer, arg_num: usize, format: []const u8, i: usize, num_args: usize) ArgIndex {
        if (format.len <= i or format[i] != '[') return .{ .arg_num = arg_num, .i = i, .found = false };
        p.reordered = true;
        const parsed = parseArgNumber(format[i..]);
        if (parsed.ok and parsed.index >= 0 and parsed.index < num_args) {
            return .{ .arg_num = @intCast(parsed.index), .i = i + parsed.width, .found = true };
        }
        p.good_arg_num = false;
        return .{ .arg_num = arg_num, .i = i + parsed.width, .found = parsed.ok };
    }

    fn badArgNum(p: *Printer, verb: u21) Write {
        try p.write("%!");
        try p.writeRune(verb);
        try p.write("(BADINDEX)");
    }

    fn missingArg(p: *Printer, verb: u21) Write {
        try p.write("%!");
        try p.writeRune(verb);
        try p.write("(MISSING)");
    }

    fn badVerb(p: *Printer, verb: u21) Write {
        p.erroring = true;
        defer p.erroring = false;
        try p.write("%!");
        try p.writeRune(verb);
        try p.writeByte('(');
        try p.write(p.arg.typeString());
        try p.writeByte('=');
        try p.printArg(p.arg, 'v');
        try p.writeByte(')');
    }

    // -- printArg -----------------------------------------------------------

    fn printArg(p: *Printer, arg: Arg, verb: u21) Write {
        p.arg = arg;
        switch (verb) {
            'T' => return p.fmtS(arg.typeString()),
            'p' => return switch (arg) {
                .big => p.fmt0x64(fake_pointer, !p.flags.sharp),
                else => p.badVerb(verb), // Not a pointer.
            },
            else => {},
        }
        switch (arg) {
            .int => |i| try p.printInteger(@bitCast(i), true, verb),
            .float => |f| try p.printFloat(f, verb),
            .string => |s| try p.printString(s, verb),
            .big => |text| {
                // *big.Int is a fmt.Formatter, except for %w and while
                // printing an error note, where fmt prints its struct.
                if (p.erroring) return p.printBigStruct(text);
                if (verb == 'w') return p.badVerb(verb);
                try p.formatBig(text, verb);
            },
        }
    }

    fn printInteger(p: *Printer, v: u64, is_signed: bool, verb: u21) Write {
        switch (verb) {
            'v' => if (p.flags.sharp_v and !is_signed) {
                try p.fmt0x64(v, true);
            } else {
                try p.fmtInteger(v, 10, is_signed, verb, lower_digits);
            },
            'd' => try p.fmtInteger(v, 10, is_signed, verb, lower_digits),
            'b' => try p.fmtInteger(v, 2, is_signed, verb, lower_digits),
            'o', 'O' => try p.fmtInteger(v, 8, is_signed, verb, lower_digits),
            'x' => try p.fmtInteger(v, 16, is_signed, verb, lower_digits),
            'X' => try p.fmtInteger(v, 16, is_signed, verb, upper_digits),
            'c' => try p.fmtC(v),
            'q' => try p.fmtQc(v),
            'U' => try p.fmtUnicode(v),
            else => try p.badVerb(verb),
        }
    }

    fn printFloat(p: *Printer, v: f64, verb: u21) Write {
        switch (verb) {
            'v' => try p.fmtFloat(v, 'g', -1),
            'b', 'g', 'G', 'x', 'X' => try p.fmtFloat(v, @intCast(verb), -1),
            'f', 'e', 'E' => try p.fmtFloat(v, @intCast(verb), 6),
            'F' => try p.fmtFloat(v, 'f', 6),
            else => try p.badVerb(verb),
        }
    }

    fn printString(p: *Printer, s: []const u8, verb: u21) Write {
        switch (verb) {
            'v' => if (p.flags.sharp_v) try p.fmtQ(s) else try p.fmtS(s),
            's' => try p.fmtS(s),
            'x' => try p.fmtSx(s, lower_digits),
            'X' => try p.fmtSx(s, upper_digits),
            'q' => try p.fmtQ(s),
            else => try p.badVerb(verb),
        }
    }

    // -- integers -----------------------------------------------------------

    fn fmt0x64(p: *Printer, v: u64, leading_0x: bool) Write {
        const sharp = p.flags.sharp;
        p.flags.sharp = leading_0x;
        defer p.flags.sharp = sharp;
        try p.fmtInteger(v, 16, false, 'v', lower_digits);
    }

    /// fmt.fmtInteger: [sign][0o][0x|0b|0][zeros][digits], padded with spaces.
    fn fmtInteger(p: *Printer, u_in: u64, base: u8, is_signed: bool, verb: u21, digits: *const [17]u8) Write {
        const negative = is_signed and @as(i64, @bitCast(u_in)) < 0;
        const u = if (negative) 0 -% u_in else u_in;

        // Leading zeros come from the precision (%.3d), or else from the
        // width with the 0 flag (%03d).
        var prec: i64 = 0;
        if (p.flags.prec_present) {
            prec = p.prec;
            if (prec == 0 and u == 0) {
                const old_zero = p.flags.zero;
                p.flags.zero = false;
                defer p.flags.zero = old_zero;
                return p.writePadding(p.wid);
            }
        } else if (p.flags.zero and !p.flags.minus and p.flags.wid_present) {
            prec = p.wid;
            if (negative or p.flags.plus or p.flags.space) prec -= 1;
        }

        var digit_buffer: [64]u8 = undefined;
        const number = strings.formatUnsigned(&digit_buffer, u, base, digits[10] == 'A');
        const zeros: usize = if (prec > number.len) @intCast(prec - @as(i64, @intCast(number.len))) else 0;

        var prefix_buffer: [5]u8 = undefined;
        var prefix: std.ArrayList(u8) = .initBuffer(&prefix_buffer);
        if (negative) {
            prefix.appendAssumeCapacity('-');
        } else if (p.flags.plus) {
            prefix.appendAssumeCapacity('+');
        } else if (p.flags.space) {
            prefix.appendAssumeCapacity(' ');
        }
        if (verb == 'O') prefix.appendSliceAssumeCapacity("0o");
        if (p.flags.sharp) switch (base) {
            2 => prefix.appendSliceAssumeCapacity("0b"),
            8 => if (zeros == 0 and number[0] != '0') prefix.appendAssumeCapacity('0'),
            16 => prefix.appendSliceAssumeCapacity(&.{ '0', digits[16] }),
            else => {},
        };

        const total: i64 = @intCast(prefix.items.len + zeros + number.len);
        const padding: i64 = if (p.flags.wid_present) p.wid - total else 0;
        if (!p.flags.minus) try p.out.appendNTimes(p.allocator, ' ', @intCast(@max(padding, 0)));
        try p.write(prefix.items);
        try p.out.appendNTimes(p.allocator, '0', zeros);
        try p.write(number);
        if (p.flags.minus) try p.out.appendNTimes(p.allocator, ' ', @intCast(@max(padding, 0)));
    }

    fn fmtC(p: *Printer, c: u64) Write {
        const r: u21 = if (c > strings.max_rune) strings.rune_error else @intCast(c);
        var buffer: [4]u8 = undefined;
        try p.pad(strings.encodeRune(r, &buffer));
    }

    fn fmtQc(p: *Printer, c: u64) Write {
        const r: u21 = if (c > strings.max_rune) strings.rune_error else @intCast(c);
        var quoted: std.ArrayList(u8) = .empty;
        try appendQuotedRune(p.allocator, &quoted, r, p.flags.plus);
        try p.pad(quoted.items);
    }

    /// "U+0078", or with '#' "U+0078 'x'".
    fn fmtUnicode(p: *Printer, u: u64) Write {
        var prec: i64 = 4;
        if (p.flags.prec_present and p.prec > 4) prec = p.prec;
        var digit_buffer: [64]u8 = undefined;
        const hex = strings.formatUnsigned(&digit_buffer, u, 16, true);
        var text: std.ArrayList(u8) = .empty;
        try text.appendSlice(p.allocator, "U+");
        if (prec > hex.len) try text.appendNTimes(p.allocator, '0', @intCast(prec - @as(i64, @intCast(hex.len))));
        try text.appendSlice(p.allocator, hex);
        if (p.flags.sharp and u <= strings.max_rune and isPrint(@intCast(u))) {
            try text.appendSlice(p.allocator, " '");
            try strings.appendRune(&text, p.allocator, @intCast(u));
            try text.append(p.allocator, '\'');
        }
        try p.padSpaces(text.items);
    }

    // -- strings ------------------------------------------------------------

    /// At most `prec` runes of `s` when a precision is given.
    fn truncate(p: *Printer, s: []const u8) []const u8 {
        if (!p.flags.prec_present) return s;
        var remaining = p.prec;
        var i: usize = 0;
        while (i < s.len) {
            remaining -= 1;
            if (remaining < 0) return s[0..i];
            i += strings.decodeRune(s[i..]).len;
        }
        return s;
    }

    fn fmtS(p: *Printer, s: []const u8) Write {
        try p.pad(p.truncate(s));
    }

    /// Hex of the bytes; ' ' separates bytes, '#' adds 0x (to each with ' ').
    fn fmtSx(p: *Printer, s: []const u8, digits: *const [17]u8) Write {
        var length = s.len;
        if (p.flags.prec_present and p.prec < length) length = @intCast(p.prec);
        if (length == 0) {
            if (p.flags.wid_present) try p.writePadding(p.wid);
            return;
        }
        var width: i64 = @intCast(2 * length);
        if (p.flags.space) {
            if (p.flags.sharp) width *= 2;
            width += @intCast(length - 1);
        } else if (p.flags.sharp) {
            width += 2;
        }
        if (p.flags.wid_present and p.wid > width and !p.flags.minus) try p.writePadding(p.wid - width);
        if (p.flags.sharp) try p.write(&.{ '0', digits[16] });
        for (s[0..length], 0..) |c, i| {
            if (p.flags.space and i > 0) {
                try p.writeByte(' ');
                if (p.flags.sharp) try p.write(&.{ '0', digits[16] });
            }
            try p.write(&.{ digits[c >> 4], digits[c & 0xf] });
        }
        if (p.flags.wid_present and p.wid > width and p.flags.minus) try p.writePadding(p.wid - width);
    }

    /// A Go string literal: strconv.Quote, QuoteToASCII with '+', or a raw
    /// `backquoted` string with '#' when possible.
    fn fmtQ(p: *Printer, s_in: []const u8) Write {
        const s = p.truncate(s_in);
        var quoted: std.ArrayList(u8) = .empty;
        if (p.flags.sharp and canBackquote(s)) {
            try quoted.append(p.allocator, '`');
            try quoted.appendSlice(p.allocator, s);
            try quoted.append(p.allocator, '`');
        } else {
            try appendQuoted(p.allocator, &quoted, s, '"', p.flags.plus);
        }
        try p.pad(quoted.items);
    }

    // -- floats -------------------------------------------------------------

    /// fmt.fmtFloat: strconv.AppendFloat plus sign, '#' and padding rules.
    fn fmtFloat(p: *Printer, v: f64, verb: u8, default_prec: i64) Write {
        const prec = if (p.flags.prec_present) p.prec else default_prec;
        var num: std.ArrayList(u8) = .empty;
        try num.append(p.allocator, '+'); // Room for a sign.
        try appendFloat(p.allocator, &num, v, verb, prec);
        var start: usize = 0;
        if (num.items[1] == '-' or num.items[1] == '+') start = 1;
        if (p.flags.space and num.items[start] == '+' and !p.flags.plus) num.items[start] = ' ';

        // Infinities and NaN are not padded with zeros.
        if (num.items[start + 1] == 'I' or num.items[start + 1] == 'N') {
            if (num.items[start + 1] == 'N' and !p.flags.space and !p.flags.plus) start += 1;
            return p.padSpaces(num.items[start..]);
        }

        if (p.flags.sharp and verb != 'b') try sharpFloat(p.allocator, &num, start, verb, prec);

        const text = num.items[start..];
        if (p.flags.plus or text[0] != '+') {
            // Zero padding goes between the sign and the digits.
            if (p.flags.zero and !p.flags.minus and p.flags.wid_present and p.wid > text.len) {
                try p.writeByte(text[0]);
                try p.writePadding(p.wid - @as(i64, @intCast(text.len)));
                return p.write(text[1..]);
            }
            return p.pad(text);
        }
        try p.pad(text[1..]);
    }

    // -- *big.Int -----------------------------------------------------------

    /// big.Int.Format.
    fn formatBig(p: *Printer, text: []const u8, verb: u21) Write {
        const base: u8 = switch (verb) {
            'b' => 2,
            'o', 'O' => 8,
            'd', 's', 'v' => 10,
            'x', 'X' => 16,
            else => {
                try p.write("%!");
                try p.writeRune(verb);
                try p.write("(big.Int=");
                try p.write(text);
                return p.writeByte(')');
            },
        };
        const negative = text[0] == '-';
        const decimal = if (negative) text[1..] else text;
        assert(decimal.len > 0 and decimal[0] != '0');

        const sign: []const u8 = if (negative) "-" else if (p.flags.plus or p.flags.plus_v) "+" else if (p.flags.space) " " else "";
        var prefix: []const u8 = "";
        if (p.flags.sharp or p.flags.sharp_v) prefix = switch (verb) {
            'b' => "0b",
            'o' => "0",
            'x' => "0x",
            'X' => "0X",
            else => "",
        };
        if (verb == 'O') prefix = "0o";

        const digits = try bigDigits(p.allocator, decimal, base, verb == 'X');
        var zeros: usize = 0;
        if (p.flags.prec_present and digits.len < p.prec) zeros = @intCast(p.prec - @as(i64, @intCast(digits.len)));
        var left: usize = 0;
        var right: usize = 0;
        const length = sign.len + prefix.len + zeros + digits.len;
        if (p.flags.wid_present and length < p.wid) {
            const d: usize = @intCast(p.wid - @as(i64, @intCast(length)));
            if (p.flags.minus) {
                right = d;
            } else if (p.flags.zero and !p.flags.prec_present) {
                zeros = d;
            } else {
                left = d;
            }
        }
        try p.out.appendNTimes(p.allocator, ' ', left);
        try p.write(sign);
        try p.write(prefix);
        try p.out.appendNTimes(p.allocator, '0', zeros);
        try p.write(digits);
        try p.out.appendNTimes(p.allocator, ' ', right);
    }

    /// How fmt prints a *big.Int by reflection: &{neg [words]} (little-endian
    /// 64-bit words), with field names for %+v and Go syntax for %#v.
    fn printBigStruct(p: *Printer, text: []const u8) Write {
        const negative = text[0] == '-';
        const decimal = if (negative) text[1..] else text;
        const hex = try bigDigits(p.allocator, decimal, 16, false);
        const named = p.flags.plus_v or p.flags.sharp_v;
        try p.writeByte('&');
        if (p.flags.sharp_v) try p.write("big.Int");
        try p.writeByte('{');
        if (named) try p.write("neg:");
        try p.pad(if (negative) "true" else "false");
        try p.write(if (p.flags.sharp_v) ", " else " ");
        if (named) try p.write("abs:");
        try p.write(if (p.flags.sharp_v) "big.nat{" else "[");
        // Words from the least significant, 16 hex digits each.
        var word_end = hex.len;
        while (word_end > 0) {
            const word_start = word_end -| 16;
            const word = std.fmt.parseUnsigned(u64, hex[word_start..word_end], 16) catch unreachable; // Hex digits, at most 16.
            if (word_end != hex.len) try p.write(if (p.flags.sharp_v) ", " else " ");
            try p.printInteger(word, false, 'v');
            word_end = word_start;
        }
        try p.write(if (p.flags.sharp_v) "}}" else "]}");
    }
};

const ParsedNum = struct { num: i64, is_num: bool, i: usize };

/// fmt.parsenum: digits at format[start..end]; an absurdly long number
/// consumes the rest of the format.
fn parseNum(format: []const u8, start: usize, end: usize) ParsedNum {
    if (start >= end) return .{ .num = 0, .is_num = false, .i = end };
    var num: i64 = 0;
    var is_num = false;
    var i = start;
    while (i < end and '0' <= format[i] and format[i] <= '9') : (i += 1) {
        if (tooLarge(num)) return .{ .num = 0, .is_num = false, .i = end };
        num = num * 10 + (format[i] - '0');
        is_num = true;
    }
    return .{ .num = num, .is_num = is_num, .i = i };
}

fn tooLarge(x: i64) bool {
    const max = 1_000_000;
    return x > max or x < -max;
}

const ParsedArgNumber = struct { index: i64, width: usize, ok: bool };

/// fmt.parseArgNumber for "[n]..." at the start of `format`: the 0-based
/// index and how many bytes the bracket took.
fn parseArgNumber(format: []const u8) ParsedArgNumber {
    assert(format.len > 0 and format[0] == '[');
    if (format.len < 3) return .{ .index = 0, .width = 1, .ok = false };
    for (1..format.len) |i| {
        if (format[i] == ']') {
            const parsed = parseNum(format, 1, i);
            if (!parsed.is_num or parsed.i != i) return .{ .index = 0, .width = i + 1, .ok = false };
            return .{ .index = parsed.num - 1, .width = i + 1, .ok = true };
        }
    }
    return .{ .index = 0, .width = 1, .ok = false };
}

const IntFromArg = struct { num: i64, is_int: bool, arg_num: usize };

/// fmt.intFromArg: a '*' width or precision taken from an integer argument.
fn intFromArg(args: []const Arg, arg_num: usize) IntFromArg {
    if (arg_num >= args.len) return .{ .num = 0, .is_int = false, .arg_num = arg_num };
    var result: IntFromArg = .{ .num = 0, .is_int = false, .arg_num = arg_num + 1 };
    switch (args[arg_num]) {
        .int => |i| {
            result.num = i;
            result.is_int = true;
        },
        else => {},
    }
    if (tooLarge(result.num)) {
        result.num = 0;
        result.is_int = false;
    }
    return result;
}

/// Digits of a decimal magnitude in another base.
fn bigDigits(allocator: Allocator, decimal: []const u8, base: u8, uppercase: bool) Allocator.Error![]const u8 {
    if (base == 10) return decimal;
    const magnitude = try strings.bigFromDecimal(allocator, decimal);
    return strings.bigToString(allocator, magnitude, base, uppercase);
}

/// The '#' flag on floats: keep a decimal point and, for %g/%x, trailing
/// zeros up to the precision (6 by default). Rewrites num[start..].
fn sharpFloat(allocator: Allocator, num: *std.ArrayList(u8), start: usize, verb: u8, prec: i64) Allocator.Error!void {
    var digits: i64 = 0;
    switch (verb) {
        'v', 'g', 'G', 'x' => digits = if (prec == -1) 6 else prec,
        else => {},
    }
    var tail_buffer: [8]u8 = undefined;
    var tail: []const u8 = &.{};
    var has_decimal_point = false;
    var saw_nonzero_digit = false;
    var i: usize = start + 1; // After the sign.
    while (i < num.items.len) : (i += 1) {
        const c = num.items[i];
        const is_exponent = c == 'p' or c == 'P' or ((c == 'e' or c == 'E') and verb != 'x' and verb != 'X');
        if (c == '.') {
            has_decimal_point = true;
        } else if (is_exponent) {
            const exponent = num.items[i..];
            @memcpy(tail_buffer[0..exponent.len], exponent); // At most "e+308" or "p-1074".
            tail = tail_buffer[0..exponent.len];
            num.items.len = i;
            break;
        } else {
            // fmt counts every other character here, 'x' of "0x" included.
            if (c != '0') saw_nonzero_digit = true;
            if (saw_nonzero_digit) digits -= 1;
        }
    }
    if (!has_decimal_point) {
        if (num.items.len - start == 2 and num.items[start + 1] == '0') digits -= 1;
        try num.append(allocator, '.');
    }
    if (digits > 0) try num.appendNTimes(allocator, '0', @intCast(digits));
    try num.appendSlice(allocator, tail);
}

// ---------------------------------------------------------------------------
// strconv.AppendFloat for float64

/// Decimal digits d[0..nd] with the point at dp: value = 0.d * 10^dp.
const Decimal = struct {
    d: []u8,
    nd: usize,
    dp: i64,

    fn digit(self: Decimal, i: usize) u8 {
        return if (i < self.nd) self.d[i] else '0';
    }

    /// Go's decimal.Round: to nd digits, half to even; a no-op outside 0..self.nd.
    fn round(self: *Decimal, nd: i64) void {
        if (nd < 0 or nd >= self.nd) return;
        const n: usize = @intCast(nd);
        if (self.shouldRoundUp(n)) self.roundUp(n) else self.roundDown(n);
    }

    fn shouldRoundUp(self: Decimal, nd: usize) bool {
        assert(nd < self.nd);
        // Exactly halfway (the digits are exact): round to even.
        if (self.d[nd] == '5' and nd + 1 == self.nd) return nd > 0 and (self.d[nd - 1] - '0') % 2 == 1;
        return self.d[nd] >= '5';
    }

    fn roundDown(self: *Decimal, nd: usize) void {
        self.nd = nd;
        while (self.nd > 0 and self.d[self.nd - 1] == '0') self.nd -= 1;
        if (self.nd == 0) self.dp = 0;
    }

    fn roundUp(self: *Decimal, nd: usize) void {
        var i = nd;
        while (i > 0) {
            i -= 1;
            if (self.d[i] < '9') {
                self.d[i] += 1;
                self.nd = i + 1;
                return;
            }
        }
        // All nines: 999 -> 1000.
        self.d[0] = '1';
        self.nd = 1;
        self.dp += 1;
    }
};

/// Appends `v` formatted as Go's strconv.AppendFloat(dst, v, fmt, prec, 64).
fn appendFloat(allocator: Allocator, out: *std.ArrayList(u8), v: f64, fmt: u8, prec_in: i64) Allocator.Error!void {
    const bits: u64 = @bitCast(v);
    const negative = bits >> 63 != 0;
    var exp: i64 = @intCast((bits >> 52) & 0x7ff);
    var mant: u64 = bits & ((1 << 52) - 1);
    var prec = prec_in;

    if (exp == 0x7ff) {
        return out.appendSlice(allocator, if (mant != 0) "NaN" else if (negative) "-Inf" else "+Inf");
    }
    if (exp == 0) {
        exp += 1; // Denormal.
    } else {
        mant |= 1 << 52;
    }
    exp -= 1023;

    if (fmt == 'b') return appendFloatB(allocator, out, negative, mant, exp);
    if (fmt == 'x' or fmt == 'X') return appendFloatX(allocator, out, prec, fmt, negative, mant, exp);

    const shortest = prec < 0;
    var digit_buffer: [32]u8 = undefined;
    var digits: Decimal = .{ .d = &digit_buffer, .nd = 0, .dp = 0 };
    if (mant != 0) {
        if (shortest) {
            digits = shortestDecimal(&digit_buffer, v);
            prec = switch (fmt) {
                'e', 'E' => @max(@as(i64, @intCast(digits.nd)) - 1, 0),
                'f' => @max(@as(i64, @intCast(digits.nd)) - digits.dp, 0),
                'g', 'G' => @intCast(digits.nd),
                else => prec,
            };
        } else {
            digits = try exactDecimal(allocator, mant, exp - 52);
            switch (fmt) {
                'e', 'E' => digits.round(prec + 1),
                'f' => digits.round(digits.dp + prec),
                'g', 'G' => {
                    if (prec == 0) prec = 1;
                    digits.round(prec);
                },
                else => {},
            }
        }
    }
    try formatDigits(allocator, out, shortest, negative, digits, prec, fmt);
}

/// The shortest digits that read back as `v` (finite, non-zero).
fn shortestDecimal(buffer: *[32]u8, v: f64) Decimal {
    assert(std.math.isFinite(v) and v != 0);
    var render_buffer: [std.fmt.float.min_buffer_size]u8 = undefined;
    // Without a precision, rendering cannot fail for a buffer this size.
    const text = std.fmt.float.render(&render_buffer, @abs(v), .{ .mode = .scientific }) catch unreachable;
    // "d[.ddd]e[-]N"
    const e_index = std.mem.indexOfScalar(u8, text, 'e') orelse unreachable; // Scientific mode writes one.
    const exp10 = std.fmt.parseInt(i64, text[e_index + 1 ..], 10) catch unreachable; // A small integer.
    var nd: usize = 0;
    for (text[0..e_index]) |c| {
        if (c == '.') continue;
        buffer[nd] = c;
        nd += 1;
    }
    while (nd > 1 and buffer[nd - 1] == '0') nd -= 1;
    assert(buffer[0] != '0');
    return .{ .d = buffer, .nd = nd, .dp = exp10 + 1 };
}

/// The exact decimal expansion of mant * 2^exp2 (mant > 0).
fn exactDecimal(allocator: Allocator, mant: u64, exp2: i64) Allocator.Error!Decimal {
    assert(mant > 0);
    var n = try std.math.big.int.Managed.initSet(allocator, mant);
    if (exp2 >= 0) {
        try n.shiftLeft(&n, @intCast(exp2));
    } else {
        // mant / 2^k = mant * 5^k / 10^k.
        var power = try std.math.big.int.Managed.initSet(allocator, 5);
        try power.pow(&power, @intCast(-exp2));
        try n.mul(&n, &power);
    }
    const text = n.toString(allocator, 10, .lower) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        error.InvalidBase => unreachable, // Base 10.
    };
    var nd = text.len;
    while (nd > 0 and text[nd - 1] == '0') nd -= 1;
    const dp: i64 = @as(i64, @intCast(text.len)) + @min(exp2, 0);
    return .{ .d = text, .nd = nd, .dp = dp };
}

fn formatDigits(allocator: Allocator, out: *std.ArrayList(u8), shortest: bool, negative: bool, digits: Decimal, prec: i64, fmt: u8) Allocator.Error!void {
    switch (fmt) {
        'e', 'E' => return appendE(allocator, out, negative, digits, prec, fmt),
        'f' => return appendF(allocator, out, negative, digits, prec),
        'g', 'G' => {
            const nd: i64 = @intCast(digits.nd);
            var eprec = prec;
            if (eprec > nd and nd >= digits.dp) eprec = nd;
            // %e when the exponent is below -4 or at least the precision
            // (6 for the shortest form).
            if (shortest) eprec = 6;
            const exp = digits.dp - 1;
            if (exp < -4 or exp >= eprec) {
                return appendE(allocator, out, negative, digits, @min(prec, nd) - 1, fmt + 'e' - 'g');
            }
            const f_prec = if (prec > digits.dp) nd else prec;
            return appendF(allocator, out, negative, digits, @max(f_prec - digits.dp, 0));
        },
        else => {
            try out.append(allocator, '%');
            try out.append(allocator, fmt);
        },
    }
}

/// %e: -d.ddddde±dd
fn appendE(allocator: Allocator, out: *std.ArrayList(u8), negative: bool, digits: Decimal, prec: i64, fmt: u8) Allocator.Error!void {
    if (negative) try out.append(allocator, '-');
    try out.append(allocator, if (digits.nd != 0) digits.d[0] else '0');
    if (prec > 0) {
        try out.append(allocator, '.');
        const count: usize = @intCast(prec);
        const available = @min(digits.nd, count + 1);
        if (available > 1) try out.appendSlice(allocator, digits.d[1..available]);
        try out.appendNTimes(allocator, '0', count + 1 - @max(available, 1));
    }
    try out.append(allocator, fmt);
    var exp = if (digits.nd == 0) 0 else digits.dp - 1; // Zero has exponent 0.
    try out.append(allocator, if (exp < 0) '-' else '+');
    exp = @intCast(@abs(exp));
    if (exp < 10) try out.append(allocator, '0');
    try out.print(allocator, "{d}", .{exp});
}

/// %f: -ddddddd.ddddd
fn appendF(allocator: Allocator, out: *std.ArrayList(u8), negative: bool, digits: Decimal, prec: i64) Allocator.Error!void {
    if (negative) try out.append(allocator, '-');
    if (digits.dp > 0) {
        const integer_digits: usize = @intCast(digits.dp);
        const available = @min(digits.nd, integer_digits);
        try out.appendSlice(allocator, digits.d[0..available]);
        try out.appendNTimes(allocator, '0', integer_digits - available);
    } else {
        try out.append(allocator, '0');
    }
    if (prec > 0) {
        try out.append(allocator, '.');
        var i: i64 = 0;
        while (i < prec) : (i += 1) {
            const j = digits.dp + i;
            try out.append(allocator, if (j >= 0) digits.digit(@intCast(j)) else '0');
        }
    }
}

/// %b: -ddddp±ddd (mantissa and binary exponent).
fn appendFloatB(allocator: Allocator, out: *std.ArrayList(u8), negative: bool, mant: u64, exp: i64) Allocator.Error!void {
    if (negative) try out.append(allocator, '-');
    const e = exp - 52;
    try out.print(allocator, "{d}p{s}{d}", .{ mant, if (e >= 0) "+" else "", e });
}

/// %x: -0x1.yyyyp±dd (hex fraction and binary exponent).
fn appendFloatX(allocator: Allocator, out: *std.ArrayList(u8), prec: i64, fmt: u8, negative: bool, mant_in: u64, exp_in: i64) Allocator.Error!void {
    var mant = mant_in;
    var exp = exp_in;
    if (mant == 0) exp = 0;
    // The leading 1 (if any) at bit 60.
    mant <<= 60 - 52;
    while (mant != 0 and mant & (1 << 60) == 0) {
        mant <<= 1;
        exp -= 1;
    }
    // Round to `prec` hex digits, half to even.
    if (prec >= 0 and prec < 15) {
        const shift: u6 = @intCast(prec * 4);
        const extra = (mant << shift) & ((1 << 60) - 1);
        mant >>= @intCast(60 - @as(u7, shift));
        if (extra | (mant & 1) > 1 << 59) mant += 1;
        mant <<= @intCast(60 - @as(u7, shift));
        if (mant & (1 << 61) != 0) {
            mant >>= 1; // Carried into a new leading digit.
            exp += 1;
        }
    }
    const hex: []const u8 = if (fmt == 'X') "0123456789ABCDEF" else "0123456789abcdef";
    if (negative) try out.append(allocator, '-');
    try out.appendSlice(allocator, &.{ '0', fmt, '0' + @as(u8, @intCast((mant >> 60) & 1)) });
    mant <<= 4; // Drop the leading digit.
    if (prec < 0 and mant != 0) {
        try out.append(allocator, '.');
        while (mant != 0) {
            try out.append(allocator, hex[@intCast((mant >> 60) & 15)]);
            mant <<= 4;
        }
    } else if (prec > 0) {
        try out.append(allocator, '.');
        var i: i64 = 0;
        while (i < prec) : (i += 1) {
            try out.append(allocator, hex[@intCast((mant >> 60) & 15)]);
            mant <<= 4;
        }
    }
    try out.append(allocator, if (fmt == 'X') 'P' else 'p');
    try out.append(allocator, if (exp < 0) '-' else '+');
    const magnitude = @abs(exp);
    if (magnitude < 10) try out.append(allocator, '0');
    try out.print(allocator, "{d}", .{magnitude});
}

// ---------------------------------------------------------------------------
// strconv quoting

/// strconv.Quote.
pub fn quote(allocator: Allocator, s: []const u8) Allocator.Error![]const u8 {
    var out: std.ArrayList(u8) = .empty;
    try appendQuoted(allocator, &out, s, '"', false);
    return out.items;
}

/// strconv.AppendQuote (or AppendQuoteToASCII): invalid bytes as \xNN,
/// unprintable runes escaped.
fn appendQuoted(allocator: Allocator, out: *std.ArrayList(u8), s: []const u8, quote_char: u8, ascii_only: bool) Allocator.Error!void {
    try out.ensureUnusedCapacity(allocator, s.len + 2);
    out.appendAssumeCapacity(quote_char);
    var i: usize = 0;
    while (i < s.len) {
        const r = strings.decodeRune(s[i..]);
        if (r.len == 1 and r.code == strings.rune_error) {
            try out.appendSlice(allocator, &.{ '\\', 'x', hex_lower[s[i] >> 4], hex_lower[s[i] & 0xf] });
        } else {
            try appendEscapedRune(allocator, out, r.code, quote_char, ascii_only);
        }
        i += r.len;
    }
    try out.append(allocator, quote_char);
}

/// strconv.AppendQuoteRune (or ...ToASCII).
fn appendQuotedRune(allocator: Allocator, out: *std.ArrayList(u8), r: u21, ascii_only: bool) Allocator.Error!void {
    try out.append(allocator, '\'');
    try appendEscapedRune(allocator, out, if (strings.isValidRune(r)) r else strings.rune_error, '\'', ascii_only);
    try out.append(allocator, '\'');
}

const hex_lower = "0123456789abcdef";

fn appendEscapedRune(allocator: Allocator, out: *std.ArrayList(u8), r: u21, quote_char: u8, ascii_only: bool) Allocator.Error!void {
    if (r == quote_char or r == '\\') return out.appendSlice(allocator, &.{ '\\', @intCast(r) });
    if (ascii_only) {
        if (r < 0x80 and isPrint(r)) return out.append(allocator, @intCast(r));
    } else if (isPrint(r)) {
        return strings.appendRune(out, allocator, r);
    }
    const escape: ?[]const u8 = switch (r) {
        0x07 => "\\a",
        0x08 => "\\b",
        0x0c => "\\f",
        '\n' => "\\n",
        '\r' => "\\r",
        '\t' => "\\t",
        0x0b => "\\v",
        else => null,
    };
    if (escape) |e| return out.appendSlice(allocator, e);
    if (r < ' ' or r == 0x7f) return out.appendSlice(allocator, &.{ '\\', 'x', hex_lower[r >> 4], hex_lower[r & 0xf] });
    const code: u21 = if (strings.isValidRune(r)) r else strings.rune_error;
    if (code < 0x10000) {
        try out.appendSlice(allocator, "\\u");
        try appendHex(allocator, out, code, 4);
    } else {
        try out.appendSlice(allocator, "\\U");
        try appendHex(allocator, out, code, 8);
    }
}

fn appendHex(allocator: Allocator, out: *std.ArrayList(u8), value: u21, width: u4) Allocator.Error!void {
    assert(width <= 8);
    var digit: u4 = width;
    while (digit > 0) {
        digit -= 1;
        const shift: u5 = @as(u5, digit) * 4;
        try out.append(allocator, hex_lower[(@as(u32, value) >> shift) & 0xf]);
    }
}

/// strconv.CanBackquote.
fn canBackquote(s: []const u8) bool {
    var i: usize = 0;
    while (i < s.len) {
        const r = strings.decodeRune(s[i..]);
        i += r.len;
        if (r.len > 1) {
            if (r.code == 0xfeff) return false; // An invisible BOM.
            continue;
        }
        if (r.code == strings.rune_error) return false;
        if ((r.code < ' ' and r.code != '\t') or r.code == '`' or r.code == 0x7f) return false;
    }
    return true;
}

/// strconv.IsPrint: letters, marks, numbers, punctuation, symbols and U+0020.
pub fn isPrint(r: u21) bool {
    // Index of the first range starting after r.
    var low: usize = 0;
    var high: usize = print_ranges.len;
    while (low < high) {
        const mid = low + (high - low) / 2;
        if (print_ranges[mid][0] <= r) low = mid + 1 else high = mid;
    }
    return low > 0 and r <= print_ranges[low - 1][1];
}

// Generated from Go 1.26's strconv.IsPrint over every rune: inclusive ranges.
const print_ranges = [_][2]u21{
    .{ 0x20, 0x7E },       .{ 0xA1, 0xAC },       .{ 0xAE, 0x377 },      .{ 0x37A, 0x37F },     .{ 0x384, 0x38A },     .{ 0x38C, 0x38C },
    .{ 0x38E, 0x3A1 },     .{ 0x3A3, 0x52F },     .{ 0x531, 0x556 },     .{ 0x559, 0x58A },     .{ 0x58D, 0x58F },     .{ 0x591, 0x5C7 },
    .{ 0x5D0, 0x5EA },     .{ 0x5EF, 0x5F4 },     .{ 0x606, 0x61B },     .{ 0x61D, 0x6DC },     .{ 0x6DE, 0x70D },     .{ 0x710, 0x74A },
    .{ 0x74D, 0x7B1 },     .{ 0x7C0, 0x7FA },     .{ 0x7FD, 0x82D },     .{ 0x830, 0x83E },     .{ 0x840, 0x85B },     .{ 0x85E, 0x85E },
    .{ 0x860, 0x86A },     .{ 0x870, 0x88E },     .{ 0x898, 0x8E1 },     .{ 0x8E3, 0x983 },     .{ 0x985, 0x98C },     .{ 0x98F, 0x990 },
    .{ 0x993, 0x9A8 },     .{ 0x9AA, 0x9B0 },     .{ 0x9B2, 0x9B2 },     .{ 0x9B6, 0x9B9 },     .{ 0x9BC, 0x9C4 },     .{ 0x9C7, 0x9C8 },
    .{ 0x9CB, 0x9CE },     .{ 0x9D7, 0x9D7 },     .{ 0x9DC, 0x9DD },     .{ 0x9DF, 0x9E3 },     .{ 0x9E6, 0x9FE },     .{ 0xA01, 0xA03 },
    .{ 0xA05, 0xA0A },     .{ 0xA0F, 0xA10 },     .{ 0xA13, 0xA28 },     .{ 0xA2A, 0xA30 },     .{ 0xA32, 0xA33 },     .{ 0xA35, 0xA36 },
    .{ 0xA38, 0xA39 },     .{ 0xA3C, 0xA3C },     .{ 0xA3E, 0xA42 },     .{ 0xA47, 0xA48 },     .{ 0xA4B, 0xA4D },     .{ 0xA51, 0xA51 },
    .{ 0xA59, 0xA5C },     .{ 0xA5E, 0xA5E },     .{ 0xA66, 0xA76 },     .{ 0xA81, 0xA83 },     .{ 0xA85, 0xA8D },     .{ 0xA8F, 0xA91 },
    .{ 0xA93, 0xAA8 },     .{ 0xAAA, 0xAB0 },     .{ 0xAB2, 0xAB3 },     .{ 0xAB5, 0xAB9 },     .{ 0xABC, 0xAC5 },     .{ 0xAC7, 0xAC9 },
    .{ 0xACB, 0xACD },     .{ 0xAD0, 0xAD0 },     .{ 0xAE0, 0xAE3 },     .{ 0xAE6, 0xAF1 },     .{ 0xAF9, 0xAFF },     .{ 0xB01, 0xB03 },
    .{ 0xB05, 0xB0C },     .{ 0xB0F, 0xB10 },     .{ 0xB13, 0xB28 },     .{ 0xB2A, 0xB30 },     .{ 0xB32, 0xB33 },     .{ 0xB35, 0xB39 },
    .{ 0xB3C, 0xB44 },     .{ 0xB47, 0xB48 },     .{ 0xB4B, 0xB4D },     .{ 0xB55, 0xB57 },     .{ 0xB5C, 0xB5D },     .{ 0xB5F, 0xB63 },
    .{ 0xB66, 0xB77 },     .{ 0xB82, 0xB83 },     .{ 0xB85, 0xB8A },     .{ 0xB8E, 0xB90 },     .{ 0xB92, 0xB95 },     .{ 0xB99, 0xB9A },
    .{ 0xB9C, 0xB9C },     .{ 0xB9E, 0xB9F },     .{ 0xBA3, 0xBA4 },     .{ 0xBA8, 0xBAA },     .{ 0xBAE, 0xBB9 },     .{ 0xBBE, 0xBC2 },
    .{ 0xBC6, 0xBC8 },     .{ 0xBCA, 0xBCD },     .{ 0xBD0, 0xBD0 },     .{ 0xBD7, 0xBD7 },     .{ 0xBE6, 0xBFA },     .{ 0xC00, 0xC0C },
    .{ 0xC0E, 0xC10 },     .{ 0xC12, 0xC28 },     .{ 0xC2A, 0xC39 },     .{ 0xC3C, 0xC44 },     .{ 0xC46, 0xC48 },     .{ 0xC4A, 0xC4D },
    .{ 0xC55, 0xC56 },     .{ 0xC58, 0xC5A },     .{ 0xC5D, 0xC5D },     .{ 0xC60, 0xC63 },     .{ 0xC66, 0xC6F },     .{ 0xC77, 0xC8C },
    .{ 0xC8E, 0xC90 },     .{ 0xC92, 0xCA8 },     .{ 0xCAA, 0xCB3 },     .{ 0xCB5, 0xCB9 },     .{ 0xCBC, 0xCC4 },     .{ 0xCC6, 0xCC8 },
    .{ 0xCCA, 0xCCD },     .{ 0xCD5, 0xCD6 },     .{ 0xCDD, 0xCDE },     .{ 0xCE0, 0xCE3 },     .{ 0xCE6, 0xCEF },     .{ 0xCF1, 0xCF3 },
    .{ 0xD00, 0xD0C },     .{ 0xD0E, 0xD10 },     .{ 0xD12, 0xD44 },     .{ 0xD46, 0xD48 },     .{ 0xD4A, 0xD4F },     .{ 0xD54, 0xD63 },
    .{ 0xD66, 0xD7F },     .{ 0xD81, 0xD83 },     .{ 0xD85, 0xD96 },     .{ 0xD9A, 0xDB1 },     .{ 0xDB3, 0xDBB },     .{ 0xDBD, 0xDBD },
    .{ 0xDC0, 0xDC6 },     .{ 0xDCA, 0xDCA },     .{ 0xDCF, 0xDD4 },     .{ 0xDD6, 0xDD6 },     .{ 0xDD8, 0xDDF },     .{ 0xDE6, 0xDEF },
    .{ 0xDF2, 0xDF4 },     .{ 0xE01, 0xE3A },     .{ 0xE3F, 0xE5B },     .{ 0xE81, 0xE82 },     .{ 0xE84, 0xE84 },     .{ 0xE86, 0xE8A },
    .{ 0xE8C, 0xEA3 },     .{ 0xEA5, 0xEA5 },     .{ 0xEA7, 0xEBD },     .{ 0xEC0, 0xEC4 },     .{ 0xEC6, 0xEC6 },     .{ 0xEC8, 0xECE },
    .{ 0xED0, 0xED9 },     .{ 0xEDC, 0xEDF },     .{ 0xF00, 0xF47 },     .{ 0xF49, 0xF6C },     .{ 0xF71, 0xF97 },     .{ 0xF99, 0xFBC },
    .{ 0xFBE, 0xFCC },     .{ 0xFCE, 0xFDA },     .{ 0x1000, 0x10C5 },   .{ 0x10C7, 0x10C7 },   .{ 0x10CD, 0x10CD },   .{ 0x10D0, 0x1248 },
    .{ 0x124A, 0x124D },   .{ 0x1250, 0x1256 },   .{ 0x1258, 0x1258 },   .{ 0x125A, 0x125D },   .{ 0x1260, 0x1288 },   .{ 0x128A, 0x128D },
    .{ 0x1290, 0x12B0 },   .{ 0x12B2, 0x12B5 },   .{ 0x12B8, 0x12BE },   .{ 0x12C0, 0x12C0 },   .{ 0x12C2, 0x12C5 },   .{ 0x12C8, 0x12D6 },
    .{ 0x12D8, 0x1310 },   .{ 0x1312, 0x1315 },   .{ 0x1318, 0x135A },   .{ 0x135D, 0x137C },   .{ 0x1380, 0x1399 },   .{ 0x13A0, 0x13F5 },
    .{ 0x13F8, 0x13FD },   .{ 0x1400, 0x167F },   .{ 0x1681, 0x169C },   .{ 0x16A0, 0x16F8 },   .{ 0x1700, 0x1715 },   .{ 0x171F, 0x1736 },
    .{ 0x1740, 0x1753 },   .{ 0x1760, 0x176C },   .{ 0x176E, 0x1770 },   .{ 0x1772, 0x1773 },   .{ 0x1780, 0x17DD },   .{ 0x17E0, 0x17E9 },
    .{ 0x17F0, 0x17F9 },   .{ 0x1800, 0x180D },   .{ 0x180F, 0x1819 },   .{ 0x1820, 0x1878 },   .{ 0x1880, 0x18AA },   .{ 0x18B0, 0x18F5 },
    .{ 0x1900, 0x191E },   .{ 0x1920, 0x192B },   .{ 0x1930, 0x193B },   .{ 0x1940, 0x1940 },   .{ 0x1944, 0x196D },   .{ 0x1970, 0x1974 },
    .{ 0x1980, 0x19AB },   .{ 0x19B0, 0x19C9 },   .{ 0x19D0, 0x19DA },   .{ 0x19DE, 0x1A1B },   .{ 0x1A1E, 0x1A5E },   .{ 0x1A60, 0x1A7C },
    .{ 0x1A7F, 0x1A89 },   .{ 0x1A90, 0x1A99 },   .{ 0x1AA0, 0x1AAD },   .{ 0x1AB0, 0x1ACE },   .{ 0x1B00, 0x1B4C },   .{ 0x1B50, 0x1B7E },
    .{ 0x1B80, 0x1BF3 },   .{ 0x1BFC, 0x1C37 },   .{ 0x1C3B, 0x1C49 },   .{ 0x1C4D, 0x1C88 },   .{ 0x1C90, 0x1CBA },   .{ 0x1CBD, 0x1CC7 },
    .{ 0x1CD0, 0x1CFA },   .{ 0x1D00, 0x1F15 },   .{ 0x1F18, 0x1F1D },   .{ 0x1F20, 0x1F45 },   .{ 0x1F48, 0x1F4D },   .{ 0x1F50, 0x1F57 },
    .{ 0x1F59, 0x1F59 },   .{ 0x1F5B, 0x1F5B },   .{ 0x1F5D, 0x1F5D },   .{ 0x1F5F, 0x1F7D },   .{ 0x1F80, 0x1FB4 },   .{ 0x1FB6, 0x1FC4 },
    .{ 0x1FC6, 0x1FD3 },   .{ 0x1FD6, 0x1FDB },   .{ 0x1FDD, 0x1FEF },   .{ 0x1FF2, 0x1FF4 },   .{ 0x1FF6, 0x1FFE },   .{ 0x2010, 0x2027 },
    .{ 0x2030, 0x205E },   .{ 0x2070, 0x2071 },   .{ 0x2074, 0x208E },   .{ 0x2090, 0x209C },   .{ 0x20A0, 0x20C0 },   .{ 0x20D0, 0x20F0 },
    .{ 0x2100, 0x218B },   .{ 0x2190, 0x2426 },   .{ 0x2440, 0x244A },   .{ 0x2460, 0x2B73 },   .{ 0x2B76, 0x2B95 },   .{ 0x2B97, 0x2CF3 },
    .{ 0x2CF9, 0x2D25 },   .{ 0x2D27, 0x2D27 },   .{ 0x2D2D, 0x2D2D },   .{ 0x2D30, 0x2D67 },   .{ 0x2D6F, 0x2D70 },   .{ 0x2D7F, 0x2D96 },
    .{ 0x2DA0, 0x2DA6 },   .{ 0x2DA8, 0x2DAE },   .{ 0x2DB0, 0x2DB6 },   .{ 0x2DB8, 0x2DBE },   .{ 0x2DC0, 0x2DC6 },   .{ 0x2DC8, 0x2DCE },
    .{ 0x2DD0, 0x2DD6 },   .{ 0x2DD8, 0x2DDE },   .{ 0x2DE0, 0x2E5D },   .{ 0x2E80, 0x2E99 },   .{ 0x2E9B, 0x2EF3 },   .{ 0x2F00, 0x2FD5 },
    .{ 0x2FF0, 0x2FFB },   .{ 0x3001, 0x303F },   .{ 0x3041, 0x3096 },   .{ 0x3099, 0x30FF },   .{ 0x3105, 0x312F },   .{ 0x3131, 0x318E },
    .{ 0x3190, 0x31E3 },   .{ 0x31F0, 0x321E },   .{ 0x3220, 0xA48C },   .{ 0xA490, 0xA4C6 },   .{ 0xA4D0, 0xA62B },   .{ 0xA640, 0xA6F7 },
    .{ 0xA700, 0xA7CA },   .{ 0xA7D0, 0xA7D1 },   .{ 0xA7D3, 0xA7D3 },   .{ 0xA7D5, 0xA7D9 },   .{ 0xA7F2, 0xA82C },   .{ 0xA830, 0xA839 },
    .{ 0xA840, 0xA877 },   .{ 0xA880, 0xA8C5 },   .{ 0xA8CE, 0xA8D9 },   .{ 0xA8E0, 0xA953 },   .{ 0xA95F, 0xA97C },   .{ 0xA980, 0xA9CD },
    .{ 0xA9CF, 0xA9D9 },   .{ 0xA9DE, 0xA9FE },   .{ 0xAA00, 0xAA36 },   .{ 0xAA40, 0xAA4D },   .{ 0xAA50, 0xAA59 },   .{ 0xAA5C, 0xAAC2 },
    .{ 0xAADB, 0xAAF6 },   .{ 0xAB01, 0xAB06 },   .{ 0xAB09, 0xAB0E },   .{ 0xAB11, 0xAB16 },   .{ 0xAB20, 0xAB26 },   .{ 0xAB28, 0xAB2E },
    .{ 0xAB30, 0xAB6B },   .{ 0xAB70, 0xABED },   .{ 0xABF0, 0xABF9 },   .{ 0xAC00, 0xD7A3 },   .{ 0xD7B0, 0xD7C6 },   .{ 0xD7CB, 0xD7FB },
    .{ 0xF900, 0xFA6D },   .{ 0xFA70, 0xFAD9 },   .{ 0xFB00, 0xFB06 },   .{ 0xFB13, 0xFB17 },   .{ 0xFB1D, 0xFB36 },   .{ 0xFB38, 0xFB3C },
    .{ 0xFB3E, 0xFB3E },   .{ 0xFB40, 0xFB41 },   .{ 0xFB43, 0xFB44 },   .{ 0xFB46, 0xFBC2 },   .{ 0xFBD3, 0xFD8F },   .{ 0xFD92, 0xFDC7 },
    .{ 0xFDCF, 0xFDCF },   .{ 0xFDF0, 0xFE19 },   .{ 0xFE20, 0xFE52 },   .{ 0xFE54, 0xFE66 },   .{ 0xFE68, 0xFE6B },   .{ 0xFE70, 0xFE74 },
    .{ 0xFE76, 0xFEFC },   .{ 0xFF01, 0xFFBE },   .{ 0xFFC2, 0xFFC7 },   .{ 0xFFCA, 0xFFCF },   .{ 0xFFD2, 0xFFD7 },   .{ 0xFFDA, 0xFFDC },
    .{ 0xFFE0, 0xFFE6 },   .{ 0xFFE8, 0xFFEE },   .{ 0xFFFC, 0xFFFD },   .{ 0x10000, 0x1000B }, .{ 0x1000D, 0x10026 }, .{ 0x10028, 0x1003A },
    .{ 0x1003C, 0x1003D }, .{ 0x1003F, 0x1004D }, .{ 0x10050, 0x1005D }, .{ 0x10080, 0x100FA }, .{ 0x10100, 0x10102 }, .{ 0x10107, 0x10133 },
    .{ 0x10137, 0x1018E }, .{ 0x10190, 0x1019C }, .{ 0x101A0, 0x101A0 }, .{ 0x101D0, 0x101FD }, .{ 0x10280, 0x1029C }, .{ 0x102A0, 0x102D0 },
    .{ 0x102E0, 0x102FB }, .{ 0x10300, 0x10323 }, .{ 0x1032D, 0x1034A }, .{ 0x10350, 0x1037A }, .{ 0x10380, 0x1039D }, .{ 0x1039F, 0x103C3 },
    .{ 0x103C8, 0x103D5 }, .{ 0x10400, 0x1049D }, .{ 0x104A0, 0x104A9 }, .{ 0x104B0, 0x104D3 }, .{ 0x104D8, 0x104FB }, .{ 0x10500, 0x10527 },
    .{ 0x10530, 0x10563 }, .{ 0x1056F, 0x1057A }, .{ 0x1057C, 0x1058A }, .{ 0x1058C, 0x10592 }, .{ 0x10594, 0x10595 }, .{ 0x10597, 0x105A1 },
    .{ 0x105A3, 0x105B1 }, .{ 0x105B3, 0x105B9 }, .{ 0x105BB, 0x105BC }, .{ 0x10600, 0x10736 }, .{ 0x10740, 0x10755 }, .{ 0x10760, 0x10767 },
    .{ 0x10780, 0x10785 }, .{ 0x10787, 0x107B0 }, .{ 0x107B2, 0x107BA }, .{ 0x10800, 0x10805 }, .{ 0x10808, 0x10808 }, .{ 0x1080A, 0x10835 },
    .{ 0x10837, 0x10838 }, .{ 0x1083C, 0x1083C }, .{ 0x1083F, 0x10855 }, .{ 0x10857, 0x1089E }, .{ 0x108A7, 0x108AF }, .{ 0x108E0, 0x108F2 },
    .{ 0x108F4, 0x108F5 }, .{ 0x108FB, 0x1091B }, .{ 0x1091F, 0x10939 }, .{ 0x1093F, 0x1093F }, .{ 0x10980, 0x109B7 }, .{ 0x109BC, 0x109CF },
    .{ 0x109D2, 0x10A03 }, .{ 0x10A05, 0x10A06 }, .{ 0x10A0C, 0x10A13 }, .{ 0x10A15, 0x10A17 }, .{ 0x10A19, 0x10A35 }, .{ 0x10A38, 0x10A3A },
    .{ 0x10A3F, 0x10A48 }, .{ 0x10A50, 0x10A58 }, .{ 0x10A60, 0x10A9F }, .{ 0x10AC0, 0x10AE6 }, .{ 0x10AEB, 0x10AF6 }, .{ 0x10B00, 0x10B35 },
    .{ 0x10B39, 0x10B55 }, .{ 0x10B58, 0x10B72 }, .{ 0x10B78, 0x10B91 }, .{ 0x10B99, 0x10B9C }, .{ 0x10BA9, 0x10BAF }, .{ 0x10C00, 0x10C48 },
    .{ 0x10C80, 0x10CB2 }, .{ 0x10CC0, 0x10CF2 }, .{ 0x10CFA, 0x10D27 }, .{ 0x10D30, 0x10D39 }, .{ 0x10E60, 0x10E7E }, .{ 0x10E80, 0x10EA9 },
    .{ 0x10EAB, 0x10EAD }, .{ 0x10EB0, 0x10EB1 }, .{ 0x10EFD, 0x10F27 }, .{ 0x10F30, 0x10F59 }, .{ 0x10F70, 0x10F89 }, .{ 0x10FB0, 0x10FCB },
    .{ 0x10FE0, 0x10FF6 }, .{ 0x11000, 0x1104D }, .{ 0x11052, 0x11075 }, .{ 0x1107F, 0x110BC }, .{ 0x110BE, 0x110C2 }, .{ 0x110D0, 0x110E8 },
    .{ 0x110F0, 0x110F9 }, .{ 0x11100, 0x11134 }, .{ 0x11136, 0x11147 }, .{ 0x11150, 0x11176 }, .{ 0x11180, 0x111DF }, .{ 0x111E1, 0x111F4 },
    .{ 0x11200, 0x11211 }, .{ 0x11213, 0x11241 }, .{ 0x11280, 0x11286 }, .{ 0x11288, 0x11288 }, .{ 0x1128A, 0x1128D }, .{ 0x1128F, 0x1129D },
    .{ 0x1129F, 0x112A9 }, .{ 0x112B0, 0x112EA }, .{ 0x112F0, 0x112F9 }, .{ 0x11300, 0x11303 }, .{ 0x11305, 0x1130C }, .{ 0x1130F, 0x11310 },
    .{ 0x11313, 0x11328 }, .{ 0x1132A, 0x11330 }, .{ 0x11332, 0x11333 }, .{ 0x11335, 0x11339 }, .{ 0x1133B, 0x11344 }, .{ 0x11347, 0x11348 },
    .{ 0x1134B, 0x1134D }, .{ 0x11350, 0x11350 }, .{ 0x11357, 0x11357 }, .{ 0x1135D, 0x11363 }, .{ 0x11366, 0x1136C }, .{ 0x11370, 0x11374 },
    .{ 0x11400, 0x1145B }, .{ 0x1145D, 0x11461 }, .{ 0x11480, 0x114C7 }, .{ 0x114D0, 0x114D9 }, .{ 0x11580, 0x115B5 }, .{ 0x115B8, 0x115DD },
    .{ 0x11600, 0x11644 }, .{ 0x11650, 0x11659 }, .{ 0x11660, 0x1166C }, .{ 0x11680, 0x116B9 }, .{ 0x116C0, 0x116C9 }, .{ 0x11700, 0x1171A },
    .{ 0x1171D, 0x1172B }, .{ 0x11730, 0x11746 }, .{ 0x11800, 0x1183B }, .{ 0x118A0, 0x118F2 }, .{ 0x118FF, 0x11906 }, .{ 0x11909, 0x11909 },
    .{ 0x1190C, 0x11913 }, .{ 0x11915, 0x11916 }, .{ 0x11918, 0x11935 }, .{ 0x11937, 0x11938 }, .{ 0x1193B, 0x11946 }, .{ 0x11950, 0x11959 },
    .{ 0x119A0, 0x119A7 }, .{ 0x119AA, 0x119D7 }, .{ 0x119DA, 0x119E4 }, .{ 0x11A00, 0x11A47 }, .{ 0x11A50, 0x11AA2 }, .{ 0x11AB0, 0x11AF8 },
    .{ 0x11B00, 0x11B09 }, .{ 0x11C00, 0x11C08 }, .{ 0x11C0A, 0x11C36 }, .{ 0x11C38, 0x11C45 }, .{ 0x11C50, 0x11C6C }, .{ 0x11C70, 0x11C8F },
    .{ 0x11C92, 0x11CA7 }, .{ 0x11CA9, 0x11CB6 }, .{ 0x11D00, 0x11D06 }, .{ 0x11D08, 0x11D09 }, .{ 0x11D0B, 0x11D36 }, .{ 0x11D3A, 0x11D3A },
    .{ 0x11D3C, 0x11D3D }, .{ 0x11D3F, 0x11D47 }, .{ 0x11D50, 0x11D59 }, .{ 0x11D60, 0x11D65 }, .{ 0x11D67, 0x11D68 }, .{ 0x11D6A, 0x11D8E },
    .{ 0x11D90, 0x11D91 }, .{ 0x11D93, 0x11D98 }, .{ 0x11DA0, 0x11DA9 }, .{ 0x11EE0, 0x11EF8 }, .{ 0x11F00, 0x11F10 }, .{ 0x11F12, 0x11F3A },
    .{ 0x11F3E, 0x11F59 }, .{ 0x11FB0, 0x11FB0 }, .{ 0x11FC0, 0x11FF1 }, .{ 0x11FFF, 0x12399 }, .{ 0x12400, 0x1246E }, .{ 0x12470, 0x12474 },
    .{ 0x12480, 0x12543 }, .{ 0x12F90, 0x12FF2 }, .{ 0x13000, 0x1342F }, .{ 0x13440, 0x13455 }, .{ 0x14400, 0x14646 }, .{ 0x16800, 0x16A38 },
    .{ 0x16A40, 0x16A5E }, .{ 0x16A60, 0x16A69 }, .{ 0x16A6E, 0x16ABE }, .{ 0x16AC0, 0x16AC9 }, .{ 0x16AD0, 0x16AED }, .{ 0x16AF0, 0x16AF5 },
    .{ 0x16B00, 0x16B45 }, .{ 0x16B50, 0x16B59 }, .{ 0x16B5B, 0x16B61 }, .{ 0x16B63, 0x16B77 }, .{ 0x16B7D, 0x16B8F }, .{ 0x16E40, 0x16E9A },
    .{ 0x16F00, 0x16F4A }, .{ 0x16F4F, 0x16F87 }, .{ 0x16F8F, 0x16F9F }, .{ 0x16FE0, 0x16FE4 }, .{ 0x16FF0, 0x16FF1 }, .{ 0x17000, 0x187F7 },
    .{ 0x18800, 0x18CD5 }, .{ 0x18D00, 0x18D08 }, .{ 0x1AFF0, 0x1AFF3 }, .{ 0x1AFF5, 0x1AFFB }, .{ 0x1AFFD, 0x1AFFE }, .{ 0x1B000, 0x1B122 },
    .{ 0x1B132, 0x1B132 }, .{ 0x1B150, 0x1B152 }, .{ 0x1B155, 0x1B155 }, .{ 0x1B164, 0x1B167 }, .{ 0x1B170, 0x1B2FB }, .{ 0x1BC00, 0x1BC6A },
    .{ 0x1BC70, 0x1BC7C }, .{ 0x1BC80, 0x1BC88 }, .{ 0x1BC90, 0x1BC99 }, .{ 0x1BC9C, 0x1BC9F }, .{ 0x1CF00, 0x1CF2D }, .{ 0x1CF30, 0x1CF46 },
    .{ 0x1CF50, 0x1CFC3 }, .{ 0x1D000, 0x1D0F5 }, .{ 0x1D100, 0x1D126 }, .{ 0x1D129, 0x1D172 }, .{ 0x1D17B, 0x1D1EA }, .{ 0x1D200, 0x1D245 },
    .{ 0x1D2C0, 0x1D2D3 }, .{ 0x1D2E0, 0x1D2F3 }, .{ 0x1D300, 0x1D356 }, .{ 0x1D360, 0x1D378 }, .{ 0x1D400, 0x1D454 }, .{ 0x1D456, 0x1D49C },
    .{ 0x1D49E, 0x1D49F }, .{ 0x1D4A2, 0x1D4A2 }, .{ 0x1D4A5, 0x1D4A6 }, .{ 0x1D4A9, 0x1D4AC }, .{ 0x1D4AE, 0x1D4B9 }, .{ 0x1D4BB, 0x1D4BB },
    .{ 0x1D4BD, 0x1D4C3 }, .{ 0x1D4C5, 0x1D505 }, .{ 0x1D507, 0x1D50A }, .{ 0x1D50D, 0x1D514 }, .{ 0x1D516, 0x1D51C }, .{ 0x1D51E, 0x1D539 },
    .{ 0x1D53B, 0x1D53E }, .{ 0x1D540, 0x1D544 }, .{ 0x1D546, 0x1D546 }, .{ 0x1D54A, 0x1D550 }, .{ 0x1D552, 0x1D6A5 }, .{ 0x1D6A8, 0x1D7CB },
    .{ 0x1D7CE, 0x1DA8B }, .{ 0x1DA9B, 0x1DA9F }, .{ 0x1DAA1, 0x1DAAF }, .{ 0x1DF00, 0x1DF1E }, .{ 0x1DF25, 0x1DF2A }, .{ 0x1E000, 0x1E006 },
    .{ 0x1E008, 0x1E018 }, .{ 0x1E01B, 0x1E021 }, .{ 0x1E023, 0x1E024 }, .{ 0x1E026, 0x1E02A }, .{ 0x1E030, 0x1E06D }, .{ 0x1E08F, 0x1E08F },
    .{ 0x1E100, 0x1E12C }, .{ 0x1E130, 0x1E13D }, .{ 0x1E140, 0x1E149 }, .{ 0x1E14E, 0x1E14F }, .{ 0x1E290, 0x1E2AE }, .{ 0x1E2C0, 0x1E2F9 },
    .{ 0x1E2FF, 0x1E2FF }, .{ 0x1E4D0, 0x1E4F9 }, .{ 0x1E7E0, 0x1E7E6 }, .{ 0x1E7E8, 0x1E7EB }, .{ 0x1E7ED, 0x1E7EE }, .{ 0x1E7F0, 0x1E7FE },
    .{ 0x1E800, 0x1E8C4 }, .{ 0x1E8C7, 0x1E8D6 }, .{ 0x1E900, 0x1E94B }, .{ 0x1E950, 0x1E959 }, .{ 0x1E95E, 0x1E95F }, .{ 0x1EC71, 0x1ECB4 },
    .{ 0x1ED01, 0x1ED3D }, .{ 0x1EE00, 0x1EE03 }, .{ 0x1EE05, 0x1EE1F }, .{ 0x1EE21, 0x1EE22 }, .{ 0x1EE24, 0x1EE24 }, .{ 0x1EE27, 0x1EE27 },
    .{ 0x1EE29, 0x1EE32 }, .{ 0x1EE34, 0x1EE37 }, .{ 0x1EE39, 0x1EE39 }, .{ 0x1EE3B, 0x1EE3B }, .{ 0x1EE42, 0x1EE42 }, .{ 0x1EE47, 0x1EE47 },
    .{ 0x1EE49, 0x1EE49 }, .{ 0x1EE4B, 0x1EE4B }, .{ 0x1EE4D, 0x1EE4F }, .{ 0x1EE51, 0x1EE52 }, .{ 0x1EE54, 0x1EE54 }, .{ 0x1EE57, 0x1EE57 },
    .{ 0x1EE59, 0x1EE59 }, .{ 0x1EE5B, 0x1EE5B }, .{ 0x1EE5D, 0x1EE5D }, .{ 0x1EE5F, 0x1EE5F }, .{ 0x1EE61, 0x1EE62 }, .{ 0x1EE64, 0x1EE64 },
    .{ 0x1EE67, 0x1EE6A }, .{ 0x1EE6C, 0x1EE72 }, .{ 0x1EE74, 0x1EE77 }, .{ 0x1EE79, 0x1EE7C }, .{ 0x1EE7E, 0x1EE7E }, .{ 0x1EE80, 0x1EE89 },
    .{ 0x1EE8B, 0x1EE9B }, .{ 0x1EEA1, 0x1EEA3 }, .{ 0x1EEA5, 0x1EEA9 }, .{ 0x1EEAB, 0x1EEBB }, .{ 0x1EEF0, 0x1EEF1 }, .{ 0x1F000, 0x1F02B },
    .{ 0x1F030, 0x1F093 }, .{ 0x1F0A0, 0x1F0AE }, .{ 0x1F0B1, 0x1F0BF }, .{ 0x1F0C1, 0x1F0CF }, .{ 0x1F0D1, 0x1F0F5 }, .{ 0x1F100, 0x1F1AD },
    .{ 0x1F1E6, 0x1F202 }, .{ 0x1F210, 0x1F23B }, .{ 0x1F240, 0x1F248 }, .{ 0x1F250, 0x1F251 }, .{ 0x1F260, 0x1F265 }, .{ 0x1F300, 0x1F6D7 },
    .{ 0x1F6DC, 0x1F6EC }, .{ 0x1F6F0, 0x1F6FC }, .{ 0x1F700, 0x1F776 }, .{ 0x1F77B, 0x1F7D9 }, .{ 0x1F7E0, 0x1F7EB }, .{ 0x1F7F0, 0x1F7F0 },
    .{ 0x1F800, 0x1F80B }, .{ 0x1F810, 0x1F847 }, .{ 0x1F850, 0x1F859 }, .{ 0x1F860, 0x1F887 }, .{ 0x1F890, 0x1F8AD }, .{ 0x1F8B0, 0x1F8B1 },
    .{ 0x1F900, 0x1FA53 }, .{ 0x1FA60, 0x1FA6D }, .{ 0x1FA70, 0x1FA7C }, .{ 0x1FA80, 0x1FA88 }, .{ 0x1FA90, 0x1FABD }, .{ 0x1FABF, 0x1FAC5 },
    .{ 0x1FACE, 0x1FADB }, .{ 0x1FAE0, 0x1FAE8 }, .{ 0x1FAF0, 0x1FAF8 }, .{ 0x1FB00, 0x1FB92 }, .{ 0x1FB94, 0x1FBCA }, .{ 0x1FBF0, 0x1FBF9 },
    .{ 0x20000, 0x2A6DF }, .{ 0x2A700, 0x2B739 }, .{ 0x2B740, 0x2B81D }, .{ 0x2B820, 0x2CEA1 }, .{ 0x2CEB0, 0x2EBE0 }, .{ 0x2F800, 0x2FA1D },
    .{ 0x30000, 0x3134A }, .{ 0x31350, 0x323AF }, .{ 0xE0100, 0xE01EF },
};

// ---------------------------------------------------------------------------
// Tests

const testing = std.testing;
const json = value_mod.json;
const order = value_mod.order;

fn expectSprintf(format: []const u8, args_json: []const u8, expected: []const u8) !void {
    var arena_state = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    const args = try json.parse(arena, args_json);
    var ctx: Context = .{ .allocator = arena };
    const result = try sprintf(&ctx, &.{ .{ .string = format }, args });
    testing.expectEqualStrings(expected, result.string) catch |err| {
        std.debug.print("sprintf({s}, {s})\n", .{ format, args_json });
        return err;
    };
}

// Expected values from OPA v1.19.0 (`opa eval`), including Go's notes for
// bad verbs, missing and extra arguments, and bad indexes.
const opa_cases = [_]struct { []const u8, []const u8, []const u8 }{
    .{ "hi", "[]", "hi" },
    .{ "hi %s", "[\"there\"]", "hi there" },
    .{ "hi %02d", "[5]", "hi 05" },
    .{ "hi %02X.%02X", "[127, 1]", "hi 7F.01" },
    .{ "hi %.2f", "[3.1415]", "hi 3.14" },
    .{ "hi %v", "[2e308]", "hi 2e308" },
    .{ "hi %s", "[true]", "hi true" },
    .{ "hi %v", "[[\"there\", 5, 3.14]]", "hi [\"there\", 5, 3.14]" },
    .{ "%s", "[123456789123456789123]", "123456789123456789123" },
    .{ "%s", "[1208925819614629174706175]", "1208925819614629174706175" },
    .{ "%v", "[18446744073709551618]", "18446744073709551618" },
    .{ "%d", "[-9223372036854775808]", "-9223372036854775808" },
    .{ "%v", "[null]", "null" },
    .{ "%v", "[{\"b\": 1, \"a\": [null, true, \"x\\\"y\"]}]", "{\"a\": [null, true, \"x\\\"y\"], \"b\": 1}" },
    .{ "%v", "[[]]", "[]" },
    .{ "%v", "[{}]", "{}" },
    .{ "%d", "[\"hello\"]", "%!d(string=hello)" },
    .{ "%s", "[5]", "%!s(int64=5)" },
    .{ "%t", "[1.5]", "%!t(float64=1.5)" },
    .{ "%v %v", "[1.50, 1.0]", "1.5 1" },
    .{ "%v", "[-0.0]", "-0" },
    .{ "%v", "[1e3]", "1e3" },
    .{ "%d", "[1e3]", "%!d(string=1e3)" },
    .{ "%v", "[1.5e400]", "1.5e400" },
    .{ "%v", "[1.5e-400]", "0" },
    .{ "%v", "[123456.0]", "123456" },
    .{ "%v", "[1234567.0]", "1.234567e+06" },
    .{ "%v", "[0.000012345]", "1.2345e-05" },
    .{ "%g", "[1e21]", "%!g(string=1e21)" },
    .{ "%e", "[123.456]", "1.234560e+02" },
    .{ "%E", "[-0.000123]", "-1.230000E-04" },
    .{ "%.3g", "[0.00001234]", "1.23e-05" },
    .{ "%#g", "[1.0]", "1.00000" },
    .{ "%#.0f", "[2.0]", "2." },
    .{ "%x", "[3.0]", "0x1.8p+01" },
    .{ "%X", "[-0.1]", "-0X1.999999999999AP-04" },
    .{ "%.1x", "[1.96875]", "0x1.0p+01" },
    .{ "%b", "[3.0]", "6755399441055744p-51" },
    .{ "%8.2f|%-8.2f|%08.2f", "[-3.14159, 3.14159, -3.14159]", "   -3.14|3.14    |-0003.14" },
    .{ "%+.1e", "[12345.0]", "+1.2e+04" },
    .{ "% .3f", "[2.5]", " 2.500" },
    .{ "%.0f %.0f %.0f %.0f", "[0.5, 1.5, 2.5, 3.5]", "0 2 2 4" },
    .{ "%.2f", "[2.675]", "2.67" },
    .{ "%.2f", "[0.125]", "0.12" },
    .{ "%.20f", "[0.1]", "0.10000000000000000555" },
    .{ "%.30e", "[5e-324]", "%!e(string=5e-324)" },
    .{ "%.17g", "[0.1]", "0.10000000000000001" },
    .{ "%F", "[1.5]", "1.500000" },
    .{ "%v", "[1.7976931348623157e308]", "1.7976931348623157e+308" },
    .{ "%10.4v|", "[3.14159265]", "     3.142|" },
    .{ "%x", "[\"hello\"]", "68656c6c6f" },
    .{ "% X", "[\"hi\"]", "68 69" },
    .{ "%# x", "[\"hi\"]", "0x68 0x69" },
    .{ "%#x", "[\"\"]", "" },
    .{ "%5x|", "[\"\"]", "     |" },
    .{ "%q", "[\"a\\\"b\\\\c\"]", "\"a\\\"b\\\\c\"" },
    .{ "%#q", "[\"a`b\"]", "\"a`b\"" },
    .{ "%#q", "[\"ab\"]", "`ab`" },
    .{ "%+q", "[\"h\\u00e9llo \\ud83d\\ude00\"]", "\"h\\u00e9llo \\U0001f600\"" },
    .{ "%q", "[\"\\t\\n\\u0001\\u007f\\u00ad\\u200b\\ufeff\\u00e9\"]", "\"\\t\\n\\x01\\x7f\\u00ad\\u200b\\ufeff\u{e9}\"" },
    .{ "%v", "[[\"\\u200b\", \"\\u00e9\"]]", "[\"\\u200b\", \"\u{e9}\"]" },
    .{ "%.2s|%-6s|%6s", "[\"hello\", \"ab\", \"\\u00e9\\u00e9\"]", "he|ab    |    \u{e9}\u{e9}" },
    .{ "%c%c", "[65, 128512]", "A\u{1f600}" },
    .{ "%c", "[-1]", "\u{fffd}" },
    .{ "%c", "[55296]", "\u{fffd}" },
    .{ "%q", "[39]", "'\\''" },
    .{ "%q", "[1114112]", "'\u{fffd}'" },
    .{ "%+q", "[233]", "'\\u00e9'" },
    .{ "%U", "[128512]", "U+1F600" },
    .{ "%#U", "[128512]", "U+1F600 '\u{1f600}'" },
    .{ "%#U", "[10]", "U+000A" },
    .{ "%.6U", "[65]", "U+000041" },
    .{ "%b %o %O %x %X %#x %#o %#b", "[5, 8, 8, 255, 255, 255, 8, 5]", "101 10 0o10 ff FF 0xff 010 0b101" },
    .{ "%5d|%-5d|%05d|%+05d|% d", "[42, 42, 42, 42, 42]", "   42|42   |00042|+0042| 42" },
    .{ "%.5d|%.0d|%5.0d|%-08.3d|", "[-42, 0, 0, 7]", "-00042||     |007     |" },
    .{ "%x %X %o %b", "[-255, -255, -8, -5]", "-ff -FF -10 -101" },
    .{ "%#v %+v", "[5, 5]", "5 5" },
    .{ "%T %T %T %T", "[1, 1.5, \"a\", 18446744073709551618]", "int64 float64 string *big.Int" },
    .{ "%x %X %#x %o %O %b", "[18446744073709551617, 18446744073709551617, 18446744073709551617, 18446744073709551617, 18446744073709551617, 18446744073709551617]", "10000000000000001 10000000000000001 0x10000000000000001 2000000000000000000001 0o2000000000000000000001 10000000000000000000000000000000000000000000000000000000000000001" },
    .{ "%+d|% d|%30d|%-30d|%030d|%.25d", "[18446744073709551617, 18446744073709551617, 18446744073709551617, 18446744073709551617, 18446744073709551617, 18446744073709551617]", "+18446744073709551617| 18446744073709551617|          18446744073709551617|18446744073709551617          |000000000018446744073709551617|0000018446744073709551617" },
    .{ "%z", "[18446744073709551617]", "%!z(big.Int=18446744073709551617)" },
    .{ "%w", "[18446744073709551617]", "%!w(*big.Int=&{false [1 1]})" },
    .{ "%+w", "[-18446744073709551617]", "%!w(*big.Int=&{neg:true abs:[1 1]})" },
    .{ "%#w", "[18446744073709551617]", "%!w(*big.Int=&big.Int{neg:false, abs:big.nat{0x1, 0x1}})" },
    .{ "%z %!", "[1, 2]", "%!z(int64=1) %!!(int64=2)" },
    .{ "%w", "[\"a\"]", "%!w(string=a)" },
    .{ "%#w", "[\"a\"]", "%!w(string=\"a\")" },
    .{ "%10z", "[5]", "%!z(int64=         5)" },
    .{ "%.2d", "[\"hello\"]", "%!d(string=he)" },
    .{ "%.2d", "[3.14159]", "%!d(float64=3.1)" },
    .{ "%\u{e9}", "[1]", "%!\u{e9}(int64=1)" },
    .{ "%d %d", "[1]", "1 %!d(MISSING)" },
    .{ "%d", "[1, \"a\", 2.5, 18446744073709551617, [1]]", "1%!(EXTRA string=a, float64=2.5, *big.Int=18446744073709551617, string=[1])" },
    .{ "%[2]d %[1]d", "[1, 2]", "2 1" },
    .{ "%[3]d", "[1, 2]", "%!d(BADINDEX)" },
    .{ "%[0]d", "[1]", "%!d(BADINDEX)" },
    .{ "%[2]*[1]d", "[12, 5]", "   12" },
    .{ "%*d|%-*d|%.*f", "[5, 1, -5, 2, 2, 3.14159]", "    1|2    |3.14" },
    .{ "%*d", "[\"x\", 1]", "%!(BADWIDTH)1" },
    .{ "%.*d", "[-1, 5]", "%!(BADPREC)5" },
    .{ "%*d", "[10000000, 1]", "%!(BADWIDTH)1" },
    .{ "%", "[]", "%!(NOVERB)" },
    .{ "%-", "[1]", "%!(NOVERB)%!(EXTRA int64=1)" },
    .{ "%5.", "[1]", "%!.(int64=    1)" },
    .{ "%!", "[]", "%!!(MISSING)" },
    .{ "%%", "[]", "%" },
    .{ "%5%", "[]", "%" },
    .{ "%[1", "[1]", "%!(NOVERB)" },
    .{ "%[x]d", "[1]", "%!d(BADINDEX)" },
    .{ "%[2]", "[1, 2]", "%!(NOVERB)" },
    .{ "%[1]2d", "[1]", "%!d(BADINDEX)" },
    .{ "%[1].2d", "[1]", "%!d(BADINDEX)" },
    .{ "%99999999999d", "[1]", "%!(NOVERB)%!(EXTRA int64=1)" },
    .{ "%.99999999999d", "[1]", "%!(NOVERB)%!(EXTRA int64=1)" },
    .{ "%p", "[1]", "%!p(int64=1)" },
    .{ "%p", "[\"a\"]", "%!p(string=a)" },
    .{ "%v", "[1, 2]", "1%!(EXTRA int64=2)" },
    .{ "%!d(string=x)", "[]", "%!!(MISSING)d(string=x)" },
    .{ "\u{e9}%s\u{e9}", "[\"\u{fc}\"]", "\u{e9}\u{fc}\u{e9}" },
    .{ "%s", "[\"\\ud83d\\ude00\"]", "\u{1f600}" },
    .{ "%08s|%-08s|", "[\"ab\", \"ab\"]", "000000ab|ab      |" },
    .{ "%08q|", "[\"a\"]", "00000\"a\"|" },
    .{ "%x", "[1e3]", "316533" },
    .{ "%5t", "[true]", "%!t(string= true)" },
    .{ "%v %v", "[0.1, 100000000000000000000.0]", "0.1 1e+20" },
    .{ "%e %f %g", "[0.0, 0.0, 0.0]", "0.000000e+00 0.000000 0" },
    .{ "%.3e %.3f %.3g %#.3g %#.3x", "[0.0, -0.0, 0.0, 0.0, 0.0]", "0.000e+00 -0.000 0 0.00 0x0.000p+00" },
    .{ "%+v % v %+.2v", "[1.5, 1.5, 1.5]", "1.5  1.5 1.5" },
    .{ "%06.2f|%-06.2f|%+06.1f", "[-1.5, 1.5, 1.5]", "-01.50|1.50  |+001.5" },
};

test "sprintf matches OPA" {
    for (opa_cases) |case| try expectSprintf(case[0], case[1], case[2]);
}

test "sprintf of sets, objects with non-string keys, and invalid UTF-8" {
    var arena_state = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    const one: Value = .{ .number = Number.fromInt(1) };
    const two: Value = .{ .number = Number.fromInt(2) };
    const array_two = try arena.dupe(Value, &.{two});
    const set = try order.setFromUnsorted(arena, &.{ .{ .array = array_two }, .{ .string = "a" }, one });
    const inner = try order.objectFromUnsorted(arena, &.{.{ .string = "y" }}, &.{.{ .set = &value_mod.Set.empty }}, .reject, null);
    const object = try order.objectFromUnsorted(arena, &.{ .{ .string = "x" }, one }, &.{ .{ .object = inner }, two }, .reject, null);
    const items = try arena.dupe(Value, &.{ .{ .set = set }, .{ .set = &value_mod.Set.empty }, .{ .object = object }, .{ .string = "ab\xffc" } });
    var ctx: Context = .{ .allocator = arena };
    const result = try sprintf(&ctx, &.{ .{ .string = "%v %v %v %v %[4]q" }, .{ .array = items } });
    // As `opa eval` prints them.
    try testing.expectEqualStrings("{1, \"a\", [2]} set() {1: 2, \"x\": {\"y\": set()}} ab\xffc \"ab\\xffc\"", result.string);
    const nested = try arena.dupe(Value, &.{.{ .string = "ab\xffc" }});
    const quoted = try sprintf(&ctx, &.{ .{ .string = "%v" }, .{ .array = try arena.dupe(Value, &.{.{ .array = nested }}) } });
    try testing.expectEqualStrings("[\"ab\\xffc\"]", quoted.string);
}

test "sprintf operand errors" {
    var arena_state = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena_state.deinit();
    var ctx: Context = .{ .allocator = arena_state.allocator() };
    try testing.expectError(error.TypeError, sprintf(&ctx, &.{ .{ .number = Number.fromInt(1) }, .{ .array = &.{} } }));
    try testing.expectEqualStrings("operand 1 must be string but got number", ctx.message.items);
    try testing.expectError(error.TypeError, sprintf(&ctx, &.{ .{ .string = "%d" }, .{ .object = &value_mod.Object.empty } }));
    try testing.expectEqualStrings("operand 2 must be array but got object", ctx.message.items);
}

test "numbers keep OPA's argument types" {
    var arena_state = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    const cases = [_]struct { []const u8, std.meta.Tag(Arg) }{
        .{ "5", .int },                               .{ "-0", .int },       .{ "9223372036854775807", .int },
        .{ "1.5", .float },                           .{ "1.0", .float },    .{ "1.5e400", .string },
        .{ "1e3", .string },                          .{ "2e308", .string }, .{ "9223372036854775808", .big },
        .{ "-123456789012345678901234567890", .big },
    };
    for (cases) |case| {
        const n = try Number.parseLiteral(arena, case[0]);
        try testing.expectEqual(case[1], std.meta.activeTag(numberArg(n)));
    }
}

test "float formatting rounds exactly, half to even" {
    var arena_state = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    const cases = [_]struct { f64, u8, i64, []const u8 }{
        .{ 0.125, 'f', 2, "0.12" },
        .{ 0.375, 'f', 2, "0.38" },
        .{ 2.675, 'f', 2, "2.67" }, // 2.67499999...
        .{ 1e23, 'e', 20, "9.99999999999999916114e+22" },
        .{ 5e-324, 'g', -1, "5e-324" },
        .{ 123456789.0, 'g', -1, "1.23456789e+08" },
        .{ 100000.0, 'g', -1, "100000" },
        .{ 0.0001, 'g', -1, "0.0001" },
        .{ 0.00001, 'g', -1, "1e-05" },
        .{ 999.5, 'f', 0, "1000" },
        .{ 9.5, 'e', 0, "1e+01" },
        .{ 1.0, 'x', -1, "0x1p+00" },
        .{ 1.96875, 'x', 1, "0x1.0p+01" }, // 0x1.f8 rounds to even, carrying.
        .{ 1.999, 'x', 1, "0x1.0p+01" },
        .{ 1.5, 'x', 0, "0x1p+01" },
        .{ 3.0, 'b', -1, "6755399441055744p-51" },
        .{ -0.0, 'g', -1, "-0" },
    };
    for (cases) |case| {
        var out: std.ArrayList(u8) = .empty;
        try appendFloat(arena, &out, case[0], case[1], case[2]);
        testing.expectEqualStrings(case[3], out.items) catch |err| {
            std.debug.print("{d} {c} {d}\n", .{ case[0], case[1], case[2] });
            return err;
        };
    }
}

test "quoting and IsPrint" {
    try testing.expect(isPrint('a') and isPrint(' ') and isPrint(0xe9) and isPrint(0x1f600));
    try testing.expect(!isPrint('\n') and !isPrint(0x7f) and !isPrint(0xad) and !isPrint(0x200b) and !isPrint(0xfeff));
    try testing.expect(!isPrint(0xa0) and !isPrint(0x10ffff) and !isPrint(0xe000));
    var arena_state = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    try testing.expectEqualStrings("\"a\\\"\\\\\\t\\x01\\u200b\\U000e0001é\\xff\"", try quote(arena, "a\"\\\t\x01\u{200b}\u{e0001}é\xff"));
    try testing.expect(canBackquote("a\tb") and !canBackquote("a`b") and !canBackquote("\u{feff}") and !canBackquote("\xff"));
}
