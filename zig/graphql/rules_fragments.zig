//! gqlparser's validation rules about fragments: FragmentsOnCompositeTypes,
//! KnownFragmentNames, KnownTypeNames (on fragments), NoFragmentCycles,
//! NoUnusedFragments, PossibleFragmentSpreads, UniqueFragmentNames.
const std = @import("std");
const ast = @import("ast.zig");
const rules_fields = @import("rules_fields.zig");
const validate = @import("validate.zig");

const Context = validate.Context;
const Error = validate.Error;

pub fn fragmentsOnCompositeTypes(ctx: *Context, fragment: *ast.FragmentDefinition) Error!void {
    const definition = fragment.definition orelse return;
    if (fragment.type_condition.len == 0 or definition.isCompositeType()) return;
    try ctx.addError(fragment.position, "Fragment \"{s}\" cannot condition on non composite type \"{s}\".", .{ fragment.name, fragment.type_condition });
}

pub fn inlineFragmentOnCompositeType(ctx: *Context, fragment: *ast.InlineFragment) Error!void {
    const definition = ctx.typeNamed(fragment.type_condition) orelse return;
    if (definition.isCompositeType()) return;
    try ctx.addError(fragment.position, "Fragment cannot condition on non composite type \"{s}\".", .{fragment.type_condition});
}

pub fn knownTypeNamesOnFragment(ctx: *Context, fragment: *ast.FragmentDefinition) Error!void {
    const name = fragment.type_condition;
    if (ctx.typeNamed(name) != null) return;
    // gqlparser offers the schema's types in map order; we use name order.
    const options = try ctx.schema.sortedTypeNames(ctx.allocator);
    const base = try std.fmt.allocPrint(ctx.allocator, "Unknown type \"{s}\".", .{name});
    try rules_fields.addWithSuggestions(ctx, fragment.position, base, "Did you mean", name, options, true);
}

pub fn knownTypeNamesOnInlineFragment(ctx: *Context, fragment: *ast.InlineFragment) Error!void {
    const name = fragment.type_condition;
    if (name.len == 0 or ctx.typeNamed(name) != null) return;
    try ctx.addError(fragment.position, "Unknown type \"{s}\".", .{name});
}

pub fn knownFragmentNames(ctx: *Context, spread: *ast.FragmentSpread) Error!void {
    if (spread.definition != null) return;
    try ctx.addError(spread.position, "Unknown fragment \"{s}\".", .{spread.name});
}

/// Spreads outside fragment definitions: the walk reaches every operation
/// before any fragment definition.
pub fn markFragmentUsed(ctx: *Context, spread: *ast.FragmentSpread) Error!void {
    if (ctx.in_fragment_definition) return;
    try ctx.fragments_used.put(ctx.allocator, spread.name, {});
}

pub fn noUnusedFragments(ctx: *Context, fragment: *ast.FragmentDefinition) Error!void {
    ctx.in_fragment_definition = true;
    if (ctx.fragments_used.contains(fragment.name)) return;
    try ctx.addError(fragment.position, "Fragment \"{s}\" is never used.", .{fragment.name});
}

pub fn uniqueFragmentNames(ctx: *Context, fragment: *ast.FragmentDefinition) Error!void {
    const entry = try ctx.fragment_names_seen.getOrPut(ctx.allocator, fragment.name);
    if (entry.found_existing) try ctx.addError(fragment.position, "There can be only one fragment named \"{s}\".", .{fragment.name});
}

/// Reports each spread that closes a cycle, with the spreads in between.
pub fn noFragmentCycles(ctx: *Context, fragment: *ast.FragmentDefinition) Error!void {
    var cycles: Cycles = .{ .ctx = ctx };
    try cycles.visit(fragment);
}

