//! gqlparser's validation rules about fields, arguments and directives:
//! FieldsOnCorrectType, KnownArgumentNames, KnownDirectives,
//! MaxIntrospectionDepth, ProvidedRequiredArguments, ScalarLeafs,
//! UniqueArgumentNames, UniqueDirectivesPerLocation.
const std = @import("std");
const ast = @import("ast.zig");
const suggest = @import("suggest.zig");
const validate = @import("validate.zig");

const Context = validate.Context;
const Error = validate.Error;

/// A message under construction, for rules that append suggestions.
const Message = struct {
    out: std.Io.Writer.Allocating,

    fn init(ctx: *Context, comptime fmt: []const u8, args: anytype) Error!Message {
        var message: Message = .{ .out = .init(ctx.allocator) };
        message.out.writer.print(fmt, args) catch return error.OutOfMemory;
        return message;
    }

    fn print(message: *Message, comptime fmt: []const u8, args: anytype) Error!void {
        message.out.writer.print(fmt, args) catch return error.OutOfMemory;
    }

    /// " <prefix> A, B, or C?" when there are suggestions.
    fn suggestions(message: *Message, prefix: []const u8, items: []const []const u8, quoted: bool) Error!void {
        if (items.len == 0) return;
        const w = &message.out.writer;
        w.print(" {s} ", .{prefix}) catch return error.OutOfMemory;
        suggest.writeOrList(w, items, quoted) catch return error.OutOfMemory;
        w.writeByte('?') catch return error.OutOfMemory;
    }

    fn add(message: *Message, ctx: *Context, position: ?ast.Position) Error!void {
        try ctx.addMessage(position, message.out.written());
    }
};

/// SuggestListQuoted / SuggestListUnquoted, exported for the value rules.
pub fn addWithSuggestions(
    ctx: *Context,
    position: ?ast.Position,
    base: []const u8,
    prefix: []const u8,
    typed: []const u8,
    options: []const []const u8,
    quoted: bool,
) Error!void {
    var message = try Message.init(ctx, "{s}", .{base});
    try message.suggestions(prefix, try suggest.suggestionList(ctx.allocator, typed, options), quoted);
    try message.add(ctx, position);
}

pub fn fieldsOnCorrectType(ctx: *Context, field: *ast.Field) Error!void {
    const parent = field.object_definition orelse return;
    if (field.definition != null) return;
    var message = try Message.init(ctx, "Cannot query field \"{s}\" on type \"{s}\".", .{ field.name, parent.name });
    const type_names = try suggestedTypeNames(ctx, parent, field.name);
    if (type_names.len > 0) {
        try message.suggestions("Did you mean to use an inline fragment on", type_names, true);
    } else {
        try message.suggestions("Did you mean", try suggestedFieldNames(ctx, parent, field.name), true);
    }
    try message.add(ctx, field.position);
}

/// For an abstract type: the types that have the field, interfaces first by
/// how many of those types implement them, then by name.
fn suggestedTypeNames(ctx: *Context, parent: *const ast.Definition, name: []const u8) Error![]const []const u8 {
    if (!parent.isAbstractType()) return &.{};
    const a = ctx.allocator;
    var objects: std.ArrayList([]const u8) = .empty;
    var interfaces: std.ArrayList([]const u8) = .empty;
    var usage: std.StringHashMapUnmanaged(usize) = .empty;
    for (ctx.schema.possibleTypes(parent.name)) |possible_or_null| {
        const possible = possible_or_null orelse return error.Unsupported;
        if (ast.forName(ast.FieldDefinition, possible.fields, "name", name) == null) continue;
        try objects.append(a, possible.name);
        for (possible.interfaces) |interface_name| {
            const interface = ctx.typeNamed(interface_name) orelse continue;
            if (ast.forName(ast.FieldDefinition, interface.fields, "name", name) == null) continue;
            const entry = try usage.getOrPut(a, interface_name);
            if (!entry.found_existing) {
                entry.value_ptr.* = 0;
                try interfaces.append(a, interface_name);
            }
            entry.value_ptr.* += 1;
        }
    }
    try interfaces.appendSlice(a, objects.items);
    const Order = struct {
        usage: *const std.StringHashMapUnmanaged(usize),
        fn count(self: @This(), type_name: []const u8) usize {
            return self.usage.get(type_name) orelse 0;
        }
        fn lessThan(self: @This(), x: []const u8, y: []const u8) bool {
            const cx = self.count(x);
            const cy = self.count(y);
            if (cx != cy) return cx > cy;
            return std.mem.order(u8, x, y) == .lt;
        }
    };
    std.sort.insertion([]const u8, interfaces.items, Order{ .usage = &usage }, Order.lessThan);
    return interfaces.items;
}

