//! github.com/gobwas/glob v0.2.3's compiler: from the syntax tree to
//! matchers, with its tree minimization (common prefixes and suffixes of
//! alternatives), matcher gluing (runs of *, ? and [!...] become Min, Max,
//! Contains; fixed-length runs become Row) and the binary trees built around
//! the longest fixed-length matcher. Ported as is: which matchers it builds
//! decides glob.match's answers, bugs included.
const std = @import("std");
const Allocator = std.mem.Allocator;
const syntax = @import("syntax.zig");
const match = @import("match.zig");
const strings = @import("../../builtins/strings.zig");

const Node = syntax.Node;
const Matcher = match.Matcher;
const no_len = match.no_len;

pub const Error = Allocator.Error;

const Compiler = struct {
    allocator: Allocator,
    separators: []const u21,

    fn text(c: *const Compiler, s: []const u8) Matcher {
        _ = c;
        return .{ .text = .{ .str = s, .runes = strings.runeCount(s) } };
    }

    fn runes(c: *const Compiler, s: []const u8) Error![]const u21 {
        var out: std.ArrayList(u21) = .empty;
        var i: usize = 0;
        while (i < s.len) {
            const d = strings.decodeRune(s[i..]);
            try out.append(c.allocator, d.code);
            i += d.len;
        }
        return out.items;
    }

    fn runesText(c: *const Compiler, rs: []const u21) Error![]const u8 {
        var out: std.ArrayList(u8) = .empty;
        for (rs) |r| try strings.appendRune(&out, c.allocator, r);
        return out.items;
    }

    fn compile(c: *Compiler, tree: *Node) Error!Matcher {
        const m: Matcher = switch (tree.kind) {
            .any_of => {
                if (try c.minimizeTree(tree)) |n| return c.compile(n);
                return .{ .any_of = try c.compileChildren(tree) };
            },
            .pattern => blk: {
                if (tree.children.items.len == 0) return .nothing;
                const children = try c.compileChildren(tree);
                break :blk try c.compileMatchers(try c.minimizeMatchers(children));
            },
            .any => .{ .any = c.separators },
            .super => .super,
            .single => .{ .single = c.separators },
            .nothing => .nothing,
            .list => .{ .list = .{ .runes = try c.runes(tree.chars), .not = tree.not } },
            .range => .{ .range = .{ .lo = tree.lo, .hi = tree.hi, .not = tree.not } },
            .text => c.text(tree.chars),
        };
        return c.optimize(m);
    }

    fn compileChildren(c: *Compiler, tree: *Node) Error![]Matcher {
        const out = try c.allocator.alloc(Matcher, tree.children.items.len);
        for (tree.children.items, out) |child, *m| m.* = try c.optimize(try c.compile(child));
        return out;
    }

    /// optimizeMatcher.
    fn optimize(c: *Compiler, m: Matcher) Error!Matcher {
        switch (m) {
            .any => |separators| if (separators.len == 0) return .super,
            .any_of => |matchers| if (matchers.len == 1) return matchers[0],
            .list => |l| if (!l.not and l.runes.len == 1) return c.text(try c.runesText(l.runes)),
            .btree => |b| {
                // The copy keeps the lengths NewBTree computed.
                const copy = try c.allocator.create(match.BTree);
                copy.* = b.*;
                if (copy.left) |left| copy.left = try c.optimize(left);
                if (copy.right) |right| copy.right = try c.optimize(right);
                const r = switch (copy.value) {
                    .text => |t| t.str,
                    else => return .{ .btree = copy },
                };
                const left: ?Matcher = copy.left;
                const right: ?Matcher = copy.right;
                if (left == null and right == null) return c.text(r);
                const left_super = left != null and left.? == .super;
                const right_super = right != null and right.? == .super;
                if (left_super and right_super) return .{ .contains = .{ .needle = r, .not = false } };
                if (left_super and right == null) return .{ .suffix = r };
                if (right_super and left == null) return .{ .prefix = r };
                if (left == null and right.? == .suffix) return .{ .prefix_suffix = .{ .prefix = r, .suffix = right.?.suffix } };
                if (right == null and left.? == .prefix) return .{ .prefix_suffix = .{ .prefix = left.?.prefix, .suffix = r } };
                if (right == null and left.? == .any) return .{ .suffix_any = .{ .suffix = r, .separators = left.?.any } };
                if (left == null and right.? == .any) return .{ .prefix_any = .{ .prefix = r, .separators = right.?.any } };
                return .{ .btree = copy };
            },
            else => {},
        }
        return m;
    }

    /// compileMatchers: glued if possible, else a tree around the longest
    /// fixed-length matcher (the last of the longest).
    fn compileMatchers(c: *Compiler, matchers: []const Matcher) Error!Matcher {
        std.debug.assert(matchers.len > 0);
        if (matchers.len == 1) return matchers[0];
        if (try c.glue(matchers)) |m| return m;
        var best: ?usize = null;
        var max_len: isize = -1;
        for (matchers, 0..) |m, i| {
            const l = m.len();
            if (l != no_len and l >= max_len) {
                max_len = l;
                best = i;
            }
        }
        const idx = best orelse return match.newBTree(c.allocator, matchers[0], null, try c.compileMatchers(matchers[1..]));
        const left = if (idx > 0) try c.compileMatchers(matchers[0..idx]) else null;
        const right = if (idx + 1 < matchers.len) try c.compileMatchers(matchers[idx + 1 ..]) else null;
        return match.newBTree(c.allocator, matchers[idx], left, right);
    }

    fn glue(c: *Compiler, matchers: []const Matcher) Error!?Matcher {
        if (try c.glueAsEvery(matchers)) |m| return m;
        return glueAsRow(matchers);
    }

    /// The length of what `glue` would make of `matchers`, without making
    /// it (minimizeMatchers tries every sub-run): null when nothing glues.
    fn gluedLen(matchers: []const Matcher) ?isize {
        if (everyShape(matchers)) |shape| {
            return switch (shape.result()) {
                .super, .any, .min => no_len,
                // EveryOf.Len: no_len unless it holds nothing.
                .every => if (shape.min == 0 and shape.separator.len == 0) 0 else no_len,
            };
        }
        const row = glueAsRow(matchers) orelse return null;
        return row.len();
    }

    fn glueAsRow(matchers: []const Matcher) ?Matcher {
        if (matchers.len <= 1) return null;
        var total: usize = 0;
        for (matchers) |m| {
            const l = m.len();
            if (l == no_len) return null;
            total += @intCast(l);
        }
        // The slice is never changed once built: no copy needed.
        return .{ .row = .{ .matchers = matchers, .runes = total } };
    }

    /// What glueMatchersAsEvery sees in a run of *, **, ? and [!...]
    /// sharing separators (a negated list's characters count as its
    /// separators).
    const EveryShape = struct {
        has_any: bool = false,
        has_super: bool = false,
        has_single: bool = false,
        min: usize = 0,
        separator: []const u21 = &.{},

        fn result(shape: EveryShape) enum { super, any, min, every } {
            if (shape.has_super and !shape.has_any and !shape.has_single) return .super;
            if (shape.has_any and !shape.has_super and !shape.has_single) return .any;
            if ((shape.has_any or shape.has_super) and shape.min > 0 and shape.separator.len == 0) return .min;
            return .every;
        }
    };

    fn everyShape(matchers: []const Matcher) ?EveryShape {
        if (matchers.len <= 1) return null;
        var shape: EveryShape = .{};
        for (matchers, 0..) |m, i| {
            const sep: []const u21 = switch (m) {
                .super => blk: {
                    shape.has_super = true;
                    break :blk &.{};
                },
                .any => |s| blk: {
                    shape.has_any = true;
                    break :blk s;
                },
                .single => |s| blk: {
                    shape.has_single = true;
                    shape.min += 1;
                    break :blk s;
                },
                .list => |l| blk: {
                    if (!l.not) return null;
                    shape.has_single = true;
                    shape.min += 1;
                    break :blk l.runes;
                },
                else => return null,
            };
            if (i == 0) shape.separator = sep;
            if (!std.mem.eql(u21, sep, shape.separator)) return null;
        }
        return shape;
    }

    /// glueMatchersAsEvery.
    fn glueAsEvery(c: *Compiler, matchers: []const Matcher) Error!?Matcher {
        const shape = everyShape(matchers) orelse return null;
        switch (shape.result()) {
            .super => return .super,
            .any => return .{ .any = shape.separator },
            .min => return .{ .min = shape.min },
            .every => {},
        }
        var every: std.ArrayList(Matcher) = .empty;
        if (shape.min > 0) {
            try every.append(c.allocator, .{ .min = shape.min });
            if (!shape.has_any and !shape.has_super) try every.append(c.allocator, .{ .max = shape.min });
        }
        if (shape.separator.len > 0) try every.append(c.allocator, .{ .contains = .{ .needle = try c.runesText(shape.separator), .not = true } });
        return .{ .every_of = every.items };
    }

    /// minimizeMatchers: repeatedly glues the best run (longest fixed
    /// length, else most matchers).
    fn minimizeMatchers(c: *Compiler, input: []const Matcher) Error![]const Matcher {
        var matchers = input;
        while (true) {
            var done_len: ?isize = null;
            var left: usize = 0;
            var right: usize = 0;
            var count: usize = 0;
            for (0..matchers.len) |l| {
                var r = matchers.len;
                while (r > l) : (r -= 1) {
                    const gl = gluedLen(matchers[l..r]) orelse continue;
                    var swap = true;
                    if (done_len) |cl| swap = (cl > -1 and gl > -1 and gl > cl) or count < r - l;
                    if (swap) {
                        done_len = gl;
                        left = l;
                        right = r;
                        count = r - l;
                    }
                }
            }
            if (done_len == null) return matchers;
            const d = (try c.glue(matchers[left..right])).?; // gluedLen found it gluable.
            var next: std.ArrayList(Matcher) = .empty;
            try next.appendSlice(c.allocator, matchers[0..left]);
            try next.append(c.allocator, d);
            try next.appendSlice(c.allocator, matchers[right..]);
            if (next.items.len == matchers.len) return next.items;
            matchers = next.items;
        }
    }

    /// minimizeTree: alternatives that share leading or trailing parts have
    /// them factored out.
    fn minimizeTree(c: *Compiler, tree: *Node) Error!?*Node {
        for (tree.children.items) |child| {
            if (child.kind != .pattern) return null;
        }
        const common = try c.commonChildren(tree.children.items);
        const common_left = common[0];
        const common_right = common[1];
        if (common_left.len == 0 and common_right.len == 0) return null;

        var result: std.ArrayList(*Node) = .empty;
        if (common_left.len > 0) try result.append(c.allocator, try c.newNode(.pattern, common_left));
        var alternatives: std.ArrayList(*Node) = .empty;
        for (tree.children.items) |child| {
            const reuse = child.children.items[common_left.len .. child.children.items.len - common_right.len];
            const node = if (reuse.len == 0) try c.newNode(.nothing, &.{}) else try c.newNode(.pattern, reuse);
            for (alternatives.items) |existing| {
                if (existing.equal(node)) break;
            } else try alternatives.append(c.allocator, node);
        }
        if (alternatives.items.len == 1 and alternatives.items[0].kind != .nothing) {
            try result.append(c.allocator, alternatives.items[0]);
        } else if (alternatives.items.len > 1) {
            try result.append(c.allocator, try c.newNode(.any_of, alternatives.items));
        }
        if (common_right.len > 0) try result.append(c.allocator, try c.newNode(.pattern, common_right));
        return try c.newNode(.pattern, result.items);
    }

    fn newNode(c: *Compiler, kind: syntax.Kind, children: []const *Node) Error!*Node {
        const node = try Node.create(c.allocator, .{ .kind = kind });
        try node.insert(c.allocator, children);
        return node;
    }

    /// commonChildren: the children every alternative starts with and ends
    /// with, compared against the alternative with the fewest (the first of
    /// those).
    fn commonChildren(c: *Compiler, nodes: []const *Node) Error!struct { []const *Node, []const *Node } {
        if (nodes.len <= 1) return .{ &.{}, &.{} };
        var idx: usize = 0;
        for (nodes, 0..) |n, i| {
            if (n.children.items.len < nodes[idx].children.items.len) idx = i;
        }
        const tree = nodes[idx].children.items;
        const tree_len = tree.len;
        var common_left: std.ArrayList(*Node) = .empty;
        const common_right = try c.allocator.alloc(*Node, tree_len);
        var last_right = tree_len;
        var break_left = false;
        var break_right = false;
        var total: usize = 0;
        var i: usize = 0;
        var j: isize = @as(isize, @intCast(tree_len)) - 1;
        while (total < tree_len and j >= 0 and !(break_left and break_right)) : ({
            i += 1;
            j -= 1;
        }) {
            const ju: usize = @intCast(j);
            const tree_left = tree[i];
            const tree_right = tree[ju];
            for (nodes, 0..) |node, k| {
                if (break_left and break_right) break;
                if (k == idx) continue;
                const children = node.children.items;
                const rest_left = children[i];
                const rest_right = children[ju + children.len - tree_len];
                break_left = break_left or !tree_left.equal(rest_left);
                break_right = break_right or (!break_left and ju <= i);
                break_right = break_right or !tree_right.equal(rest_right);
            }
            if (!break_left) {
                total += 1;
                try common_left.append(c.allocator, tree_left);
            }
            if (!break_right) {
                total += 1;
                last_right = ju;
                common_right[ju] = tree_right;
            }
        }
        return .{ common_left.items, common_right[last_right..] };
    }
};

