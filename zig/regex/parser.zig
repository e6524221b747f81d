//! Parser for Go's regexp syntax (RE2 with Perl extensions), producing Go's
//! syntax tree: same grammar, same error codes and offending text, same
//! incremental simplifications (literal strings, single-rune classes,
//! alternation factoring) and same size/depth limits, so that a pattern is
//! accepted, rejected and compiled exactly as OPA's Go regexp does it.
//!
//! Nodes live in the caller's arena; the parser recycles nodes through a free
//! list like Go's, because its limit heuristics count allocations.
const std = @import("std");
const Allocator = std.mem.Allocator;
const ast = @import("ast.zig");
const class = @import("class.zig");
const unicode = @import("unicode.zig");
const utf8 = @import("utf8.zig");

const Node = ast.Node;
const Op = ast.Op;
const Flags = ast.Flags;

pub const ErrorCode = enum {
    invalid_char_class,
    invalid_char_range,
    invalid_escape,
    invalid_named_capture,
    invalid_perl_op,
    invalid_repeat_op,
    invalid_repeat_size,
    invalid_utf8,
    missing_bracket,
    missing_paren,
    missing_repeat_argument,
    trailing_backslash,
    unexpected_paren,
    nesting_depth,
    large,

    pub fn text(code: ErrorCode) []const u8 {
        return switch (code) {
            .invalid_char_class => "invalid character class",
            .invalid_char_range => "invalid character class range",
            .invalid_escape => "invalid escape sequence",
            .invalid_named_capture => "invalid named capture",
            .invalid_perl_op => "invalid or unsupported Perl syntax",
            .invalid_repeat_op => "invalid nested repetition operator",
            .invalid_repeat_size => "invalid repeat count",
            .invalid_utf8 => "invalid UTF-8",
            .missing_bracket => "missing closing ]",
            .missing_paren => "missing closing )",
            .missing_repeat_argument => "missing argument to repetition operator",
            .trailing_backslash => "trailing backslash at end of expression",
            .unexpected_paren => "unexpected )",
            .nesting_depth => "expression nests too deeply",
            .large => "expression too large",
        };
    }
};

/// What went wrong, as Go reports it: "error parsing regexp: <code>: `<expr>`".
pub const Diagnostic = struct {
    code: ErrorCode = .missing_paren,
    /// The offending part of the pattern (a slice of it).
    expr: []const u8 = "",

    pub fn format(d: Diagnostic, writer: *std.Io.Writer) std.Io.Writer.Error!void {
        try writer.print("error parsing regexp: {s}: `{s}`", .{ d.code.text(), d.expr });
    }
};

pub const Error = error{ Syntax, OutOfMemory };

/// Limits of Go's parser: tree height, compiled size in instructions, and runes
/// held in classes (128 MB worth of Go instructions or runes).
pub const max_height = 1000;
pub const max_size: i64 = (128 << 20) / 40;
pub const max_runes: usize = (128 << 20) / 4;
/// Largest count in {n,m}, and largest product of nested counts.
pub const max_repeat = 1000;

/// Recursion guard for alternation factoring: each level adds a level to the
/// tree, so deeper factoring ends in Go's height error anyway (Go reports it
/// after recursing; we stop earlier).
const max_factor_depth = max_height + 1;

const InternalError = error{ Syntax, OutOfMemory, Large, NestingDepth };

/// Parses `pattern` with Go's syntax.Perl flags. Nodes are allocated in `arena`.
pub fn parse(arena: Allocator, pattern: []const u8, diagnostic: *Diagnostic) Error!*Node {
    var p: Parser = .{ .arena = arena, .whole = pattern, .diagnostic = diagnostic, .flags = ast.perl };
    return p.run() catch |err| switch (err) {
        error.Large => p.fail(.large, pattern),
        error.NestingDepth => p.fail(.nesting_depth, pattern),
        error.Syntax => error.Syntax,
        error.OutOfMemory => error.OutOfMemory,
    };
}

const CharGroup = struct { sign: i2, class: []const u32 };

const perl_groups = std.StaticStringMap(CharGroup).initComptime(.{
    .{ "\\d", CharGroup{ .sign = 1, .class = &digit_class } },
    .{ "\\D", CharGroup{ .sign = -1, .class = &digit_class } },
    .{ "\\s", CharGroup{ .sign = 1, .class = &space_class } },
    .{ "\\S", CharGroup{ .sign = -1, .class = &space_class } },
    .{ "\\w", CharGroup{ .sign = 1, .class = &word_class } },
    .{ "\\W", CharGroup{ .sign = -1, .class = &word_class } },
});

const digit_class = [_]u32{ '0', '9' };
const space_class = [_]u32{ '\t', '\n', 0x0C, '\r', ' ', ' ' };
const word_class = [_]u32{ '0', '9', 'A', 'Z', '_', '_', 'a', 'z' };

const posix_groups = blk: {
    const Entry = struct { []const u8, []const u32 };
    const entries = [_]Entry{
        .{ "alnum", &.{ '0', '9', 'A', 'Z', 'a', 'z' } },
        .{ "alpha", &.{ 'A', 'Z', 'a', 'z' } },
        .{ "ascii", &.{ 0, 0x7F } },
        .{ "blank", &.{ '\t', '\t', ' ', ' ' } },
        .{ "cntrl", &.{ 0, 0x1F, 0x7F, 0x7F } },
        .{ "digit", &.{ '0', '9' } },
        .{ "graph", &.{ '!', '~' } },
        .{ "lower", &.{ 'a', 'z' } },
        .{ "print", &.{ ' ', '~' } },
        .{ "punct", &.{ '!', '/', ':', '@', '[', '`', '{', '~' } },
        .{ "space", &.{ '\t', '\r', ' ', ' ' } },
        .{ "upper", &.{ 'A', 'Z' } },
        .{ "word", &.{ '0', '9', 'A', 'Z', '_', '_', 'a', 'z' } },
        .{ "xdigit", &.{ '0', '9', 'A', 'F', 'a', 'f' } },
    };
    var kvs: [entries.len * 2]struct { []const u8, CharGroup } = undefined;
    for (entries, 0..) |e, i| {
        kvs[2 * i] = .{ "[:" ++ e[0] ++ ":]", .{ .sign = 1, .class = e[1] } };
        kvs[2 * i + 1] = .{ "[:^" ++ e[0] ++ ":]", .{ .sign = -1, .class = e[1] } };
    }
    break :blk std.StaticStringMap(CharGroup).initComptime(kvs);
};

