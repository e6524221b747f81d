//! github.com/gobwas/glob v0.2.3's syntax package: the lexer and the parser
//! that turn a pattern into a tree, ported with their quirks because
//! glob.match's answers and error messages depend on them:
//! - a NUL character reads as the end of input (a NUL starting a token ends
//!   the pattern; inside text it is dropped);
//! - invalid UTF-8, and U+FFFD itself, fail with "could not read rune";
//! - tokens come lazily, so an error is only reported once the parser asks
//!   for the token that hit it; `{` need not be closed.
const std = @import("std");
const Allocator = std.mem.Allocator;
const gotext = @import("../gotext.zig");
const sprintf = @import("../../builtins/sprintf.zig");

pub const Kind = enum { nothing, pattern, list, range, text, any, super, single, any_of };

pub const Node = struct {
    kind: Kind,
    /// list: its characters; text: the text (both UTF-8).
    chars: []const u8 = "",
    /// list and range: negated.
    not: bool = false,
    lo: u21 = 0,
    hi: u21 = 0,
    children: std.ArrayList(*Node) = .empty,
    parent: ?*Node = null,

    pub fn create(allocator: Allocator, node: Node) Allocator.Error!*Node {
        const n = try allocator.create(Node);
        n.* = node;
        return n;
    }

    /// ast.Insert: appends children and makes `parent` their parent.
    pub fn insert(parent: *Node, allocator: Allocator, children: []const *Node) Allocator.Error!void {
        try parent.children.appendSlice(allocator, children);
        for (children) |child| child.parent = parent;
    }

    /// Node.Equal: same kind, value and children (parents aside).
    pub fn equal(a: *const Node, b: *const Node) bool {
        if (a.kind != b.kind or a.not != b.not or a.lo != b.lo or a.hi != b.hi) return false;
        if (!std.mem.eql(u8, a.chars, b.chars)) return false;
        if (a.children.items.len != b.children.items.len) return false;
        for (a.children.items, b.children.items) |x, y| {
            if (!x.equal(y)) return false;
        }
        return true;
    }
};

const TokenType = enum {
    eof,
    @"error",
    text,
    char,
    any,
    super,
    single,
    not,
    separator,
    range_open,
    range_close,
    range_lo,
    range_hi,
    range_between,
    terms_open,
    terms_close,
};

const Token = struct { type: TokenType, raw: []const u8 };

/// The lexer's end-of-input rune; a NUL in the input reads the same.
const eof: u21 = 0;

const Lexer = struct {
    allocator: Allocator,
    data: []const u8,
    pos: usize = 0,
    err: ?[]const u8 = null,
    tokens: std.ArrayList(Token) = .empty,
    head: usize = 0,
    terms_level: usize = 0,
    last_rune: u21 = 0,
    last_rune_size: usize = 0,
    has_rune: bool = false,

    fn next(lx: *Lexer) Allocator.Error!Token {
        while (true) {
            if (lx.err) |message| return .{ .type = .@"error", .raw = message };
            if (lx.head < lx.tokens.items.len) {
                lx.head += 1;
                return lx.tokens.items[lx.head - 1];
            }
            try lx.fetchItem();
        }
    }

    fn push(lx: *Lexer, token_type: TokenType, raw: []const u8) Allocator.Error!void {
        try lx.tokens.append(lx.allocator, .{ .type = token_type, .raw = raw });
    }

    fn peek(lx: *Lexer) struct { u21, usize } {
        if (lx.pos == lx.data.len) return .{ eof, 0 };
        const r = gotext.decode(lx.data[lx.pos..]);
        if (r.code == gotext.rune_error) {
            lx.err = "could not read rune";
            return .{ eof, 0 };
        }
        return .{ r.code, r.len };
    }

    fn read(lx: *Lexer) u21 {
        if (lx.has_rune) {
            lx.has_rune = false;
            lx.pos += lx.last_rune_size;
            return lx.last_rune;
        }
        const r, const size = lx.peek();
        lx.pos += size;
        lx.last_rune = r;
        lx.last_rune_size = size;
        return r;
    }

    fn unread(lx: *Lexer) void {
        if (lx.has_rune) {
            lx.err = "could not unread rune";
            return;
        }
        lx.pos -= lx.last_rune_size;
        lx.has_rune = true;
    }

    fn runeText(lx: *Lexer, r: u21) Allocator.Error![]const u8 {
        var buffer: [4]u8 = undefined;
        return lx.allocator.dupe(u8, gotext.encode(r, &buffer));
    }

    fn fetchItem(lx: *Lexer) Allocator.Error!void {
        const r = lx.read();
        if (r == eof) return lx.push(.eof, "");
        switch (r) {
            '{' => {
                lx.terms_level += 1;
                return lx.push(.terms_open, "{");
            },
            ',' => if (lx.terms_level > 0) return lx.push(.separator, ","),
            '}' => if (lx.terms_level > 0) {
                try lx.push(.terms_close, "}");
                lx.terms_level -= 1;
                return;
            },
            '[' => {
                try lx.push(.range_open, "[");
                return lx.fetchRange();
            },
            '?' => return lx.push(.single, "?"),
            '*' => {
                if (lx.read() == '*') return lx.push(.super, "**");
                lx.unread();
                return lx.push(.any, "*");
            },
            else => {},
        }
        lx.unread();
        const breakers: []const u21 = if (lx.terms_level > 0) &.{ '?', '*', '[', '{', '}', ',' } else &.{ '?', '*', '[', '{' };
        return lx.fetchText(breakers);
    }

    fn fetchRange(lx: *Lexer) Allocator.Error!void {
        var want_hi = false;
        var want_close = false;
        var seen_not = false;
        while (true) {
            const r = lx.read();
            if (r == eof) {
                lx.err = "unexpected end of input";
                return;
            }
            if (want_close) {
                if (r != ']') {
                    lx.err = "expected close range character";
                } else {
                    try lx.push(.range_close, "]");
                }
                return;
            }
            if (want_hi) {
                try lx.push(.range_hi, try lx.runeText(r));
                want_close = true;
                continue;
            }
            if (!seen_not and r == '!') {
                try lx.push(.not, "!");
                seen_not = true;
                continue;
            }
            const n, const width = lx.peek();
            if (n == '-') {
                lx.pos += width;
                try lx.push(.range_lo, try lx.runeText(r));
                try lx.push(.range_between, "-");
                want_hi = true;
                continue;
            }
            lx.unread();
            try lx.fetchText(&.{']'});
            want_close = true;
        }
    }

    fn fetchText(lx: *Lexer, breakers: []const u21) Allocator.Error!void {
        var data: std.ArrayList(u8) = .empty;
        var escaped = false;
        while (true) {
            const r = lx.read();
            if (r == eof) break;
            if (!escaped) {
                if (r == '\\') {
                    escaped = true;
                    continue;
                }
                if (std.mem.indexOfScalar(u21, breakers, r) != null) {
                    lx.unread();
                    break;
                }
            }
            escaped = false;
            var buffer: [4]u8 = undefined;
            try data.appendSlice(lx.allocator, gotext.encode(r, &buffer));
        }
        if (data.items.len > 0) try lx.push(.text, data.items);
    }
};

