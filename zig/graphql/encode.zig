//! gqlparser AST -> Rego value, as OPA produces it: Go's encoding/json view of
//! the structs (field names as keys; `Position` fields are `json:"-"` except a
//! comment's) followed by pruneIrrelevantGraphQLASTNodes, which drops nulls,
//! empty arrays and objects, and every "Position" key. Strings, booleans and
//! numbers stay even when empty, false or zero: "Name": "" is in the output.
const std = @import("std");
const Allocator = std.mem.Allocator;
const ast = @import("ast.zig");
const value_mod = @import("../value/mod.zig");

const Value = value_mod.Value;
const Error = Allocator.Error;

/// The keys and values of one object under construction.
const Fields = struct {
    const capacity = 16;
    keys: [capacity]Value = undefined,
    values: [capacity]Value = undefined,
    len: usize = 0,

    /// Adds an entry unless pruning would drop it (null).
    fn put(fields: *Fields, key: []const u8, v: ?Value) void {
        const present = v orelse return;
        std.debug.assert(fields.len < capacity);
        fields.keys[fields.len] = .{ .string = key };
        fields.values[fields.len] = present;
        fields.len += 1;
    }

    fn string(fields: *Fields, key: []const u8, s: []const u8) void {
        fields.put(key, .{ .string = s });
    }

    fn boolean(fields: *Fields, key: []const u8, b: bool) void {
        fields.put(key, .{ .boolean = b });
    }

    /// The object, or null when empty (pruned).
    fn finish(fields: *const Fields, allocator: Allocator) Error!?Value {
        if (fields.len == 0) return null;
        const object = value_mod.order.objectFromUnsorted(allocator, fields.keys[0..fields.len], fields.values[0..fields.len], .last_wins, null) catch |err| switch (err) {
            error.OutOfMemory => return error.OutOfMemory,
            error.DuplicateKey => unreachable, // Keys are distinct field names, and last_wins never reports.
        };
        return .{ .object = object };
    }
};

/// An array of the items that survive pruning, or null when none do.
fn list(allocator: Allocator, items: anytype, comptime encodeItem: anytype) Error!?Value {
    var out: std.ArrayList(Value) = try .initCapacity(allocator, items.len);
    for (items) |item| {
        if (try encodeItem(allocator, item)) |v| out.appendAssumeCapacity(v);
    }
    if (out.items.len == 0) return null;
    return .{ .array = out.items };
}

fn strings(allocator: Allocator, items: []const []const u8) Error!?Value {
    if (items.len == 0) return null;
    const out = try allocator.alloc(Value, items.len);
    for (items, out) |item, *v| v.* = .{ .string = item };
    return .{ .array = out };
}

fn optional(allocator: Allocator, node: anytype, comptime encodeNode: anytype) Error!?Value {
    return if (node) |n| encodeNode(allocator, n) else null;
}

pub fn queryDocument(allocator: Allocator, document: *const ast.QueryDocument) Error!Value {
    var f: Fields = .{};
    f.put("Operations", try list(allocator, document.operations, operationDefinition));
    f.put("Fragments", try list(allocator, document.fragments, fragmentDefinition));
    f.put("Comment", try optional(allocator, document.comment, commentGroup));
    return try f.finish(allocator) orelse .{ .object = &value_mod.Object.empty };
}

pub fn schemaDocument(allocator: Allocator, document: *const ast.SchemaDocument) Error!Value {
    var f: Fields = .{};
    f.put("Schema", try list(allocator, document.schema, schemaDefinition));
    f.put("SchemaExtension", try list(allocator, document.schema_extension, schemaDefinition));
    f.put("Directives", try list(allocator, document.directives, directiveDefinition));
    f.put("Definitions", try list(allocator, document.definitions, definition));
    f.put("Extensions", try list(allocator, document.extensions, definition));
    f.put("Comment", try optional(allocator, document.comment, commentGroup));
    return try f.finish(allocator) orelse .{ .object = &value_mod.Object.empty };
}

fn commentGroup(allocator: Allocator, group: *const ast.CommentGroup) Error!?Value {
    var f: Fields = .{};
    f.put("List", try list(allocator, group.list, comment));
    return f.finish(allocator);
}

fn comment(allocator: Allocator, c: ast.Comment) Error!?Value {
    var f: Fields = .{};
    f.string("Value", c.value);
    return f.finish(allocator);
}

fn operationDefinition(allocator: Allocator, node: *const ast.OperationDefinition) Error!?Value {
    var f: Fields = .{};
    f.string("Operation", node.operation);
    f.string("Name", node.name);
    f.put("VariableDefinitions", try list(allocator, node.variable_definitions, variableDefinition));
    f.put("Directives", try list(allocator, node.directives, directive));
    f.put("SelectionSet", try list(allocator, node.selection_set, selection));
    f.put("Comment", try optional(allocator, node.comment, commentGroup));
    return f.finish(allocator);
}