const Parser = struct {
    arena: Allocator,
    whole: []const u8,
    diagnostic: *Diagnostic,
    flags: Flags,
    stack: std.ArrayList(*Node) = .empty,
    free: ?*Node = null,
    num_cap: u32 = 0,
    tmp_class: class.List = .empty,
    /// Nodes allocated (not reused), as Go counts them for its limit heuristics.
    num_regexp: usize = 0,
    num_runes: usize = 0,
    /// Product of repeat counts seen; sizes are tracked once it gets large.
    repeats: i64 = 0,
    tracking_size: bool = false,
    tracking_height: bool = false,
    factor_depth: u32 = 0,

    fn fail(p: *Parser, code: ErrorCode, expr: []const u8) error{Syntax} {
        p.diagnostic.* = .{ .code = code, .expr = expr };
        return error.Syntax;
    }

    // Node allocation.

    fn newNode(p: *Parser, o: Op) Allocator.Error!*Node {
        if (p.free) |node| {
            p.free = node.free_next;
            // Fresh lists (the old ones may still be viewed by the caller);
            // the size memo stays, as Go's map entry for the pointer does.
            node.* = .{ .op = o, .size_memo = node.size_memo };
            return node;
        }
        const node = try p.arena.create(Node);
        node.* = .{ .op = o };
        p.num_regexp += 1;
        return node;
    }

    fn reuse(p: *Parser, node: *Node) void {
        node.height_memo = null;
        node.free_next = p.free;
        p.free = node;
    }

    // Limits.

    fn checkLimits(p: *Parser, node: *Node) InternalError!void {
        if (p.num_runes > max_runes) return error.Large;
        try p.checkSize(node);
        try p.checkHeight(node);
    }

    fn checkSize(p: *Parser, node: *Node) InternalError!void {
        if (!p.tracking_size) {
            // Cheap test first: while (nodes allocated) x (product of repeat
            // counts) stays in budget, do not track sizes at all.
            if (p.repeats == 0) p.repeats = 1;
            if (node.op == .repeat) {
                var n: i64 = node.max;
                if (n == -1) n = node.min;
                if (n <= 0) n = 1;
                if (n > @divTrunc(max_size, p.repeats)) {
                    p.repeats = max_size;
                } else {
                    p.repeats *= n;
                }
            }
            if (@as(i64, @intCast(p.num_regexp)) < @divTrunc(max_size, p.repeats)) return;
            p.tracking_size = true;
            for (p.stack.items) |item| try p.checkSize(item);
        }
        if (p.calcSize(node, true) > max_size) return error.Large;
    }

    fn calcSize(p: *Parser, node: *Node, force: bool) i64 {
        if (!force) if (node.size_memo) |size| return size;
        var size: i64 = 0;
        switch (node.op) {
            .literal => size = @intCast(node.runes.items.len),
            .capture, .star => size = 2 + p.calcSize(node.sub0(), false),
            .plus, .quest => size = 1 + p.calcSize(node.sub0(), false),
            .concat => for (node.subs.items) |sub| {
                size +|= p.calcSize(sub, false);
            },
            .alternate => {
                for (node.subs.items) |sub| size +|= p.calcSize(sub, false);
                if (node.subs.items.len > 1) size +|= @as(i64, @intCast(node.subs.items.len)) - 1;
            },
            .repeat => {
                const sub = p.calcSize(node.sub0(), false);
                if (node.max == -1) {
                    size = if (node.min == 0) 2 +| sub else 1 +| (@as(i64, node.min) *| sub);
                } else {
                    size = (@as(i64, node.max) *| sub) +| (node.max - node.min);
                }
            },
            else => {},
        }
        size = @max(1, size);
        node.size_memo = size;
        return size;
    }

    fn checkHeight(p: *Parser, node: *Node) InternalError!void {
        if (p.num_regexp < max_height) return;
        if (!p.tracking_height) {
            p.tracking_height = true;
            for (p.stack.items) |item| try p.checkHeight(item);
        }
        if (p.calcHeight(node, true) > max_height) return error.NestingDepth;
    }

    fn calcHeight(p: *Parser, node: *Node, force: bool) u32 {
        if (!force) if (node.height_memo) |h| return h;
        var h: u32 = 1;
        for (node.subs.items) |sub| h = @max(h, 1 + p.calcHeight(sub, false));
        node.height_memo = h;
        return h;
    }

    // Stack.

    /// Pushes `node`, first merging single-rune classes into literals and
    /// adjacent literals into strings. Returns null when `node` was absorbed.
    fn push(p: *Parser, node: *Node) InternalError!?*Node {
        p.num_runes += node.runes.items.len;
        const r = node.runes.items;
        if (node.op == .char_class and r.len == 2 and r[0] == r[1]) {
            // A single rune.
            if (try p.maybeConcat(r[0], p.flags & ~ast.fold_case)) return null;
            node.op = .literal;
            node.runes.shrinkRetainingCapacity(1);
            node.flags = p.flags & ~ast.fold_case;
        } else if (node.op == .char_class and
            ((r.len == 4 and r[0] == r[1] and r[2] == r[3] and
                unicode.simpleFold(r[0]) == r[2] and unicode.simpleFold(r[2]) == r[0]) or
                (r.len == 2 and r[0] + 1 == r[1] and
                    unicode.simpleFold(r[0]) == r[1] and unicode.simpleFold(r[1]) == r[0])))
        {
            // A case-insensitive rune like [Aa] or [Δδ].
            if (try p.maybeConcat(r[0], p.flags | ast.fold_case)) return null;
            node.op = .literal;
            node.runes.shrinkRetainingCapacity(1);
            node.flags = p.flags | ast.fold_case;
        } else {
            _ = try p.maybeConcat(null, 0);
        }
        try p.stack.append(p.arena, node);
        try p.checkLimits(node);
        return node;
    }

    /// Merges the top two literals of the stack when their case folding
    /// agrees. With `r`, reuses the emptied top node to hold `r` (and reports
    /// true: `r` is pushed).
    fn maybeConcat(p: *Parser, r: ?u32, flags: Flags) Allocator.Error!bool {
        const n = p.stack.items.len;
        if (n < 2) return false;
        const re1 = p.stack.items[n - 1];
        const re2 = p.stack.items[n - 2];
        if (re1.op != .literal or re2.op != .literal or
            re1.flags & ast.fold_case != re2.flags & ast.fold_case) return false;
        try re2.runes.appendSlice(p.arena, re1.runes.items);
        if (r) |rune| {
            re1.runes.clearRetainingCapacity();
            try re1.runes.append(p.arena, rune);
            re1.flags = flags;
            return true;
        }
        p.stack.items.len -= 1;
        p.reuse(re1);
        return false;
    }

    fn literal(p: *Parser, r_in: u32) InternalError!void {
        const node = try p.newNode(.literal);
        node.flags = p.flags;
        var r = r_in;
        if (p.flags & ast.fold_case != 0) r = minFoldRune(r);
        try node.runes.append(p.arena, r);
        _ = try p.push(node);
    }

    fn op(p: *Parser, o: Op) InternalError!?*Node {
        const node = try p.newNode(o);
        node.flags = p.flags;
        return p.push(node);
    }

    /// Applies a repetition operator to the top of the stack. `before` is
    /// where the operator starts, `after_in` where it ends; returns the
    /// position after an optional non-greedy '?'.
    fn repeat(p: *Parser, o: Op, min: i32, max: i32, before: usize, after_in: usize, last_repeat: ?usize) InternalError!usize {
        var after = after_in;
        var flags = p.flags;
        if (p.flags & ast.perl_x != 0) {
            if (after < p.whole.len and p.whole[after] == '?') {
                after += 1;
                flags ^= ast.non_greedy;
            }
            if (last_repeat) |last| {
                // Perl forbids stacked repetition (a** is an error, a++ is possessive).
                return p.fail(.invalid_repeat_op, p.whole[last..after]);
            }
        }
        const n = p.stack.items.len;
        if (n == 0 or p.stack.items[n - 1].op.isPseudo()) {
            return p.fail(.missing_repeat_argument, p.whole[before..after]);
        }
        const sub = p.stack.items[n - 1];
        const node = try p.newNode(o);
        node.min = min;
        node.max = max;
        node.flags = flags;
        try node.subs.append(p.arena, sub);
        p.stack.items[n - 1] = node;
        try p.checkLimits(node);
        if (o == .repeat and (min >= 2 or max >= 2) and !repeatIsValid(node, max_repeat)) {
            return p.fail(.invalid_repeat_size, p.whole[before..after]);
        }
        return after;
    }

    /// Replaces the stack above the topmost '|' or '(' with its concatenation.
    fn concat(p: *Parser) InternalError!void {
        _ = try p.maybeConcat(null, 0);
        var i = p.stack.items.len;
        while (i > 0 and !p.stack.items[i - 1].op.isPseudo()) i -= 1;
        const subs = p.stack.items[i..];
        p.stack.items.len = i;
        if (subs.len == 0) {
            _ = try p.push(try p.newNode(.empty_match));
            return;
        }
        _ = try p.push(try p.collapse(subs, .concat));
    }

    /// Replaces the stack above the topmost '(' with its alternation.
    fn alternate(p: *Parser) InternalError!void {
        var i = p.stack.items.len;
        while (i > 0 and !p.stack.items[i - 1].op.isPseudo()) i -= 1;
        const subs = p.stack.items[i..];
        p.stack.items.len = i;
        // The others were cleaned when swapVerticalBar moved past them.
        if (subs.len > 0) cleanAlt(subs[subs.len - 1]);
        if (subs.len == 0) {
            _ = try p.push(try p.newNode(.no_match));
            return;
        }
        _ = try p.push(try p.collapse(subs, .alternate));
    }

    /// `o` applied to `subs`, flattening nested nodes of the same op.
    fn collapse(p: *Parser, subs: []const *Node, o: Op) InternalError!*Node {
        if (subs.len == 1) return subs[0];
        var node = try p.newNode(o);
        for (subs) |sub| {
            if (sub.op == o) {
                try node.subs.appendSlice(p.arena, sub.subs.items);
                p.reuse(sub);
            } else {
                try node.subs.append(p.arena, sub);
            }
        }
        if (o == .alternate) {
            try p.factor(&node.subs);
            if (node.subs.items.len == 1) {
                const old = node;
                node = node.subs.items[0];
                p.reuse(old);
            }
        }
        return node;
    }

    /// Factors common prefixes out of an alternation, in place:
    /// ABC|ABD|AEF|BCX|BCY becomes A(B[CD]|EF)|BC[XY].
    fn factor(p: *Parser, list: *std.ArrayList(*Node)) InternalError!void {
        if (list.items.len < 2) return;
        if (p.factor_depth >= max_factor_depth) return error.NestingDepth;
        p.factor_depth += 1;
        defer p.factor_depth -= 1;
        var sub = list.items;

        // Round 1: common literal prefixes.
        {
            var str: []const u32 = &.{};
            var str_flags: Flags = 0;
            var start: usize = 0;
            var out: usize = 0;
            var i: usize = 0;
            while (i <= sub.len) : (i += 1) {
                var istr: []const u32 = &.{};
                var iflags: Flags = 0;
                if (i < sub.len) {
                    leadingString(sub[i], &istr, &iflags);
                    if (iflags == str_flags) {
                        var same: usize = 0;
                        while (same < str.len and same < istr.len and str[same] == istr[same]) same += 1;
                        if (same > 0) {
                            str = str[0..same];
                            continue;
                        }
                    }
                }
                if (i == start) {
                    // Empty run.
                } else if (i == start + 1) {
                    sub[out] = sub[start];
                    out += 1;
                } else {
                    const prefix = try p.newNode(.literal);
                    prefix.flags = str_flags;
                    try prefix.runes.appendSlice(p.arena, str);
                    for (sub[start..i]) |*s| {
                        s.* = p.removeLeadingString(s.*, str.len);
                        try p.checkLimits(s.*);
                    }
                    const suffix = try p.collapse(sub[start..i], .alternate);
                    const node = try p.newNode(.concat);
                    try node.subs.appendSlice(p.arena, &.{ prefix, suffix });
                    sub[out] = node;
                    out += 1;
                }
                start = i;
                str = istr;
                str_flags = iflags;
            }
            sub = sub[0..out];
        }

        // Round 2: common leading single-character pieces (classes, or fixed
        // repeats of classes); factoring anything more complex could change
        // which path the automaton prefers.
        {
            var start: usize = 0;
            var out: usize = 0;
            var first: ?*Node = null;
            var i: usize = 0;
            while (i <= sub.len) : (i += 1) {
                var ifirst: ?*Node = null;
                if (i < sub.len) {
                    ifirst = leadingRegexp(sub[i]);
                    if (first) |f| {
                        if (Node.equal(f, ifirst) and (f.isCharClass() or
                            (f.op == .repeat and f.min == f.max and f.sub0().isCharClass()))) continue;
                    }
                }
                if (i == start) {
                    // Empty run.
                } else if (i == start + 1) {
                    sub[out] = sub[start];
                    out += 1;
                } else {
                    const prefix = first.?;
                    for (sub[start..i], start..) |*s, j| {
                        s.* = try p.removeLeadingRegexp(s.*, j != start);
                        try p.checkLimits(s.*);
                    }
                    const suffix = try p.collapse(sub[start..i], .alternate);
                    const node = try p.newNode(.concat);
                    try node.subs.appendSlice(p.arena, &.{ prefix, suffix });
                    sub[out] = node;
                    out += 1;
                }
                start = i;
                first = ifirst;
            }
            sub = sub[0..out];
        }

        // Round 3: runs of single runes or classes become one class.
        {
            var start: usize = 0;
            var out: usize = 0;
            var i: usize = 0;
            while (i <= sub.len) : (i += 1) {
                if (i < sub.len and sub[i].isCharClass()) continue;
                if (i == start) {
                    // Empty run.
                } else if (i == start + 1) {
                    sub[out] = sub[start];
                    out += 1;
                } else {
                    // Merge into the most complex one.
                    var max = start;
                    for (start + 1..i) |j| {
                        if (@intFromEnum(sub[max].op) < @intFromEnum(sub[j].op) or
                            (sub[max].op == sub[j].op and sub[max].runes.items.len < sub[j].runes.items.len)) max = j;
                    }
                    std.mem.swap(*Node, &sub[start], &sub[max]);
                    for (start + 1..i) |j| {
                        try mergeCharClass(p.arena, sub[start], sub[j]);
                        p.reuse(sub[j]);
                    }
                    cleanAlt(sub[start]);
                    sub[out] = sub[start];
                    out += 1;
                }
                if (i < sub.len) {
                    sub[out] = sub[i];
                    out += 1;
                }
                start = i + 1;
            }
            sub = sub[0..out];
        }

        // Round 4: runs of empty matches become one.
        {
            var out: usize = 0;
            for (sub, 0..) |s, i| {
                if (i + 1 < sub.len and s.op == .empty_match and sub[i + 1].op == .empty_match) continue;
                sub[out] = s;
                out += 1;
            }
            sub = sub[0..out];
        }
        list.shrinkRetainingCapacity(sub.len);
    }

    fn removeLeadingString(p: *Parser, node_in: *Node, n: usize) *Node {
        var node = node_in;
        if (node.op == .concat and node.subs.items.len > 0) {
            const sub = p.removeLeadingString(node.sub0(), n);
            node.subs.items[0] = sub;
            if (sub.op == .empty_match) {
                p.reuse(sub);
                switch (node.subs.items.len) {
                    0, 1 => {
                        node.op = .empty_match;
                        node.subs.clearRetainingCapacity();
                    },
                    2 => {
                        const old = node;
                        node = node.subs.items[1];
                        p.reuse(old);
                    },
                    else => _ = node.subs.orderedRemove(0),
                }
            }
            return node;
        }
        if (node.op == .literal) {
            const runes = node.runes.items;
            std.mem.copyForwards(u32, runes, runes[n..]);
            node.runes.shrinkRetainingCapacity(runes.len - n);
            if (node.runes.items.len == 0) node.op = .empty_match;
        }
        return node;
    }

    fn removeLeadingRegexp(p: *Parser, node_in: *Node, reuse_it: bool) Allocator.Error!*Node {
        var node = node_in;
        if (node.op == .concat and node.subs.items.len > 0) {
            if (reuse_it) p.reuse(node.sub0());
            _ = node.subs.orderedRemove(0);
            switch (node.subs.items.len) {
                0 => {
                    node.op = .empty_match;
                    node.subs.clearRetainingCapacity();
                },
                1 => {
                    const old = node;
                    node = node.subs.items[0];
                    p.reuse(old);
                },
                else => {},
            }
            return node;
        }
        if (reuse_it) p.reuse(node);
        return p.newNode(.empty_match);
    }

    /// On '|': if the top two entries around a '|' marker are single
    /// characters, merges them into one class; otherwise moves the marker
    /// above the top entry. Reports whether it did either.
    fn swapVerticalBar(p: *Parser) Allocator.Error!bool {
        const s = p.stack.items;
        const n = s.len;
        if (n >= 3 and s[n - 2].op == .vertical_bar and s[n - 1].isCharClass() and s[n - 3].isCharClass()) {
            var re1 = s[n - 1];
            var re3 = s[n - 3];
            // Make re3 the more complex of the two.
            if (@intFromEnum(re1.op) > @intFromEnum(re3.op)) {
                std.mem.swap(*Node, &re1, &re3);
                s[n - 3] = re3;
            }
            try mergeCharClass(p.arena, re3, re1);
            p.reuse(re1);
            p.stack.items.len -= 1;
            return true;
        }
        if (n >= 2) {
            const re1 = s[n - 1];
            const re2 = s[n - 2];
            if (re2.op == .vertical_bar) {
                if (n >= 3) cleanAlt(s[n - 3]);
                s[n - 2] = re1;
                s[n - 1] = re2;
                return true;
            }
        }
        return false;
    }

    fn parseVerticalBar(p: *Parser) InternalError!void {
        try p.concat();
        if (!try p.swapVerticalBar()) _ = try p.op(.vertical_bar);
    }

    fn parseRightParen(p: *Parser) InternalError!void {
        try p.concat();
        if (try p.swapVerticalBar()) p.stack.items.len -= 1;
        try p.alternate();
        const n = p.stack.items.len;
        if (n < 2) return p.fail(.unexpected_paren, p.whole);
        const re1 = p.stack.items[n - 1];
        const re2 = p.stack.items[n - 2];
        p.stack.items.len = n - 2;
        if (re2.op != .left_paren) return p.fail(.unexpected_paren, p.whole);
        p.flags = re2.flags; // restore the flags in effect at '('
        if (re2.cap == 0) {
            _ = try p.push(re1);
        } else {
            re2.op = .capture;
            re2.subs.clearRetainingCapacity();
            try re2.subs.append(p.arena, re1);
            _ = try p.push(re2);
        }
    }

    // Lexing helpers. Positions index `whole`.

    const RuneAt = struct { rune: u32, next: usize };

    /// The rune at `t`; at the end, U+FFFD without advancing (as Go's nextRune).
    fn nextRune(p: *Parser, t: usize) error{Syntax}!RuneAt {
        const d = utf8.decode(p.whole[t..]);
        if (d.rune == utf8.rune_error and d.width == 1) return p.fail(.invalid_utf8, p.whole[t..]);
        return .{ .rune = d.rune, .next = t + d.width };
    }

    fn checkUtf8(p: *Parser, s: []const u8) error{Syntax}!void {
        if (utf8.firstInvalid(s)) |i| return p.fail(.invalid_utf8, s[i..]);
    }

    fn run(p: *Parser) InternalError!*Node {
        const s = p.whole;
        var t: usize = 0;
        var last_repeat: ?usize = null;
        while (t < s.len) {
            var this_repeat: ?usize = null;
            switch (s[t]) {
                '(' => {
                    if (p.flags & ast.perl_x != 0 and t + 1 < s.len and s[t + 1] == '?') {
                        t = try p.parsePerlFlags(t);
                    } else {
                        p.num_cap += 1;
                        const node = (try p.op(.left_paren)).?;
                        node.cap = p.num_cap;
                        t += 1;
                    }
                },
                '|' => {
                    try p.parseVerticalBar();
                    t += 1;
                },
                ')' => {
                    try p.parseRightParen();
                    t += 1;
                },
                '^' => {
                    _ = try p.op(if (p.flags & ast.one_line != 0) .begin_text else .begin_line);
                    t += 1;
                },
                '$' => {
                    if (p.flags & ast.one_line != 0) {
                        const node = (try p.op(.end_text)).?;
                        node.flags |= ast.was_dollar;
                    } else {
                        _ = try p.op(.end_line);
                    }
                    t += 1;
                },
                '.' => {
                    _ = try p.op(if (p.flags & ast.dot_nl != 0) .any_char else .any_char_not_nl);
                    t += 1;
                },
                '[' => t = try p.parseClass(t),
                '*', '+', '?' => {
                    const o: Op = switch (s[t]) {
                        '*' => .star,
                        '+' => .plus,
                        else => .quest,
                    };
                    const before = t;
                    t = try p.repeat(o, 0, 0, before, t + 1, last_repeat);
                    this_repeat = before;
                },
                '{' => {
                    const before = t;
                    if (parseRepeat(s, t)) |rep| {
                        if (rep.min < 0 or rep.min > max_repeat or rep.max > max_repeat or
                            (rep.max >= 0 and rep.min > rep.max))
                        {
                            return p.fail(.invalid_repeat_size, s[before..rep.next]);
                        }
                        t = try p.repeat(.repeat, rep.min, rep.max, before, rep.next, last_repeat);
                        this_repeat = before;
                    } else {
                        // Not a repetition: '{' is a literal.
                        try p.literal('{');
                        t += 1;
                    }
                },
                '\\' => t = try p.parseBackslash(t),
                else => {
                    const r = try p.nextRune(t);
                    try p.literal(r.rune);
                    t = r.next;
                },
            }
            last_repeat = this_repeat;
        }

        try p.concat();
        if (try p.swapVerticalBar()) p.stack.items.len -= 1;
        try p.alternate();
        if (p.stack.items.len != 1) return p.fail(.missing_paren, s);
        return p.stack.items[0];
    }

    fn parseBackslash(p: *Parser, t: usize) InternalError!usize {
        const s = p.whole;
        if (p.flags & ast.perl_x != 0 and t + 1 < s.len) {
            switch (s[t + 1]) {
                'A' => {
                    _ = try p.op(.begin_text);
                    return t + 2;
                },
                'b' => {
                    _ = try p.op(.word_boundary);
                    return t + 2;
                },
                'B' => {
                    _ = try p.op(.no_word_boundary);
                    return t + 2;
                },
                'C' => return p.fail(.invalid_escape, s[t .. t + 2]), // any byte: unsupported
                'Q' => {
                    // \Q...\E: everything up to \E (or the end) is literal.
                    const body = t + 2;
                    const end = if (std.mem.indexOf(u8, s[body..], "\\E")) |i| body + i else s.len;
                    var u = body;
                    while (u < end) {
                        const d = utf8.decode(s[u..end]);
                        if (d.rune == utf8.rune_error and d.width == 1) return p.fail(.invalid_utf8, s[u..end]);
                        try p.literal(d.rune);
                        u += d.width;
                    }
                    return if (end == s.len) s.len else end + 2;
                },
                'z' => {
                    _ = try p.op(.end_text);
                    return t + 2;
                },
                else => {},
            }
        }

        const node = try p.newNode(.char_class);
        node.flags = p.flags;
        // Unicode class like \p{Han}.
        if (t + 1 < s.len and (s[t + 1] == 'p' or s[t + 1] == 'P')) {
            if (try p.parseUnicodeClass(t, &node.runes)) |next| {
                _ = try p.push(node);
                return next;
            }
        }
        // Perl class like \d.
        if (try p.parsePerlClassEscape(t, &node.runes)) |next| {
            _ = try p.push(node);
            return next;
        }
        p.reuse(node);
        const e = try p.parseEscape(t);
        try p.literal(e.rune);
        return e.next;
    }

    /// Parses (?flags), (?flags:, (?P<name> and (?<name> at `t`.
    fn parsePerlFlags(p: *Parser, start: usize) InternalError!usize {
        const s = p.whole;
        const t = s[start..];
        const starts_with_p = t.len > 4 and t[2] == 'P' and t[3] == '<';
        const starts_with_name = t.len > 3 and t[2] == '<';
        if (starts_with_p or starts_with_name) {
            const expr_start: usize = if (starts_with_p) 4 else 3;
            const end = std.mem.indexOfScalar(u8, t, '>') orelse {
                try p.checkUtf8(t);
                return p.fail(.invalid_named_capture, t);
            };
            const capture = t[0 .. end + 1];
            const name = t[expr_start..end];
            try p.checkUtf8(name);
            if (!isValidCaptureName(name)) return p.fail(.invalid_named_capture, capture);
            p.num_cap += 1;
            const node = (try p.op(.left_paren)).?;
            node.cap = p.num_cap;
            node.name = name;
            return start + end + 1;
        }

        // Flags, maybe opening a non-capturing group.
        var u = start + 2;
        var flags = p.flags;
        var negative = false;
        var saw_flag = false;
        while (u < s.len) {
            const r = try p.nextRune(u);
            u = r.next;
            switch (r.rune) {
                'i' => {
                    flags |= ast.fold_case;
                    saw_flag = true;
                },
                'm' => {
                    flags &= ~ast.one_line;
                    saw_flag = true;
                },
                's' => {
                    flags |= ast.dot_nl;
                    saw_flag = true;
                },
                'U' => {
                    flags |= ast.non_greedy;
                    saw_flag = true;
                },
                '-' => {
                    if (negative) break;
                    negative = true;
                    // Invert so that the |= above clear flags; inverted back below.
                    flags = ~flags;
                    saw_flag = false;
                },
                ':', ')' => {
                    if (negative) {
                        if (!saw_flag) break;
                        flags = ~flags;
                    }
                    if (r.rune == ':') _ = try p.op(.left_paren);
                    p.flags = flags;
                    return u;
                },
                else => break,
            }
        }
        return p.fail(.invalid_perl_op, s[start..u]);
    }

    /// Parses a class [...] at `start`.
    fn parseClass(p: *Parser, start: usize) InternalError!usize {
        const s = p.whole;
        const whole_class = s[start..];
        var t = start + 1;
        const node = try p.newNode(.char_class);
        node.flags = p.flags;
        const list = &node.runes;

        var negated = false;
        if (t < s.len and s[t] == '^') {
            negated = true;
            t += 1;
            // Without ClassNL a negated class excludes \n: add it before negating.
            if (p.flags & ast.class_nl == 0) try list.appendSlice(p.arena, &.{ '\n', '\n' });
        }

        var first = true; // ']' and '-' are literal as the first character
        while (t >= s.len or s[t] != ']' or first) {
            // POSIX (not Perl) allows '-' only first or last.
            if (t < s.len and s[t] == '-' and p.flags & ast.perl_x == 0 and !first and
                (t + 1 == s.len or s[t + 1] != ']'))
            {
                const d = utf8.decode(s[t + 1 ..]);
                return p.fail(.invalid_char_range, s[t .. t + 1 + d.width]);
            }
            first = false;

            // POSIX class like [:alnum:].
            if (s.len - t > 2 and s[t] == '[' and s[t + 1] == ':') {
                if (try p.parseNamedClass(t, list)) |next| {
                    t = next;
                    continue;
                }
            }
            // Unicode class like \p{Han}.
            if (try p.parseUnicodeClass(t, list)) |next| {
                t = next;
                continue;
            }
            // Perl class like \d.
            if (try p.parsePerlClassEscape(t, list)) |next| {
                t = next;
                continue;
            }

            // A single rune or a range.
            const range_start = t;
            const lo = try p.parseClassChar(t, whole_class);
            t = lo.next;
            var hi = lo;
            // [a-] means a or '-'.
            if (s.len - t >= 2 and s[t] == '-' and s[t + 1] != ']') {
                hi = try p.parseClassChar(t + 1, whole_class);
                t = hi.next;
                if (hi.rune < lo.rune) return p.fail(.invalid_char_range, s[range_start..t]);
            }
            if (p.flags & ast.fold_case == 0) {
                try class.appendRange(p.arena, list, lo.rune, hi.rune);
            } else {
                try class.appendFoldedRange(p.arena, list, lo.rune, hi.rune);
            }
        }
        t += 1; // ']'

        class.clean(list);
        if (negated) try class.negate(p.arena, list);
        _ = try p.push(node);
        return t;
    }

    fn parseClassChar(p: *Parser, t: usize, whole_class: []const u8) error{Syntax}!RuneAt {
        if (t >= p.whole.len) return p.fail(.missing_bracket, whole_class);
        if (p.whole[t] == '\\') return p.parseEscape(t);
        return p.nextRune(t);
    }

    /// Parses a POSIX class like [:alnum:] at `t` into `list`. Null when
    /// there is no ":]" at all ('[' is then an ordinary character).
    fn parseNamedClass(p: *Parser, t: usize, list: *class.List) InternalError!?usize {
        const s = p.whole;
        const close = std.mem.indexOf(u8, s[t + 2 ..], ":]") orelse return null;
        const end = t + 2 + close + 2;
        const name = s[t..end];
        const group = posix_groups.get(name) orelse return p.fail(.invalid_char_range, name);
        try p.appendGroup(list, group);
        return end;
    }

    fn parsePerlClassEscape(p: *Parser, t: usize, list: *class.List) InternalError!?usize {
        const s = p.whole;
        if (p.flags & ast.perl_x == 0 or s.len - t < 2 or s[t] != '\\') return null;
        const group = perl_groups.get(s[t .. t + 2]) orelse return null;
        try p.appendGroup(list, group);
        return t + 2;
    }

    fn appendGroup(p: *Parser, list: *class.List, group: CharGroup) Allocator.Error!void {
        if (p.flags & ast.fold_case == 0) {
            if (group.sign < 0) return class.appendNegatedClass(p.arena, list, group.class);
            return class.appendClass(p.arena, list, group.class);
        }
        p.tmp_class.clearRetainingCapacity();
        try class.appendFoldedClass(p.arena, &p.tmp_class, group.class);
        class.clean(&p.tmp_class);
        if (group.sign < 0) return class.appendNegatedClass(p.arena, list, p.tmp_class.items);
        return class.appendClass(p.arena, list, p.tmp_class.items);
    }

    /// Parses \pN, \p{Name}, \PN, \P{^Name} at `t` into `list`. Null when `t`
    /// is not at \p or \P.
    fn parseUnicodeClass(p: *Parser, t: usize, list: *class.List) InternalError!?usize {
        const s = p.whole;
        if (p.flags & ast.unicode_groups == 0 or s.len - t < 2 or s[t] != '\\' or
            (s[t + 1] != 'p' and s[t + 1] != 'P')) return null;

        // Committed: parse or fail.
        var negated = s[t + 1] == 'P';
        const c = try p.nextRune(t + 2);
        var seq: []const u8 = undefined;
        var name: []const u8 = undefined;
        var next: usize = undefined;
        if (c.rune != '{' or c.next == t + 2) {
            // Single-letter name (or nothing at all).
            seq = s[t..c.next];
            name = seq[2..];
            next = c.next;
        } else {
            const close = std.mem.indexOfScalar(u8, s[t..], '}') orelse {
                try p.checkUtf8(s[t..]);
                return p.fail(.invalid_char_range, s[t..]);
            };
            seq = s[t .. t + close + 1];
            next = t + close + 1;
            name = s[t + 3 .. t + close];
            try p.checkUtf8(name);
        }
        // \p{^Han} is \P{Han}.
        if (name.len > 0 and name[0] == '^') {
            negated = !negated;
            name = name[1..];
        }
        var buffer: [64]u8 = undefined;
        const found = unicode.lookup(name, &buffer) orelse return p.fail(.invalid_char_range, seq);
        if (found.negated) negated = !negated;

        if (p.flags & ast.fold_case == 0 or found.fold == null) {
            if (negated) {
                try class.appendNegatedTable(p.arena, list, found.table);
            } else {
                try class.appendTable(p.arena, list, found.table);
            }
        } else {
            // Merge the table and its fold-equivalents, then add (or negate).
            p.tmp_class.clearRetainingCapacity();
            try class.appendTable(p.arena, &p.tmp_class, found.table);
            try class.appendTable(p.arena, &p.tmp_class, found.fold.?);
            class.clean(&p.tmp_class);
            if (negated) {
                try class.appendNegatedClass(p.arena, list, p.tmp_class.items);
            } else {
                try class.appendClass(p.arena, list, p.tmp_class.items);
            }
        }
        return next;
    }

    /// Parses a single-rune escape at `t` (which holds '\').
    fn parseEscape(p: *Parser, t: usize) error{Syntax}!RuneAt {
        const s = p.whole;
        var u = t + 1;
        if (u >= s.len) return p.fail(.trailing_backslash, "");
        const c = try p.nextRune(u);
        u = c.next;
        switch (c.rune) {
            '1'...'7', '0' => |d| {
                // A single non-zero digit would be a backreference: unsupported.
                if (d != '0' and (u >= s.len or s[u] < '0' or s[u] > '7')) return p.fail(.invalid_escape, s[t..u]);
                // Up to three octal digits.
                var r: u32 = d - '0';
                var i: usize = 1;
                while (i < 3 and u < s.len and s[u] >= '0' and s[u] <= '7') : (i += 1) {
                    r = r * 8 + (s[u] - '0');
                    u += 1;
                }
                return .{ .rune = r, .next = u };
            },
            'x' => {
                if (u >= s.len) return p.fail(.invalid_escape, s[t..u]);
                const c1 = try p.nextRune(u);
                u = c1.next;
                if (c1.rune == '{') {
                    // Any number of hex digits in braces, at least one.
                    var nhex: usize = 0;
                    var r: u32 = 0;
                    while (true) {
                        if (u >= s.len) return p.fail(.invalid_escape, s[t..u]);
                        const h = try p.nextRune(u);
                        u = h.next;
                        if (h.rune == '}') break;
                        const v = unhex(h.rune) orelse return p.fail(.invalid_escape, s[t..u]);
                        r = r * 16 + v;
                        if (r > utf8.max_rune) return p.fail(.invalid_escape, s[t..u]);
                        nhex += 1;
                    }
                    if (nhex == 0) return p.fail(.invalid_escape, s[t..u]);
                    return .{ .rune = r, .next = u };
                }
                // Exactly two hex digits.
                const c2 = try p.nextRune(u);
                u = c2.next;
                const x = unhex(c1.rune) orelse return p.fail(.invalid_escape, s[t..u]);
                const y = unhex(c2.rune) orelse return p.fail(.invalid_escape, s[t..u]);
                return .{ .rune = x * 16 + y, .next = u };
            },
            // No \b: it means a word boundary, not backspace.
            'a' => return .{ .rune = 0x07, .next = u },
            'f' => return .{ .rune = 0x0C, .next = u },
            'n' => return .{ .rune = '\n', .next = u },
            'r' => return .{ .rune = '\r', .next = u },
            't' => return .{ .rune = '\t', .next = u },
            'v' => return .{ .rune = 0x0B, .next = u },
            else => |r| {
                // Escaped ASCII punctuation is itself (\_ included).
                if (r < 0x80 and !isAlnum(r)) return .{ .rune = r, .next = u };
            },
        }
        return p.fail(.invalid_escape, s[t..u]);
    }
};

