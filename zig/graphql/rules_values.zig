//! gqlparser's validation rules about values: NoUndefinedVariables,
//! UniqueInputFieldNames, ValuesOfCorrectType, VariablesInAllowedPosition;
//! and the two Value methods they print and convert with (String, Value).
const std = @import("std");
const ast = @import("ast.zig");
const rules_fields = @import("rules_fields.zig");
const Quoted = @import("suggest.zig").Quoted;
const validate = @import("validate.zig");

const Context = validate.Context;
const Error = validate.Error;

/// Value.String(): "$name" for variables, literals as written, strings
/// Go-quoted, lists "[a,b]" and objects "{k:v}"; "<nil>" for a nil value.
pub fn valueString(ctx: *Context, value: ?*const ast.Value) Error![]const u8 {
    var out: std.Io.Writer.Allocating = .init(ctx.allocator);
    try writeValue(ctx, &out.writer, value);
    return out.written();
}

fn writeValue(ctx: *Context, w: *std.Io.Writer, value_or_null: ?*const ast.Value) Error!void {
    const value = value_or_null orelse return write(w, "<nil>", .{});
    try ctx.enter();
    defer ctx.leave();
    switch (value.valueKind() orelse return error.Unsupported) {
        .variable => try write(w, "${s}", .{value.raw}),
        .int, .float, .@"enum", .boolean, .null => try write(w, "{s}", .{value.raw}),
        .string, .block => try write(w, "{f}", .{Quoted{ .text = value.raw }}),
        .list => {
            try write(w, "[", .{});
            for (value.children, 0..) |child, i| {
                if (i > 0) try write(w, ",", .{});
                try writeValue(ctx, w, child.value);
            }
            try write(w, "]", .{});
        },
        .object => {
            try write(w, "{{", .{});
            for (value.children, 0..) |child, i| {
                if (i > 0) try write(w, ",", .{});
                try write(w, "{s}:", .{child.name});
                try writeValue(ctx, w, child.value);
            }
            try write(w, "}}", .{});
        },
    }
}

fn write(w: *std.Io.Writer, comptime fmt: []const u8, args: anytype) Error!void {
    w.print(fmt, args) catch return error.OutOfMemory;
}

/// Whether Value.Value(nil) succeeds: Go's number and boolean parsing of the
/// raw text, recursively; variables fall back to their default value.
fn converts(ctx: *Context, value_or_null: ?*const ast.Value) Error!bool {
    const value = value_or_null orelse return true;
    try ctx.enter();
    defer ctx.leave();
    return switch (value.valueKind() orelse return error.Unsupported) {
        .variable => {
            const variable = value.variable_definition orelse return true;
            const default = variable.default_value orelse return true;
            return converts(ctx, default);
        },
        .int => parseInt(value.raw, 64) == .ok,
        .float => parsesAsFloat(value.raw),
        .boolean => parsesAsBool(value.raw),
        .string, .block, .@"enum", .null => true,
        .list, .object => {
            for (value.children) |child| {
                if (!try converts(ctx, child.value)) return false;
            }
            return true;
        },
    };
}

const IntParse = enum { ok, syntax, range };

/// strconv.ParseInt(text, 10, bits): no underscores in base 10, and an
/// overflow is reported as soon as it happens.
fn parseInt(text: []const u8, comptime bits: u7) IntParse {
    var digits = text;
    var negative = false;
    if (digits.len > 0 and (digits[0] == '+' or digits[0] == '-')) {
        negative = digits[0] == '-';
        digits = digits[1..];
    }
    if (digits.len == 0) return .syntax;
    const max_unsigned: u128 = (1 << bits) - 1;
    var n: u128 = 0;
    for (digits) |c| {
        if (!std.ascii.isDigit(c)) return .syntax;
        n = n * 10 + (c - '0');
        if (n > max_unsigned) return .range;
    }
    const limit: u128 = 1 << (bits - 1);
    if (if (negative) n > limit else n >= limit) return .range;
    return .ok;
}

/// strconv.ParseFloat(text, 64) without error: finite, or an explicit infinity.
fn parsesAsFloat(text: []const u8) bool {
    if (std.mem.indexOfScalar(u8, text, '_') != null) return false;
    const f = std.fmt.parseFloat(f64, text) catch return false;
    if (!std.math.isInf(f)) return true;
    const unsigned = std.mem.trimStart(u8, text, "+-");
    return std.ascii.eqlIgnoreCase(unsigned, "inf") or std.ascii.eqlIgnoreCase(unsigned, "infinity");
}

/// strconv.ParseBool.
fn parsesAsBool(text: []const u8) bool {
    const accepted = [_][]const u8{ "1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False" };
    for (accepted) |a| {
        if (std.mem.eql(u8, text, a)) return true;
    }
    return false;
}

