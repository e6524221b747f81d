//! Builtins of the objects family (see builtin.zig for the interface):
//! object.get, object.keys, object.union, object.union_n, object.remove,
//! object.filter, object.subset (v1/topdown/object.go, subset.go) and
//! json.filter, json.remove, json.patch (v1/topdown/json.go).
//!
//! Equal keys of different spelling (1 and 1.0) are one key, as in OPA; where
//! OPA's result keeps a particular spelling we keep the same one.
const std = @import("std");
const assert = std.debug.assert;
const Allocator = std.mem.Allocator;
const builtin = @import("builtin.zig");
const value_mod = @import("../value/mod.zig");
const arrays = @import("arrays.zig");
const types = @import("types.zig");

const Value = builtin.Value;
const Context = builtin.Context;
const Error = builtin.Error;
const Object = value_mod.Object;
const Set = value_mod.Set;
const order = value_mod.order;
const rego = types.rego;

pub const builtins: []const builtin.Builtin = &.{
    .{ .name = "object.get", .arity = 3, .func = get },
    .{ .name = "object.keys", .arity = 1, .func = keys },
    .{ .name = "object.union", .arity = 2, .func = @"union" },
    .{ .name = "object.union_n", .arity = 1, .func = unionN },
    .{ .name = "object.remove", .arity = 2, .func = remove },
    .{ .name = "object.filter", .arity = 2, .func = filter },
    .{ .name = "object.subset", .arity = 2, .func = subset },
    .{ .name = "json.filter", .arity = 2, .func = jsonFilter },
    .{ .name = "json.remove", .arity = 2, .func = jsonRemove },
    .{ .name = "json.patch", .arity = 2, .func = jsonPatch },
};

fn objectOperand(ctx: *Context, args: []const Value, position: usize) Error!*const Object {
    const v = args[position - 1];
    if (v != .object) return ctx.operandError(position, "object", v);
    return v.object;
}

/// Wraps keys and values already in canonical order.
fn makeObject(allocator: Allocator, object_keys: []const Value, values: []const Value) Allocator.Error!*const Object {
    assert(object_keys.len == values.len);
    if (object_keys.len == 0) return &Object.empty;
    const object = try allocator.create(Object);
    object.* = .{ .keys = object_keys, .values = values };
    assert(order.isCanonicalObject(object));
    return object;
}

/// Builds an object from entries in any order whose keys are known unique.
fn objectFromEntries(allocator: Allocator, object_keys: []const Value, values: []const Value) Allocator.Error!*const Object {
    return order.objectFromUnsorted(allocator, object_keys, values, .last_wins, null) catch |err| switch (err) {
        error.OutOfMemory => error.OutOfMemory,
        error.DuplicateKey => unreachable, // .last_wins never reports duplicates.
    };
}

/// ast.Term.Get: an object's value, an array's item at an integer index, or
/// a set's member (the key itself, as OPA returns it).
fn termGet(container: Value, key: Value) ?Value {
    return switch (container) {
        .object => |object| order.objectGet(object, key),
        .array => |items| {
            if (key != .number) return null;
            const i = arrays.numberInt(key.number) orelse return null;
            if (i < 0 or i >= items.len) return null;
            return items[@intCast(i)];
        },
        .set => |set| if (order.setContains(set, key)) key else null,
        else => null,
    };
}

// ---------------------------------------------------------------------------
// object.get, object.keys

/// object.get(object, key, default): with an array key, the path is walked
/// through objects, arrays and sets; `default` when any step is missing.
fn get(ctx: *Context, args: []const Value) Error!Value {
    const object = try objectOperand(ctx, args, 1);
    const path = switch (args[1]) {
        .array => |path| path,
        else => return order.objectGet(object, args[1]) orelse args[2],
    };
    var current = args[0];
    for (path) |key| current = termGet(current, key) orelse return args[2];
    return current;
}

fn keys(ctx: *Context, args: []const Value) Error!Value {
    const object = try objectOperand(ctx, args, 1);
    if (object.keys.len == 0) return .{ .set = &Set.empty };
    // Object keys are sorted and unique: already a canonical set.
    const set = try ctx.allocator.create(Set);
    set.* = .{ .items = object.keys };
    return .{ .set = set };
}

// ---------------------------------------------------------------------------
// object.union, object.union_n

fn @"union"(ctx: *Context, args: []const Value) Error!Value {
    const a = try objectOperand(ctx, args, 1);
    const b = try objectOperand(ctx, args, 2);
    if (a.keys.len == 0) return args[1];
    if (b.keys.len == 0 or order.equal(args[0], args[1])) return args[0];
    return .{ .object = try mergeWithOverwrite(ctx.allocator, a, b, .left) };
}

const KeySpelling = enum { left, right };

/// Keys of both; on a shared key, two objects merge recursively and anything
/// else takes `b`'s value. `spelling` says whose key a shared key keeps:
/// object.union keeps `a`'s, object.union_n the later object's.
fn mergeWithOverwrite(allocator: Allocator, a: *const Object, b: *const Object, spelling: KeySpelling) Allocator.Error!*const Object {
    if (a.keys.len == 0) return b;
    if (b.keys.len == 0) return a;
    const n_max = a.keys.len + b.keys.len;
    const out_keys = try allocator.alloc(Value, n_max);
    const out_values = try allocator.alloc(Value, n_max);
    var i: usize = 0;
    var j: usize = 0;
    var n: usize = 0;
    while (i < a.keys.len or j < b.keys.len) : (n += 1) {
        const side: std.math.Order = if (i == a.keys.len)
            .gt
        else if (j == b.keys.len)
            .lt
        else
            order.compare(a.keys[i], b.keys[j]);
        switch (side) {
            .lt => {
                out_keys[n] = a.keys[i];
                out_values[n] = a.values[i];
                i += 1;
            },
            .gt => {
                out_keys[n] = b.keys[j];
                out_values[n] = b.values[j];
                j += 1;
            },
            .eq => {
                out_keys[n] = if (spelling == .left) a.keys[i] else b.keys[j];
                const va = a.values[i];
                const vb = b.values[j];
                out_values[n] = if (va == .object and vb == .object)
                    .{ .object = try mergeWithOverwrite(allocator, va.object, vb.object, spelling) }
                else
                    vb;
                i += 1;
                j += 1;
            },
        }
    }
    return makeObject(allocator, out_keys[0..n], out_values[0..n]);
}

/// object.union_n(objects): object.union folded left to right. (OPA merges
/// back to front, freezing keys a non-object overwrote; the result is the
/// same, with each key spelled as in the last object that has it.)
fn unionN(ctx: *Context, args: []const Value) Error!Value {
    const objects = switch (args[0]) {
        .array => |items| items,
        else => return ctx.operandError(1, "array", args[0]),
    };
    for (objects) |item| {
        if (item != .object) {
            return ctx.typeError("operand 1 must be array of objects but got array containing {s}", .{builtin.typeName(item)});
        }
    }
    if (objects.len == 0) return .{ .object = &Object.empty };
    var result = objects[0].object;
    for (objects[1..]) |item| result = try mergeWithOverwrite(ctx.allocator, result, item.object, .right);
    return .{ .object = result };
}

// ---------------------------------------------------------------------------
// object.remove, object.filter

/// The keys named by object.remove/object.filter's second operand: an
/// array's items, a set, or an object's keys; as a canonical set.
fn keysOperand(ctx: *Context, v: Value) Error!*const Set {
    return switch (v) {
        .array => |items| try order.setFromUnsorted(ctx.allocator, items),
        .set => |set| set,
        .object => |object| blk: {
            const set = try ctx.allocator.create(Set);
            set.* = .{ .items = object.keys };
            break :blk set;
        },
        else => ctx.operandError(2, "one of {object, set, array}", v),
    };
}