/// Smallest rune in `r`'s folding orbit: case-insensitive literals are stored so.
fn minFoldRune(r: u32) u32 {
    if (r < unicode.min_fold or r > unicode.max_fold) return r;
    var m = r;
    var f = unicode.simpleFold(r);
    while (f != r) : (f = unicode.simpleFold(f)) m = @min(m, f);
    return m;
}

/// Whether the repetition does not exceed `n` copies of its innermost parts
/// when nested repetitions multiply.
fn repeatIsValid(node: *const Node, n_in: i32) bool {
    var n = n_in;
    if (node.op == .repeat) {
        var m = node.max;
        if (m == 0) return true;
        if (m < 0) m = node.min;
        if (m > n) return false;
        if (m > 0) n = @divTrunc(n, m);
    }
    for (node.subs.items) |sub| if (!repeatIsValid(sub, n)) return false;
    return true;
}

const Repeat = struct { min: i32, max: i32, next: usize };

/// Parses {n}, {n,} or {n,m} at `t`; null when it is not of that form. A
/// count too large to represent comes back as min = -1.
fn parseRepeat(s: []const u8, t: usize) ?Repeat {
    if (t >= s.len or s[t] != '{') return null;
    var u = t + 1;
    const min_int = parseInt(s, &u) orelse return null;
    var min = min_int;
    var max: i32 = undefined;
    if (u >= s.len) return null;
    if (s[u] != ',') {
        max = min;
    } else {
        u += 1;
        if (u >= s.len) return null;
        if (s[u] == '}') {
            max = -1;
        } else {
            max = parseInt(s, &u) orelse return null;
            if (max < 0) min = -1;
        }
    }
    if (u >= s.len or s[u] != '}') return null;
    return .{ .min = min, .max = max, .next = u + 1 };
}

