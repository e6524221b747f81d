//! Whether two globs have a non-empty intersection, answered as OPA's
//! regex.globs_match answers it: a port of github.com/yashtewari/glob-intersection
//! v0.2.0 (tokenizer, simplification, prefix/suffix trimming and the
//! recursive intersection walk, heuristics and error messages included).
//!
//! Globs know '.', '+', '*', '[...]' sets with ranges, and '\' escapes.
//! The original walk is exponential in the number of '+' and '*'; this one
//! memoizes its (pure) steps, which keeps the answers and makes it polynomial.
const std = @import("std");
const Allocator = std.mem.Allocator;
const class = @import("class.zig");
const utf8 = @import("utf8.zig");
const gofmt = @import("gofmt.zig");

pub const Error = error{ OutOfMemory, InvalidGlob };

/// Recursion guard: each level needs a '+' or '*', so only globs with
/// thousands of them reach it (reported as an invalid glob).
const max_depth = 10_000;

const Kind = enum(u8) { character, dot, set };
const Flag = enum(u8) { none, plus, star };

const Token = struct {
    kind: Kind,
    flag: Flag = .none,
    rune: u32 = 0,
    /// Clean [lo, hi] ranges of a set.
    set: []const u32 = &.{},

    /// Same token, flags aside.
    fn equal(a: Token, b: Token) bool {
        if (a.kind != b.kind) return false;
        return switch (a.kind) {
            .character => a.rune == b.rune,
            .dot => true,
            .set => std.mem.eql(u32, a.set, b.set),
        };
    }
};

/// Whether single tokens can match a common rune, flags aside (gintersect.Match).
fn match(x: Token, y: Token) bool {
    const a, const b = if (@intFromEnum(x.kind) > @intFromEnum(y.kind)) .{ y, x } else .{ x, y };
    return switch (a.kind) {
        .character => switch (b.kind) {
            .character => a.rune == b.rune,
            .dot => true,
            .set => class.contains(b.set, a.rune),
        },
        .dot => true,
        .set => setsIntersect(a.set, b.set),
    };
}

fn setsIntersect(a: []const u32, b: []const u32) bool {
    var i: usize = 0;
    var j: usize = 0;
    while (i < a.len and j < b.len) {
        if (a[i + 1] < b[j]) {
            i += 2;
        } else if (b[j + 1] < a[i]) {
            j += 2;
        } else {
            return true;
        }
    }
    return false;
}

/// Whether some non-empty string matches both globs (gintersect.NonEmpty).
/// On error.InvalidGlob, `message` holds the library's error text.
pub fn nonEmpty(arena: Allocator, lhs: []const u8, rhs: []const u8, message: *std.ArrayList(u8)) Error!bool {
    const g1 = try newGlob(arena, lhs, message);
    const g2 = try newGlob(arena, rhs, message);
    const trimmed = trimGlobs(g1, g2) orelse return false;
    var walk: Walk = .{ .globs = .{ trimmed[0], trimmed[1] }, .memo = .init(arena) };
    return walk.normal(0, 0, 0) catch |err| switch (err) {
        error.TooDeep => {
            message.clearRetainingCapacity();
            try message.appendSlice(arena, "glob intersection too complex: too many flags");
            return error.InvalidGlob;
        },
        error.OutOfMemory => error.OutOfMemory,
    };
}

// Tokenizing. Positions count runes, as the library works on []rune.