fn remove(ctx: *Context, args: []const Value) Error!Value {
    const object = try objectOperand(ctx, args, 1);
    const removed = try keysOperand(ctx, args[1]);
    const out_keys = try ctx.allocator.alloc(Value, object.keys.len);
    const out_values = try ctx.allocator.alloc(Value, object.keys.len);
    var n: usize = 0;
    for (object.keys, object.values) |key, item| {
        if (order.setContains(removed, key)) continue;
        out_keys[n] = key;
        out_values[n] = item;
        n += 1;
    }
    return .{ .object = try makeObject(ctx.allocator, out_keys[0..n], out_values[0..n]) };
}

fn filter(ctx: *Context, args: []const Value) Error!Value {
    const object = try objectOperand(ctx, args, 1);
    const kept = try keysOperand(ctx, args[1]);
    // OPA walks the larger of the two and keeps that one's key spelling.
    const walk_kept = object.keys.len < kept.items.len;
    const n_max = @min(object.keys.len, kept.items.len);
    const out_keys = try ctx.allocator.alloc(Value, n_max);
    const out_values = try ctx.allocator.alloc(Value, n_max);
    var n: usize = 0;
    // Both sides are sorted: a merge finds the shared keys.
    var i: usize = 0;
    var j: usize = 0;
    while (i < object.keys.len and j < kept.items.len) {
        switch (order.compare(object.keys[i], kept.items[j])) {
            .lt => i += 1,
            .gt => j += 1,
            .eq => {
                out_keys[n] = if (walk_kept) kept.items[j] else object.keys[i];
                out_values[n] = object.values[i];
                n += 1;
                i += 1;
                j += 1;
            },
        }
    }
    return .{ .object = try makeObject(ctx.allocator, out_keys[0..n], out_values[0..n]) };
}

// ---------------------------------------------------------------------------
// object.subset

fn subset(ctx: *Context, args: []const Value) Error!Value {
    const super = args[0];
    const sub = args[1];
    const result = switch (super) {
        .object => |a| if (sub == .object) objectSubset(a, sub.object) else null,
        .set => |a| if (sub == .set) setSubset(a, sub.set) else null,
        .array => |a| switch (sub) {
            .array => |b| arraySubset(a, b),
            .set => |b| arraySetSubset(a, b),
            else => null,
        },
        else => null,
    };
    return .{ .boolean = result orelse
        return ctx.typeError("both arguments object.subset must be of the same type or array and set", .{}) };
}

/// Every key of `sub` is in `super` with an equal value, or with a value
/// that is itself a superset (objects recursively, sets, arrays).
fn objectSubset(super: *const Object, sub: *const Object) bool {
    for (sub.keys, sub.values) |key, sub_value| {
        const super_value = order.objectGet(super, key) orelse return false;
        if (order.equal(sub_value, super_value)) continue;
        const nested = switch (super_value) {
            .object => |a| sub_value == .object and objectSubset(a, sub_value.object),
            .set => |a| sub_value == .set and setSubset(a, sub_value.set),
            .array => |a| sub_value == .array and arraySubset(a, sub_value.array),
            else => false,
        };
        if (!nested) return false;
    }
    return true;
}

fn setSubset(super: *const Set, sub: *const Set) bool {
    for (sub.items) |item| {
        if (!order.setContains(super, item)) return false;
    }
    return true;
}

/// `sub` appears in `super` as a contiguous run.
fn arraySubset(super: []const Value, sub: []const Value) bool {
    if (sub.len > super.len) return false;
    var start: usize = 0;
    while (start + sub.len <= super.len) : (start += 1) {
        for (sub, super[start..][0..sub.len]) |x, y| {
            if (!order.equal(x, y)) break;
        } else return true;
    }
    return false;
}

/// OPA's arraySetSubset, quirks included: true once as many items of
/// `super` (repeats counted) were found in `sub` as `sub` has members, so an
/// empty `sub` is a subset of any non-empty array but not of `[]`.
fn arraySetSubset(super: []const Value, sub: *const Set) bool {
    var unmatched = sub.items.len;
    for (super) |item| {
        if (order.setContains(sub, item)) unmatched -%= 1;
        if (unmatched == 0) return true;
    }
    return false;
}

// ---------------------------------------------------------------------------
// json.filter, json.remove: paths to a tree of keys

/// Hashes and compares keys by value, so 1 and 1.0 are one key.
const ValueContext = struct {
    pub fn hash(_: ValueContext, v: Value) u64 {
        return order.hash(v);
    }
    pub fn eql(_: ValueContext, a: Value, b: Value) bool {
        return order.equal(a, b);
    }
};

/// OPA's pathsToObject: each path becomes a branch; a null child (a leaf)
/// selects everything below it.
const PathTree = struct {
    children: std.HashMapUnmanaged(Value, ?*PathTree, ValueContext, std.hash_map.default_max_load_percentage) = .empty,

    fn child(tree: *const PathTree, key: Value) ??*PathTree {
        return tree.children.get(key);
    }

    fn addPath(root: *PathTree, allocator: Allocator, path: []const Value) Allocator.Error!void {
        if (path.len == 0) return;
        var node = root;
        for (path[0 .. path.len - 1]) |key| {
            const entry = try node.children.getOrPut(allocator, key);
            if (entry.found_existing) {
                // A shorter path already selects everything below.
                node = entry.value_ptr.* orelse return;
            } else {
                const next = try allocator.create(PathTree);
                next.* = .{};
                entry.value_ptr.* = next;
                node = next;
            }
        }
        try node.children.put(allocator, path[path.len - 1], null);
    }
};

/// One path of json.filter/json.remove's second operand: a JSON pointer
/// string ("/a/b~1c", leading slashes ignored) or an array of segments.
fn parsePath(ctx: *Context, path: Value) Error![]const Value {
    switch (path) {
        .array => |segments| return segments,
        .string => |text| {
            if (text.len == 0) return &.{};
            const trimmed = std.mem.trimStart(u8, text, "/");
            const n = std.mem.count(u8, trimmed, "/") + 1;
            const segments = try ctx.allocator.alloc(Value, n);
            var it = std.mem.splitScalar(u8, trimmed, '/');
            var i: usize = 0;
            while (it.next()) |part| : (i += 1) segments[i] = .{ .string = try unescapePointer(ctx.allocator, part) };
            assert(i == n);
            return segments;
        },
        else => return ctx.typeError(
            "operand 2 must be one of {{set, array}} containing string paths or array of path segments but got {s}",
            .{builtin.typeName(path)},
        ),
    }
}

/// JSON pointer unescaping: "~1" is "/", then "~0" is "~".
fn unescapePointer(allocator: Allocator, part: []const u8) Allocator.Error![]const u8 {
    if (std.mem.indexOfScalar(u8, part, '~') == null) return part;
    const slashes = try std.mem.replaceOwned(u8, allocator, part, "~1", "/");
    return std.mem.replaceOwned(u8, allocator, slashes, "~0", "~");
}

fn pathTreeOperand(ctx: *Context, v: Value) Error!*PathTree {
    const paths = switch (v) {
        .array => |items| items,
        .set => |set| set.items,
        else => return ctx.operandError(2, "one of {set, array}", v),
    };
    const root = try ctx.allocator.create(PathTree);
    root.* = .{};
    for (paths) |path| try root.addPath(ctx.allocator, try parsePath(ctx, path));
    return root;
}

/// The string of an array index, as the path tree spells array positions.
fn indexKey(buffer: *[20]u8, i: usize) Value {
    return .{ .string = std.fmt.bufPrint(buffer, "{d}", .{i}) catch unreachable }; // 20 bytes fit any usize.
}

fn jsonFilter(ctx: *Context, args: []const Value) Error!Value {
    _ = try objectOperand(ctx, args, 1);
    const tree = try pathTreeOperand(ctx, args[1]);
    return filterValue(ctx.allocator, args[0], tree);
}