/// A decimal number without leading zeros; -1 when it reaches 1e8.
fn parseInt(s: []const u8, u: *usize) ?i32 {
    const start = u.*;
    if (start >= s.len or s[start] < '0' or s[start] > '9') return null;
    if (s.len - start >= 2 and s[start] == '0' and s[start + 1] >= '0' and s[start + 1] <= '9') return null;
    var end = start;
    while (end < s.len and s[end] >= '0' and s[end] <= '9') end += 1;
    u.* = end;
    var n: i32 = 0;
    for (s[start..end]) |c| {
        if (n >= 100_000_000) return -1;
        n = n * 10 + (c - '0');
    }
    return n;
}

fn isAlnum(c: u32) bool {
    return (c >= '0' and c <= '9') or (c >= 'A' and c <= 'Z') or (c >= 'a' and c <= 'z');
}

fn unhex(c: u32) ?u32 {
    return switch (c) {
        '0'...'9' => c - '0',
        'a'...'f' => c - 'a' + 10,
        'A'...'F' => c - 'A' + 10,
        else => null,
    };
}

fn isValidCaptureName(name: []const u8) bool {
    if (name.len == 0) return false;
    for (name) |c| if (c != '_' and !isAlnum(c)) return false;
    return true;
}

fn leadingString(node_in: *Node, str: *[]const u32, flags: *Flags) void {
    var node = node_in;
    if (node.op == .concat and node.subs.items.len > 0) node = node.sub0();
    if (node.op != .literal) {
        str.* = &.{};
        flags.* = 0;
        return;
    }
    str.* = node.runes.items;
    flags.* = node.flags & ast.fold_case;
}