fn suggestedFieldNames(ctx: *Context, parent: *const ast.Definition, name: []const u8) Error![]const []const u8 {
    if (!parent.isKind(ast.kinds.object) and !parent.isKind(ast.kinds.interface)) return &.{};
    const names = try ctx.allocator.alloc([]const u8, parent.fields.len);
    for (parent.fields, names) |field, *n| n.* = field.name;
    return suggest.suggestionList(ctx.allocator, name, names);
}

pub fn knownArgumentNamesOnField(ctx: *Context, field: *ast.Field) Error!void {
    const definition = field.definition orelse return;
    const parent = field.object_definition orelse return;
    for (field.arguments) |argument| {
        if (ast.forName(ast.ArgumentDefinition, definition.arguments, "name", argument.name) != null) continue;
        const base = try std.fmt.allocPrint(ctx.allocator, "Unknown argument \"{s}\" on field \"{s}.{s}\".", .{ argument.name, parent.name, field.name });
        try addWithSuggestions(ctx, field.position, base, "Did you mean", argument.name, try argumentNames(ctx, definition.arguments), true);
    }
}

pub fn knownArgumentNamesOnDirective(ctx: *Context, directive: *ast.Directive) Error!void {
    const definition = directive.definition orelse return;
    for (directive.arguments) |argument| {
        if (ast.forName(ast.ArgumentDefinition, definition.arguments, "name", argument.name) != null) continue;
        const base = try std.fmt.allocPrint(ctx.allocator, "Unknown argument \"{s}\" on directive \"@{s}\".", .{ argument.name, directive.name });
        try addWithSuggestions(ctx, directive.position, base, "Did you mean", argument.name, try argumentNames(ctx, definition.arguments), true);
    }
}

fn argumentNames(ctx: *Context, definitions: []const *ast.ArgumentDefinition) Error![]const []const u8 {
    const names = try ctx.allocator.alloc([]const u8, definitions.len);
    for (definitions, names) |definition, *n| n.* = definition.name;
    return names;
}

pub fn knownDirectives(ctx: *Context, directive: *ast.Directive) Error!void {
    const definition = directive.definition orelse {
        return ctx.addError(directive.position, "Unknown directive \"@{s}\".", .{directive.name});
    };
    if (ast.containsString(definition.locations, directive.location)) return;
    // Reported once per directive name and source position.
    const position = directive.position orelse return error.Unsupported;
    const key = try std.fmt.allocPrint(ctx.allocator, "{s}\x00{d}\x00{d}", .{ directive.name, position.line, position.column });
    const entry = try ctx.known_directives_reported.getOrPut(ctx.allocator, key);
    if (entry.found_existing) return;
    try ctx.addError(directive.position, "Directive \"@{s}\" may not be used on {s}.", .{ directive.name, directive.location });
}

/// Introspection queries may nest list fields (fields, interfaces,
/// possibleTypes, inputFields) at most three deep.
pub fn maxIntrospectionDepth(ctx: *Context, field: *ast.Field) Error!void {
    if (!std.mem.eql(u8, field.name, "__schema") and !std.mem.eql(u8, field.name, "__type")) return;
    var visited: std.StringHashMapUnmanaged(void) = .empty;
    if (try depthExceededInField(ctx, field, &visited, 0)) {
        try ctx.addError(field.position, "Maximum introspection depth exceeded", .{});
    }
}

const max_lists_depth = 3;

fn depthExceededInField(ctx: *Context, field: *const ast.Field, visited: *std.StringHashMapUnmanaged(void), depth: u32) Error!bool {
    var d = depth;
    const list_fields = [_][]const u8{ "fields", "interfaces", "possibleTypes", "inputFields" };
    for (list_fields) |name| {
        if (std.mem.eql(u8, field.name, name)) {
            d += 1;
            if (d >= max_lists_depth) return true;
        }
    }
    return depthExceededInSelections(ctx, field.selection_set, visited, d);
}