/// ast's filterObject: keeps what the tree selects.
fn filterValue(allocator: Allocator, v: Value, maybe_tree: ?*const PathTree) Allocator.Error!Value {
    const tree = maybe_tree orelse return v;
    switch (v) {
        .null, .boolean, .number, .string => return v,
        .array => |items| {
            var out: std.ArrayList(Value) = .empty;
            for (items, 0..) |item, i| {
                var buffer: [20]u8 = undefined;
                const sub = tree.child(indexKey(&buffer, i)) orelse continue;
                try out.append(allocator, try filterValue(allocator, item, sub));
            }
            return .{ .array = out.items };
        },
        .set => |set| {
            var out: std.ArrayList(Value) = .empty;
            for (set.items) |item| {
                const sub = tree.child(item) orelse continue;
                try out.append(allocator, try filterValue(allocator, item, sub));
            }
            return .{ .set = try order.setFromUnsorted(allocator, out.items) };
        },
        .object => |object| {
            var out_keys: std.ArrayList(Value) = .empty;
            var out_values: std.ArrayList(Value) = .empty;
            // OPA walks the larger side and keeps its key spelling.
            if (object.keys.len < tree.children.count()) {
                var it = tree.children.iterator();
                while (it.next()) |entry| {
                    const item = order.objectGet(object, entry.key_ptr.*) orelse continue;
                    try out_keys.append(allocator, entry.key_ptr.*);
                    try out_values.append(allocator, try filterValue(allocator, item, entry.value_ptr.*));
                }
                return .{ .object = try objectFromEntries(allocator, out_keys.items, out_values.items) };
            }
            for (object.keys, object.values) |key, item| {
                const sub = tree.child(key) orelse continue;
                try out_keys.append(allocator, key);
                try out_values.append(allocator, try filterValue(allocator, item, sub));
            }
            return .{ .object = try makeObject(allocator, out_keys.items, out_values.items) };
        },
    }
}

fn jsonRemove(ctx: *Context, args: []const Value) Error!Value {
    _ = try objectOperand(ctx, args, 1);
    const tree = try pathTreeOperand(ctx, args[1]);
    // The root tree is never a leaf, so the object itself always survives.
    return (try removeValue(ctx.allocator, args[0], tree)).?;
}

/// OPA's jsonRemove: null when the tree removes `v` entirely.
fn removeValue(allocator: Allocator, v: Value, maybe_tree: ?*const PathTree) Allocator.Error!?Value {
    const tree = maybe_tree orelse return null;
    switch (v) {
        .null, .boolean, .number, .string => return v,
        .array => |items| {
            var out: std.ArrayList(Value) = .empty;
            for (items, 0..) |item, i| {
                var buffer: [20]u8 = undefined;
                const kept = try removeChild(allocator, item, tree, indexKey(&buffer, i)) orelse continue;
                try out.append(allocator, kept);
            }
            return .{ .array = out.items };
        },
        .set => |set| {
            var out: std.ArrayList(Value) = .empty;
            for (set.items) |item| {
                const kept = try removeChild(allocator, item, tree, item) orelse continue;
                try out.append(allocator, kept);
            }
            return .{ .set = try order.setFromUnsorted(allocator, out.items) };
        },
        .object => |object| {
            var out_keys: std.ArrayList(Value) = .empty;
            var out_values: std.ArrayList(Value) = .empty;
            for (object.keys, object.values) |key, item| {
                const kept = try removeChild(allocator, item, tree, key) orelse continue;
                try out_keys.append(allocator, key);
                try out_values.append(allocator, kept);
            }
            return .{ .object = try makeObject(allocator, out_keys.items, out_values.items) };
        },
    }
}

/// What remains of `item`, the child of a container at `key`.
fn removeChild(allocator: Allocator, item: Value, tree: *const PathTree, key: Value) Allocator.Error!?Value {
    const sub = tree.child(key) orelse return item; // Not on any path.
    return removeValue(allocator, item, sub);
}

// ---------------------------------------------------------------------------
// json.patch

fn jsonPatch(ctx: *Context, args: []const Value) Error!Value {
    const operations = switch (args[1]) {
        .array => |items| items,
        else => return ctx.operandError(2, "array", args[1]),
    };
    var patcher: Patcher = .{ .ctx = ctx, .allocator = ctx.allocator };
    const root = try patcher.newNode(args[0]);
    for (operations) |operation| try patcher.apply(root, operation);
    // OPA crashes when the patches removed the whole document.
    return try patcher.render(root) orelse ctx.builtinError("json.patch removed the whole document", .{});
}

/// A port of OPA's EditTree (internal/edittree), which json.patch runs on,
/// kept faithful because its behaviour is observable: its error messages,
/// and that walking a path through an array whose items were deleted or
/// inserted reads the item at that index of the *original* array.
///
/// A node stands for a value being edited. Object and set nodes record
/// edits per key; array nodes keep one slot per current item, either a
/// surviving original item or an inserted one.
const Node = struct {
    /// The value the node started from; null once the root was removed.
    value: ?Value,
    /// Edited keys of an object or set node.
    entries: std.ArrayList(Entry) = .empty,
    /// Current items of an array node.
    slots: std.ArrayList(Slot) = .empty,

    fn findEntry(node: *Node, key: Value) ?*Entry {
        for (node.entries.items) |*entry| {
            if (order.equal(entry.key, key)) return entry;
        }
        return null;
    }
};

/// An edited child: a scalar kept inline, or a composite's own node; null
/// records a deletion.
const Child = union(enum) {
    scalar: ?Value,
    composite: ?*Node,
};

const Entry = struct {
    key: Value,
    child: Child,
};

const Slot = union(enum) {
    original: Value,
    inserted: Child,
};

fn isComposite(v: Value) bool {
    return switch (v) {
        .array, .object, .set => true,
        else => false,
    };
}

/// Go's %T of the value in EditTree's messages.
fn goTypeName(v: Value) []const u8 {
    return switch (v) {
        .null => "ast.Null",
        .boolean => "ast.Boolean",
        .number => "ast.Number",
        .string => "ast.String",
        .array => "*ast.Array",
        .object => "*ast.object",
        .set => "*ast.set",
    };
}

