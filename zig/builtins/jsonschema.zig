//! Builtins of the jsonschema family (see builtin.zig for the interface):
//! json.verify_schema and json.match_schema (v1/topdown/jsonschema.go),
//! answering as OPA's copy of gojsonschema does: drafts 4, 6 and 7 chosen
//! by "$schema" (all keywords without one), local `$ref`s and `$id`s, the
//! meta-schemas by URL, default format checks, patterns as Go regexps.
//! The machinery lives in zig/builtins/jsonschema/.
//!
//! Differences from OPA, all where OPA is nondeterministic or crashes: keys
//! of objects are visited in sorted order (Go's map order is random, so OPA
//! may order errors differently run to run); a `$ref` to anything but the
//! draft meta-schemas fails with gojsonschema's "remote reference loading
//! disabled" (OPA would fetch it over HTTP or read a local file); numbers
//! beyond float64 in enum/const/uniqueItems, or beyond big.Rat in numeric
//! checks, and runaway recursion fail with a message (OPA's process panics).
const std = @import("std");
const builtin = @import("builtin.zig");
const value_mod = @import("../value/mod.zig");
const schema_mod = @import("jsonschema/schema.zig");
const validate_mod = @import("jsonschema/validate.zig");

const Value = builtin.Value;
const Context = builtin.Context;
const Error = builtin.Error;

pub const builtins: []const builtin.Builtin = &.{
    .{ .name = "json.verify_schema", .arity = 1, .func = verifySchema },
    .{ .name = "json.match_schema", .arity = 2, .func = matchSchema },
};

/// An operand as gojsonschema's loader reads it, or OPA's message why not.
const Loaded = union(enum) { document: Value, failure: []const u8 };

/// astValueToJSONSchemaLoader then LoadJSON: text must be valid JSON;
/// objects and arrays go through JSON (sets become arrays, non-string keys
/// their JSON text), as ast.JSON and json.Marshal make them.
fn load(ctx: *Context, operand: Value) Error!Loaded {
    const a = ctx.allocator;
    const text = switch (operand) {
        .string => |s| s,
        .object, .array => value_mod.json.serializeAlloc(a, operand) catch |err| switch (err) {
            error.OutOfMemory => return error.OutOfMemory,
            error.NestingTooDeep => return .{ .failure = "value nested too deeply" },
        },
        else => return .{ .failure = "wrong type, expected string or object" },
    };
    const document = value_mod.json.parse(a, text) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        else => return .{ .failure = "invalid JSON string" },
    };
    return .{ .document = document };
}

const Compiled = union(enum) { schema: schema_mod.Schema, failure: []const u8 };

fn compile(ctx: *Context, operand: Value) Error!Compiled {
    const document = switch (try load(ctx, operand)) {
        .document => |d| d,
        .failure => |message| return .{ .failure = message },
    };
    var compiler = schema_mod.Compiler.init(ctx.allocator);
    const schema = compiler.compile(document) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        error.Invalid => return .{ .failure = compiler.message },
    };
    return .{ .schema = schema };
}

/// json.verify_schema(schema): [true, null] or [false, "jsonschema: <why>"].
fn verifySchema(ctx: *Context, args: []const Value) Error!Value {
    const result: [2]Value = switch (try compile(ctx, args[0])) {
        .schema => .{ Value.true, .null },
        .failure => |message| .{
            Value.false,
            .{ .string = try std.fmt.allocPrint(ctx.allocator, "jsonschema: {s}", .{message}) },
        },
    };
    return .{ .array = try ctx.allocator.dupe(Value, &result) };
}

/// json.match_schema(document, schema): [valid, [{error, type, field, desc}...]].
/// A document or schema that cannot be loaded or compiled is an error.
fn matchSchema(ctx: *Context, args: []const Value) Error!Value {
    const a = ctx.allocator;
    const document = switch (try load(ctx, args[0])) {
        .document => |d| d,
        .failure => |message| return ctx.builtinError("{s}", .{message}),
    };
    const schema = switch (try compile(ctx, args[1])) {
        .schema => |s| s,
        .failure => |message| return ctx.builtinError("{s}", .{message}),
    };
    var validator: validate_mod.Validator = .{ .allocator = a };
    const result = validator.validate(schema.root, document) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        error.Fatal => return ctx.builtinError("{s}", .{validator.message}),
    };
    const errors = try a.alloc(Value, result.errors.items.len);
    for (result.errors.items, errors) |e, *out| {
        // Keys in sorted order: desc, error, field, type.
        const keys = try a.dupe(Value, &.{ .{ .string = "desc" }, .{ .string = "error" }, .{ .string = "field" }, .{ .string = "type" } });
        const values = try a.dupe(Value, &.{
            .{ .string = e.description },
            .{ .string = try std.fmt.allocPrint(a, "{s}: {s}", .{ e.field, e.description }) },
            .{ .string = e.field },
            .{ .string = e.kind },
        });
        const object = try a.create(value_mod.Object);
        object.* = .{ .keys = keys, .values = values };
        out.* = .{ .object = object };
    }
    return .{ .array = try a.dupe(Value, &.{ .{ .boolean = result.valid() }, .{ .array = errors } }) };
}