fn depthExceededInSelections(ctx: *Context, selections: []const ast.Selection, visited: *std.StringHashMapUnmanaged(void), depth: u32) Error!bool {
    try ctx.enter();
    defer ctx.leave();
    for (selections) |selection| {
        switch (selection) {
            .field => |field| if (try depthExceededInField(ctx, field, visited, depth)) return true,
            .fragment_spread => |spread| {
                if (visited.contains(spread.name)) continue;
                const fragment = spread.definition orelse continue;
                // A fragment may be visited again, just not inside itself.
                try visited.put(ctx.allocator, spread.name, {});
                defer _ = visited.remove(spread.name);
                if (try depthExceededInSelections(ctx, fragment.selection_set, visited, depth)) return true;
            },
            .inline_fragment => |fragment| if (try depthExceededInSelections(ctx, fragment.selection_set, visited, depth)) return true,
        }
    }
    return false;
}

pub fn providedRequiredArgumentsOnField(ctx: *Context, field: *ast.Field) Error!void {
    const definition = field.definition orelse return;
    for (definition.arguments) |expected| {
        if (!try isRequired(expected)) continue;
        if (ast.forName(ast.Argument, field.arguments, "name", expected.name) != null) continue;
        try ctx.addError(field.position, "Field \"{s}\" argument \"{s}\" of type \"{s}\" is required, but it was not provided.", .{ field.name, expected.name, try ctx.typeString(expected.type) });
    }
}

pub fn providedRequiredArgumentsOnDirective(ctx: *Context, directive: *ast.Directive) Error!void {
    const definition = directive.definition orelse return;
    for (definition.arguments) |expected| {
        if (!try isRequired(expected)) continue;
        if (ast.forName(ast.Argument, directive.arguments, "name", expected.name) != null) continue;
        try ctx.addError(directive.position, "Directive \"@{s}\" argument \"{s}\" of type \"{s}\" is required, but it was not provided.", .{ definition.name, expected.name, try ctx.typeString(expected.type) });
    }
}

fn isRequired(argument: *const ast.ArgumentDefinition) Error!bool {
    const t = argument.type orelse return error.Unsupported;
    return t.non_null and argument.default_value == null;
}

pub fn scalarLeafs(ctx: *Context, field: *ast.Field) Error!void {
    const definition = field.definition orelse return;
    const field_type = try ctx.definitionOf(definition.type) orelse return;
    if (field_type.isLeafType() and field.selection_set.len > 0) {
        try ctx.addError(field.position, "Field \"{s}\" must not have a selection since type \"{s}\" has no subfields.", .{ field.name, field_type.name });
    }
    if (!field_type.isLeafType() and field.selection_set.len == 0) {
        try ctx.addError(field.position, "Field \"{s}\" of type \"{s}\" must have a selection of subfields. Did you mean \"{s} {{ ... }}\"?", .{ field.name, try ctx.typeString(definition.type), field.name });
    }
}

/// Reports each name's second occurrence (not the third and later).
pub fn uniqueArgumentNames(ctx: *Context, arguments: []const *ast.Argument) Error!void {
    var counts: std.StringHashMapUnmanaged(usize) = .empty;
    for (arguments) |argument| {
        const entry = try counts.getOrPut(ctx.allocator, argument.name);
        if (!entry.found_existing) entry.value_ptr.* = 0;
        if (entry.value_ptr.* == 1) try ctx.addError(argument.position, "There can be only one argument named \"{s}\".", .{argument.name});
        entry.value_ptr.* += 1;
    }
}

pub fn uniqueDirectivesPerLocation(ctx: *Context, directives: []const *ast.Directive) Error!void {
    var seen: std.StringHashMapUnmanaged(void) = .empty;
    for (directives) |directive| {
        const repeatable = if (directive.definition) |d| d.is_repeatable else false;
        const entry = try seen.getOrPut(ctx.allocator, directive.name);
        if (!repeatable and entry.found_existing) {
            try ctx.addError(directive.position, "The directive \"@{s}\" can only be used once at this location.", .{directive.name});
        }
    }
}
