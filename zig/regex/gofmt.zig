//! Go's fmt.Errorf for a format string and string/error arguments. Needed
//! because OPA's glob library builds error formats from user input: a '%' in
//! a glob is a formatting verb, and OPA reports whatever Go prints for it
//! (%!d(MISSING), %!(BADINDEX), &{...} and the like), so we print the same.
const std = @import("std");
const Allocator = std.mem.Allocator;
const goquote = @import("goquote.zig");
const utf8 = @import("utf8.zig");

pub const Arg = union(enum) {
    string: []const u8,
    /// An error made by errors.New: Go type *errors.errorString.
    err: []const u8,

    fn typeName(a: Arg) []const u8 {
        return switch (a) {
            .string => "string",
            .err => "*errors.errorString",
        };
    }
};

const Flags = struct {
    sharp: bool = false,
    zero: bool = false,
    plus: bool = false,
    minus: bool = false,
    space: bool = false,
    sharp_v: bool = false,
    plus_v: bool = false,
    wid: i64 = 0,
    wid_present: bool = false,
    prec: i64 = 0,
    prec_present: bool = false,
};

/// Appends fmt.Errorf(format, args...).Error() to `out`.
pub fn errorf(gpa: Allocator, out: *std.ArrayList(u8), format: []const u8, args: []const Arg) Allocator.Error!void {
    var p: Printer = .{ .gpa = gpa, .out = out };
    return p.doPrintf(format, args);
}