const Cycles = struct {
    ctx: *Context,
    path: std.ArrayList(*ast.FragmentSpread) = .empty,
    /// Fragments on the current path, with their index in `path`.
    index_by_name: std.StringHashMapUnmanaged(usize) = .empty,

    fn visit(cycles: *Cycles, fragment: *ast.FragmentDefinition) Error!void {
        const ctx = cycles.ctx;
        const a = ctx.allocator;
        try ctx.enter();
        defer ctx.leave();
        const visited = try ctx.fragment_cycles_visited.getOrPut(a, fragment.name);
        if (visited.found_existing) return;
        const spreads = try fragmentSpreads(ctx, fragment.selection_set);
        if (spreads.len == 0) return;
        try cycles.index_by_name.put(a, fragment.name, cycles.path.items.len);
        for (spreads) |spread| {
            const cycle_index = cycles.index_by_name.get(spread.name);
            try cycles.path.append(a, spread);
            if (cycle_index) |start| {
                var via: std.Io.Writer.Allocating = .init(a);
                const between = cycles.path.items[start .. cycles.path.items.len - 1];
                for (between, 0..) |step, i| {
                    via.writer.print("{s}\"{s}\"", .{ if (i == 0) " via " else ", ", step.name }) catch return error.OutOfMemory;
                }
                try ctx.addError(spread.position, "Cannot spread fragment \"{s}\" within itself{s}.", .{ spread.name, via.written() });
            } else if (ast.forName(ast.FragmentDefinition, ctx.document.fragments, "name", spread.name)) |target| {
                try cycles.visit(target);
            }
            _ = cycles.path.pop();
        }
        _ = cycles.index_by_name.remove(fragment.name);
    }
};

/// The spreads in a selection set, found depth first with a stack: the last
/// nested selection set is searched first.
fn fragmentSpreads(ctx: *Context, selections: []const ast.Selection) Error![]*ast.FragmentSpread {
    const a = ctx.allocator;
    var spreads: std.ArrayList(*ast.FragmentSpread) = .empty;
    var stack: std.ArrayList([]const ast.Selection) = .empty;
    try stack.append(a, selections);
    while (stack.pop()) |set| {
        try ctx.step();
        for (set) |selection| switch (selection) {
            .fragment_spread => |spread| try spreads.append(a, spread),
            .field => |field| try stack.append(a, field.selection_set),
            .inline_fragment => |fragment| try stack.append(a, fragment.selection_set),
        };
    }
    return spreads.items;
}

pub fn possibleInlineFragment(ctx: *Context, fragment: *ast.InlineFragment) Error!void {
    const parent = fragment.object_definition orelse return;
    if (try canSpread(ctx, parent, fragment.type_condition)) return;
    try ctx.addError(fragment.position, "Fragment cannot be spread here as objects of type \"{s}\" can never be of type \"{s}\".", .{ parent.name, fragment.type_condition });
}

pub fn possibleFragmentSpread(ctx: *Context, spread: *ast.FragmentSpread) Error!void {
    const definition = spread.definition orelse return;
    const parent = spread.object_definition orelse return;
    if (try canSpread(ctx, parent, definition.type_condition)) return;
    try ctx.addError(spread.position, "Fragment \"{s}\" cannot be spread here as objects of type \"{s}\" can never be of type \"{s}\".", .{ spread.name, parent.name, definition.type_condition });
}

/// False only when the fragment's type and the parent type provably share
/// no object type (other cases are left to other rules).
fn canSpread(ctx: *Context, parent: *ast.Definition, type_condition: []const u8) Error!bool {
    var single = [_]?*ast.Definition{parent};
    const parents: []const ?*ast.Definition = if (parent.isKind(ast.kinds.object))
        &single
    else if (parent.isAbstractType())
        ctx.schema.possibleTypes(parent.name)
    else
        return true;
    const fragment_type = ctx.typeNamed(type_condition) orelse return true;
    if (!fragment_type.isCompositeType()) return true;
    for (ctx.schema.possibleTypes(fragment_type.name)) |possible_or_null| {
        for (parents) |parent_or_null| {
            const possible = possible_or_null orelse return error.Unsupported;
            const p = parent_or_null orelse return error.Unsupported;
            if (std.mem.eql(u8, p.name, possible.name)) return true;
        }
    }
    return false;
}