// ---------------------------------------------------------------------------
// Tests: expected values are what OPA v1.19.0 answers (`opa eval`).

const testing = std.testing;

test {
    _ = @import("jsonschema/numbers.zig");
    _ = @import("jsonschema/reference.zig");
    _ = @import("jsonschema/schema.zig");
    _ = @import("jsonschema/validate.zig");
    _ = @import("jsonschema/formats.zig");
    _ = @import("jsonschema/mail.zig");
    _ = @import("jsonschema/metaschemas.zig");
    _ = @import("jsonschema/opa_cases.zig");
}

/// Runs a builtin on JSON operands; returns its JSON result or "error: <message>".
fn run(comptime func: builtin.Fn, operands: []const []const u8) ![]const u8 {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    errdefer arena.deinit();
    const a = arena.allocator();
    var args: std.ArrayList(Value) = .empty;
    for (operands) |text| try args.append(a, try value_mod.json.parse(a, text));
    var ctx: Context = .{ .allocator = a };
    const text = if (func(&ctx, args.items)) |v|
        try value_mod.json.serializeAlloc(a, v)
    else |err| switch (err) {
        error.BuiltinError => try std.fmt.allocPrint(a, "error: {s}", .{ctx.message.items}),
        else => return err,
    };
    const owned = try testing.allocator.dupe(u8, text);
    arena.deinit();
    return owned;
}

fn expectMatch(document: []const u8, schema: []const u8, want: []const u8) !void {
    const got = try run(matchSchema, &.{ document, schema });
    defer testing.allocator.free(got);
    try testing.expectEqualStrings(want, got);
}

fn expectVerify(schema: []const u8, want: []const u8) !void {
    const got = try run(verifySchema, &.{schema});
    defer testing.allocator.free(got);
    try testing.expectEqualStrings(want, got);
}

test "json.verify_schema" {
    try expectVerify("{\"type\": \"boolean\"}", "[true,null]");
    try expectVerify("\"{\\\"type\\\": \\\"boolean\\\"}\"", "[true,null]");
    try expectVerify("{\"type\": \"unknown_type\"}", "[false,\"jsonschema: has a primitive type that is NOT VALID -- given: /unknown_type/ Expected valid values are:[array boolean integer number null object string]\"]");
    try expectVerify("5", "[false,\"jsonschema: wrong type, expected string or object\"]");
    try expectVerify("[1]", "[false,\"jsonschema: schema is invalid\"]");
    try expectVerify("\"{\"", "[false,\"jsonschema: invalid JSON string\"]");
    try expectVerify("\"true\"", "[true,null]");
}

test "json.match_schema: keywords and messages" {
    try expectMatch("{\"id\": 5}", "{\"properties\": {\"id\": {\"type\": \"integer\"}}, \"required\": [\"id\"]}", "[true,[]]");
    try expectMatch("{\"id\": \"foo\"}", "{\"properties\": {\"id\": {\"type\": \"integer\"}}, \"required\": [\"id\"]}",
        \\[false,[{"desc":"Invalid type. Expected: integer, given: string","error":"id: Invalid type. Expected: integer, given: string","field":"id","type":"invalid_type"}]]
    );
    try expectMatch("{\"a\": 5}", "{\"properties\":{\"a\":{\"maximum\":1000000, \"minimum\": 0.1, \"multipleOf\": 7, \"exclusiveMaximum\": 1}}}",
        \\[false,[{"desc":"Must be a multiple of 7","error":"a: Must be a multiple of 7","field":"a","type":"multiple_of"},{"desc":"Must be less than 1","error":"a: Must be less than 1","field":"a","type":"number_lt"}]]
    );
    try expectMatch("{\"a\": \"x\"}", "{\"properties\":{\"a\":{\"enum\":[\"b\", 1.0, {\"z\":\"<\"}, 1e30, 1e-7]}}}",
        \\[false,[{"desc":"a must be one of the following: \"b\", 1, {\"z\":\"\\u003c\"}, 1e+30, 1e-7","error":"a: a must be one of the following: \"b\", 1, {\"z\":\"\\u003c\"}, 1e+30, 1e-7","field":"a","type":"enum"}]]
    );
    try expectMatch("{\"type\": 5}", "{\"$ref\": \"http://json-schema.org/draft-07/schema#\"}",
        \\[false,[{"desc":"Must validate at least one schema (anyOf)","error":"type: Must validate at least one schema (anyOf)","field":"type","type":"number_any_of"},{"desc":"type must be one of the following: \"array\", \"boolean\", \"integer\", \"null\", \"number\", \"object\", \"string\"","error":"type: type must be one of the following: \"array\", \"boolean\", \"integer\", \"null\", \"number\", \"object\", \"string\"","field":"type","type":"enum"}]]
    );
}