pub const Error = error{ OutOfMemory, InvalidPattern };

/// Limits on a pattern's tree, not in gobwas: its compiler and matchers
/// recurse once per nesting level and per part, and Go's stacks grow where
/// ours do not. Patterns near these sizes take gobwas minutes to compile.
pub const max_nodes = 1024;
pub const max_nesting = 128;

/// A parse failure's message (Go's error text).
pub const Diagnostic = struct { message: []const u8 = "" };

const Parser = struct {
    allocator: Allocator,
    lexer: Lexer,
    diagnostic: *Diagnostic,
    nodes: usize = 0,

    fn node(p: *Parser, n: Node) Error!*Node {
        p.nodes += 1;
        if (p.nodes > max_nodes) return p.fail("pattern too complex");
        return Node.create(p.allocator, n);
    }

    fn fail(p: *Parser, message: []const u8) Error {
        p.diagnostic.message = message;
        return error.InvalidPattern;
    }

    fn failFmt(p: *Parser, comptime fmt: []const u8, args: anytype) Error {
        return p.fail(try std.fmt.allocPrint(p.allocator, fmt, args));
    }

    fn parseMain(p: *Parser, root: *Node) Error!void {
        var tree = root;
        var nesting: usize = 0;
        while (true) {
            const token = try p.lexer.next();
            switch (token.type) {
                .eof => return,
                .@"error" => return p.fail(token.raw),
                .text => try tree.insert(p.allocator, &.{try p.node(.{ .kind = .text, .chars = token.raw })}),
                .any => try tree.insert(p.allocator, &.{try p.node(.{ .kind = .any })}),
                .super => try tree.insert(p.allocator, &.{try p.node(.{ .kind = .super })}),
                .single => try tree.insert(p.allocator, &.{try p.node(.{ .kind = .single })}),
                .range_open => try p.parseRange(tree),
                .terms_open => {
                    nesting += 1;
                    if (nesting > max_nesting) return p.fail("pattern too complex");
                    const any_of = try p.node(.{ .kind = .any_of });
                    try tree.insert(p.allocator, &.{any_of});
                    const pattern = try p.node(.{ .kind = .pattern });
                    try any_of.insert(p.allocator, &.{pattern});
                    tree = pattern;
                },
                // The lexer only emits these inside terms, where the tree
                // is a pattern under an alternatives node.
                .separator => {
                    const pattern = try p.node(.{ .kind = .pattern });
                    try tree.parent.?.insert(p.allocator, &.{pattern});
                    tree = pattern;
                },
                .terms_close => {
                    nesting -= 1;
                    tree = tree.parent.?.parent.?;
                },
                else => return p.failFmt("unexpected token: {s}<{s}>", .{ @tagName(token.type), try sprintf.quote(p.allocator, token.raw) }),
            }
        }
    }

    fn parseRange(p: *Parser, tree: *Node) Error!void {
        var not = false;
        var lo: u21 = 0;
        var hi: u21 = 0;
        var chars: []const u8 = "";
        while (true) {
            const token = try p.lexer.next();
            switch (token.type) {
                .eof => return p.fail("unexpected end"),
                .@"error" => return p.fail(token.raw),
                .not => not = true,
                // The lexer puts exactly one rune in these tokens.
                .range_lo => lo = gotext.decode(token.raw).code,
                .range_hi => {
                    hi = gotext.decode(token.raw).code;
                    if (hi < lo) {
                        var b1: [4]u8 = undefined;
                        var b2: [4]u8 = undefined;
                        return p.failFmt("hi character '{s}' should be greater than lo '{s}'", .{ gotext.encode(hi, &b1), gotext.encode(lo, &b2) });
                    }
                },
                .text => chars = token.raw,
                .range_close => {
                    const is_range = lo != 0 and hi != 0;
                    const is_chars = chars.len > 0;
                    if (is_chars == is_range) return p.fail("could not parse range");
                    const value: Node = if (is_range)
                        .{ .kind = .range, .lo = lo, .hi = hi, .not = not }
                    else
                        .{ .kind = .list, .chars = chars, .not = not };
                    return tree.insert(p.allocator, &.{try p.node(value)});
                },
                else => {},
            }
        }
    }
};

