//! Query validation as OPA runs it: gqlparser's walker (validator/core/walk.go)
//! over the document, annotating nodes with their schema definitions, and
//! its default rule set listening to the walk.
//!
//! gqlparser registers rules sorted by name and each rule appends its event
//! handlers, so for any one event the rules fire in name order; the dispatch
//! functions below list them in that order, which fixes the order of errors.
//!
//! `error.Unsupported` means gqlparser itself would crash (nil pointers only
//! a document given as an object can hold) or that a document exceeds our
//! recursion and work limits.
const std = @import("std");
const Allocator = std.mem.Allocator;
const ast = @import("ast.zig");
const errors = @import("errors.zig");
const schema_mod = @import("schema.zig");
const fields = @import("rules_fields.zig");
const fragments = @import("rules_fragments.zig");
const operations = @import("rules_operations.zig");
const values = @import("rules_values.zig");
const overlap = @import("overlap.zig");

const Schema = schema_mod.Schema;
const Position = ast.Position;

pub const Error = error{ OutOfMemory, Unsupported };

/// Recursion depth of the walk and of the rules' own traversals.
pub const max_depth = 1000;
/// Units of work before giving up (some rules are exponential on crafted input).
pub const max_steps = 100_000_000;

pub const Outcome = union(enum) {
    valid,
    /// gqlparser's error list, in its order.
    invalid: []const errors.Error,
    /// Why we cannot give gqlparser's answer.
    unsupported: []const u8,
};

/// validator.ValidateWithRules with the default rules.
pub fn validate(allocator: Allocator, schema: *const Schema, document: *ast.QueryDocument) Allocator.Error!Outcome {
    var ctx: Context = .{ .allocator = allocator, .schema = schema, .document = document };
    walk(&ctx) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        error.Unsupported => return .{ .unsupported = if (ctx.over_limit)
            "GraphQL document too large or deep to validate"
        else
            schema_mod.malformed_message },
    };
    if (ctx.errors.items.len == 0) return .valid;
    return .{ .invalid = ctx.errors.items };
}

const StringSet = std.StringHashMapUnmanaged(void);

pub const Context = struct {
    allocator: Allocator,
    schema: *const Schema,
    document: *ast.QueryDocument,
    current_operation: ?*ast.OperationDefinition = null,
    errors: std.ArrayList(errors.Error) = .empty,
    steps: u64 = 0,
    depth: u32 = 0,
    /// Whether `error.Unsupported` came from our limits rather than the document.
    over_limit: bool = false,
    /// Fragments whose spreads the walk has entered in this operation.
    validated_fragment_spreads: StringSet = .empty,

    // Rule state that lives for the whole validation.
    known_directives_reported: StringSet = .empty,
    fragment_cycles_visited: StringSet = .empty,
    in_fragment_definition: bool = false,
    fragments_used: StringSet = .empty,
    fragment_names_seen: StringSet = .empty,
    operation_names_seen: StringSet = .empty,
    overlap: overlap.State = .{},

    /// Adds a validation error; `position` null means the error has no location.
    pub fn addError(ctx: *Context, position: ?Position, comptime fmt: []const u8, args: anytype) Error!void {
        try ctx.errors.append(ctx.allocator, .{
            .message = try std.fmt.allocPrint(ctx.allocator, fmt, args),
            .location = position,
        });
    }

    pub fn addMessage(ctx: *Context, position: ?Position, message: []const u8) Error!void {
        try ctx.errors.append(ctx.allocator, .{ .message = message, .location = position });
    }

    /// Counts a unit of work.
    pub fn step(ctx: *Context) Error!void {
        ctx.steps += 1;
        if (ctx.steps > max_steps) {
            ctx.over_limit = true;
            return error.Unsupported;
        }
    }

    pub fn enter(ctx: *Context) Error!void {
        if (ctx.depth >= max_depth) {
            ctx.over_limit = true;
            return error.Unsupported;
        }
        ctx.depth += 1;
        try ctx.step();
    }

    pub fn leave(ctx: *Context) void {
        ctx.depth -= 1;
    }

    pub fn typeName(_: *Context, t: ?*const ast.Type) Error![]const u8 {
        const present = t orelse return error.Unsupported;
        return present.name() orelse error.Unsupported;
    }

    /// Type.String().
    pub fn typeString(ctx: *Context, t: ?*const ast.Type) Error![]const u8 {
        _ = try ctx.typeName(t);
        return (try ast.typeString(ctx.allocator, t.?)).?;
    }

    pub fn typeNamed(ctx: *Context, name: []const u8) ?*ast.Definition {
        return ctx.schema.typeNamed(name);
    }

    /// The definition of the type `t` names, if the schema has it.
    pub fn definitionOf(ctx: *Context, t: ?*const ast.Type) Error!?*ast.Definition {
        return ctx.schema.typeNamed(try ctx.typeName(t));
    }
};

