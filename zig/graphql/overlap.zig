//! gqlparser's OverlappingFieldsCanBeMerged rule: fields that share a
//! response name must be the same field with the same arguments and
//! compatible types, recursively, through fragments.
//!
//! The comparison order and the bookkeeping (which fragments were already
//! compared, reset at the same points as gqlparser resets them) decide which
//! conflicts are found and in what order, so both follow gqlparser exactly.
const std = @import("std");
const Allocator = std.mem.Allocator;
const ast = @import("ast.zig");
const validate = @import("validate.zig");

const Context = validate.Context;
const Error = validate.Error;

/// Rule state for one validation.
pub const State = struct {
    /// Fragment pairs compared so far: pair key -> whether compared as mutually exclusive.
    compared_pairs: std.StringHashMapUnmanaged(bool) = .empty,
    /// Fragments compared against the current field set.
    compared_fragments: std.StringHashMapUnmanaged(void) = .empty,
};

const Conflict = struct {
    response_name: []const u8,
    /// Set for a leaf conflict; otherwise `children` explain it.
    reason: []const u8 = "",
    children: []const *Conflict = &.{},
    position: ?ast.Position,

    fn write(conflict: *const Conflict, w: *std.Io.Writer) std.Io.Writer.Error!void {
        if (conflict.children.len == 0) return w.writeAll(conflict.reason);
        for (conflict.children, 0..) |child, i| {
            if (i > 0) try w.writeAll(" and ");
            try w.print("subfields \"{s}\" conflict because ", .{child.response_name});
            try child.write(w);
        }
    }
};

const Conflicts = std.ArrayList(*Conflict);

/// Fields by response name, in first-seen order.
const FieldMap = struct {
    names: std.ArrayList([]const u8) = .empty,
    fields: std.StringHashMapUnmanaged(std.ArrayList(*ast.Field)) = .empty,

    fn push(map: *FieldMap, allocator: Allocator, name: []const u8, field: *ast.Field) Allocator.Error!void {
        const entry = try map.fields.getOrPut(allocator, name);
        if (!entry.found_existing) {
            entry.value_ptr.* = .empty;
            try map.names.append(allocator, name);
        }
        try entry.value_ptr.append(allocator, field);
    }

    fn get(map: *const FieldMap, name: []const u8) ?[]const *ast.Field {
        const entry = map.fields.getPtr(name) orelse return null;
        return entry.items;
    }

    /// reflect.DeepEqual of two maps: the same names in the same order with
    /// the same fields (by identity).
    fn same(a: *const FieldMap, b: *const FieldMap) bool {
        if (a.names.items.len != b.names.items.len) return false;
        for (a.names.items, b.names.items) |name_a, name_b| {
            if (!std.mem.eql(u8, name_a, name_b)) return false;
            if (!std.mem.eql(*ast.Field, a.get(name_a).?, b.get(name_b).?)) return false;
        }
        return true;
    }
};

const Collected = struct {
    map: FieldMap,
    spreads: []const *ast.FragmentSpread,
};

fn responseName(field: *const ast.Field) []const u8 {
    return if (field.alias.len > 0) field.alias else field.name;
}

/// The fields of a selection set (through inline fragments) and its spreads.
fn collect(ctx: *Context, selections: []const ast.Selection) Error!Collected {
    var map: FieldMap = .{};
    var spreads: std.ArrayList(*ast.FragmentSpread) = .empty;
    try collectInto(ctx, selections, &map, &spreads);
    return .{ .map = map, .spreads = spreads.items };
}

fn collectInto(ctx: *Context, selections: []const ast.Selection, map: *FieldMap, spreads: *std.ArrayList(*ast.FragmentSpread)) Error!void {
    try ctx.enter();
    defer ctx.leave();
    for (selections) |selection| switch (selection) {
        .field => |field| try map.push(ctx.allocator, responseName(field), field),
        .inline_fragment => |fragment| try collectInto(ctx, fragment.selection_set, map, spreads),
        .fragment_spread => |spread| try spreads.append(ctx.allocator, spread),
    };
}

/// The handler for operations, fields (inside operations), inline fragments
/// and fragment definitions: conflicts within one selection set.
pub fn onSelectionSet(ctx: *Context, selections: []const ast.Selection) Error!void {
    if (selections.len == 0) return;
    const collected = try collect(ctx, selections);
    var conflicts: Conflicts = .empty;
    try collectWithin(ctx, &conflicts, &collected.map);
    ctx.overlap.compared_fragments.clearRetainingCapacity();
    for (collected.spreads, 0..) |spread_a, i| {
        try collectBetweenFieldsAndFragment(ctx, &conflicts, false, &collected.map, spread_a);
        for (collected.spreads[i + 1 ..]) |spread_b| {
            try collectBetweenFragments(ctx, &conflicts, false, spread_a, spread_b);
        }
    }
    for (conflicts.items) |conflict| {
        var reason: std.Io.Writer.Allocating = .init(ctx.allocator);
        conflict.write(&reason.writer) catch return error.OutOfMemory;
        try ctx.addError(conflict.position, "Fields \"{s}\" conflict because {s}. Use different aliases on the fields to fetch both if this was intentional.", .{ conflict.response_name, reason.written() });
    }
}