const Lexer = struct {
    arena: Allocator,
    input: []const u32,
    message: *std.ArrayList(u8),

    const Rune = struct { next: usize, rune: u32, escaped: bool };

    /// The rune at `index` with its escape, null at the end.
    fn nextRune(lx: *Lexer, index: usize) Error!?Rune {
        if (index >= lx.input.len) return null;
        if (lx.input[index] == '\\') {
            if (index + 1 < lx.input.len) return .{ .next = index + 2, .rune = lx.input[index + 1], .escaped = true };
            return lx.fail(index, "input ends with a \\ (escape) character: %w", &.{});
        }
        return .{ .next = index + 1, .rune = lx.input[index], .escaped = false };
    }

    fn nextToken(lx: *Lexer, index: usize) Error!?struct { usize, Token } {
        const r = (try lx.nextRune(index)) orelse return null;
        var next = r.next;
        var token: Token = .{ .kind = .character, .rune = r.rune };
        if (!r.escaped) switch (r.rune) {
            '.' => token = .{ .kind = .dot },
            ']' => return lx.fail(next, "set-close ']' with no preceding '[': %w", &.{}),
            '[' => {
                const set = try lx.nextTokenSet(next);
                next = set[0];
                token = set[1];
            },
            '+', '*' => {
                var buf: [4]u8 = undefined;
                const flag = buf[0..utf8.encode(r.rune, &buf)];
                return lx.fail(next, "flag '%s' must be preceded by a non-flag: %w", &.{flag});
            },
            else => {},
        };
        // An optional flag.
        if (try lx.nextRune(next)) |f| {
            if (!f.escaped and (f.rune == '+' or f.rune == '*')) {
                token.flag = if (f.rune == '+') .plus else .star;
                next = f.next;
            }
        }
        return .{ next, token };
    }

    fn nextTokenSet(lx: *Lexer, index: usize) Error!struct { usize, Token } {
        var runes: class.List = .empty;
        var prev: u32 = 0;
        var prev_exists = false;
        var next = index;
        while (try lx.nextRune(next)) |r_in| {
            var r = r_in;
            next = r.next;
            if (!r.escaped) switch (r.rune) {
                '-' => {
                    if (!prev_exists) return lx.fail(next, "range character '-' must be preceded by a Unicode character: %w", &.{});
                    if (next + 1 >= lx.input.len) return lx.fail(next, "range character '-' must be followed by a Unicode character: %w", &.{});
                    r = (try lx.nextRune(next)).?; // two runes remain
                    next = r.next;
                    if (!r.escaped and (r.rune == ']' or r.rune == '-')) {
                        return lx.fail(next, "range character '-' cannot be followed by a special symbol: %w", &.{});
                    }
                    if (r.rune < prev) {
                        var b1: [4]u8 = undefined;
                        var b2: [4]u8 = undefined;
                        return lx.fail(next, "range is out of order: '%s' comes before '%s' in Unicode: %w", &.{
                            b1[0..utf8.encode(r.rune, &b1)], b2[0..utf8.encode(prev, &b2)],
                        });
                    }
                    try class.appendRange(lx.arena, &runes, prev, r.rune);
                    prev_exists = false;
                    continue;
                },
                ']' => {
                    class.clean(&runes);
                    return .{ next, .{ .kind = .set, .set = runes.items } };
                },
                else => {},
            };
            try class.appendRange(lx.arena, &runes, r.rune, r.rune);
            prev = r.rune;
            prev_exists = true;
        }
        return lx.fail(next, "found [ without matching ]: %w", &.{});
    }

    /// Records the library's error: fmt.Errorf("input:<input>, pos:<index>, " + format, args..., ErrInvalidInput).
    fn fail(lx: *Lexer, index: usize, comptime format: []const u8, args: []const []const u8) Error {
        var text: std.ArrayList(u8) = .empty;
        try text.appendSlice(lx.arena, "input:");
        for (lx.input) |r| {
            var buf: [4]u8 = undefined;
            try text.appendSlice(lx.arena, buf[0..utf8.encode(r, &buf)]);
        }
        try text.print(lx.arena, ", pos:{d}, " ++ format, .{index});
        // The input is part of the format: a '%' in it is a verb, as in the library.
        var fmt_args: [3]gofmt.Arg = undefined;
        for (args, 0..) |a, i| fmt_args[i] = .{ .string = a };
        fmt_args[args.len] = .{ .err = invalid_input };
        lx.message.clearRetainingCapacity();
        try gofmt.errorf(lx.arena, lx.message, text.items, fmt_args[0 .. args.len + 1]);
        return error.InvalidGlob;
    }
};

const invalid_input = "the input provided is invalid";

/// Tokenizes and simplifies a glob (gintersect.NewGlob).
fn newGlob(arena: Allocator, input: []const u8, message: *std.ArrayList(u8)) Error![]Token {
    // As Go's []rune(string): each invalid byte becomes U+FFFD.
    var runes: std.ArrayList(u32) = .empty;
    var i: usize = 0;
    while (i < input.len) {
        const d = utf8.decode(input[i..]);
        try runes.append(arena, d.rune);
        i += d.width;
    }
    var lx: Lexer = .{ .arena = arena, .input = runes.items, .message = message };
    var tokens: std.ArrayList(Token) = .empty;
    var index: usize = 0;
    while (try lx.nextToken(index)) |next| {
        index = next[0];
        try tokens.append(arena, next[1]);
    }
    return simplify(tokens.items);
}