const Patcher = struct {
    ctx: *Context,
    allocator: Allocator,

    fn fail(p: *Patcher, comptime fmt: []const u8, args: anytype) Error {
        return p.ctx.builtinError(fmt, args);
    }

    fn newNode(p: *Patcher, v: Value) Error!*Node {
        const node = try p.allocator.create(Node);
        node.* = .{ .value = null };
        try p.reset(node, v);
        return node;
    }

    /// Makes `node` stand for `v`, with no edits.
    fn reset(p: *Patcher, node: *Node, v: ?Value) Error!void {
        node.value = v;
        node.entries.clearRetainingCapacity();
        node.slots.clearRetainingCapacity();
        const value = v orelse return;
        if (value == .array) {
            try node.slots.ensureTotalCapacity(p.allocator, value.array.len);
            for (value.array) |item| node.slots.appendAssumeCapacity(.{ .original = item });
        }
    }

    fn apply(p: *Patcher, root: *Node, operation: Value) Error!void {
        if (operation != .object) {
            return p.fail("must be an array of JSON-Patch objects, but at least one element is not an object", .{});
        }
        const fields = operation.object;
        const path_value = order.objectGetString(fields, "path") orelse
            return p.fail("missing required attribute 'path'", .{});
        const op_value = order.objectGetString(fields, "op") orelse
            return p.fail("missing required attribute 'op'", .{});
        if (op_value != .string) {
            return p.fail("attribute 'op' must be a string but found: {s}", .{builtin.typeName(op_value)});
        }
        const op = op_value.string;
        const path = try parsePath(p.ctx, path_value);

        if (std.mem.eql(u8, op, "add")) {
            try p.insertAtPath(root, path, try p.field(fields, "value"));
        } else if (std.mem.eql(u8, op, "remove")) {
            try p.deleteAtPath(root, path);
        } else if (std.mem.eql(u8, op, "replace")) {
            try p.deleteAtPath(root, path);
            try p.insertAtPath(root, path, try p.field(fields, "value"));
        } else if (std.mem.eql(u8, op, "move")) {
            const from = try parsePath(p.ctx, try p.field(fields, "from"));
            const chunk = try p.renderAtPath(root, from);
            try p.deleteAtPath(root, from);
            try p.insertAtPath(root, path, chunk orelse return p.fail("cannot insert nil value into EditTree", .{}));
        } else if (std.mem.eql(u8, op, "copy")) {
            const from = try parsePath(p.ctx, try p.field(fields, "from"));
            const chunk = try p.renderAtPath(root, from);
            try p.insertAtPath(root, path, chunk orelse return p.fail("cannot insert nil value into EditTree", .{}));
        } else if (std.mem.eql(u8, op, "test")) {
            const chunk = try p.renderAtPath(root, path);
            const expected = try p.field(fields, "value");
            const found = chunk orelse return p.fail("value from EditTree != patch value.\n\nExpected: {f}\n\nFound: <nil>", .{rego(expected)});
            if (!order.equal(found, expected)) {
                return p.fail("value from EditTree != patch value.\n\nExpected: {f}\n\nFound: {f}", .{ rego(expected), rego(found) });
            }
        } else {
            return p.fail("unrecognized op: '{s}'", .{op});
        }
    }

    fn field(p: *Patcher, fields: *const Object, comptime name: []const u8) Error!Value {
        return order.objectGetString(fields, name) orelse p.fail("missing required attribute '" ++ name ++ "'", .{});
    }

    fn insertAtPath(p: *Patcher, root: *Node, path: []const Value, v: Value) Error!void {
        if (path.len == 0) return p.reset(root, v);
        const parent = try p.unfold(root, path[0 .. path.len - 1]);
        _ = try p.insert(parent, path[path.len - 1], v);
    }

    fn deleteAtPath(p: *Patcher, root: *Node, path: []const Value) Error!void {
        if (path.len == 0) {
            if (root.value == null) return p.fail("deleted node encountered during delete operation", .{});
            return p.reset(root, null);
        }
        const parent = try p.unfold(root, path[0 .. path.len - 1]);
        try p.delete(parent, path[path.len - 1]);
    }

    fn renderAtPath(p: *Patcher, root: *Node, path: []const Value) Error!?Value {
        return p.render(try p.unfold(root, path));
    }

    /// The node at `path` below `node`, recording the nodes passed through.
    fn unfold(p: *Patcher, node: *Node, path: []const Value) Error!*Node {
        if (path.len == 0) return node;
        const v = node.value orelse return p.fail("nil value encountered where composite value was expected", .{});
        const key = path[0];
        const rest = path[1..];
        switch (v) {
            .object => |object| {
                if (node.findEntry(key)) |entry| switch (entry.child) {
                    .scalar => |scalar| {
                        const item = scalar orelse
                            return p.fail("cannot unfold the already deleted scalar node for key {f}", .{rego(key)});
                        return p.unfold(try p.newNode(item), rest);
                    },
                    .composite => |composite| {
                        const child = composite orelse
                            return p.fail("cannot unfold the already deleted composite node for key {f}", .{rego(key)});
                        return p.unfold(child, rest);
                    },
                };
                const item = order.objectGet(object, key) orelse
                    return p.fail("path {f} does not exist in object term {f}", .{ rego(key), rego(v) });
                return p.unfold(try p.insert(node, key, item), rest);
            },
            .set => {
                if (isComposite(key)) {
                    try p.collapse(node);
                } else if (node.findEntry(key)) |entry| {
                    if (entry.child == .scalar) {
                        // OPA dereferences a nil node here and crashes.
                        const item = entry.child.scalar orelse
                            return p.fail("nil value encountered where composite value was expected", .{});
                        return p.unfold(try p.newNode(item), rest);
                    }
                }
                const set = node.value.?.set;
                if (!order.setContains(set, key)) {
                    // OPA prints a one-segment ref: a string key unquoted.
                    if (key == .string) return p.fail("path {s} does not exist in set term {f}", .{ key.string, rego(.{ .set = set }) });
                    return p.fail("path {f} does not exist in set term {f}", .{ rego(key), rego(.{ .set = set }) });
                }
                return p.unfold(try p.insert(node, key, key), rest);
            },
            .array => |original| {
                const index = try p.toIndex(node.slots.items.len, key);
                if (index >= 0 and index < node.slots.items.len) {
                    switch (node.slots.items[@intCast(index)]) {
                        .original => {},
                        .inserted => |child| return p.unfold(try p.childNode(child), rest),
                    }
                }
                // OPA's quirk: the item comes from the original array, at the
                // current index, and replaces the current item there.
                const index_key: Value = .{ .number = .fromInt(index) };
                if (index < 0 or index >= original.len) {
                    return p.fail("path {d} does not exist in array term {f}", .{ index, rego(v) });
                }
                try p.delete(node, index_key);
                return p.unfold(try p.insert(node, index_key, original[@intCast(index)]), rest);
            },
            else => return p.fail("expected composite type for path {f}, found value: {f} (type: {s})", .{ rego(key), rego(v), goTypeName(v) }),
        }
    }

    /// The node of an inserted array item; a scalar gets a throwaway node.
    fn childNode(p: *Patcher, child: Child) Error!*Node {
        return switch (child) {
            .scalar => |scalar| p.newNode(scalar.?), // Array slots are never deletions.
            .composite => |composite| composite.?,
        };
    }

    /// Sets `key` of `node` to `v`; returns the child's node.
    fn insert(p: *Patcher, node: *Node, key: Value, v: Value) Error!*Node {
        const current = node.value orelse return p.fail("deleted node encountered during insert operation", .{});
        switch (current) {
            .object => return p.insertKeyed(node, key, v),
            .set => {
                if (!order.equal(key, v)) {
                    return p.fail("set key {f} does not equal value to be inserted {f}", .{ rego(key), rego(v) });
                }
                if (isComposite(key)) try p.collapse(node);
                return p.insertKeyed(node, key, v);
            },
            .array => {
                const index = try p.toIndex(node.slots.items.len, key);
                if (index < 0 or index > node.slots.items.len) return p.fail("index for array insertion out of bounds", .{});
                const child = try p.newNode(v);
                const slot: Slot = .{ .inserted = if (isComposite(v)) .{ .composite = child } else .{ .scalar = v } };
                try node.slots.insert(p.allocator, @intCast(index), slot);
                return child;
            },
            else => return p.fail("expected composite type, found value: {f} (type: {s})", .{ rego(current), goTypeName(current) }),
        }
    }

    fn insertKeyed(p: *Patcher, node: *Node, key: Value, v: Value) Error!*Node {
        const child = try p.newNode(v);
        const edit: Child = if (isComposite(v)) .{ .composite = child } else .{ .scalar = v };
        if (node.findEntry(key)) |entry| {
            entry.* = .{ .key = key, .child = edit };
        } else {
            try node.entries.append(p.allocator, .{ .key = key, .child = edit });
        }
        return child;
    }

    fn delete(p: *Patcher, node: *Node, key: Value) Error!void {
        const current = node.value orelse return p.fail("deleted node encountered during delete operation", .{});
        switch (current) {
            .object => {
                if (node.findEntry(key)) |entry| return p.deleteEntry(entry, key);
                return p.deleteOriginal(node, key);
            },
            .set => {
                if (isComposite(key)) {
                    try p.collapse(node);
                } else if (node.findEntry(key)) |entry| {
                    if (entry.child == .scalar) {
                        const item = entry.child.scalar orelse
                            return p.fail("cannot delete the already deleted scalar node for key {f}", .{rego(key)});
                        if (order.equal(key, item)) {
                            entry.* = .{ .key = key, .child = .{ .scalar = null } };
                            return;
                        }
                    }
                }
                return p.deleteOriginal(node, key);
            },
            .array => {
                const index = try p.toIndex(node.slots.items.len, key);
                if (index < 0 or index >= node.slots.items.len) return p.fail("index for array delete out of bounds", .{});
                _ = node.slots.orderedRemove(@intCast(index));
            },
            else => return p.fail("expected composite type, found value: {f} (type: {s})", .{ rego(current), goTypeName(current) }),
        }
    }

    fn deleteEntry(p: *Patcher, entry: *Entry, key: Value) Error!void {
        switch (entry.child) {
            .scalar => |scalar| {
                if (scalar == null) return p.fail("cannot delete the already deleted scalar node for key {f}", .{rego(key)});
                entry.* = .{ .key = key, .child = .{ .scalar = null } };
            },
            .composite => |composite| {
                if (composite == null) return p.fail("cannot delete the already deleted composite node for key {f}", .{rego(key)});
                entry.* = .{ .key = key, .child = .{ .composite = null } };
            },
        }
    }

    /// Records the deletion of a key of the node's starting value.
    fn deleteOriginal(p: *Patcher, node: *Node, key: Value) Error!void {
        const found: ?Value = switch (node.value.?) {
            .object => |object| order.objectGet(object, key),
            .set => |set| if (order.setContains(set, key)) key else null,
            else => unreachable, // Only object and set nodes have keys.
        };
        const item = found orelse return p.fail("cannot delete child key {f} that does not exist", .{rego(key)});
        const edit: Child = if (isComposite(item)) .{ .composite = null } else .{ .scalar = null };
        if (node.findEntry(key)) |entry| {
            entry.* = .{ .key = key, .child = edit };
        } else {
            try node.entries.append(p.allocator, .{ .key = key, .child = edit });
        }
    }

    /// Folds a set node's edits into its value: sets are content-addressed,
    /// so OPA does this before any composite key is used.
    fn collapse(p: *Patcher, node: *Node) Error!void {
        assert(node.value.? == .set);
        const rendered = (try p.render(node)).?;
        node.value = rendered;
        node.entries.clearRetainingCapacity();
    }

    /// The node's current value; null for a removed root.
    fn render(p: *Patcher, node: *Node) Error!?Value {
        const v = node.value orelse return null;
        switch (v) {
            .object => |object| {
                if (node.entries.items.len == 0) return v;
                var out_keys: std.ArrayList(Value) = .empty;
                var out_values: std.ArrayList(Value) = .empty;
                for (node.entries.items) |entry| {
                    const item = try p.renderChild(entry.child) orelse continue;
                    try out_keys.append(p.allocator, entry.key);
                    try out_values.append(p.allocator, item);
                }
                for (object.keys, object.values) |key, item| {
                    if (node.findEntry(key) != null) continue;
                    try out_keys.append(p.allocator, key);
                    try out_values.append(p.allocator, item);
                }
                return .{ .object = try objectFromEntries(p.allocator, out_keys.items, out_values.items) };
            },
            .set => |set| {
                if (node.entries.items.len == 0) return v;
                var out: std.ArrayList(Value) = .empty;
                for (node.entries.items) |entry| {
                    const item = try p.renderChild(entry.child) orelse continue;
                    try out.append(p.allocator, item);
                }
                for (set.items) |item| {
                    if (node.findEntry(item) != null) continue;
                    try out.append(p.allocator, item);
                }
                return .{ .set = try order.setFromUnsorted(p.allocator, out.items) };
            },
            .array => {
                const out = try p.allocator.alloc(Value, node.slots.items.len);
                for (node.slots.items, out) |slot, *item| item.* = switch (slot) {
                    .original => |original| original,
                    .inserted => |child| (try p.renderChild(child)).?, // Array slots are never deletions.
                };
                return .{ .array = out };
            },
            else => return v,
        }
    }

    fn renderChild(p: *Patcher, child: Child) Error!?Value {
        return switch (child) {
            .scalar => |scalar| scalar,
            .composite => |composite| if (composite) |node| try p.render(node) else null,
        };
    }

    /// EditTree's toIndex: an integer number or string ("-" is the end),
    /// without leading zeros.
    fn toIndex(p: *Patcher, len: usize, key: Value) Error!i64 {
        switch (key) {
            .number => |n| return arrays.numberInt(n) orelse p.fail("invalid number type for indexing", .{}),
            .string => |s| {
                if (std.mem.eql(u8, s, "-")) return @intCast(len);
                const i = arrays.atoi64(s) orelse return p.fail("invalid string for indexing", .{});
                if (s.len > 1 and s[0] == '0') return p.fail("leading zeros are not allowed in JSON paths", .{});
                return i;
            },
            else => return p.fail("invalid type for indexing", .{}),
        }
    }
};