fn collectWithin(ctx: *Context, conflicts: *Conflicts, map: *const FieldMap) Error!void {
    for (map.names.items) |name| {
        const fields = map.get(name).?;
        for (fields, 0..) |field_a, i| {
            for (fields[i + 1 ..]) |field_b| {
                if (try findConflict(ctx, false, field_a, field_b)) |conflict| try conflicts.append(ctx.allocator, conflict);
            }
        }
    }
}

fn collectBetween(ctx: *Context, conflicts: *Conflicts, exclusive: bool, map_a: *const FieldMap, map_b: *const FieldMap) Error!void {
    for (map_a.names.items) |name| {
        const fields_b = map_b.get(name) orelse continue;
        for (map_a.get(name).?) |field_a| {
            for (fields_b) |field_b| {
                if (try findConflict(ctx, exclusive, field_a, field_b)) |conflict| try conflicts.append(ctx.allocator, conflict);
            }
        }
    }
}

fn collectBetweenFieldsAndFragment(ctx: *Context, conflicts: *Conflicts, exclusive: bool, map: *const FieldMap, spread: *ast.FragmentSpread) Error!void {
    try ctx.enter();
    defer ctx.leave();
    const entry = try ctx.overlap.compared_fragments.getOrPut(ctx.allocator, spread.name);
    if (entry.found_existing) return;
    const fragment = spread.definition orelse return;
    const collected = try collect(ctx, fragment.selection_set);
    // Do not compare a fragment's fields to themselves.
    if (FieldMap.same(map, &collected.map)) return;
    try collectBetween(ctx, conflicts, exclusive, map, &collected.map);
    for (collected.spreads) |nested| {
        if (std.mem.eql(u8, nested.name, spread.name)) continue;
        try collectBetweenFieldsAndFragment(ctx, conflicts, exclusive, map, nested);
    }
}

fn collectBetweenFragments(ctx: *Context, conflicts: *Conflicts, exclusive: bool, spread_a: *ast.FragmentSpread, spread_b: *ast.FragmentSpread) Error!void {
    try ctx.enter();
    defer ctx.leave();
    if (std.mem.eql(u8, spread_a.name, spread_b.name)) return;
    if (try pairCompared(ctx, spread_a.name, spread_b.name, exclusive)) return;
    try recordPair(ctx, spread_a.name, spread_b.name, exclusive);
    try recordPair(ctx, spread_b.name, spread_a.name, exclusive);
    const fragment_a = spread_a.definition orelse return;
    const fragment_b = spread_b.definition orelse return;
    const collected_a = try collect(ctx, fragment_a.selection_set);
    const collected_b = try collect(ctx, fragment_b.selection_set);
    try collectBetween(ctx, conflicts, exclusive, &collected_a.map, &collected_b.map);
    for (collected_b.spreads) |nested| try collectBetweenFragments(ctx, conflicts, exclusive, spread_a, nested);
    for (collected_a.spreads) |nested| try collectBetweenFragments(ctx, conflicts, exclusive, nested, spread_b);
}

fn pairKey(ctx: *Context, a: []const u8, b: []const u8) Allocator.Error![]const u8 {
    return std.fmt.allocPrint(ctx.allocator, "{d}:{s}{s}", .{ a.len, a, b });
}

/// pairSet.Has: a pair compared as mutually exclusive does not count for a
/// comparison that is not.
fn pairCompared(ctx: *Context, a: []const u8, b: []const u8, exclusive: bool) Error!bool {
    const recorded = ctx.overlap.compared_pairs.get(try pairKey(ctx, a, b)) orelse return false;
    return if (exclusive) true else !recorded;
}

fn recordPair(ctx: *Context, a: []const u8, b: []const u8, exclusive: bool) Error!void {
    try ctx.overlap.compared_pairs.put(ctx.allocator, try pairKey(ctx, a, b), exclusive);
}

