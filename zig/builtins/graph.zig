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
/// off the path) or a vertex already on it (left off too). Depth first with
/// an explicit stack: paths can be as long as the graph is large.
fn reachablePaths(ctx: *Context, args: []const Value) Error!Value {
    const graph, const initial = try operands(ctx, args);
    const allocator = ctx.allocator;
    var paths: std.ArrayList(Value) = .empty;
    // The current path, and for each vertex on it the neighbors left to visit.
    var path: std.ArrayList(Value) = .empty;
    var pending: std.ArrayList([]const Value) = .empty;
    for (initial) |node| {
        const edges = order.objectGet(graph, node) orelse continue;
        const neighbors = vertices(edges);
        if (neighbors.len == 0) {
            try commit(allocator, &paths, &.{node});
            continue;
        }
        try path.append(allocator, node);
        try pending.append(allocator, neighbors);
        while (pending.items.len > 0) {
            const top = &pending.items[pending.items.len - 1];
            if (top.len == 0) {
                _ = pending.pop();
                _ = path.pop();
                continue;
            }
            const next = top.*[0];
            top.* = top.*[1..];
            // pathBuilder(next): OPA's `reached` set is exactly the path, and
            // the initial vertex's own neighbors are not checked against it.
            if (pending.items.len > 1 and onPath(path.items, next)) {
                try commit(allocator, &paths, path.items);
                continue;
            }
            const next_edges = order.objectGet(graph, next) orelse {
                try commit(allocator, &paths, path.items);
                continue;
            };
            try path.append(allocator, next);
            const next_neighbors = vertices(next_edges);
            if (next_neighbors.len == 0) {
                try commit(allocator, &paths, path.items);
                _ = path.pop();
                continue;
            }
            try pending.append(allocator, next_neighbors);
        }
    }
    return .{ .set = try order.setFromUnsorted(allocator, paths.items) };
}

fn commit(allocator: std.mem.Allocator, paths: *std.ArrayList(Value), path: []const Value) Error!void {
    try paths.append(allocator, .{ .array = try allocator.dupe(Value, path) });
}

fn onPath(path: []const Value, v: Value) bool {
    for (path) |p| {
        if (order.equal(p, v)) return true;
    }
    return false;
}

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
    // As OPA v1.19.0: an initial vertex's neighbors are not checked for cycles.
    try test_support.expectValue(builtins, "graph.reachable_paths", &.{ "{\"a\": [\"a\"], \"b\": [\"c\"], \"c\": [\"b\"]}", "[\"a\", \"b\"]" },
        \\[["a","a"],["b","c"]]
    );
}