/// Merges adjacent flagged copies of a token: t*t* is t*, and t+t* or t*t+ is t+.
fn simplify(tokens: []Token) []Token {
    if (tokens.len == 0) return tokens;
    var n: usize = 1;
    var latest = tokens[0];
    for (tokens[1..]) |t| {
        if (t.flag != .none and latest.flag != .none and t.equal(latest)) {
            const flag: Flag = if (t.flag == .plus or latest.flag == .plus) .plus else .star;
            tokens[n - 1].flag = flag;
            latest.flag = flag;
            continue;
        }
        latest = t;
        tokens[n] = t;
        n += 1;
    }
    return tokens[0..n];
}

/// Drops matching unflagged prefixes and suffixes, keeping one token of
/// each; null when they cannot match.
fn trimGlobs(g1: []const Token, g2: []const Token) ?[2][]const Token {
    var l: usize = 0;
    while (l < g1.len and l < g2.len and g1[l].flag == .none and g2[l].flag == .none) : (l += 1) {
        if (!match(g1[l], g2[l])) return null;
    }
    if (l > 0) l -= 1;
    var r1: isize = @as(isize, @intCast(g1.len)) - 1;
    var r2: isize = @as(isize, @intCast(g2.len)) - 1;
    const li: isize = @intCast(l);
    while (r1 >= 0 and r1 >= li and r2 >= 0 and r2 >= li and
        g1[@intCast(r1)].flag == .none and g2[@intCast(r2)].flag == .none) : ({
        r1 -= 1;
        r2 -= 1;
    }) {
        if (!match(g1[@intCast(r1)], g2[@intCast(r2)])) return null;
    }
    if (r1 < @as(isize, @intCast(g1.len)) - 1) {
        r1 += 1;
        r2 += 1;
    }
    return .{ g1[l..@intCast(r1 + 1)], g2[l..@intCast(r2 + 1)] };
}

/// The library's intersection walk over suffixes of the two trimmed globs,
/// memoized. A step is named by its function, which glob plays the first
/// role, and the start of each suffix.
const Walk = struct {
    globs: [2][]const Token,
    memo: std.AutoHashMap(u64, bool),
    depth: usize = 0,

    const Fn = enum(u2) { normal, plus, star };
    const WalkError = error{ OutOfMemory, TooDeep };

    fn key(f: Fn, first: u1, i: usize, j: usize) u64 {
        return (@as(u64, @intFromEnum(f)) << 62) | (@as(u64, first) << 61) |
            (@as(u64, @intCast(i)) << 30) | @as(u64, @intCast(j));
    }

    fn memoized(w: *Walk, f: Fn, first: u1, i: usize, j: usize) WalkError!bool {
        const k = key(f, first, i, j);
        if (w.memo.get(k)) |v| return v;
        if (w.depth >= max_depth) return error.TooDeep;
        w.depth += 1;
        defer w.depth -= 1;
        const v = switch (f) {
            .normal => try w.normalStep(first, i, j),
            .plus => try w.plusStep(first, i, j),
            .star => try w.starStep(first, i, j),
        };
        try w.memo.put(k, v);
        return v;
    }

    /// intersectNormal(globs[first][i..], globs[1-first][j..]).
    fn normal(w: *Walk, first: u1, i: usize, j: usize) WalkError!bool {
        return w.memoized(.normal, first, i, j);
    }

    fn normalStep(w: *Walk, first: u1, i_in: usize, j_in: usize) WalkError!bool {
        const g1 = w.globs[first];
        const g2 = w.globs[1 - first];
        var i = i_in;
        var j = j_in;
        while (i < g1.len and j < g2.len) : ({
            i += 1;
            j += 1;
        }) {
            if (g1[i].flag == .none and g2[j].flag == .none) {
                if (!match(g1[i], g2[j])) return false;
            } else {
                // intersectSpecial: the first glob's flag takes precedence.
                if (g1[i].flag != .none) {
                    return w.memoized(if (g1[i].flag == .plus) .plus else .star, first, i, j);
                }
                return w.memoized(if (g2[j].flag == .plus) .plus else .star, 1 - first, j, i);
            }
        }
        return i == g1.len and j == g2.len;
    }

    /// intersectPlus(globs[p][i..], other[j..]): plussed[0] must take at least one token.
    fn plusStep(w: *Walk, p: u1, i: usize, j: usize) WalkError!bool {
        const plussed = w.globs[p][i..];
        const other = w.globs[1 - p][j..];
        if (!match(plussed[0], other[0])) return false;
        if (try w.memoized(.star, p, i, j + 1)) return true;
        return other[0].flag != .none and try w.normal(p, i + 1, j);
    }

    /// intersectStar(globs[s][i..], other[j..]): starred[0] takes tokens of
    /// other until the rest intersects with starred[1..].
    fn starStep(w: *Walk, s: u1, i: usize, j: usize) WalkError!bool {
        const starred = w.globs[s][i..];
        const other = w.globs[1 - s];
        const star_token = starred[0];
        const next_token: ?Token = if (starred.len > 1) starred[1] else null;
        var k = j;
        while (k < other.len) : (k += 1) {
            const t = other[k];
            if (next_token != null and match(t, next_token.?)) {
                if (try w.normal(s, i + 1, k)) return true;
                if (!match(t, star_token)) return false;
            } else if (!match(t, star_token)) {
                return false;
            }
        }
        return next_token == null;
    }
};

