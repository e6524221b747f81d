//! Builtins of the graphql family (see builtin.zig for the interface):
//! graphql.parse, graphql.parse_and_verify, graphql.parse_query,
//! graphql.parse_schema, graphql.is_valid, graphql.schema_is_valid
//! (v1/topdown/graphql.go). The GraphQL machinery lives in zig/graphql/.
//!
//! Queries and schemas come as text or as the AST objects these builtins
//! return. parse reports failures as errors; parse_and_verify and the
//! predicates turn any failure, wrong operand types included, into a result.
const std = @import("std");
const builtin = @import("builtin.zig");
const value_mod = @import("../value/mod.zig");
const graphql = @import("../graphql/mod.zig");

const Value = builtin.Value;
const Context = builtin.Context;
const Error = builtin.Error;
const ast = graphql.ast;

pub const builtins: []const builtin.Builtin = &.{
    .{ .name = "graphql.parse", .arity = 2, .func = parse },
    .{ .name = "graphql.parse_and_verify", .arity = 2, .func = parseAndVerify },
    .{ .name = "graphql.parse_query", .arity = 1, .func = parseQuery },
    .{ .name = "graphql.parse_schema", .arity = 1, .func = parseSchema },
    .{ .name = "graphql.is_valid", .arity = 2, .func = isValid },
    .{ .name = "graphql.schema_is_valid", .arity = 1, .func = schemaIsValid },
};

fn parseQuery(ctx: *Context, args: []const Value) Error!Value {
    const text = switch (args[0]) {
        .string => |s| s,
        else => return ctx.operandError(1, "string", args[0]),
    };
    return switch (try graphql.parseQuery(ctx.allocator, text)) {
        .ok => |document| try graphql.queryValue(ctx.allocator, document),
        .failure => |message| ctx.builtinError("{s}", .{message}),
    };
}

fn parseSchema(ctx: *Context, args: []const Value) Error!Value {
    const text = switch (args[0]) {
        .string => |s| s,
        else => return ctx.operandError(1, "string", args[0]),
    };
    return switch (try graphql.parseSchema(ctx.allocator, text)) {
        .ok => |document| try graphql.schemaValue(ctx.allocator, document),
        .failure => |message| ctx.builtinError("{s}", .{message}),
    };
}

/// How a query/schema pair fared, in the order OPA checks.
const Outcome = union(enum) {
    verified: struct { query: Value, schema: Value },
    /// OPA's message.
    failed: []const u8,
    /// An operand neither string nor object: its 0-based position (as
    /// graphql.parse numbers it in its error).
    wrong_type: usize,
};

fn verify(ctx: *Context, query_operand: Value, schema_operand: Value, want_values: bool) Error!Outcome {
    const a = ctx.allocator;
    const query_document = switch (query_operand) {
        .string => |text| try graphql.parseQuery(a, text),
        .object => try graphql.queryFromValue(a, query_operand),
        else => return .{ .wrong_type = 0 },
    };
    const query = switch (query_document) {
        .ok => |document| document,
        .failure => |message| return .{ .failed = message },
    };
    const schema_document = switch (schema_operand) {
        .string => |text| try graphql.parseSchema(a, text),
        .object => try graphql.schemaFromValue(a, schema_operand),
        else => return .{ .wrong_type = 1 },
    };
    const schema = switch (schema_document) {
        .ok => |document| document,
        .failure => |message| return .{ .failed = message },
    };
    // Both values are taken before schema loading and validation annotate the ASTs.
    const schema_value: Value = if (want_values) try graphql.schemaValue(a, schema) else .null;
    const loaded = switch (try graphql.loadSchema(a, schema)) {
        .ok => |s| s,
        .failure => |message| return .{ .failed = message },
    };
    const query_value: Value = if (want_values) try graphql.queryValue(a, query) else .null;
    if (try graphql.validateQuery(a, loaded, query)) |message| return .{ .failed = message };
    return .{ .verified = .{ .query = query_value, .schema = schema_value } };
}

fn parse(ctx: *Context, args: []const Value) Error!Value {
    return switch (try verify(ctx, args[0], args[1], true)) {
        .verified => |pair| .{ .array = try ctx.allocator.dupe(Value, &.{ pair.query, pair.schema }) },
        .failed => |message| ctx.builtinError("{s}", .{message}),
        .wrong_type => |position| ctx.operandError(position, "one of {string, object}", args[position]),
    };
}

fn parseAndVerify(ctx: *Context, args: []const Value) Error!Value {
    const empty: Value = .{ .object = &value_mod.Object.empty };
    const result: [3]Value = switch (try verify(ctx, args[0], args[1], true)) {
        .verified => |pair| .{ Value.true, pair.query, pair.schema },
        .failed, .wrong_type => .{ Value.false, empty, empty },
    };
    return .{ .array = try ctx.allocator.dupe(Value, &result) };
}

fn isValid(ctx: *Context, args: []const Value) Error!Value {
    return .{ .boolean = try verify(ctx, args[0], args[1], false) == .verified };
}