// ---------------------------------------------------------------------------
// The walk

fn walk(ctx: *Context) Error!void {
    for (ctx.document.operations) |operation| {
        ctx.validated_fragment_spreads.clearRetainingCapacity();
        try walkOperation(ctx, operation);
    }
    for (ctx.document.fragments) |fragment| {
        ctx.validated_fragment_spreads.clearRetainingCapacity();
        try walkFragment(ctx, fragment);
    }
}

/// The root type and directive location of an operation type; null for an
/// operation type no parser produces (a document given as an object).
pub fn rootOf(schema: *const Schema, operation: []const u8) ?struct { ?*ast.Definition, []const u8 } {
    if (operation.len == 0 or std.mem.eql(u8, operation, "query")) return .{ schema.query, "QUERY" };
    if (std.mem.eql(u8, operation, "mutation")) return .{ schema.mutation, "MUTATION" };
    if (std.mem.eql(u8, operation, "subscription")) return .{ schema.subscription, "SUBSCRIPTION" };
    return null;
}

fn walkOperation(ctx: *Context, operation: *ast.OperationDefinition) Error!void {
    ctx.current_operation = operation;
    for (operation.variable_definitions) |variable| {
        variable.definition = try ctx.definitionOf(variable.type);
        try onVariable(ctx, variable);
        if (variable.default_value) |default| {
            default.expected_type = variable.type;
            default.definition = try ctx.definitionOf(variable.type);
        }
    }
    const root: ?*ast.Definition, const location: []const u8 = rootOf(ctx.schema, operation.operation) orelse .{ null, "" };
    for (operation.variable_definitions) |variable| {
        if (variable.default_value) |default| try walkValue(ctx, default);
        try walkDirectives(ctx, variable.definition, variable.directives, "VARIABLE_DEFINITION");
    }
    try walkDirectives(ctx, root, operation.directives, location);
    try walkSelectionSet(ctx, root, operation.selection_set);
    try onOperation(ctx, operation);
    ctx.current_operation = null;
}

fn walkFragment(ctx: *Context, fragment: *ast.FragmentDefinition) Error!void {
    const definition = ctx.typeNamed(fragment.type_condition);
    fragment.definition = definition;
    try walkDirectives(ctx, definition, fragment.directives, "FRAGMENT_DEFINITION");
    try walkSelectionSet(ctx, definition, fragment.selection_set);
    try onFragment(ctx, fragment);
}

fn walkDirectives(ctx: *Context, parent: ?*ast.Definition, directives: []const *ast.Directive, location: []const u8) Error!void {
    for (directives) |directive| {
        const definition = ctx.schema.directives.get(directive.name);
        directive.definition = definition;
        directive.parent_definition = parent;
        directive.location = location;
        for (directive.arguments) |argument| {
            const argument_definition = if (definition) |d| ast.forName(ast.ArgumentDefinition, d.arguments, "name", argument.name) else null;
            try walkArgument(ctx, argument_definition, argument);
        }
        try onDirective(ctx, directive);
    }
    try fields.uniqueDirectivesPerLocation(ctx, directives);
}

fn walkArgument(ctx: *Context, definition: ?*ast.ArgumentDefinition, argument: *ast.Argument) Error!void {
    const value = argument.value orelse return error.Unsupported;
    if (definition) |d| {
        value.expected_type = d.type;
        value.expected_type_has_default = hasNonNullDefault(d.default_value);
        value.definition = try ctx.definitionOf(d.type);
    }
    try walkValue(ctx, value);
}

fn hasNonNullDefault(default: ?*const ast.Value) bool {
    const present = default orelse return false;
    return !present.is(.null);
}

fn walkValue(ctx: *Context, value: *ast.Value) Error!void {
    try ctx.enter();
    defer ctx.leave();
    if (value.is(.variable)) {
        if (ctx.current_operation) |operation| {
            value.variable_definition = ast.forName(ast.VariableDefinition, operation.variable_definitions, "variable", value.raw);
            if (value.variable_definition) |variable| variable.used = true;
        }
    }
    if (value.is(.object)) {
        for (value.children) |child| {
            const child_value = child.value orelse return error.Unsupported;
            if (value.definition) |definition| {
                if (ast.forName(ast.FieldDefinition, definition.fields, "name", child.name)) |field| {
                    child_value.expected_type = field.type;
                    child_value.expected_type_has_default = hasNonNullDefault(field.default_value);
                    child_value.definition = try ctx.definitionOf(field.type);
                }
            }
            try walkValue(ctx, child_value);
        }
    }
    if (value.is(.list)) {
        for (value.children) |child| {
            const child_value = child.value orelse return error.Unsupported;
            if (value.expected_type) |expected| {
                if (expected.elem) |elem| {
                    child_value.expected_type = elem;
                    child_value.definition = value.definition;
                }
            }
            try walkValue(ctx, child_value);
        }
    }
    try onValue(ctx, value);
}