const Printer = struct {
    gpa: Allocator,
    out: *std.ArrayList(u8),
    f: Flags = .{},
    reordered: bool = false,
    good_arg_num: bool = true,

    fn write(p: *Printer, s: []const u8) Allocator.Error!void {
        try p.out.appendSlice(p.gpa, s);
    }

    fn writeRune(p: *Printer, r: u32) Allocator.Error!void {
        var buf: [4]u8 = undefined;
        try p.write(buf[0..utf8.encode(r, &buf)]);
    }

    fn doPrintf(p: *Printer, format: []const u8, args: []const Arg) Allocator.Error!void {
        const end = format.len;
        var arg_num: usize = 0;
        var after_index = false;
        var i: usize = 0;
        format_loop: while (i < end) {
            p.good_arg_num = true;
            const lasti = i;
            while (i < end and format[i] != '%') i += 1;
            if (i > lasti) try p.write(format[lasti..i]);
            if (i >= end) break;
            i += 1; // '%'

            p.f = .{};
            // Flags, then the fast path for a plain lower-case verb.
            simple: while (i < end) : (i += 1) {
                const c = format[i];
                switch (c) {
                    '#' => p.f.sharp = true,
                    '0' => p.f.zero = true,
                    '+' => p.f.plus = true,
                    '-' => p.f.minus = true,
                    ' ' => p.f.space = true,
                    else => {
                        if (c >= 'a' and c <= 'z' and arg_num < args.len) {
                            if (c == 'v' or c == 'w') p.moveVFlags();
                            try p.printArg(args[arg_num], c);
                            arg_num += 1;
                            i += 1;
                            continue :format_loop;
                        }
                        break :simple;
                    },
                }
            }

            // Argument index, width, precision.
            var found = p.argNumber(&arg_num, format, &i, args.len);
            after_index = found;
            if (i < end and format[i] == '*') {
                i += 1;
                p.f.wid_present = false; // no argument is an int
                if (arg_num < args.len) arg_num += 1;
                try p.write("%!(BADWIDTH)");
                after_index = false;
            } else {
                p.parseNum(format, &i, &p.f.wid, &p.f.wid_present);
                if (after_index and p.f.wid_present) p.good_arg_num = false; // "%[3]2d"
            }
            if (i + 1 < end and format[i] == '.') {
                i += 1;
                if (after_index) p.good_arg_num = false; // "%[3].2d"
                found = p.argNumber(&arg_num, format, &i, args.len);
                after_index = found;
                if (i < end and format[i] == '*') {
                    i += 1;
                    if (arg_num < args.len) arg_num += 1;
                    p.f.prec = 0;
                    p.f.prec_present = false;
                    try p.write("%!(BADPREC)");
                    after_index = false;
                } else {
                    p.parseNum(format, &i, &p.f.prec, &p.f.prec_present);
                    if (!p.f.prec_present) {
                        p.f.prec = 0;
                        p.f.prec_present = true;
                    }
                }
            }
            if (!after_index) after_index = p.argNumber(&arg_num, format, &i, args.len);
            if (i >= end) {
                try p.write("%!(NOVERB)");
                break;
            }
            const d = utf8.decode(format[i..]);
            const verb = d.rune;
            i += d.width;
            if (verb == '%') {
                try p.write("%"); // absorbs no operand
            } else if (!p.good_arg_num) {
                try p.write("%!");
                try p.writeRune(verb);
                try p.write("(BADINDEX)");
            } else if (arg_num >= args.len) {
                try p.write("%!");
                try p.writeRune(verb);
                try p.write("(MISSING)");
            } else {
                if (verb == 'v' or verb == 'w') p.moveVFlags();
                try p.printArg(args[arg_num], verb);
                arg_num += 1;
            }
        }
        if (!p.reordered and arg_num < args.len) {
            p.f = .{};
            try p.write("%!(EXTRA ");
            for (args[arg_num..], 0..) |arg, k| {
                if (k > 0) try p.write(", ");
                try p.write(arg.typeName());
                try p.write("=");
                try p.printArg(arg, 'v');
            }
            try p.write(")");
        }
    }

    /// %#v and %+v are flags of the verb, not of the value's printing.
    fn moveVFlags(p: *Printer) void {
        p.f.sharp_v = p.f.sharp;
        p.f.sharp = false;
        p.f.plus_v = p.f.plus;
        p.f.plus = false;
    }

    /// A decimal number at `i` (at most ~1e6); absent on overflow.
    fn parseNum(p: *Printer, s: []const u8, i: *usize, num: *i64, present: *bool) void {
        _ = p;
        num.* = 0;
        present.* = false;
        if (i.* >= s.len) return;
        var k = i.*;
        while (k < s.len and s[k] >= '0' and s[k] <= '9') : (k += 1) {
            if (num.* > 1_000_000 or num.* < -1_000_000) {
                num.* = 0;
                present.* = false;
                i.* = s.len;
                return;
            }
            num.* = num.* * 10 + (s[k] - '0');
            present.* = true;
        }
        i.* = k;
    }

    /// An explicit argument index [n] at `i`, if any (one-based in the format).
    fn argNumber(p: *Printer, arg_num: *usize, format: []const u8, i: *usize, num_args: usize) bool {
        if (i.* >= format.len or format[i.*] != '[') return false;
        p.reordered = true;
        const rest = format[i.*..];
        var wid: usize = 1;
        var ok = false;
        var index: i64 = 0;
        if (rest.len >= 3) {
            for (rest[1..], 1..) |c, k| {
                if (c != ']') continue;
                var n: i64 = 0;
                var present = false;
                var j: usize = 1;
                p.parseNum(rest[0..k], &j, &n, &present);
                wid = k + 1;
                if (present and j == k) {
                    ok = true;
                    index = n - 1;
                }
                break;
            }
        }
        if (ok and index >= 0 and index < num_args) {
            arg_num.* = @intCast(index);
            i.* += wid;
            return true;
        }
        p.good_arg_num = false;
        i.* += wid;
        return ok;
    }

    fn printArg(p: *Printer, arg: Arg, verb: u32) Allocator.Error!void {
        switch (verb) {
            'T' => return p.fmtS(arg.typeName()),
            'p' => switch (arg) {
                .string => return p.badVerb(arg, verb),
                // A pointer's address: unknowable, any will do.
                .err => return p.write("0xc000010000"),
            },
            else => {},
        }
        switch (arg) {
            .string => |s| try p.fmtString(s, verb, arg),
            .err => |text| {
                // Errors print their text for verbs that take strings
                // (%w is %v in Errorf); otherwise fmt prints the struct.
                switch (verb) {
                    'v', 's', 'x', 'X', 'q', 'w' => if (!p.f.sharp_v) {
                        return p.fmtString(text, if (verb == 'w') 'v' else verb, .{ .string = text });
                    },
                    else => {},
                }
                try p.write("&");
                if (p.f.sharp_v) try p.write("errors.errorString");
                try p.write("{");
                if (p.f.plus_v or p.f.sharp_v) try p.write("s:");
                try p.fmtString(text, if (verb == 'w') 'v' else verb, .{ .string = text });
                try p.write("}");
            },
        }
    }

    fn fmtString(p: *Printer, s: []const u8, verb: u32, arg: Arg) Allocator.Error!void {
        switch (verb) {
            'v' => if (p.f.sharp_v) try p.fmtQ(s) else try p.fmtS(s),
            's' => try p.fmtS(s),
            'x' => try p.fmtSx(s, "0123456789abcdefx"),
            'X' => try p.fmtSx(s, "0123456789ABCDEFX"),
            'q' => try p.fmtQ(s),
            else => try p.badVerb(arg, verb),
        }
    }

    fn badVerb(p: *Printer, arg: Arg, verb: u32) Allocator.Error!void {
        try p.write("%!");
        try p.writeRune(verb);
        try p.write("(string=");
        const s = switch (arg) {
            .string => |s| s,
            .err => |s| s,
        };
        try p.fmtString(s, 'v', arg);
        try p.write(")");
    }

    fn truncate(p: *Printer, s: []const u8) []const u8 {
        if (!p.f.prec_present) return s;
        var n = p.f.prec;
        var i: usize = 0;
        while (i < s.len) {
            n -= 1;
            if (n < 0) return s[0..i];
            i += utf8.decode(s[i..]).width;
        }
        return s;
    }

    fn runeCount(s: []const u8) i64 {
        var n: i64 = 0;
        var i: usize = 0;
        while (i < s.len) : (n += 1) i += utf8.decode(s[i..]).width;
        return n;
    }

    fn padding(p: *Printer, n: i64) Allocator.Error!void {
        if (n <= 0) return;
        const byte: u8 = if (p.f.zero and !p.f.minus) '0' else ' ';
        try p.out.appendNTimes(p.gpa, byte, @intCast(n));
    }

    fn padString(p: *Printer, s: []const u8) Allocator.Error!void {
        if (!p.f.wid_present or p.f.wid == 0) return p.write(s);
        const width = p.f.wid - runeCount(s);
        if (!p.f.minus) {
            try p.padding(width);
            try p.write(s);
        } else {
            try p.write(s);
            try p.padding(width);
        }
    }

    fn fmtS(p: *Printer, s: []const u8) Allocator.Error!void {
        return p.padString(p.truncate(s));
    }

    fn fmtQ(p: *Printer, s_in: []const u8) Allocator.Error!void {
        const s = p.truncate(s_in);
        var w: std.Io.Writer.Allocating = .init(p.gpa);
        defer w.deinit();
        if (p.f.sharp and goquote.canBackquote(s)) {
            w.writer.writeByte('`') catch return error.OutOfMemory;
            w.writer.writeAll(s) catch return error.OutOfMemory;
            w.writer.writeByte('`') catch return error.OutOfMemory;
        } else if (p.f.plus) {
            goquote.quoteAscii(&w.writer, s) catch return error.OutOfMemory;
        } else {
            goquote.quote(&w.writer, s) catch return error.OutOfMemory;
        }
        return p.padString(w.written());
    }

    /// Hex of the bytes; # adds 0x, space separates bytes.
    fn fmtSx(p: *Printer, s: []const u8, digits: *const [17]u8) Allocator.Error!void {
        var length: i64 = @intCast(s.len);
        if (p.f.prec_present and p.f.prec < length) length = p.f.prec;
        var width = 2 * length;
        if (width > 0) {
            if (p.f.space) {
                if (p.f.sharp) width *= 2;
                width += length - 1;
            } else if (p.f.sharp) {
                width += 2;
            }
        } else {
            if (p.f.wid_present) try p.padding(p.f.wid);
            return;
        }
        if (p.f.wid_present and p.f.wid > width and !p.f.minus) try p.padding(p.f.wid - width);
        if (p.f.sharp) try p.write(&.{ '0', digits[16] });
        for (s[0..@intCast(length)], 0..) |c, k| {
            if (p.f.space and k > 0) {
                try p.write(" ");
                if (p.f.sharp) try p.write(&.{ '0', digits[16] });
            }
            try p.write(&.{ digits[c >> 4], digits[c & 0xF] });
        }
        if (p.f.wid_present and p.f.wid > width and p.f.minus) try p.padding(p.f.wid - width);
    }
};