/// compiler.Compile: the matcher for a parsed pattern; `separators` are what
/// `*` and `?` do not match.
pub fn compile(allocator: Allocator, tree: *Node, separators: []const u21) Error!Matcher {
    var c: Compiler = .{ .allocator = allocator, .separators = separators };
    return c.compile(tree);
}

const testing = std.testing;

fn expectMatch(pattern: []const u8, separators: []const u21, input: []const u8, want: bool) !void {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    const a = arena.allocator();
    var diagnostic: syntax.Diagnostic = .{};
    const tree = try syntax.parse(a, pattern, &diagnostic);
    const m = try compile(a, tree, separators);
    var machine: match.Machine = .{ .allocator = a };
    testing.expectEqual(want, try machine.match(m, input)) catch |err| {
        std.debug.print("{s} ~ {s}\n", .{ pattern, input });
        return err;
    };
}

test "compiled globs match as gobwas" {
    const dot = &[_]u21{'.'};
    try expectMatch("*.github.com", dot, "api.github.com", true);
    try expectMatch("*.github.com", dot, "api.cdn.github.com", false);
    try expectMatch("**.github.com", dot, "api.cdn.github.com", true);
    try expectMatch("{a,b}c", &.{}, "bc", true);
    try expectMatch("{abc,abd}", &.{}, "abd", true);
    try expectMatch("[a-c]?[!x]", &.{}, "b9y", true);
    try expectMatch("[a-c]?[!x]", &.{}, "b9x", false);
    try expectMatch("a*b*c", &.{}, "aXbYc", true);
    // gobwas quirks, as OPA v1.19.0 answers.
    try expectMatch("{,}x", &.{}, "x", false);
    try expectMatch("a\x00b", &.{}, "a", false);
}
