//! gqlparser's validation rules about operations and their variables:
//! KnownRootType, KnownTypeNames (on variables), LoneAnonymousOperation,
//! NoUnusedVariables, SingleFieldSubscriptions, UniqueOperationNames,
//! UniqueVariableNames, VariablesAreInputTypes.
const std = @import("std");
const ast = @import("ast.zig");
const Quoted = @import("suggest.zig").Quoted;
const validate = @import("validate.zig");

const Context = validate.Context;
const Error = validate.Error;

pub fn knownRootType(ctx: *Context, operation: *ast.OperationDefinition) Error!void {
    // gqlparser panics on an operation type it does not know.
    const root, _ = validate.rootOf(ctx.schema, operation.operation) orelse return error.Unsupported;
    if (root != null) return;
    try ctx.addError(operation.position, "Schema does not support operation type \"{s}\"", .{operation.operation});
}

pub fn knownTypeNamesOnVariable(ctx: *Context, variable: *ast.VariableDefinition) Error!void {
    const name = try ctx.typeName(variable.type);
    if (ctx.typeNamed(name) != null) return;
    try ctx.addError(variable.position, "Unknown type \"{s}\".", .{name});
}

pub fn loneAnonymousOperation(ctx: *Context, operation: *ast.OperationDefinition) Error!void {
    if (operation.name.len > 0 or ctx.document.operations.len <= 1) return;
    try ctx.addError(operation.position, "This anonymous operation must be the only defined operation.", .{});
}

pub fn noUnusedVariables(ctx: *Context, operation: *ast.OperationDefinition) Error!void {
    for (operation.variable_definitions) |variable| {
        if (variable.used) continue;
        if (operation.name.len > 0) {
            try ctx.addError(variable.position, "Variable \"${s}\" is never used in operation \"{s}\".", .{ variable.variable, operation.name });
        } else {
            try ctx.addError(variable.position, "Variable \"${s}\" is never used.", .{variable.variable});
        }
    }
}

pub fn singleFieldSubscriptions(ctx: *Context, operation: *ast.OperationDefinition) Error!void {
    if (ctx.schema.subscription == null or !std.mem.eql(u8, operation.operation, "subscription")) return;
    var top: TopFields = .{ .ctx = ctx };
    try top.collect(operation.selection_set);
    const name = if (operation.name.len > 0)
        try std.fmt.allocPrint(ctx.allocator, "Subscription {f}", .{Quoted{ .text = operation.name }})
    else
        "Anonymous Subscription";
    const unique = try top.unique();
    if (unique.len > 1) try ctx.addError(unique[1].position, "{s} must select only one top level field.", .{name});
    for (unique) |field| {
        if (std.mem.startsWith(u8, field.name, "__")) {
            try ctx.addError(field.position, "{s} must not select an introspection top level field.", .{name});
        }
    }
}

/// The top-level fields of a subscription, through fragments.
const TopFields = struct {
    const Entry = struct { name: []const u8, position: ?ast.Position };
    ctx: *Context,
    fields: std.ArrayList(Entry) = .empty,
    entered: std.StringHashMapUnmanaged(void) = .empty,

    fn collect(top: *TopFields, selections: []const ast.Selection) Error!void {
        const ctx = top.ctx;
        try ctx.enter();
        defer ctx.leave();
        for (selections) |selection| switch (selection) {
            .field => |field| try top.fields.append(ctx.allocator, .{ .name = field.name, .position = field.position }),
            .inline_fragment => |fragment| try top.collect(fragment.selection_set),
            .fragment_spread => |spread| {
                // An unknown fragment ends the search of this selection set.
                const definition = spread.definition orelse return;
                const entry = try top.entered.getOrPut(ctx.allocator, definition.name);
                if (!entry.found_existing) try top.collect(definition.selection_set);
            },
        };
    }

    /// The first field of each name.
    fn unique(top: *TopFields) Error![]const Entry {
        var seen: std.StringHashMapUnmanaged(void) = .empty;
        var out: std.ArrayList(Entry) = .empty;
        for (top.fields.items) |field| {
            const entry = try seen.getOrPut(top.ctx.allocator, field.name);
            if (!entry.found_existing) try out.append(top.ctx.allocator, field);
        }
        return out.items;
    }
};

pub fn uniqueOperationNames(ctx: *Context, operation: *ast.OperationDefinition) Error!void {
    const entry = try ctx.operation_names_seen.getOrPut(ctx.allocator, operation.name);
    if (entry.found_existing) try ctx.addError(operation.position, "There can be only one operation named \"{s}\".", .{operation.name});
}

/// Reports each name's second occurrence.
pub fn uniqueVariableNames(ctx: *Context, operation: *ast.OperationDefinition) Error!void {
    var counts: std.StringHashMapUnmanaged(usize) = .empty;
    for (operation.variable_definitions) |variable| {
        const entry = try counts.getOrPut(ctx.allocator, variable.variable);
        if (!entry.found_existing) entry.value_ptr.* = 0;
        if (entry.value_ptr.* == 1) try ctx.addError(variable.position, "There can be only one variable named \"${s}\".", .{variable.variable});
        entry.value_ptr.* += 1;
    }
}

pub fn variablesAreInputTypes(ctx: *Context, operation: *ast.OperationDefinition) Error!void {
    for (operation.variable_definitions) |variable| {
        const definition = variable.definition orelse continue;
        if (definition.isInputType()) continue;
        try ctx.addError(variable.position, "Variable \"${s}\" cannot be non-input type \"{s}\".", .{ variable.variable, try ctx.typeString(variable.type) });
    }
}