fn leadingRegexp(node: *Node) ?*Node {
    if (node.op == .empty_match) return null;
    if (node.op == .concat and node.subs.items.len > 0) {
        const sub = node.sub0();
        if (sub.op == .empty_match) return null;
        return sub;
    }
    return node;
}

/// Cleans a class about to become an alternative; full classes become '.'.
fn cleanAlt(node: *Node) void {
    if (node.op != .char_class) return;
    class.clean(&node.runes);
    const r = node.runes.items;
    if (r.len == 2 and r[0] == 0 and r[1] == class.max_rune) {
        node.runes.clearRetainingCapacity();
        node.op = .any_char;
    } else if (r.len == 4 and r[0] == 0 and r[1] == '\n' - 1 and r[2] == '\n' + 1 and r[3] == class.max_rune) {
        node.runes.clearRetainingCapacity();
        node.op = .any_char_not_nl;
    }
}

/// dst |= src, for single characters or classes with dst.op >= src.op.
fn mergeCharClass(gpa: Allocator, dst: *Node, src: *Node) Allocator.Error!void {
    switch (dst.op) {
        .any_char => {},
        .any_char_not_nl => if (matchRune(src, '\n')) {
            dst.op = .any_char;
        },
        .char_class => if (src.op == .literal) {
            try class.appendLiteral(gpa, &dst.runes, src.runes.items[0], src.flags & ast.fold_case != 0);
        } else {
            try class.appendClass(gpa, &dst.runes, src.runes.items);
        },
        .literal => {
            if (src.runes.items[0] == dst.runes.items[0] and src.flags == dst.flags) return;
            const d0 = dst.runes.items[0];
            dst.op = .char_class;
            dst.runes.clearRetainingCapacity();
            try class.appendLiteral(gpa, &dst.runes, d0, dst.flags & ast.fold_case != 0);
            try class.appendLiteral(gpa, &dst.runes, src.runes.items[0], src.flags & ast.fold_case != 0);
        },
        else => {},
    }
}

fn matchRune(node: *const Node, r: u32) bool {
    return switch (node.op) {
        .literal => node.runes.items.len == 1 and node.runes.items[0] == r,
        .char_class => blk: {
            const rs = node.runes.items;
            var i: usize = 0;
            while (i + 1 < rs.len) : (i += 2) if (rs[i] <= r and r <= rs[i + 1]) break :blk true;
            break :blk false;
        },
        .any_char_not_nl => r != '\n',
        .any_char => true,
        else => false,
    };
}
