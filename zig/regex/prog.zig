//! The compiled program: Go's regexp/syntax.Prog instruction set. Immutable
//! once built, so one program serves any number of concurrent matches.
const std = @import("std");
const unicode = @import("unicode.zig");
const class = @import("class.zig");

pub const InstOp = enum(u8) {
    alt,
    capture,
    empty_width,
    match,
    fail,
    nop,
    /// Any rune of a class (or one rune, case-insensitively).
    rune,
    /// Exactly one rune.
    rune1,
    rune_any,
    rune_any_not_nl,
};

/// Zero-width assertions (Go's syntax.EmptyOp bits).
pub const EmptyOp = u8;
pub const empty_begin_line: EmptyOp = 1;
pub const empty_end_line: EmptyOp = 2;
pub const empty_begin_text: EmptyOp = 4;
pub const empty_end_text: EmptyOp = 8;
pub const empty_word_boundary: EmptyOp = 16;
pub const empty_no_word_boundary: EmptyOp = 32;

pub const Inst = struct {
    op: InstOp,
    /// Next instruction (the preferred one for alt).
    out: u32 = 0,
    /// alt: the other branch; capture: slot; empty_width: EmptyOp;
    /// rune: 1 when case-insensitive (single rune only).
    arg: u32 = 0,
    /// rune, rune1: runes[runes_start..][0..runes_len] of the program.
    runes_start: u32 = 0,
    runes_len: u32 = 0,
};

pub const Prog = struct {
    insts: []const Inst,
    /// Rune data of the rune instructions: class ranges as [lo, hi] pairs,
    /// or a single rune.
    runes: []const u32,
    start: u32,
    /// Capture slots used by the program (2 per group, group 0 included).
    num_cap: u32,

    pub fn instRunes(prog: *const Prog, inst: Inst) []const u32 {
        return prog.runes[inst.runes_start..][0..inst.runes_len];
    }

    /// Whether a rune instruction accepts `c` (Go's Inst.MatchRune).
    pub fn matchRune(prog: *const Prog, inst: Inst, c: u32) bool {
        const r = prog.instRunes(inst);
        if (r.len == 1) {
            if (c == r[0]) return true;
            if (inst.arg & 1 != 0) {
                var f = unicode.simpleFold(r[0]);
                while (f != r[0]) : (f = unicode.simpleFold(f)) if (c == f) return true;
            }
            return false;
        }
        return class.contains(r, c);
    }

    /// Empty-width conditions every match must satisfy at its start, or null
    /// when the program can never match (Go's StartCond).
    pub fn startCond(prog: *const Prog) ?EmptyOp {
        var flag: EmptyOp = 0;
        var pc = prog.start;
        var steps: usize = 0;
        while (steps <= prog.insts.len) : (steps += 1) {
            const inst = prog.insts[pc];
            switch (inst.op) {
                .empty_width => flag |= @intCast(inst.arg),
                .fail => return null,
                .capture, .nop => {},
                else => break,
            }
            pc = inst.out;
        }
        return flag;
    }

    fn skipNop(prog: *const Prog, pc_in: u32) Inst {
        var inst = prog.insts[pc_in];
        var steps: usize = 0;
        while ((inst.op == .nop or inst.op == .capture) and steps <= prog.insts.len) : (steps += 1) {
            inst = prog.insts[inst.out];
        }
        return inst;
    }

    /// The literal string every match must begin with, and whether it is the
    /// whole match (Go's Prog.Prefix). Writes UTF-8 into `out`.
    pub fn prefix(prog: *const Prog, gpa: std.mem.Allocator, out: *std.ArrayList(u8)) std.mem.Allocator.Error!bool {
        var inst = prog.skipNop(prog.start);
        if (!isRune(inst.op) or inst.runes_len != 1) return inst.op == .match;
        var steps: usize = 0;
        while (isRune(inst.op) and inst.runes_len == 1 and inst.arg & 1 == 0 and
            prog.instRunes(inst)[0] != 0xFFFD and steps <= prog.insts.len) : (steps += 1)
        {
            var buf: [4]u8 = undefined;
            const n = @import("utf8.zig").encode(prog.instRunes(inst)[0], &buf);
            try out.appendSlice(gpa, buf[0..n]);
            inst = prog.skipNop(inst.out);
        }
        return inst.op == .match;
    }

    fn isRune(op: InstOp) bool {
        return op == .rune or op == .rune1 or op == .rune_any or op == .rune_any_not_nl;
    }

    /// Writes the program in Go's Prog.String format (for differential tests).
    pub fn dump(prog: *const Prog, w: *std.Io.Writer) std.Io.Writer.Error!void {
        for (prog.insts, 0..) |inst, pc| {
            var digits: usize = 1;
            var rest = pc / 10;
            while (rest > 0) : (rest /= 10) digits += 1;
            if (digits < 3) try w.splatByteAll(' ', 3 - digits);
            try w.print("{d}{s}\t", .{ pc, if (pc == prog.start) "*" else "" });
            switch (inst.op) {
                .alt => try w.print("alt -> {d}, {d}", .{ inst.out, inst.arg }),
                .capture => try w.print("cap {d} -> {d}", .{ inst.arg, inst.out }),
                .empty_width => try w.print("empty {d} -> {d}", .{ inst.arg, inst.out }),
                .match => try w.writeAll("match"),
                .fail => try w.writeAll("fail"),
                .nop => try w.print("nop -> {d}", .{inst.out}),
                .rune => {
                    try w.writeAll("rune ");
                    try quoteRunes(w, prog.instRunes(inst));
                    if (inst.arg & 1 != 0) try w.writeAll("/i");
                    try w.print(" -> {d}", .{inst.out});
                },
                .rune1 => {
                    try w.writeAll("rune1 ");
                    try quoteRunes(w, prog.instRunes(inst));
                    try w.print(" -> {d}", .{inst.out});
                },
                .rune_any => try w.print("any -> {d}", .{inst.out}),
                .rune_any_not_nl => try w.print("anynotnl -> {d}", .{inst.out}),
            }
            try w.writeAll("\n");
        }
    }
};

/// Go's strconv.QuoteToASCII of the runes as a string (close enough for tests:
/// printable ASCII verbatim, the rest escaped).
fn quoteRunes(w: *std.Io.Writer, runes: []const u32) std.Io.Writer.Error!void {
    try w.writeByte('"');
    for (runes) |r| {
        switch (r) {
            0x07 => try w.writeAll("\\a"),
            0x08 => try w.writeAll("\\b"),
            0x0C => try w.writeAll("\\f"),
            '\n' => try w.writeAll("\\n"),
            '\r' => try w.writeAll("\\r"),
            '\t' => try w.writeAll("\\t"),
            0x0B => try w.writeAll("\\v"),
            '"' => try w.writeAll("\\\""),
            '\\' => try w.writeAll("\\\\"),
            else => {
                if (r >= 0x20 and r < 0x7F) {
                    try w.writeByte(@intCast(r));
                } else if (r < 0x80) {
                    try w.print("\\x{x:0>2}", .{r});
                } else if (r > 0x10FFFF or (r >= 0xD800 and r <= 0xDFFF)) {
                    try w.writeAll("\\ufffd");
                } else if (r < 0x10000) {
                    try w.print("\\u{x:0>4}", .{r});
                } else {
                    try w.print("\\U{x:0>8}", .{r});
                }
            },
        }
    }
    try w.writeByte('"');
}
