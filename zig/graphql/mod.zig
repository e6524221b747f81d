//! GraphQL as OPA's graphql.* builtins see it (v1/topdown/graphql.go over
//! gqlparser v2.5.36): parsing, schema loading, query validation and the
//! conversions between the AST and Rego values, each failing with the message
//! OPA reports. builtins/graphql.zig composes these into the builtins.
const std = @import("std");
const Allocator = std.mem.Allocator;
const value_mod = @import("../value/mod.zig");

pub const ast = @import("ast.zig");
pub const decode = @import("decode.zig");
pub const encode = @import("encode.zig");
pub const errors = @import("errors.zig");
pub const parser = @import("parser.zig");
pub const query = @import("query.zig");
pub const schema = @import("schema.zig");
pub const schema_parser = @import("schema_parser.zig");
pub const validate = @import("validate.zig");

const Value = value_mod.Value;

pub fn Result(comptime T: type) type {
    return union(enum) {
        ok: T,
        /// OPA's message, without the builtin's name.
        failure: []const u8,
    };
}

/// parseQuery: gqlparser.ParseQuery, errors through formatGqlParserError.
pub fn parseQuery(allocator: Allocator, text: []const u8) Allocator.Error!Result(*ast.QueryDocument) {
    var p: parser.Parser = .init(allocator, text);
    const document = query.parseQueryDocument(&p) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        error.Syntax => return .{ .failure = try errors.opaMessage(allocator, try p.failureText()) },
    };
    return .{ .ok = document };
}

/// parseSchema: gqlparser.ParseSchema (without the prelude).
pub fn parseSchema(allocator: Allocator, text: []const u8) Allocator.Error!Result(*ast.SchemaDocument) {
    var p: parser.Parser = .init(allocator, text);
    const document = schema_parser.parseSchemaDocument(&p) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        error.Syntax => return .{ .failure = try errors.opaMessage(allocator, try p.failureText()) },
    };
    return .{ .ok = document };
}

/// objectToQueryDocument: the object through encoding/json.
pub fn queryFromValue(allocator: Allocator, v: Value) Allocator.Error!Result(*ast.QueryDocument) {
    var d: decode.Decoder = .{ .allocator = allocator };
    const document = decode.queryDocument(&d, v) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        error.Invalid => return .{ .failure = d.message },
    };
    return .{ .ok = document };
}

/// objectToSchemaDocument.
pub fn schemaFromValue(allocator: Allocator, v: Value) Allocator.Error!Result(*ast.SchemaDocument) {
    var d: decode.Decoder = .{ .allocator = allocator };
    const document = decode.schemaDocument(&d, v) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        error.Invalid => return .{ .failure = d.message },
    };
    return .{ .ok = document };
}

/// convertSchema: the document with the prelude, validated. OPA reports
/// this failure unformatted, behind a prefix of its own.
pub fn loadSchema(allocator: Allocator, document: *const ast.SchemaDocument) Allocator.Error!Result(*schema.Schema) {
    return switch (try schema.load(allocator, document)) {
        .schema => |s| .{ .ok = s },
        .failure => |failure| .{ .failure = try std.fmt.allocPrint(
            allocator,
            "Error in gqlparser SchemaDocument to Schema conversion: {f}",
            .{failure},
        ) },
    };
}

/// validateQuery: null when valid, else OPA's message for the error list.
/// Annotates `document` (convert it to a value first, as OPA does).
pub fn validateQuery(allocator: Allocator, s: *const schema.Schema, document: *ast.QueryDocument) Allocator.Error!?[]const u8 {
    return switch (try validate.validate(allocator, s, document)) {
        .valid => null,
        .invalid => |list| try errors.opaMessage(allocator, try errors.list(allocator, list)),
        .unsupported => |reason| try std.fmt.allocPrint(allocator, "GraphQL parse error: input: {s}", .{reason}),
    };
}

/// The query and schema as the value OPA returns (pruned AST objects).
pub fn queryValue(allocator: Allocator, document: *const ast.QueryDocument) Allocator.Error!Value {
    return encode.queryDocument(allocator, document);
}

pub fn schemaValue(allocator: Allocator, document: *const ast.SchemaDocument) Allocator.Error!Value {
    return encode.schemaDocument(allocator, document);
}

test {
    std.testing.refAllDecls(@This());
}
