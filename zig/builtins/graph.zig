//! Builtins of the graph family (see builtin.zig for the interface):
//! graph.reachable and graph.reachable_paths (v1/topdown/reachable.go).
//! A graph is an object from vertex to its neighbors (an array or a set;
//! anything else counts as no neighbors).
const std = @import("std");
const builtin = @import("builtin.zig");
const value_mod = @import("../value/mod.zig");

const Value = builtin.Value;
const Context = builtin.Context;
const Error = builtin.Error;
const Object = value_mod.Object;
const order = value_mod.order;

pub const builtins: []const builtin.Builtin = &.{
    .{ .name = "graph.reachable", .arity = 2, .func = reachable },
    .{ .name = "graph.reachable_paths", .arity = 2, .func = reachablePaths },
};

/// The vertices of an array or set; none for other values.
fn vertices(v: Value) []const Value {
    return switch (v) {
        .array => |items| items,
        .set => |set| set.items,
        else => &.{},
    };
}

fn operands(ctx: *Context, args: []const Value) Error!struct { *const Object, []const Value } {
    if (args[0] != .object) return ctx.operandError(1, "object", args[0]);
    if (args[1] != .array and args[1] != .set) return ctx.operandError(2, "{array, set}", args[1]);
    return .{ args[0].object, vertices(args[1]) };
}

/// Every vertex of the graph reachable from the initial ones, these included
/// when they are in the graph. Breadth first, as OPA; a vertex already
/// reached is not expanded again (OPA re-expands duplicates in its queue,
/// which changes nothing but the time taken).
fn reachable(ctx: *Context, args: []const Value) Error!Value {
    const graph, const initial = try operands(ctx, args);
    const allocator = ctx.allocator;
    var queue: std.ArrayList(Value) = .empty;
    try queue.appendSlice(allocator, initial);
    var reached: std.ArrayList(Value) = .empty;
    var seen: std.HashMapUnmanaged(Value, void, ValueContext, std.hash_map.default_max_load_percentage) = .empty;
    var head: usize = 0;
    while (head < queue.items.len) : (head += 1) {
        const node = queue.items[head];
        const edges = order.objectGet(graph, node) orelse continue;
        const entry = try seen.getOrPut(allocator, node);
        if (entry.found_existing) continue;
        try reached.append(allocator, node);
        for (vertices(edges)) |neighbor| {
            if (!seen.contains(neighbor)) try queue.append(allocator, neighbor);
        }
    }
    return .{ .set = try order.setFromUnsorted(allocator, reached.items) };
}

const ValueContext = struct {
    pub fn hash(_: ValueContext, v: Value) u64 {
        return order.hash(v);
    }
    pub fn eql(_: ValueContext, a: Value, b: Value) bool {
        return order.equal(a, b);
    }
};

/// Every path from an initial vertex (in the graph) that follows edges until
/// it reaches a vertex without neighbors, a vertex outside the graph (left
/// off the path) or a vertex already on it (left off too).
fn reachablePaths(ctx: *Context, args: []const Value) Error!Value {
    const graph, const initial = try operands(ctx, args);
    var walk: PathWalk = .{ .allocator = ctx.allocator, .graph = graph };
    for (initial) |node| {
        const edges = order.objectGet(graph, node) orelse continue;
        const neighbors = vertices(edges);
        if (neighbors.len == 0) {
            try walk.commit(&.{node});
            continue;
        }
        try walk.path.append(walk.allocator, node);
        for (neighbors) |neighbor| try walk.visit(neighbor);
        walk.path.clearRetainingCapacity();
    }
    return .{ .set = try order.setFromUnsorted(ctx.allocator, walk.paths.items) };
}

const PathWalk = struct {
    allocator: std.mem.Allocator,
    graph: *const Object,
    /// The current path; OPA's `reached` set holds exactly its vertices.
    path: std.ArrayList(Value) = .empty,
    paths: std.ArrayList(Value) = .empty,

    fn commit(walk: *PathWalk, path: []const Value) Error!void {
        try walk.paths.append(walk.allocator, .{ .array = try walk.allocator.dupe(Value, path) });
    }

    fn onPath(walk: *const PathWalk, v: Value) bool {
        for (walk.path.items) |p| {
            if (order.equal(p, v)) return true;
        }
        return false;
    }

    /// pathBuilder: extends the current path with `root`.
    fn visit(walk: *PathWalk, root: Value) Error!void {
        const edges = order.objectGet(walk.graph, root) orelse return walk.commit(walk.path.items);
        try walk.path.append(walk.allocator, root);
        defer walk.path.items.len -= 1;
        const neighbors = vertices(edges);
        if (neighbors.len == 0) return walk.commit(walk.path.items);
        for (neighbors) |neighbor| {
            if (walk.onPath(neighbor)) {
                try walk.commit(walk.path.items);
            } else {
                try walk.visit(neighbor);
            }
        }
    }
};

const test_support = @import("numbers.zig").test_support;

test "graph.reachable" {
    const graph =
        \\{"a": ["b"], "b": ["c", "a"], "c": [], "d": ["e"], "x": "not a collection"}
    ;
    try test_support.expectValue(builtins, "graph.reachable", &.{ graph, "[\"a\"]" }, "[\"a\",\"b\",\"c\"]");
    try test_support.expectValue(builtins, "graph.reachable", &.{ graph, "set:[\"d\", \"x\"]" }, "[\"d\",\"x\"]");
    try test_support.expectValue(builtins, "graph.reachable", &.{ graph, "[\"z\"]" }, "[]");
    try test_support.expectFailure(builtins, "graph.reachable", &.{ graph, "\"a\"" }, error.TypeError, "operand 2 must be {array, set} but got string");
    try test_support.expectFailure(builtins, "graph.reachable", &.{ "[]", "[]" }, error.TypeError, "operand 1 must be object but got array");
}

test "graph.reachable_paths" {
    const graph =
        \\{"a": ["b", "d"], "b": ["c", "a"], "c": [], "d": ["z"], "e": []}
    ;
    try test_support.expectValue(builtins, "graph.reachable_paths", &.{ graph, "[\"a\", \"e\", \"q\"]" },
        \\[["a","b"],["a","b","c"],["a","d"],["e"]]
    );
}