test "json.match_schema: operand and reference errors" {
    try expectMatch("5", "{}", "error: wrong type, expected string or object");
    try expectMatch("{\"a\":1}", "5", "error: wrong type, expected string or object");
    try expectMatch("\"{\"", "{}", "error: invalid JSON string");
    try expectMatch("[1]", "{\"type\":\"array\"}", "[true,[]]");
    try expectMatch("{\"a\": 5}", "{\"properties\":{\"a\":{\"$ref\": \"x.json\"}}}", "error: Reference /x.json must be canonical");
    try expectMatch("{\"a\": 5}", "{\"properties\":{\"a\":{\"$ref\": \"http://example.com/x.json\"}}}", "error: remote reference loading disabled: http://example.com/x.json");
    try expectMatch("{\"a\": 1e400}", "{\"properties\":{\"a\":{\"enum\":[1]}}}", "error: json: cannot unmarshal number 1e400 into Go value of type float64");
}

test "json.match_schema: bounded where OPA crashes or would read elsewhere" {
    // OPA overflows its stack on a $ref cycle that never enters the document.
    try expectMatch("{\"a\": 1}", "{\"properties\": {\"a\": {\"$ref\": \"#/properties/a\"}}}", "error: validation nesting exceeds 512 levels (cyclic $ref?)");
    try expectVerify("{\"$ref\": \"#\"}", "[true,null]");
    // OPA reads the file.
    try expectVerify("{\"$ref\": \"file:///etc/passwd\"}", "[false,\"jsonschema: remote reference loading disabled: file:///etc/passwd\"]");
    // 2^40 anyOf branches.
    var schema: std.ArrayList(u8) = .empty;
    defer schema.deinit(testing.allocator);
    try schema.appendSlice(testing.allocator, "{\"$ref\": \"#/definitions/d0\", \"definitions\": {");
    for (0..40) |i| try schema.print(testing.allocator, "\"d{d}\": {{\"anyOf\": [{{\"$ref\": \"#/definitions/d{d}\"}}, {{\"$ref\": \"#/definitions/d{d}\"}}]}}, ", .{ i, i + 1, i + 1 });
    try schema.appendSlice(testing.allocator, "\"d40\": false}}");
    const quoted = try std.json.Stringify.valueAlloc(testing.allocator, schema.items, .{});
    defer testing.allocator.free(quoted);
    try expectMatch("{}", quoted, "error: validation exceeds 1000000 steps");
    // A document nested deeper than validation goes.
    var document: std.ArrayList(u8) = .empty;
    defer document.deinit(testing.allocator);
    try document.appendNTimes(testing.allocator, '[', 600);
    try document.appendNTimes(testing.allocator, ']', 600);
    try expectMatch(document.items, "{\"items\": {\"$ref\": \"#\"}}", "error: validation nesting exceeds 512 levels (cyclic $ref?)");
    // Exponents near big.Rat's limit are compared and divided on their
    // digits (OPA spends minutes in 3-million-bit arithmetic here).
    try expectMatch("{\"a\": 1e999999}", "{\"properties\": {\"a\": {\"maximum\": 1e-999999, \"multipleOf\": 3e-999999, \"type\": \"integer\"}}}",
        \\[false,[{"desc":"Must be a multiple of 3e-999999","error":"a: Must be a multiple of 3e-999999","field":"a","type":"multiple_of"},{"desc":"Must be less than or equal to 1e-999999","error":"a: Must be less than or equal to 1e-999999","field":"a","type":"number_lte"}]]
    );
    try expectMatch("{\"a\": 1e1000001}", "{\"properties\": {\"a\": {\"maximum\": 5}}}", "error: number 1e1000001 is out of range");
    // A schema nested deeper than compilation goes.
    var deep: std.ArrayList(u8) = .empty;
    defer deep.deinit(testing.allocator);
    for (0..600) |_| try deep.appendSlice(testing.allocator, "{\"not\": ");
    try deep.appendSlice(testing.allocator, "{}");
    try deep.appendNTimes(testing.allocator, '}', 600);
    try expectVerify(deep.items, "[false,\"jsonschema: schema nesting exceeds 512 levels\"]");
}