pub fn noUndefinedVariables(ctx: *Context, value: *ast.Value) Error!void {
    const operation = ctx.current_operation orelse return;
    if (!value.is(.variable) or value.variable_definition != null) return;
    if (operation.name.len > 0) {
        try ctx.addError(value.position, "Variable \"{s}\" is not defined by operation \"{s}\".", .{ try valueString(ctx, value), operation.name });
    } else {
        try ctx.addError(value.position, "Variable \"{s}\" is not defined.", .{try valueString(ctx, value)});
    }
}

pub fn uniqueInputFieldNames(ctx: *Context, value: *ast.Value) Error!void {
    if (!value.is(.object)) return;
    var seen: std.StringHashMapUnmanaged(void) = .empty;
    for (value.children) |child| {
        const entry = try seen.getOrPut(ctx.allocator, child.name);
        if (entry.found_existing) try ctx.addError(child.position, "There can be only one input field named \"{s}\".", .{child.name});
    }
}

pub fn valuesOfCorrectType(ctx: *Context, value: *ast.Value) Error!void {
    const definition = value.definition orelse return;
    const expected = value.expected_type orelse return;
    const kind = value.valueKind() orelse return error.Unsupported;
    const expected_text = try ctx.typeString(expected);
    if (kind == .null and expected.non_null) {
        try ctx.addError(value.position, "Expected value of type \"{s}\", found {s}.", .{ expected_text, try valueString(ctx, value) });
    }
    // Custom scalars validate their own values.
    if (definition.isKind(ast.kinds.scalar) and !definition.oneOf(&.{ "Int", "Float", "String", "Boolean", "ID" })) return;
    var enum_names: []const []const u8 = &.{};
    if (definition.isKind(ast.kinds.@"enum")) {
        const names = try ctx.allocator.alloc([]const u8, definition.enum_values.len);
        for (definition.enum_values, names) |enum_value, *n| n.* = enum_value.name;
        enum_names = names;
    }
    if (!try converts(ctx, value)) try unexpectedType(ctx, value);

    switch (kind) {
        .null, .variable => {},
        .list => if (expected.elem == null) try unexpectedType(ctx, value),
        .int => if (!definition.oneOf(&.{ "Int", "Float", "ID" })) try unexpectedType(ctx, value),
        .float => if (!definition.oneOf(&.{"Float"})) try unexpectedType(ctx, value),
        .boolean => if (!definition.oneOf(&.{"Boolean"})) try unexpectedType(ctx, value),
        .string, .block => {
            if (definition.isKind(ast.kinds.@"enum")) {
                const base = try std.fmt.allocPrint(ctx.allocator, "Enum \"{s}\" cannot represent non-enum value: {s}.", .{ expected_text, try valueString(ctx, value) });
                try rules_fields.addWithSuggestions(ctx, value.position, base, "Did you mean the enum value", value.raw, enum_names, true);
            } else if (!definition.oneOf(&.{ "String", "ID" })) {
                try unexpectedType(ctx, value);
            }
        },
        .@"enum" => {
            if (!definition.isKind(ast.kinds.@"enum")) {
                // No enum values to suggest here.
                try ctx.addMessage(value.position, try unexpectedTypeMessage(ctx, value));
            } else if (ast.forName(ast.EnumValueDefinition, definition.enum_values, "name", value.raw) == null) {
                const base = try std.fmt.allocPrint(ctx.allocator, "Value \"{s}\" does not exist in \"{s}\" enum.", .{ try valueString(ctx, value), expected_text });
                try rules_fields.addWithSuggestions(ctx, value.position, base, "Did you mean the enum value", value.raw, enum_names, true);
            }
        },
        .object => try checkInputObject(ctx, value, definition),
    }
}

fn checkInputObject(ctx: *Context, value: *ast.Value, definition: *ast.Definition) Error!void {
    for (definition.fields) |field| {
        const field_type = field.type orelse return error.Unsupported;
        if (!field_type.non_null) continue;
        if (childNamed(value, field.name) != null or field.default_value != null) continue;
        try ctx.addError(value.position, "Field \"{s}.{s}\" of required type \"{s}\" was not provided.", .{ definition.name, field.name, try ctx.typeString(field_type) });
    }
    for (definition.directives) |directive| {
        if (!std.mem.eql(u8, directive.name, "oneOf")) continue;
        if (value.children.len != 1) {
            try ctx.addError(value.position, "OneOf Input Object \"{s}\" must specify exactly one key.", .{definition.name});
            continue;
        }
        const only = value.children[0].value orelse return error.Unsupported;
        if (only.is(.null)) {
            if (definition.fields.len == 0) return error.Unsupported;
            try ctx.addError(only.position, "Field \"{s}.{s}\" must be non-null.", .{ definition.name, definition.fields[0].name });
        }
    }
    var field_names: ?[]const []const u8 = null;
    for (value.children) |child| {
        if (ast.forName(ast.FieldDefinition, definition.fields, "name", child.name) != null) continue;
        const names = field_names orelse blk: {
            const names = try ctx.allocator.alloc([]const u8, definition.fields.len);
            for (definition.fields, names) |field, *n| n.* = field.name;
            field_names = names;
            break :blk names;
        };
        const base = try std.fmt.allocPrint(ctx.allocator, "Field \"{s}\" is not defined by type \"{s}\".", .{ child.name, definition.name });
        try rules_fields.addWithSuggestions(ctx, child.position, base, "Did you mean", child.name, names, true);
    }
}