// ---------------------------------------------------------------------------
// Tests

const testing = std.testing;
const json = value_mod.json;

/// Test values: JSON where `{"$set": [items]}` is a set and
/// `{"$obj": [[key, value], ...]}` an object with any keys.
pub fn withSets(arena: Allocator, v: Value) Allocator.Error!Value {
    switch (v) {
        .array => |items| {
            const out = try arena.alloc(Value, items.len);
            for (items, out) |item, *slot| slot.* = try withSets(arena, item);
            return .{ .array = out };
        },
        .object => |object| {
            if (object.keys.len == 1 and std.mem.eql(u8, object.keys[0].string, "$set")) {
                const items = (try withSets(arena, object.values[0])).array;
                return .{ .set = try order.setFromUnsorted(arena, items) };
            }
            if (object.keys.len == 1 and std.mem.eql(u8, object.keys[0].string, "$obj")) {
                const pairs = (try withSets(arena, object.values[0])).array;
                const pair_keys = try arena.alloc(Value, pairs.len);
                const pair_values = try arena.alloc(Value, pairs.len);
                for (pairs, pair_keys, pair_values) |pair, *key, *item| {
                    key.* = pair.array[0];
                    item.* = pair.array[1];
                }
                return .{ .object = try objectFromEntries(arena, pair_keys, pair_values) };
            }
            const values = try arena.alloc(Value, object.values.len);
            for (object.values, values) |item, *slot| slot.* = try withSets(arena, item);
            return .{ .object = try makeObject(arena, object.keys, values) };
        },
        else => return v,
    }
}

const TestContext = struct {
    arena: std.heap.ArenaAllocator,
    ctx: Context,

    fn init(self: *TestContext) void {
        self.arena = .init(testing.allocator);
        self.ctx = .{ .allocator = self.arena.allocator() };
    }

    fn deinit(self: *TestContext) void {
        self.arena.deinit();
    }

    /// JSON, where `{"$set": [...]}` stands for a set.
    fn parse(self: *TestContext, text: []const u8) !Value {
        return withSets(self.arena.allocator(), try json.parse(self.arena.allocator(), text));
    }

    fn call(self: *TestContext, name: []const u8, args_text: []const []const u8) Error!Value {
        var args: [4]Value = undefined;
        for (args_text, 0..) |text, i| args[i] = self.parse(text) catch return error.OutOfMemory;
        const b = for (builtins) |b| {
            if (std.mem.eql(u8, b.name, name)) break b;
        } else unreachable;
        assert(b.arity == args_text.len);
        return b.func(&self.ctx, args[0..args_text.len]);
    }

    fn expect(self: *TestContext, name: []const u8, args_text: []const []const u8, expected: []const u8) !void {
        const result = try self.call(name, args_text);
        const text = try json.serializeAlloc(self.arena.allocator(), result);
        testing.expectEqualStrings(expected, text) catch |err| {
            std.debug.print("{s}({s}, ...)\n", .{ name, args_text[0] });
            return err;
        };
    }

    fn expectError(self: *TestContext, name: []const u8, args_text: []const []const u8, err: Error, message: []const u8) !void {
        try testing.expectError(err, self.call(name, args_text));
        try testing.expectEqualStrings(message, self.ctx.message.items);
    }
};