test "errorf like Go's" {
    const gpa = std.testing.allocator;
    const cases = [_]struct { []const u8, []const Arg, []const u8 }{
        .{ "a %s b %w", &.{ .{ .string = "x" }, .{ .err = "E" } }, "a x b E" },
        .{ "%d", &.{.{ .err = "E" }}, "&{%!d(string=E)}" },
        .{ "%d %w", &.{.{ .err = "E" }}, "&{%!d(string=E)} %!w(MISSING)" },
        .{ "%", &.{.{ .err = "E" }}, "%!(NOVERB)%!(EXTRA *errors.errorString=E)" },
        .{ "%[2]s", &.{.{ .err = "E" }}, "%!s(BADINDEX)" },
        .{ "%*s", &.{ .{ .string = "x" }, .{ .err = "E" } }, "%!(BADWIDTH)E" },
        .{ "%5s|%-5s|%.1s", &.{ .{ .string = "ab" }, .{ .string = "cd" }, .{ .err = "EF" } }, "   ab|cd   |E" },
        .{ "%x %X % #x", &.{ .{ .string = "hi" }, .{ .string = "hi" }, .{ .err = "hi" } }, "6869 6869 0x68 0x69" },
        .{ "%q %#q %+q", &.{ .{ .string = "é" }, .{ .string = "é" }, .{ .err = "é" } }, "\"é\" `é` \"\\u00e9\"" },
        .{ "%#v %+v %T", &.{ .{ .err = "E" }, .{ .err = "E" }, .{ .string = "x" } }, "&errors.errorString{s:\"E\"} E string" },
    };
    for (cases) |c| {
        var out: std.ArrayList(u8) = .empty;
        defer out.deinit(gpa);
        try errorf(gpa, &out, c[0], c[1]);
        try std.testing.expectEqualStrings(c[2], out.items);
    }
}