fn childNamed(value: *const ast.Value, name: []const u8) ?*ast.ChildValue {
    return ast.forName(ast.ChildValue, value.children, "name", name);
}

fn unexpectedType(ctx: *Context, value: *ast.Value) Error!void {
    try ctx.addMessage(value.position, try unexpectedTypeMessage(ctx, value));
}

/// unexpectedTypeMessageOnly: worded by the expected type's spelling.
fn unexpectedTypeMessage(ctx: *Context, value: *ast.Value) Error![]const u8 {
    const expected = try ctx.typeString(value.expected_type);
    const text = try valueString(ctx, value);
    const a = ctx.allocator;
    const Case = struct { types: []const []const u8, message: []const u8 };
    const cases = [_]Case{
        .{ .types = &.{ "String", "String!", "[String]" }, .message = "String cannot represent a non string value: " },
        .{ .types = &.{ "Boolean", "Boolean!" }, .message = "Boolean cannot represent a non boolean value: " },
        .{ .types = &.{ "Float", "Float!" }, .message = "Float cannot represent non numeric value: " },
        .{ .types = &.{ "ID", "ID!" }, .message = "ID cannot represent a non-string and non-integer value: " },
    };
    if (std.mem.eql(u8, expected, "Int") or std.mem.eql(u8, expected, "Int!")) {
        if (parseInt(value.raw, 32) == .range) return std.fmt.allocPrint(a, "Int cannot represent non 32-bit signed integer value: {s}", .{text});
        return std.fmt.allocPrint(a, "Int cannot represent non-integer value: {s}", .{text});
    }
    for (cases) |case| {
        for (case.types) |t| {
            if (std.mem.eql(u8, expected, t)) return std.mem.concat(a, u8, &.{ case.message, text });
        }
    }
    const definition = value.definition orelse return error.Unsupported;
    if (definition.isKind(ast.kinds.@"enum")) {
        return std.fmt.allocPrint(a, "Enum \"{s}\" cannot represent non-enum value: {s}.", .{ expected, text });
    }
    return std.fmt.allocPrint(a, "Expected value of type \"{s}\", found {s}.", .{ expected, text });
}

pub fn variablesInAllowedPosition(ctx: *Context, value: *ast.Value) Error!void {
    if (!value.is(.variable) or ctx.current_operation == null) return;
    const expected = value.expected_type orelse return;
    const variable = value.variable_definition orelse return;
    var allowed = expected.*;
    // A default value (on the variable or where it is used) makes null acceptable.
    if (variable.default_value) |default| {
        if (!default.is(.null) and expected.non_null) allowed.non_null = false;
    }
    if (value.expected_type_has_default) allowed.non_null = false;
    const variable_type = variable.type orelse return error.Unsupported;
    if (variable_type.isCompatible(&allowed)) return;
    try ctx.addError(value.position, "Variable \"{s}\" of type \"{s}\" used in position expecting type \"{s}\".", .{
        try valueString(ctx, value),
        try ctx.typeString(variable_type),
        try ctx.typeString(expected),
    });
}

/// VariablesInAllowedPosition's second check: variables given to a @oneOf
/// input object field must be non-nullable.
pub fn oneOfVariablesNonNull(ctx: *Context, value: *ast.Value) Error!void {
    if (!value.is(.object)) return;
    const definition = value.definition orelse return;
    if (ast.forName(ast.Directive, definition.directives, "name", "oneOf") == null) return;
    for (value.children) |child| {
        const field_value = child.value orelse continue;
        if (!field_value.is(.variable)) continue;
        const variable = field_value.variable_definition orelse continue;
        const variable_type = variable.type orelse return error.Unsupported;
        if (variable_type.non_null) continue;
        // The error's first location is the variable's definition, when known.
        try ctx.addError(variable.position orelse field_value.position, "Variable \"{s}\" is of type \"{s}\" but must be non-nullable to be used for OneOf Input Object \"{s}\".", .{
            try valueString(ctx, field_value),
            try ctx.typeString(variable_type),
            definition.name,
        });
    }
}

test "Go's ParseInt classification" {
    try std.testing.expectEqual(IntParse.ok, parseInt("-2147483648", 32));
    try std.testing.expectEqual(IntParse.range, parseInt("2147483648", 32));
    try std.testing.expectEqual(IntParse.range, parseInt("99999999999999999999x", 64));
    try std.testing.expectEqual(IntParse.syntax, parseInt("1_0", 64));
    try std.testing.expectEqual(IntParse.syntax, parseInt("1.5", 32));
}