fn variableDefinition(allocator: Allocator, node: *const ast.VariableDefinition) Error!?Value {
    var f: Fields = .{};
    f.string("Variable", node.variable);
    f.put("Type", try optional(allocator, node.type, typeReference));
    f.put("DefaultValue", try optional(allocator, node.default_value, value));
    f.put("Directives", try list(allocator, node.directives, directive));
    f.put("Comment", try optional(allocator, node.comment, commentGroup));
    f.put("Definition", try optional(allocator, node.definition, definition));
    f.boolean("Used", node.used);
    return f.finish(allocator);
}

fn selection(allocator: Allocator, node: ast.Selection) Error!?Value {
    return switch (node) {
        .field => |field| fieldNode(allocator, field),
        .fragment_spread => |spread| fragmentSpread(allocator, spread),
        .inline_fragment => |fragment| inlineFragment(allocator, fragment),
    };
}

fn fieldNode(allocator: Allocator, node: *const ast.Field) Error!?Value {
    var f: Fields = .{};
    f.string("Alias", node.alias);
    f.string("Name", node.name);
    f.put("Arguments", try list(allocator, node.arguments, argument));
    f.put("Directives", try list(allocator, node.directives, directive));
    f.put("SelectionSet", try list(allocator, node.selection_set, selection));
    f.put("Comment", try optional(allocator, node.comment, commentGroup));
    f.put("Definition", try optional(allocator, node.definition, fieldDefinition));
    f.put("ObjectDefinition", try optional(allocator, node.object_definition, definition));
    return f.finish(allocator);
}

fn argument(allocator: Allocator, node: *const ast.Argument) Error!?Value {
    var f: Fields = .{};
    f.string("Name", node.name);
    f.put("Value", try optional(allocator, node.value, value));
    f.put("Comment", try optional(allocator, node.comment, commentGroup));
    return f.finish(allocator);
}

fn fragmentSpread(allocator: Allocator, node: *const ast.FragmentSpread) Error!?Value {
    var f: Fields = .{};
    f.string("Name", node.name);
    f.put("Directives", try list(allocator, node.directives, directive));
    f.put("ObjectDefinition", try optional(allocator, node.object_definition, definition));
    f.put("Definition", try optional(allocator, node.definition, fragmentDefinition));
    f.put("Comment", try optional(allocator, node.comment, commentGroup));
    return f.finish(allocator);
}

fn inlineFragment(allocator: Allocator, node: *const ast.InlineFragment) Error!?Value {
    var f: Fields = .{};
    f.string("TypeCondition", node.type_condition);
    f.put("Directives", try list(allocator, node.directives, directive));
    f.put("SelectionSet", try list(allocator, node.selection_set, selection));
    f.put("ObjectDefinition", try optional(allocator, node.object_definition, definition));
    f.put("Comment", try optional(allocator, node.comment, commentGroup));
    return f.finish(allocator);
}

fn fragmentDefinition(allocator: Allocator, node: *const ast.FragmentDefinition) Error!?Value {
    var f: Fields = .{};
    f.string("Name", node.name);
    f.put("VariableDefinition", try list(allocator, node.variable_definition, variableDefinition));
    f.string("TypeCondition", node.type_condition);
    f.put("Directives", try list(allocator, node.directives, directive));
    f.put("SelectionSet", try list(allocator, node.selection_set, selection));
    f.put("Definition", try optional(allocator, node.definition, definition));
    f.put("Comment", try optional(allocator, node.comment, commentGroup));
    return f.finish(allocator);
}

fn directive(allocator: Allocator, node: *const ast.Directive) Error!?Value {
    var f: Fields = .{};
    f.string("Name", node.name);
    f.put("Arguments", try list(allocator, node.arguments, argument));
    f.put("ParentDefinition", try optional(allocator, node.parent_definition, definition));
    f.put("Definition", try optional(allocator, node.definition, directiveDefinition));
    f.string("Location", node.location);
    return f.finish(allocator);
}

fn value(allocator: Allocator, node: *const ast.Value) Error!?Value {
    var f: Fields = .{};
    f.string("Raw", node.raw);
    f.put("Children", try list(allocator, node.children, childValue));
    f.put("Kind", .{ .number = .fromInt(node.kind) });
    f.put("Comment", try optional(allocator, node.comment, commentGroup));
    f.put("Definition", try optional(allocator, node.definition, definition));
    f.put("VariableDefinition", try optional(allocator, node.variable_definition, variableDefinition));
    f.put("ExpectedType", try optional(allocator, node.expected_type, typeReference));
    f.boolean("ExpectedTypeHasDefault", node.expected_type_has_default);
    return f.finish(allocator);
}

fn childValue(allocator: Allocator, node: *const ast.ChildValue) Error!?Value {
    var f: Fields = .{};
    f.string("Name", node.name);
    f.put("Value", try optional(allocator, node.value, value));
    f.put("Comment", try optional(allocator, node.comment, commentGroup));
    return f.finish(allocator);
}

fn typeReference(allocator: Allocator, node: *const ast.Type) Error!?Value {
    var f: Fields = .{};
    f.string("NamedType", node.named_type);
    f.put("Elem", try optional(allocator, node.elem, typeReference));
    f.boolean("NonNull", node.non_null);
    return f.finish(allocator);
}