test "object.get" {
    var t: TestContext = undefined;
    t.init();
    defer t.deinit();
    try t.expect("object.get", &.{ "{\"a\":1}", "\"a\"", "0" }, "1");
    try t.expect("object.get", &.{ "{\"a\":1}", "\"b\"", "0" }, "0");
    try t.expect("object.get", &.{ "{\"a\":{\"b\":[5,{\"c\":true}]}}", "[\"a\",\"b\",1,\"c\"]", "0" }, "true");
    try t.expect("object.get", &.{ "{\"a\":[5,6]}", "[\"a\",1.0]", "\"d\"" }, "\"d\"");
    try t.expect("object.get", &.{ "{\"a\":[5,6]}", "[\"a\",2]", "\"d\"" }, "\"d\"");
    try t.expect("object.get", &.{ "{\"a\":{\"$set\":[\"b\"]}}", "[\"a\",\"b\"]", "\"d\"" }, "\"b\"");
    try t.expect("object.get", &.{ "{\"a\":1}", "[]", "\"d\"" }, "{\"a\":1}");
    try t.expect("object.get", &.{ "{\"a\":1}", "[\"a\",\"x\"]", "\"d\"" }, "\"d\"");
    try t.expectError("object.get", &.{ "\"object\"", "\"a\"", "0" }, error.TypeError, "operand 1 must be object but got string");
}

test "object.keys" {
    var t: TestContext = undefined;
    t.init();
    defer t.deinit();
    try t.expect("object.keys", &.{"{\"b\":1,\"a\":2}"}, "[\"a\",\"b\"]");
    try t.expect("object.keys", &.{"{}"}, "[]");
    const result = try t.call("object.keys", &.{"{\"b\":1}"});
    try testing.expect(result == .set);
    try t.expectError("object.keys", &.{"[]"}, error.TypeError, "operand 1 must be object but got array");
}

test "object.union and object.union_n" {
    var t: TestContext = undefined;
    t.init();
    defer t.deinit();
    try t.expect("object.union", &.{ "{\"a\":1,\"b\":{\"c\":1}}", "{\"b\":{\"d\":2},\"e\":3}" }, "{\"a\":1,\"b\":{\"c\":1,\"d\":2},\"e\":3}");
    try t.expect("object.union", &.{ "{\"a\":{\"b\":1}}", "{\"a\":2}" }, "{\"a\":2}");
    try t.expect("object.union", &.{ "{\"a\":2}", "{\"a\":{\"b\":1}}" }, "{\"a\":{\"b\":1}}");
    try t.expect("object.union", &.{ "{}", "{\"a\":1}" }, "{\"a\":1}");
    try t.expectError("object.union", &.{ "{}", "[1]" }, error.TypeError, "operand 2 must be object but got array");
    try t.expect("object.union_n", &.{"[{\"a\":{\"b\":2}},{\"a\":4},{\"a\":{\"c\":3}}]"}, "{\"a\":{\"c\":3}}");
    try t.expect("object.union_n", &.{"[{\"a\":{\"b\":1}},{\"a\":{\"c\":2}},{\"a\":{\"c\":3,\"d\":{\"e\":1}}}]"}, "{\"a\":{\"b\":1,\"c\":3,\"d\":{\"e\":1}}}");
    try t.expect("object.union_n", &.{"[]"}, "{}");
    try t.expect("object.union_n", &.{"[{\"x\":1}]"}, "{\"x\":1}");
    try t.expectError("object.union_n", &.{"[{\"foo\":1},{\"bar\":2},\"baz\"]"}, error.TypeError, "operand 1 must be array of objects but got array containing string");
    try t.expectError("object.union_n", &.{"{}"}, error.TypeError, "operand 1 must be array but got object");
}

test "object.remove and object.filter" {
    var t: TestContext = undefined;
    t.init();
    defer t.deinit();
    const o = "{\"a\":1,\"b\":2,\"c\":3}";
    try t.expect("object.remove", &.{ o, "[\"a\",\"x\"]" }, "{\"b\":2,\"c\":3}");
    try t.expect("object.remove", &.{ o, "{\"$set\":[\"a\",\"c\"]}" }, "{\"b\":2}");
    try t.expect("object.remove", &.{ o, "{\"b\":0}" }, "{\"a\":1,\"c\":3}");
    try t.expectError("object.remove", &.{ o, "null" }, error.TypeError, "operand 2 must be one of {object, set, array} but got null");
    try t.expectError("object.remove", &.{ "123", "[]" }, error.TypeError, "operand 1 must be object but got number");
    try t.expect("object.filter", &.{ o, "[\"a\",\"x\",\"c\"]" }, "{\"a\":1,\"c\":3}");
    try t.expect("object.filter", &.{ o, "{\"b\":0}" }, "{\"b\":2}");
    try t.expect("object.filter", &.{ o, "{\"$set\":[]}" }, "{}");
    try t.expectError("object.filter", &.{ o, "\"a\"" }, error.TypeError, "operand 2 must be one of {object, set, array} but got string");

    // Non-string keys; the larger side's key spelling wins (checked with opa).
    const int_keys = try t.parse("[1.0, 2, 3]");
    const object = try order.objectFromUnsorted(t.arena.allocator(), &.{.{ .number = .fromInt(1) }}, &.{.{ .string = "a" }}, .reject, null);
    const filtered = try filter(&t.ctx, &.{ .{ .object = object }, int_keys });
    try testing.expectEqualStrings("{\"1.0\":\"a\"}", try json.serializeAlloc(t.arena.allocator(), filtered));
    const removed = try remove(&t.ctx, &.{ .{ .object = object }, int_keys });
    try testing.expectEqualStrings("{}", try json.serializeAlloc(t.arena.allocator(), removed));
}

test "object.subset" {
    var t: TestContext = undefined;
    t.init();
    defer t.deinit();
    const cases = [_]struct { []const u8, []const u8, bool }{
        .{ "{\"a\":5,\"b\":7,\"c\":15}", "{\"a\":5}", true },
        .{ "{\"a\":5}", "{\"a\":5,\"b\":7}", false },
        .{ "{\"a\":5,\"b\":7}", "{\"a\":5,\"b\":10}", false },
        .{ "{\"a\":{\"x\":10,\"y\":15},\"s\":{\"$set\":[1,2,3]},\"r\":[6,7,8,9]}", "{\"a\":{\"x\":10},\"s\":{\"$set\":[3]},\"r\":[7,8]}", true },
        .{ "{\"r\":[6,7,8,9]}", "{\"r\":[6,8]}", false },
        .{ "{\"$set\":[1,2,3]}", "{\"$set\":[1,3]}", true },
        .{ "{\"$set\":[1,2]}", "{\"$set\":[1,3]}", false },
        .{ "[1,2,1,2,3]", "[1,2,3]", true },
        .{ "[1,2,3]", "[]", true },
        .{ "[1,2]", "[1,2,3]", false },
        .{ "[1,2,3]", "{\"$set\":[3,1]}", true },
        .{ "[1,1]", "{\"$set\":[1,2]}", true }, // OPA counts repeats.
        .{ "[]", "{\"$set\":[]}", false }, // OPA's quirk.
        .{ "[1]", "{\"$set\":[]}", true },
        .{ "[1,2]", "{\"$set\":[4]}", false },
    };
    for (cases) |case| {
        const result = try t.call("object.subset", &.{ case[0], case[1] });
        testing.expectEqual(case[2], result.boolean) catch |err| {
            std.debug.print("object.subset({s}, {s})\n", .{ case[0], case[1] });
            return err;
        };
    }
    try t.expectError("object.subset", &.{ "1", "\"x\"" }, error.TypeError, "both arguments object.subset must be of the same type or array and set");
    try t.expectError("object.subset", &.{ "[1]", "{\"a\":1}" }, error.TypeError, "both arguments object.subset must be of the same type or array and set");
}