test "globs intersect as the library decides" {
    var arena_state: std.heap.ArenaAllocator = .init(std.testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    var message: std.ArrayList(u8) = .empty;
    const cases = [_]struct { []const u8, []const u8, bool }{
        .{ "a.a.", ".b.b", true },
        .{ "[a-z]+", "[0-9]*", false },
        .{ "a.a.[0-9]+z", ".b.b2359825792*594823z", true },
        .{ "b.*", "bar", true },
        .{ "b.*", "car", false },
        .{ "[a-z]+\\[[0-9]+\\]", "foo\\[1\\]", true },
        .{ "[a-z]+\\[[0-9]+\\]", "foo[\"bar\"]", false },
        .{ "", "", true },
        .{ "", "a", false },
        .{ "a*", "", false },
        .{ "[]", ".", true },
        .{ "a+b+c+d+e+f+g+h+i+j+k+l+m+n+o+p+", ".*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*q", false },
    };
    for (cases) |c| {
        const got = try nonEmpty(arena, c[0], c[1], &message);
        std.testing.expectEqual(c[2], got) catch |err| {
            std.debug.print("globs {s} {s}\n", .{ c[0], c[1] });
            return err;
        };
    }
}

test "glob errors carry the library's text" {
    var arena_state: std.heap.ArenaAllocator = .init(std.testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    var message: std.ArrayList(u8) = .empty;
    const cases = [_]struct { []const u8, []const u8 }{
        .{ "pqrs]", "input:pqrs], pos:5, set-close ']' with no preceding '[': the input provided is invalid" },
        .{ "+a", "input:+a, pos:1, flag '+' must be preceded by a non-flag: the input provided is invalid" },
        .{ "a\\", "input:a\\, pos:1, input ends with a \\ (escape) character: the input provided is invalid" },
        .{ "[a", "input:[a, pos:2, found [ without matching ]: the input provided is invalid" },
        .{ "[-a]", "input:[-a], pos:2, range character '-' must be preceded by a Unicode character: the input provided is invalid" },
        .{ "[z-a]", "input:[z-a], pos:4, range is out of order: 'a' comes before 'z' in Unicode: the input provided is invalid" },
        .{ "[a-]", "input:[a-], pos:3, range character '-' must be followed by a Unicode character: the input provided is invalid" },
        // A '%' in the input is a verb of the library's Errorf (checked against OPA).
        .{ "%d]", "input:&{%!d(string=the input provided is invalid)}], pos:3, set-close ']' with no preceding '[': %!w(MISSING)" },
        .{ "a%s%q]", "input:athe input provided is invalid%!q(MISSING)], pos:6, set-close ']' with no preceding '[': %!w(MISSING)" },
        .{ "%%]", "input:%], pos:3, set-close ']' with no preceding '[': the input provided is invalid" },
    };
    for (cases) |c| {
        try std.testing.expectError(error.InvalidGlob, nonEmpty(arena, c[0], "a", &message));
        try std.testing.expectEqualStrings(c[1], message.items);
    }
}