fn findConflict(ctx: *Context, parent_exclusive: bool, field_a: *ast.Field, field_b: *ast.Field) Error!?*Conflict {
    try ctx.enter();
    defer ctx.leave();
    const parent_a = field_a.object_definition orelse return null;
    const parent_b = field_b.object_definition orelse return null;
    // Fields of two different object types never both resolve.
    const exclusive = parent_exclusive or (!std.mem.eql(u8, parent_a.name, parent_b.name) and
        parent_a.isKind(ast.kinds.object) and parent_b.isKind(ast.kinds.object) and
        field_a.definition != null and field_b.definition != null);
    const name = responseName(field_a);
    const a = ctx.allocator;
    if (!exclusive) {
        if (!std.mem.eql(u8, field_a.name, field_b.name)) {
            return try leaf(ctx, name, field_b, try std.fmt.allocPrint(a, "\"{s}\" and \"{s}\" are different fields", .{ field_a.name, field_b.name }));
        }
        if (!try sameArguments(field_a.arguments, field_b.arguments)) {
            return try leaf(ctx, name, field_b, "they have differing arguments");
        }
    }
    if (field_a.definition) |definition_a| {
        if (field_b.definition) |definition_b| {
            const type_a = definition_a.type orelse return error.Unsupported;
            const type_b = definition_b.type orelse return error.Unsupported;
            if (try typesConflict(ctx, type_a, type_b)) {
                return try leaf(ctx, name, field_b, try std.fmt.allocPrint(a, "they return conflicting types \"{s}\" and \"{s}\"", .{ try ctx.typeString(type_a), try ctx.typeString(type_b) }));
            }
        }
    }
    const children = try conflictsBetweenSubSelections(ctx, exclusive, field_a.selection_set, field_b.selection_set);
    if (children.len == 0) return null;
    const conflict = try a.create(Conflict);
    conflict.* = .{ .response_name = name, .children = children, .position = field_b.position };
    return conflict;
}

fn leaf(ctx: *Context, name: []const u8, field_b: *const ast.Field, reason: []const u8) Error!*Conflict {
    const conflict = try ctx.allocator.create(Conflict);
    conflict.* = .{ .response_name = name, .reason = reason, .position = field_b.position };
    return conflict;
}

fn conflictsBetweenSubSelections(ctx: *Context, exclusive: bool, selections_a: []const ast.Selection, selections_b: []const ast.Selection) Error![]const *Conflict {
    var conflicts: Conflicts = .empty;
    const collected_a = try collect(ctx, selections_a);
    const collected_b = try collect(ctx, selections_b);
    try collectBetween(ctx, &conflicts, exclusive, &collected_a.map, &collected_b.map);
    for (collected_b.spreads) |spread| {
        ctx.overlap.compared_fragments.clearRetainingCapacity();
        try collectBetweenFieldsAndFragment(ctx, &conflicts, exclusive, &collected_a.map, spread);
    }
    for (collected_a.spreads) |spread| {
        ctx.overlap.compared_fragments.clearRetainingCapacity();
        try collectBetweenFieldsAndFragment(ctx, &conflicts, exclusive, &collected_b.map, spread);
    }
    for (collected_a.spreads) |spread_a| {
        for (collected_b.spreads) |spread_b| {
            try collectBetweenFragments(ctx, &conflicts, exclusive, spread_a, spread_b);
        }
    }
    return conflicts.items;
}

fn sameArguments(arguments_a: []const *ast.Argument, arguments_b: []const *ast.Argument) Error!bool {
    if (arguments_a.len != arguments_b.len) return false;
    for (arguments_a) |argument_a| {
        const value_a = argument_a.value orelse return error.Unsupported;
        const matched = for (arguments_b) |argument_b| {
            if (!std.mem.eql(u8, argument_a.name, argument_b.name)) continue;
            const value_b = argument_b.value orelse return error.Unsupported;
            if (value_a.kind == value_b.kind and std.mem.eql(u8, value_a.raw, value_b.raw)) break true;
        } else false;
        if (!matched) return false;
    }
    return true;
}

fn typesConflict(ctx: *Context, type_a: *const ast.Type, type_b: *const ast.Type) Error!bool {
    try ctx.enter();
    defer ctx.leave();
    if (type_a.elem) |elem_a| {
        const elem_b = type_b.elem orelse return true;
        return typesConflict(ctx, elem_a, elem_b);
    }
    if (type_b.elem != null) return true;
    if (type_a.non_null != type_b.non_null) return true;
    const definition_a = ctx.typeNamed(type_a.named_type) orelse return error.Unsupported;
    const definition_b = ctx.typeNamed(type_b.named_type) orelse return error.Unsupported;
    if (definition_a.isLeafType() and definition_b.isLeafType()) {
        return !std.mem.eql(u8, definition_a.name, definition_b.name);
    }
    return false;
}