test "json.filter" {
    var t: TestContext = undefined;
    t.init();
    defer t.deinit();
    const doc = "{\"a\":{\"b\":[{\"c\":1,\"d\":2},{\"c\":3}],\"e\":\"x\"},\"f\":{\"$set\":[\"g\",\"h\"]},\"i/j\":1,\"k~l\":2}";
    try t.expect("json.filter", &.{ doc, "[\"a/b/0/c\", \"a/e\"]" }, "{\"a\":{\"b\":[{\"c\":1}],\"e\":\"x\"}}");
    try t.expect("json.filter", &.{ doc, "{\"$set\":[\"/a/b\", \"a/b/0\"]}" }, "{\"a\":{\"b\":[{\"c\":1,\"d\":2},{\"c\":3}]}}");
    try t.expect("json.filter", &.{ doc, "[\"a/b/0\", \"a/b\"]" }, "{\"a\":{\"b\":[{\"c\":1,\"d\":2},{\"c\":3}]}}");
    try t.expect("json.filter", &.{ doc, "[[\"a\", \"b\", 1]]" }, "{\"a\":{\"b\":[]}}");
    try t.expect("json.filter", &.{ doc, "[\"f/g\", \"i~1j\", \"k~0l\"]" }, "{\"f\":[\"g\"],\"i/j\":1,\"k~l\":2}");
    try t.expect("json.filter", &.{ doc, "[\"\"]" }, "{}");
    try t.expect("json.filter", &.{ doc, "[]" }, "{}");
    try t.expect("json.filter", &.{ "{\"a\":1}", "[\"a\", \"b\", \"c\"]" }, "{\"a\":1}");
    try t.expectError("json.filter", &.{ doc, "\"a\"" }, error.TypeError, "operand 2 must be one of {set, array} but got string");
    try t.expectError("json.filter", &.{ doc, "[1]" }, error.TypeError, "operand 2 must be one of {set, array} containing string paths or array of path segments but got number");
    try t.expectError("json.filter", &.{ "[]", "[]" }, error.TypeError, "operand 1 must be object but got array");
}

test "json.remove" {
    var t: TestContext = undefined;
    t.init();
    defer t.deinit();
    const doc = "{\"a\":{\"b\":[{\"c\":1,\"d\":2},{\"c\":3}],\"e\":\"x\"},\"f\":{\"$set\":[\"g\",\"h\"]},\"i/j\":1}";
    try t.expect("json.remove", &.{ doc, "[\"a/b/0/c\", \"a/e\"]" }, "{\"a\":{\"b\":[{\"d\":2},{\"c\":3}]},\"f\":[\"g\",\"h\"],\"i/j\":1}");
    try t.expect("json.remove", &.{ doc, "[\"a/b/0\", \"f/h\", \"i~1j\"]" }, "{\"a\":{\"b\":[{\"c\":3}],\"e\":\"x\"},\"f\":[\"g\"]}");
    try t.expect("json.remove", &.{ doc, "[[\"a\", \"b\", 0]]" }, "{\"a\":{\"b\":[{\"c\":1,\"d\":2},{\"c\":3}],\"e\":\"x\"},\"f\":[\"g\",\"h\"],\"i/j\":1}");
    try t.expect("json.remove", &.{ doc, "[\"a\", \"a/b\"]" }, "{\"f\":[\"g\",\"h\"],\"i/j\":1}");
    try t.expect("json.remove", &.{ doc, "[]" }, "{\"a\":{\"b\":[{\"c\":1,\"d\":2},{\"c\":3}],\"e\":\"x\"},\"f\":[\"g\",\"h\"],\"i/j\":1}");
    try t.expectError("json.remove", &.{ doc, "{\"y\":1}" }, error.TypeError, "operand 2 must be one of {set, array} but got object");
    try t.expectError("json.remove", &.{ doc, "[\"a\", {\"x\":1}]" }, error.TypeError, "operand 2 must be one of {set, array} containing string paths or array of path segments but got object");
}

test "json.patch: RFC 6902 operations" {
    var t: TestContext = undefined;
    t.init();
    defer t.deinit();
    try t.expect("json.patch", &.{ "{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/baz\",\"value\":\"qux\"}]" }, "{\"baz\":\"qux\",\"foo\":\"bar\"}");
    try t.expect("json.patch", &.{ "{\"foo\":[\"bar\",\"baz\"]}", "[{\"op\":\"add\",\"path\":\"/foo/1\",\"value\":\"qux\"}]" }, "{\"foo\":[\"bar\",\"qux\",\"baz\"]}");
    try t.expect("json.patch", &.{ "{\"foo\":[\"bar\"]}", "[{\"op\":\"add\",\"path\":\"/foo/-\",\"value\":1}]" }, "{\"foo\":[\"bar\",1]}");
    try t.expect("json.patch", &.{ "{\"baz\":\"qux\",\"foo\":\"bar\"}", "[{\"op\":\"remove\",\"path\":\"/baz\"}]" }, "{\"foo\":\"bar\"}");
    try t.expect("json.patch", &.{ "{\"foo\":[\"bar\",\"qux\",\"baz\"]}", "[{\"op\":\"remove\",\"path\":\"/foo/1\"}]" }, "{\"foo\":[\"bar\",\"baz\"]}");
    try t.expect("json.patch", &.{ "{\"baz\":\"qux\"}", "[{\"op\":\"replace\",\"path\":\"/baz\",\"value\":\"boo\"}]" }, "{\"baz\":\"boo\"}");
    try t.expect("json.patch", &.{ "{\"foo\":{\"bar\":\"baz\",\"waldo\":\"fred\"},\"qux\":{\"corge\":\"grault\"}}", "[{\"op\":\"move\",\"from\":\"/foo/waldo\",\"path\":\"/qux/thud\"}]" }, "{\"foo\":{\"bar\":\"baz\"},\"qux\":{\"corge\":\"grault\",\"thud\":\"fred\"}}");
    try t.expect("json.patch", &.{ "{\"foo\":[\"all\",\"grass\",\"cows\",\"eat\"]}", "[{\"op\":\"move\",\"from\":\"/foo/1\",\"path\":\"/foo/3\"}]" }, "{\"foo\":[\"all\",\"cows\",\"eat\",\"grass\"]}");
    try t.expect("json.patch", &.{ "{\"baz\":\"qux\",\"foo\":[\"a\",2,\"c\"]}", "[{\"op\":\"test\",\"path\":\"/baz\",\"value\":\"qux\"},{\"op\":\"test\",\"path\":\"/foo/1\",\"value\":2}]" }, "{\"baz\":\"qux\",\"foo\":[\"a\",2,\"c\"]}");
    try t.expect("json.patch", &.{ "{\"/\":9,\"~1\":10}", "[{\"op\":\"test\",\"path\":\"/~01\",\"value\":10}]" }, "{\"/\":9,\"~1\":10}");
    try t.expect("json.patch", &.{ "{\"foo\":1}", "[{\"op\":\"copy\",\"from\":\"/foo\",\"path\":\"/bar\"}]" }, "{\"bar\":1,\"foo\":1}");
    try t.expect("json.patch", &.{ "{\"a\":1}", "[{\"op\":\"replace\",\"path\":\"\",\"value\":5}]" }, "5");
    try t.expect("json.patch", &.{ "[1]", "[]" }, "[1]");
    // Sets are addressed by their members.
    try t.expect("json.patch", &.{ "{\"foo\":{\"$set\":[\"a\",\"b\",\"c\"]}}", "[{\"op\":\"remove\",\"path\":\"foo/b\"}]" }, "{\"foo\":[\"a\",\"c\"]}");
    try t.expect("json.patch", &.{ "{\"foo\":{\"$set\":[\"a\",\"b\",\"c\"]}}", "[{\"op\":\"add\",\"path\":\"foo/d\",\"value\":\"d\"}]" }, "{\"foo\":[\"a\",\"b\",\"c\",\"d\"]}");
    try t.expect("json.patch", &.{ "{\"foo\":{\"$set\":[\"a\",\"b\"]},\"bar\":{\"$set\":[\"c\",\"d\"]}}", "[{\"op\":\"move\",\"from\":\"foo/a\",\"path\":\"bar/a\"}]" }, "{\"bar\":[\"a\",\"c\",\"d\"],\"foo\":[\"b\"]}");
    try t.expect("json.patch", &.{ "{\"$set\":[[1]]}", "[{\"op\":\"add\",\"path\":[[1],1],\"value\":2}]" }, "[[1,2]]");
}