fn schemaDefinition(allocator: Allocator, node: *const ast.SchemaDefinition) Error!?Value {
    var f: Fields = .{};
    f.string("Description", node.description);
    f.put("Directives", try list(allocator, node.directives, directive));
    f.put("OperationTypes", try list(allocator, node.operation_types, operationTypeDefinition));
    try putDescriptionComments(allocator, &f, node);
    f.put("EndOfDefinitionComment", try optional(allocator, node.end_of_definition_comment, commentGroup));
    return f.finish(allocator);
}

fn putDescriptionComments(allocator: Allocator, f: *Fields, node: anytype) Error!void {
    f.put("BeforeDescriptionComment", try optional(allocator, node.before_description_comment, commentGroup));
    f.put("AfterDescriptionComment", try optional(allocator, node.after_description_comment, commentGroup));
}

fn operationTypeDefinition(allocator: Allocator, node: *const ast.OperationTypeDefinition) Error!?Value {
    var f: Fields = .{};
    f.string("Operation", node.operation);
    f.string("Type", node.type);
    f.put("Comment", try optional(allocator, node.comment, commentGroup));
    return f.finish(allocator);
}

fn definition(allocator: Allocator, node: *const ast.Definition) Error!?Value {
    var f: Fields = .{};
    f.string("Kind", node.kind);
    f.string("Description", node.description);
    f.string("Name", node.name);
    f.put("Directives", try list(allocator, node.directives, directive));
    f.put("Interfaces", try strings(allocator, node.interfaces));
    f.put("Fields", try list(allocator, node.fields, fieldDefinition));
    f.put("Types", try strings(allocator, node.types));
    f.put("EnumValues", try list(allocator, node.enum_values, enumValueDefinition));
    f.boolean("BuiltIn", node.built_in);
    try putDescriptionComments(allocator, &f, node);
    f.put("EndOfDefinitionComment", try optional(allocator, node.end_of_definition_comment, commentGroup));
    return f.finish(allocator);
}

fn fieldDefinition(allocator: Allocator, node: *const ast.FieldDefinition) Error!?Value {
    var f: Fields = .{};
    f.string("Description", node.description);
    f.string("Name", node.name);
    f.put("Arguments", try list(allocator, node.arguments, argumentDefinition));
    f.put("DefaultValue", try optional(allocator, node.default_value, value));
    f.put("Type", try optional(allocator, node.type, typeReference));
    f.put("Directives", try list(allocator, node.directives, directive));
    try putDescriptionComments(allocator, &f, node);
    return f.finish(allocator);
}

fn argumentDefinition(allocator: Allocator, node: *const ast.ArgumentDefinition) Error!?Value {
    var f: Fields = .{};
    f.string("Description", node.description);
    f.string("Name", node.name);
    f.put("DefaultValue", try optional(allocator, node.default_value, value));
    f.put("Type", try optional(allocator, node.type, typeReference));
    f.put("Directives", try list(allocator, node.directives, directive));
    try putDescriptionComments(allocator, &f, node);
    return f.finish(allocator);
}

fn enumValueDefinition(allocator: Allocator, node: *const ast.EnumValueDefinition) Error!?Value {
    var f: Fields = .{};
    f.string("Description", node.description);
    f.string("Name", node.name);
    f.put("Directives", try list(allocator, node.directives, directive));
    try putDescriptionComments(allocator, &f, node);
    return f.finish(allocator);
}

fn directiveDefinition(allocator: Allocator, node: *const ast.DirectiveDefinition) Error!?Value {
    var f: Fields = .{};
    f.string("Description", node.description);
    f.string("Name", node.name);
    f.put("Arguments", try list(allocator, node.arguments, argumentDefinition));
    f.put("Locations", try strings(allocator, node.locations));
    f.boolean("IsRepeatable", node.is_repeatable);
    try putDescriptionComments(allocator, &f, node);
    return f.finish(allocator);
}

test "pruned encoding keeps empty strings and false, drops nulls and empty lists" {
    var arena: std.heap.ArenaAllocator = .init(std.testing.allocator);
    defer arena.deinit();
    const a = arena.allocator();
    var named: ast.Type = .{ .named_type = "Episode", .non_null = true };
    var variable: ast.VariableDefinition = .{ .variable = "episode", .type = &named };
    var variables = [_]*ast.VariableDefinition{&variable};
    var field: ast.Field = .{ .alias = "hero", .name = "hero" };
    var selections = [_]ast.Selection{.{ .field = &field }};
    var operation: ast.OperationDefinition = .{ .operation = "query", .variable_definitions = &variables, .selection_set = &selections };
    var operations = [_]*ast.OperationDefinition{&operation};
    const document: ast.QueryDocument = .{ .operations = &operations };
    const encoded = try queryDocument(a, &document);
    const text = try value_mod.json.serializeAlloc(a, encoded);
    try std.testing.expectEqualStrings(
        \\{"Operations":[{"Name":"","Operation":"query","SelectionSet":[{"Alias":"hero","Name":"hero"}],"VariableDefinitions":[{"Type":{"NamedType":"Episode","NonNull":true},"Used":false,"Variable":"episode"}]}]}
    , text);
}