fn walkSelectionSet(ctx: *Context, parent: ?*ast.Definition, selections: []const ast.Selection) Error!void {
    try ctx.enter();
    defer ctx.leave();
    for (selections) |selection| try walkSelection(ctx, parent, selection);
}

fn walkSelection(ctx: *Context, parent: ?*ast.Definition, selection: ast.Selection) Error!void {
    switch (selection) {
        .field => |field| {
            var definition: ?*ast.FieldDefinition = null;
            if (std.mem.eql(u8, field.name, "__typename")) {
                const string_type = try ctx.allocator.create(ast.Type);
                string_type.* = .{ .named_type = "String" };
                definition = try ctx.allocator.create(ast.FieldDefinition);
                definition.?.* = .{ .name = "__typename", .type = string_type };
            } else if (parent) |p| {
                definition = ast.forName(ast.FieldDefinition, p.fields, "name", field.name);
            }
            field.definition = definition;
            field.object_definition = parent;
            const next_parent = if (definition) |d| try ctx.definitionOf(d.type) else null;
            for (field.arguments) |argument| {
                const argument_definition = if (definition) |d| ast.forName(ast.ArgumentDefinition, d.arguments, "name", argument.name) else null;
                try walkArgument(ctx, argument_definition, argument);
            }
            try walkDirectives(ctx, next_parent, field.directives, "FIELD");
            try walkSelectionSet(ctx, next_parent, field.selection_set);
            try onField(ctx, field);
        },
        .inline_fragment => |fragment| {
            fragment.object_definition = parent;
            var next_parent = parent;
            if (fragment.type_condition.len > 0) next_parent = ctx.typeNamed(fragment.type_condition);
            try walkDirectives(ctx, next_parent, fragment.directives, "INLINE_FRAGMENT");
            try walkSelectionSet(ctx, next_parent, fragment.selection_set);
            try onInlineFragment(ctx, fragment);
        },
        .fragment_spread => |spread| {
            const definition = ast.forName(ast.FragmentDefinition, ctx.document.fragments, "name", spread.name);
            spread.definition = definition;
            spread.object_definition = parent;
            const next_parent = if (definition) |d| ctx.typeNamed(d.type_condition) else null;
            try walkDirectives(ctx, next_parent, spread.directives, "FRAGMENT_SPREAD");
            if (definition) |d| {
                const entry = try ctx.validated_fragment_spreads.getOrPut(ctx.allocator, d.name);
                if (!entry.found_existing) {
                    try walkDirectives(ctx, next_parent, d.directives, "FRAGMENT_DEFINITION");
                    try walkSelectionSet(ctx, next_parent, d.selection_set);
                }
            }
            try onFragmentSpread(ctx, spread);
        },
    }
}

// ---------------------------------------------------------------------------
// Events, each with its rules in name order

fn onOperation(ctx: *Context, operation: *ast.OperationDefinition) Error!void {
    try operations.knownRootType(ctx, operation);
    try operations.loneAnonymousOperation(ctx, operation);
    try operations.noUnusedVariables(ctx, operation);
    try overlap.onSelectionSet(ctx, operation.selection_set);
    try operations.singleFieldSubscriptions(ctx, operation);
    try operations.uniqueOperationNames(ctx, operation);
    try operations.uniqueVariableNames(ctx, operation);
    try operations.variablesAreInputTypes(ctx, operation);
}

fn onField(ctx: *Context, field: *ast.Field) Error!void {
    try fields.fieldsOnCorrectType(ctx, field);
    try fields.knownArgumentNamesOnField(ctx, field);
    try fields.maxIntrospectionDepth(ctx, field);
    // Within fragment definitions the operations already covered these fields.
    if (ctx.current_operation != null) try overlap.onSelectionSet(ctx, field.selection_set);
    try fields.providedRequiredArgumentsOnField(ctx, field);
    try fields.scalarLeafs(ctx, field);
    try fields.uniqueArgumentNames(ctx, field.arguments);
}

fn onFragment(ctx: *Context, fragment: *ast.FragmentDefinition) Error!void {
    try fragments.fragmentsOnCompositeTypes(ctx, fragment);
    try fragments.knownTypeNamesOnFragment(ctx, fragment);
    try fragments.noFragmentCycles(ctx, fragment);
    try fragments.noUnusedFragments(ctx, fragment);
    try overlap.onSelectionSet(ctx, fragment.selection_set);
    try fragments.uniqueFragmentNames(ctx, fragment);
}