test "json.patch: OPA's EditTree quirks and messages" {
    var t: TestContext = undefined;
    t.init();
    defer t.deinit();
    // Walking through an edited array reads the original array (checked with opa).
    try t.expect("json.patch", &.{ "{\"a\":[{\"x\":1},{\"y\":2}]}", "[{\"op\":\"remove\",\"path\":\"/a/0\"},{\"op\":\"add\",\"path\":\"/a/0/z\",\"value\":3}]" }, "{\"a\":[{\"x\":1,\"z\":3}]}");
    try t.expect("json.patch", &.{ "{\"a\":[1,2,3]}", "[{\"op\":\"remove\",\"path\":\"/a/0\"},{\"op\":\"test\",\"path\":\"/a/0\",\"value\":1}]" }, "{\"a\":[1,3]}");

    const cases = [_]struct { []const u8, []const u8, []const u8 }{
        .{ "{\"a\":[1,2,3]}", "[{\"op\":\"remove\",\"path\":\"/a/0\"},{\"op\":\"test\",\"path\":\"/a/0\",\"value\":2}]", "value from EditTree != patch value.\n\nExpected: 2\n\nFound: 1" },
        .{ "{\"a\":{\"$set\":[\"b\"]}}", "[{\"op\":\"test\",\"path\":\"/a/c\",\"value\":2}]", "path c does not exist in set term {\"b\"}" },
        .{ "1", "[{\"op\":\"test\",\"path\":\"/a/c\",\"value\":2}]", "expected composite type for path \"a\", found value: 1 (type: ast.Number)" },
        .{ "{\"a\":[1,2,3]}", "[{\"op\":\"add\",\"path\":\"/a/-1\",\"value\":2}]", "index for array insertion out of bounds" },
        .{ "{\"a\":1}", "[{\"op\":\"remove\",\"path\":\"/\"}]", "cannot delete child key \"\" that does not exist" },
        .{ "{\"a\":1}", "[{\"op\":\"add\",\"path\":\"/a/b\",\"value\":5}]", "expected composite type, found value: 1 (type: ast.Number)" },
        .{ "{\"a\":[1]}", "[{\"op\":\"add\",\"path\":\"/a/01\",\"value\":5}]", "leading zeros are not allowed in JSON paths" },
        .{ "{\"a\":[1]}", "[{\"op\":\"add\",\"path\":\"/a/x\",\"value\":5}]", "invalid string for indexing" },
        .{ "{\"a\":[1]}", "[{\"op\":\"add\",\"path\":[\"a\",1.0],\"value\":5}]", "invalid number type for indexing" },
        .{ "{\"a\":[1]}", "[{\"op\":\"add\",\"path\":[\"a\",true],\"value\":5}]", "invalid type for indexing" },
        .{ "{\"a\":[1]}", "[{\"op\":\"remove\",\"path\":\"/a/1\"}]", "index for array delete out of bounds" },
        .{ "{\"a\":[1]}", "[{\"op\":\"test\",\"path\":\"/a/5\",\"value\":1}]", "path 5 does not exist in array term [1]" },
        .{ "{\"a\":\"x\"}", "[{\"op\":\"remove\",\"path\":\"/a\"},{\"op\":\"remove\",\"path\":\"/a\"}]", "cannot delete the already deleted scalar node for key \"a\"" },
        .{ "{\"a\":{\"b\":1}}", "[{\"op\":\"remove\",\"path\":\"/a\"},{\"op\":\"remove\",\"path\":\"/a/b\"}]", "cannot unfold the already deleted composite node for key \"a\"" },
        .{ "{\"a\":1}", "[{\"op\":\"bogus\",\"path\":\"/x\"}]", "unrecognized op: 'bogus'" },
        .{ "{\"a\":1}", "[{\"op\":1,\"path\":\"/x\"}]", "attribute 'op' must be a string but found: number" },
        .{ "{\"a\":1}", "[{\"path\":\"/x\"}]", "missing required attribute 'op'" },
        .{ "{\"a\":1}", "[{\"op\":\"add\"}]", "missing required attribute 'path'" },
        .{ "{\"a\":1}", "[{\"op\":\"add\",\"path\":\"/x\"}]", "missing required attribute 'value'" },
        .{ "{\"a\":1}", "[{\"op\":\"move\",\"path\":\"/x\"}]", "missing required attribute 'from'" },
        .{ "{\"a\":1}", "[1]", "must be an array of JSON-Patch objects, but at least one element is not an object" },
        .{ "\"s\"", "[{\"op\":\"add\",\"path\":\"/x\",\"value\":3}]", "expected composite type, found value: \"s\" (type: ast.String)" },
        .{ "{\"a\":1}", "[{\"op\":\"remove\",\"path\":\"\"}]", "json.patch removed the whole document" },
    };
    for (cases) |case| {
        const doc = try t.parse(case[0]);
        const patch = try t.parse(case[1]);
        const result = jsonPatch(&t.ctx, &.{ doc, patch });
        testing.expectError(error.BuiltinError, result) catch |err| {
            std.debug.print("patch {s}\n", .{case[1]});
            return err;
        };
        testing.expectEqualStrings(case[2], t.ctx.message.items) catch |err| {
            std.debug.print("patch {s}\n", .{case[1]});
            return err;
        };
    }
    try t.expectError("json.patch", &.{ "{}", "[{\"op\":\"add\",\"path\":1}]" }, error.TypeError, "operand 2 must be one of {set, array} containing string paths or array of path segments but got number");
    try t.expectError("json.patch", &.{ "{}", "{}" }, error.TypeError, "operand 2 must be array but got object");
}

test "allocation failures surface as OutOfMemory" {
    var t: TestContext = undefined;
    t.init();
    defer t.deinit();
    const calls = [_]struct { []const u8, []const []const u8 }{
        .{ "json.patch", &.{ "{\"a\":[1,{\"b\":{\"$set\":[1]}}],\"c\":{\"d\":1}}", "[{\"op\":\"add\",\"path\":[\"a\",1,\"b\",2],\"value\":2},{\"op\":\"move\",\"from\":\"/c/d\",\"path\":\"/a/0\"},{\"op\":\"copy\",\"from\":\"/a\",\"path\":\"/e\"},{\"op\":\"remove\",\"path\":\"/a/2\"}]" } },
        .{ "object.union_n", &.{"[{\"a\":{\"b\":1}},{\"a\":{\"c\":2},\"d\":1},{\"e\":3}]"} },
        .{ "json.filter", &.{ "{\"a\":{\"b\":[1,2],\"c\":3},\"d\":{\"$set\":[\"x\",\"y\"]}}", "[\"a/b/1\",\"d/x\",[\"a\",\"c\"]]" } },
        .{ "json.remove", &.{ "{\"a\":{\"b\":[1,2],\"c\":3},\"d\":{\"$set\":[\"x\",\"y\"]}}", "[\"a/b/1\",\"d/x\",\"a/~0c\"]" } },
        .{ "object.remove", &.{ "{\"a\":1,\"b\":2}", "[\"a\"]" } },
        .{ "object.filter", &.{ "{\"a\":1,\"b\":2}", "[\"a\"]" } },
    };
    for (calls) |call| {
        var args: [2]Value = undefined;
        for (call[1], 0..) |text, i| args[i] = try t.parse(text);
        const b = for (builtins) |b| {
            if (std.mem.eql(u8, b.name, call[0])) break b;
        } else unreachable;
        var fail_index: usize = 0;
        while (true) : (fail_index += 1) {
            var arena: std.heap.ArenaAllocator = .init(testing.allocator);
            defer arena.deinit();
            var failing: std.testing.FailingAllocator = .init(arena.allocator(), .{ .fail_index = fail_index });
            var ctx: Context = .{ .allocator = failing.allocator() };
            if (b.func(&ctx, args[0..call[1].len])) |_| {
                break;
            } else |err| try testing.expectEqual(error.OutOfMemory, err);
        }
    }
}