fn schemaIsValid(ctx: *Context, args: []const Value) Error!Value {
    const a = ctx.allocator;
    const document = switch (args[0]) {
        .string => |text| try graphql.parseSchema(a, text),
        .object => try graphql.schemaFromValue(a, args[0]),
        else => return Value.false,
    };
    const schema = switch (document) {
        .ok => |d| d,
        .failure => return Value.false,
    };
    return .{ .boolean = try graphql.loadSchema(a, schema) == .ok };
}

// ---------------------------------------------------------------------------
// Tests

const testing = std.testing;

const Fixture = struct {
    arena: std.heap.ArenaAllocator,
    ctx: Context,

    fn init() Fixture {
        return .{ .arena = .init(testing.allocator), .ctx = undefined };
    }

    fn context(f: *Fixture) *Context {
        f.ctx = .{ .allocator = f.arena.allocator() };
        return &f.ctx;
    }

    fn deinit(f: *Fixture) void {
        f.arena.deinit();
    }

    fn json(f: *Fixture, v: Value) ![]const u8 {
        return value_mod.json.serializeAlloc(f.arena.allocator(), v);
    }
};

test "parse_query and parse_schema return OPA's AST objects" {
    var f: Fixture = .init();
    defer f.deinit();
    const ctx = f.context();
    const q = try parseQuery(ctx, &.{.{ .string = "query hero($ep: Episode!) { hero(episode: $ep) { name ... on Droid { id } } }" }});
    try testing.expectEqualStrings(
        \\{"Operations":[{"Name":"hero","Operation":"query","SelectionSet":[{"Alias":"hero","Arguments":[{"Name":"episode","Value":{"ExpectedTypeHasDefault":false,"Kind":0,"Raw":"ep"}}],"Name":"hero","SelectionSet":[{"Alias":"name","Name":"name"},{"SelectionSet":[{"Alias":"id","Name":"id"}],"TypeCondition":"Droid"}]}],"VariableDefinitions":[{"Type":{"NamedType":"Episode","NonNull":true},"Used":false,"Variable":"ep"}]}]}
    , try f.json(q));
    const s = try parseSchema(ctx, &.{.{ .string = "type Hello { world(flag: Boolean = true): String }" }});
    try testing.expectEqualStrings(
        \\{"Definitions":[{"BuiltIn":false,"Description":"","Fields":[{"Arguments":[{"DefaultValue":{"ExpectedTypeHasDefault":false,"Kind":5,"Raw":"true"},"Description":"","Name":"flag","Type":{"NamedType":"Boolean","NonNull":false}}],"Description":"","Name":"world","Type":{"NamedType":"String","NonNull":false}}],"Kind":"OBJECT","Name":"Hello"}]}
    , try f.json(s));
    try testing.expectError(error.BuiltinError, parseSchema(ctx, &.{.{ .string = "type Hello {}" }}));
    try testing.expectEqualStrings("expected at least one definition, found } in GraphQL string at location 1:13", ctx.message.items);
    try testing.expectError(error.TypeError, parseQuery(ctx, &.{.{ .number = .fromInt(1) }}));
}

test "validation failures, as errors and as results" {
    var f: Fixture = .init();
    defer f.deinit();
    const ctx = f.context();
    const schema: Value = .{ .string = "extend type Query { myAction(myEnum: Locale!): SomeResult! }\ntype SomeResult { id: String }\nenum Locale { EN LT DE }" };
    const missing: Value = .{ .string = "query SomeOperation {\n  myAction { id }\n}" };
    try testing.expectError(error.BuiltinError, parse(ctx, &.{ missing, schema }));
    try testing.expectEqualStrings("Field \"myAction\" argument \"myEnum\" of type \"Locale!\" is required, but it was not provided in GraphQL string at location 2:3", ctx.message.items);
    try testing.expect(!(try isValid(ctx, &.{ missing, schema })).boolean);
    const verified = try parseAndVerify(ctx, &.{ missing, schema });
    try testing.expect(!verified.array[0].boolean);

    const given: Value = .{ .string = "query SomeOperation($locale: Locale! = DE) { myAction(myEnum: $locale) { id } }" };
    try testing.expect((try isValid(ctx, &.{ given, schema })).boolean);
    try testing.expect((try schemaIsValid(ctx, &.{schema})).boolean);
    try testing.expect(!(try schemaIsValid(ctx, &.{.{ .string = "schema { query: Query }" }})).boolean);
    try testing.expect(!(try isValid(ctx, &.{ .{ .number = .fromInt(1) }, schema })).boolean);
}

test "AST objects round trip through parse" {
    var f: Fixture = .init();
    defer f.deinit();
    const ctx = f.context();
    const schema = try parseSchema(ctx, &.{.{ .string = "type Employee { id: String! salary: Int! }\nschema { query: Query }\ntype Query { employeeByID(id: String): Employee }" }});
    const query = try parseQuery(ctx, &.{.{ .string = "query { employeeByID(id: \"alice\") { salary }}" }});
    const result = try parse(ctx, &.{ query, schema });
    try testing.expect(value_mod.order.equal(result.array[0], query));
    try testing.expect(value_mod.order.equal(result.array[1], schema));
    try testing.expect((try schemaIsValid(ctx, &.{schema})).boolean);
}