fn onInlineFragment(ctx: *Context, fragment: *ast.InlineFragment) Error!void {
    try fragments.inlineFragmentOnCompositeType(ctx, fragment);
    try fragments.knownTypeNamesOnInlineFragment(ctx, fragment);
    try overlap.onSelectionSet(ctx, fragment.selection_set);
    try fragments.possibleInlineFragment(ctx, fragment);
}

fn onFragmentSpread(ctx: *Context, spread: *ast.FragmentSpread) Error!void {
    try fragments.knownFragmentNames(ctx, spread);
    try fragments.markFragmentUsed(ctx, spread);
    try fragments.possibleFragmentSpread(ctx, spread);
}

fn onDirective(ctx: *Context, directive: *ast.Directive) Error!void {
    try fields.knownArgumentNamesOnDirective(ctx, directive);
    try fields.knownDirectives(ctx, directive);
    try fields.providedRequiredArgumentsOnDirective(ctx, directive);
    try fields.uniqueArgumentNames(ctx, directive.arguments);
}

fn onValue(ctx: *Context, value: *ast.Value) Error!void {
    try values.noUndefinedVariables(ctx, value);
    try values.uniqueInputFieldNames(ctx, value);
    try values.valuesOfCorrectType(ctx, value);
    try values.variablesInAllowedPosition(ctx, value);
    try values.oneOfVariablesNonNull(ctx, value);
}

fn onVariable(ctx: *Context, variable: *ast.VariableDefinition) Error!void {
    try operations.knownTypeNamesOnVariable(ctx, variable);
}

// ---------------------------------------------------------------------------
// Tests (messages checked against OPA v1.19.0)

const testing = std.testing;
const parser = @import("parser.zig");
const query_parser = @import("query.zig");
const schema_parser = @import("schema_parser.zig");

fn expectErrors(schema_text: []const u8, query_text: []const u8, expected: []const u8) !void {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    const a = arena.allocator();
    var schema_p: parser.Parser = .init(a, schema_text);
    const loaded = switch (try schema_mod.load(a, try schema_parser.parseSchemaDocument(&schema_p))) {
        .schema => |s| s,
        .failure => return error.TestUnexpectedResult,
    };
    var query_p: parser.Parser = .init(a, query_text);
    const document = try query_parser.parseQueryDocument(&query_p);
    const text = switch (try validate(a, loaded, document)) {
        .valid => "",
        .invalid => |list| try errors.list(a, list),
        .unsupported => |reason| reason,
    };
    try testing.expectEqualStrings(expected, text);
}

const test_schema =
    \\type Query { hero: Character b: B f(a: Int, e: Color): Int }
    \\interface Character { id: ID! name: String }
    \\type Human implements Character { id: ID! name: String height: Float }
    \\type Droid implements Character { id: ID! name: String }
    \\type B { x: Int y: String }
    \\enum Color { RED GREEN }
;

test "errors come in walk order, rules in name order per event" {
    try expectErrors(test_schema, "{ hero { nam } }", "input:1:10: Cannot query field \"nam\" on type \"Character\". Did you mean \"name\"?\n");
    try expectErrors(test_schema, "{ hero { height } }", "input:1:10: Cannot query field \"height\" on type \"Character\". Did you mean to use an inline fragment on \"Human\"?\n");
    try expectErrors(test_schema, "{ a } { b { x } }",
        \\input:1:3: Cannot query field "a" on type "Query". Did you mean "b" or "f"?
        \\input:1:1: This anonymous operation must be the only defined operation.
        \\input:1:7: This anonymous operation must be the only defined operation.
        \\input:1:7: There can be only one operation named "".
        \\
    );
    try expectErrors(test_schema, "{ f(e: RD) }", "input:1:8: Value \"RD\" does not exist in \"Color\" enum. Did you mean the enum value \"RED\"?\n");
    try expectErrors(test_schema, "{ f(a: 99999999999999999999) }", "input:1:8: Int cannot represent non 32-bit signed integer value: 99999999999999999999\n");
}

test "overlapping fields and fragment cycles" {
    try expectErrors(test_schema, "{ b { x: y x } }", "input:1:12: Fields \"x\" conflict because \"y\" and \"x\" are different fields. Use different aliases on the fields to fetch both if this was intentional.\n");
    try expectErrors(test_schema, "{ b { ...F } } fragment F on B { ...G } fragment G on B { ...F }",
        \\input:1:62: Cannot spread fragment "F" within itself via "G".
        \\
    );
}
