//! Rewrites counted repetitions into stars, pluses and quests, as Go's
//! Regexp.Simplify does (x{2,5} becomes xx(x(x(x)?)?)?): the compiler only
//! knows the simple operators. Subtrees may end up shared.
const std = @import("std");
const Allocator = std.mem.Allocator;
const ast = @import("ast.zig");
const Node = ast.Node;
const Op = ast.Op;

/// Simplifies the tree without recursion (legal trees are up to ~1000
/// levels deep, and a thread's stack may be small).
pub fn simplify(arena: Allocator, root: *Node) Allocator.Error!*Node {
    const Work = struct {
        node: *Node,
        /// Children simplified so far.
        child: usize = 0,
        /// Copy of a capture/concat/alternate, made once a child changes.
        copy: ?*Node = null,
        /// The simplified child of star/plus/quest/repeat.
        sub: ?*Node = null,
    };
    var stack: std.ArrayList(Work) = .empty;
    defer stack.deinit(arena);
    try stack.append(arena, .{ .node = root });
    while (true) {
        const top = &stack.items[stack.items.len - 1];
        const node = top.node;
        var done: *Node = node;
        switch (node.op) {
            .capture, .concat, .alternate, .star, .plus, .quest, .repeat => {
                if (node.op == .repeat and node.min == 0 and node.max == 0) {
                    // x{0} matches the empty string and need not even look at x.
                    done = try newNode(arena, .empty_match, 0);
                } else if (top.child < node.subs.items.len) {
                    try stack.append(arena, .{ .node = node.subs.items[top.child] });
                    continue;
                } else {
                    done = switch (node.op) {
                        .capture, .concat, .alternate => top.copy orelse node,
                        .star, .plus, .quest => try simplify1(arena, node.op, node.flags, top.sub.?, node),
                        else => try simplifyRepeat(arena, node, top.sub.?),
                    };
                }
            },
            else => {},
        }
        _ = stack.pop();
        if (stack.items.len == 0) return done;
        const parent = &stack.items[stack.items.len - 1];
        switch (parent.node.op) {
            .capture, .concat, .alternate => {
                const i = parent.child;
                // Copy the node only when a child changes.
                if (parent.copy == null and done != parent.node.subs.items[i]) {
                    const p = parent.node;
                    const c = try arena.create(Node);
                    c.* = .{ .op = p.op, .flags = p.flags, .min = p.min, .max = p.max, .cap = p.cap, .name = p.name };
                    try c.subs.appendSlice(arena, p.subs.items[0..i]);
                    parent.copy = c;
                }
                if (parent.copy) |c| try c.subs.append(arena, done);
            },
            else => parent.sub = done,
        }
        parent.child += 1;
    }
}

/// x{n,m} with an already simple x.
fn simplifyRepeat(arena: Allocator, node: *Node, sub: *Node) Allocator.Error!*Node {
    if (node.max == -1) {
        if (node.min == 0) return simplify1(arena, .star, node.flags, sub, null);
        if (node.min == 1) return simplify1(arena, .plus, node.flags, sub, null);
        // x{4,} is xxxx+.
        const c = try newNode(arena, .concat, 0);
        for (0..@intCast(node.min - 1)) |_| try c.subs.append(arena, sub);
        try c.subs.append(arena, try simplify1(arena, .plus, node.flags, sub, null));
        return c;
    }
    if (node.min == 1 and node.max == 1) return sub;
    // x{n,m} is n copies of x, then m-n nested optional copies:
    // x{2,5} is xx(x(x(x)?)?)?, which the machine runs with less work.
    var prefix: ?*Node = null;
    if (node.min > 0) {
        const c = try newNode(arena, .concat, 0);
        for (0..@intCast(node.min)) |_| try c.subs.append(arena, sub);
        prefix = c;
    }
    if (node.max > node.min) {
        var suffix = try simplify1(arena, .quest, node.flags, sub, null);
        var i = node.min + 1;
        while (i < node.max) : (i += 1) {
            const c = try newNode(arena, .concat, 0);
            try c.subs.appendSlice(arena, &.{ sub, suffix });
            suffix = try simplify1(arena, .quest, node.flags, c, null);
        }
        const pre = prefix orelse return suffix;
        try pre.subs.append(arena, suffix);
    }
    // min > max (impossible after parsing) cannot match.
    return prefix orelse newNode(arena, .no_match, 0);
}

fn newNode(arena: Allocator, op: Op, flags: ast.Flags) Allocator.Error!*Node {
    const node = try arena.create(Node);
    node.* = .{ .op = op, .flags = flags };
    return node;
}

/// `op` (star, plus or quest) of an already simple `sub`; returns `original`
/// when that is what it would build.
fn simplify1(arena: Allocator, op: Op, flags: ast.Flags, sub: *Node, original: ?*Node) Allocator.Error!*Node {
    // The empty string repeated is the empty string.
    if (sub.op == .empty_match) return sub;
    // The operators are idempotent when greediness agrees.
    if (op == sub.op and flags & ast.non_greedy == sub.flags & ast.non_greedy) return sub;
    if (original) |o| {
        if (o.op == op and o.flags & ast.non_greedy == flags & ast.non_greedy and sub == o.sub0()) return o;
    }
    const node = try newNode(arena, op, flags);
    try node.subs.append(arena, sub);
    return node;
}