/// syntax.Parse: the pattern's tree, a pattern node at the root.
pub fn parse(allocator: Allocator, pattern: []const u8, diagnostic: *Diagnostic) Error!*Node {
    var p: Parser = .{ .allocator = allocator, .lexer = .{ .allocator = allocator, .data = pattern }, .diagnostic = diagnostic };
    const root = try Node.create(allocator, .{ .kind = .pattern });
    try p.parseMain(root);
    return root;
}

/// glob.QuoteMeta: a backslash before each special byte.
pub fn quoteMeta(allocator: Allocator, s: []const u8) Allocator.Error![]const u8 {
    var out: std.ArrayList(u8) = .empty;
    try out.ensureTotalCapacity(allocator, s.len);
    for (s) |c| {
        switch (c) {
            '*', '?', '\\', '[', ']', '{', '}' => try out.append(allocator, '\\'),
            else => {},
        }
        try out.append(allocator, c);
    }
    return out.items;
}

const testing = std.testing;

fn expectTree(pattern: []const u8, want: []const u8) !void {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    var diagnostic: Diagnostic = .{};
    const root = try parse(arena.allocator(), pattern, &diagnostic);
    var out: std.ArrayList(u8) = .empty;
    try describe(arena.allocator(), &out, root);
    try testing.expectEqualStrings(want, out.items);
}

fn describe(allocator: Allocator, out: *std.ArrayList(u8), node: *const Node) !void {
    try out.appendSlice(allocator, @tagName(node.kind));
    switch (node.kind) {
        .text, .list => try out.print(allocator, "({s}{s})", .{ if (node.not) "!" else "", node.chars }),
        .range => try out.print(allocator, "({s}{u}-{u})", .{ if (node.not) "!" else "", node.lo, node.hi }),
        else => {},
    }
    if (node.children.items.len == 0) return;
    try out.append(allocator, '[');
    for (node.children.items, 0..) |child, i| {
        if (i > 0) try out.append(allocator, ',');
        try describe(allocator, out, child);
    }
    try out.append(allocator, ']');
}

fn expectError(pattern: []const u8, want: []const u8) !void {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    var diagnostic: Diagnostic = .{};
    try testing.expectError(error.InvalidPattern, parse(arena.allocator(), pattern, &diagnostic));
    try testing.expectEqualStrings(want, diagnostic.message);
}

test "parse builds gobwas trees" {
    try expectTree("a*b", "pattern[text(a),any,text(b)]");
    try expectTree("**?", "pattern[super,single]");
    try expectTree("[!a-z][abc]", "pattern[range(!a-z),list(abc)]");
    try expectTree("{a,b*}c", "pattern[any_of[pattern[text(a)],pattern[text(b),any]],text(c)]");
    try expectTree("x{a", "pattern[text(x),any_of[pattern[text(a)]]]");
    try expectTree("a,b}\\*", "pattern[text(a,b}*)]");
    try expectTree("a\x00b*", "pattern[text(a),text(b),any]");
    try expectTree("*\x00b", "pattern[any]");
}

test "parse errors read as gobwas'" {
    try expectError("[", "unexpected end of input");
    try expectError("[a", "unexpected end of input");
    try expectError("[a-bc]", "expected close range character");
    try expectError("[]", "could not parse range");
    try expectError("[z-a]", "hi character 'a' should be greater than lo 'z'");
    try expectError("a\xffb", "could not read rune");
    try expectError("\u{fffd}", "could not read rune");
    try expectError("{" ** (max_nesting + 1), "pattern too complex");
    try expectError("*a" ** (max_nodes / 2 + 1), "pattern too complex");
}

test "quoteMeta escapes the special bytes" {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    try testing.expectEqualStrings("\\*.github.com\\{\\}\\[\\]\\?\\\\,!", try quoteMeta(arena.allocator(), "*.github.com{}[]?\\,!"));
}
