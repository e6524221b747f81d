//! Schema loading as OPA does it (convertSchema): the prelude's definitions
//! merged in front of the document's, then gqlparser's
//! validator.ValidateSchemaDocument, which builds the Schema (types,
//! directives, root types, possible types) and stops at the first error.
//!
//! Like gqlparser this mutates the document: extensions are folded into their
//! base definitions and the root query type gains __schema and __type. OPA
//! converts documents to values before this runs, so nothing shows.
const std = @import("std");
const Allocator = std.mem.Allocator;
const ast = @import("ast.zig");
const errors = @import("errors.zig");
const parser = @import("parser.zig");
const prelude = @import("prelude.zig");
const schema_parser = @import("schema_parser.zig");
const Quoted = @import("suggest.zig").Quoted;

const Definition = ast.Definition;
const Position = ast.Position;

pub const Schema = struct {
    query: ?*Definition = null,
    mutation: ?*Definition = null,
    subscription: ?*Definition = null,
    types: std.StringHashMapUnmanaged(*Definition) = .empty,
    directives: std.StringHashMapUnmanaged(*ast.DirectiveDefinition) = .empty,
    /// For each abstract type (and object), the types it may be; an entry is
    /// null for a union member that names no type.
    possible_types: std.StringHashMapUnmanaged(std.ArrayList(?*Definition)) = .empty,

    pub fn typeNamed(schema: *const Schema, name: []const u8) ?*Definition {
        return schema.types.get(name);
    }

    pub fn possibleTypes(schema: *const Schema, name: []const u8) []const ?*Definition {
        const entry = schema.possible_types.getPtr(name) orelse return &.{};
        return entry.items;
    }

    /// All type names in byte order.
    pub fn sortedTypeNames(schema: *const Schema, allocator: Allocator) Allocator.Error![]const []const u8 {
        const names = try allocator.alloc([]const u8, schema.types.count());
        var iterator = schema.types.keyIterator();
        var i: usize = 0;
        while (iterator.next()) |key| : (i += 1) names[i] = key.*;
        std.mem.sort([]const u8, names, {}, lessThan);
        return names;
    }
};

fn lessThan(_: void, a: []const u8, b: []const u8) bool {
    return std.mem.order(u8, a, b) == .lt;
}

pub const Outcome = union(enum) {
    schema: *Schema,
    failure: errors.Error,
};

/// The message when gqlparser would crash on a document (nil pointers that
/// only documents given as objects can hold); OPA itself would panic.
pub const malformed_message = "malformed GraphQL document";

/// convertSchema: validates `document` (with the prelude) into a Schema.
pub fn load(allocator: Allocator, document: *const ast.SchemaDocument) Allocator.Error!Outcome {
    const merged = try mergeWithPrelude(allocator, document);
    var builder: Builder = .{ .allocator = allocator, .schema = try allocator.create(Schema) };
    builder.schema.* = .{};
    builder.build(merged) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        error.Invalid => return .{ .failure = builder.failure },
    };
    return .{ .schema = builder.schema };
}

/// A new document: the prelude's lists, then `document`'s.
fn mergeWithPrelude(allocator: Allocator, document: *const ast.SchemaDocument) Allocator.Error!*ast.SchemaDocument {
    var p: parser.Parser = .init(allocator, prelude.source);
    const builtins = schema_parser.parseSchemaDocument(&p) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        error.Syntax => unreachable, // The prelude is constant and parses (tested below).
    };
    for (builtins.definitions) |definition| definition.built_in = true;
    const merged = try allocator.create(ast.SchemaDocument);
    merged.* = .{
        .schema = try ast.concat(*ast.SchemaDefinition, allocator, builtins.schema, document.schema),
        .schema_extension = try ast.concat(*ast.SchemaDefinition, allocator, builtins.schema_extension, document.schema_extension),
        .directives = try ast.concat(*ast.DirectiveDefinition, allocator, builtins.directives, document.directives),
        .definitions = try ast.concat(*Definition, allocator, builtins.definitions, document.definitions),
        .extensions = try ast.concat(*Definition, allocator, builtins.extensions, document.extensions),
    };
    return merged;
}

const Check = error{ OutOfMemory, Invalid };

const Builder = struct {
    allocator: Allocator,
    schema: *Schema,
    failure: errors.Error = undefined,

    /// gqlerror.ErrorPosf: records the error and stops.
    fn fail(b: *Builder, position: ?Position, comptime fmt: []const u8, args: anytype) Check {
        b.failure = .{
            .message = try std.fmt.allocPrint(b.allocator, fmt, args),
            .location = errors.atPosition(position),
        };
        return error.Invalid;
    }

    fn malformed(b: *Builder) Check {
        b.failure = .{ .message = malformed_message, .location = null };
        return error.Invalid;
    }

    fn typeName(b: *Builder, t: ?*const ast.Type) Check![]const u8 {
        const present = t orelse return b.malformed();
        return present.name() orelse b.malformed();
    }

    fn typeString(b: *Builder, t: ?*const ast.Type) Check![]const u8 {
        _ = try b.typeName(t);
        return (try ast.typeString(b.allocator, t.?)).?;
    }

    fn build(b: *Builder, document: *const ast.SchemaDocument) Check!void {
        const schema = b.schema;
        const a = b.allocator;
        for (document.definitions) |definition| {
            const entry = try schema.types.getOrPut(a, definition.name);
            if (entry.found_existing) return b.fail(definition.position, "Cannot redeclare type {s}.", .{definition.name});
            entry.value_ptr.* = definition;
        }

        var definitions: std.ArrayList(*Definition) = .empty;
        try definitions.appendSlice(a, document.definitions);
        for (document.extensions) |extension| {
            const definition = schema.types.get(extension.name) orelse blk: {
                const created = try a.create(Definition);
                created.* = .{ .kind = extension.kind, .name = extension.name, .position = extension.position };
                try schema.types.put(a, extension.name, created);
                try definitions.append(a, created);
                break :blk created;
            };
            if (!std.mem.eql(u8, definition.kind, extension.kind)) {
                return b.fail(extension.position, "Cannot extend type {s} because the base type is a {s}, not {s}.", .{ extension.name, definition.kind, extension.kind });
            }
            definition.directives = try ast.concat(*ast.Directive, a, definition.directives, extension.directives);
            definition.interfaces = try ast.concat([]const u8, a, definition.interfaces, extension.interfaces);
            definition.fields = try ast.concat(*ast.FieldDefinition, a, definition.fields, extension.fields);
            definition.types = try ast.concat([]const u8, a, definition.types, extension.types);
            definition.type_positions = try ast.concat(?Position, a, definition.type_positions, extension.type_positions);
            definition.enum_values = try ast.concat(*ast.EnumValueDefinition, a, definition.enum_values, extension.enum_values);
        }

        for (definitions.items) |definition| {
            if (definition.isKind(ast.kinds.@"union")) {
                for (definition.types) |member| try b.addPossibleType(definition.name, schema.types.get(member));
            } else if (definition.isKind(ast.kinds.input_object) or definition.isKind(ast.kinds.object)) {
                for (definition.interfaces) |interface| try b.addPossibleType(interface, definition);
                try b.addPossibleType(definition.name, definition);
            } else if (definition.isKind(ast.kinds.interface)) {
                for (definition.interfaces) |interface| try b.addPossibleType(interface, definition);
            }
        }

        for (document.directives) |directive| {
            const entry = try schema.directives.getOrPut(a, directive.name);
            // The SDL may redefine built-in directives (the last definition wins).
            if (entry.found_existing and !isBuiltinDirective(directive.name)) {
                return b.fail(directive.position, "Cannot redeclare directive {s}.", .{directive.name});
            }
            entry.value_ptr.* = directive;
        }

        if (document.schema.len > 1) {
            return b.fail(document.schema[1].position, "Cannot have multiple schema entry points, consider schema extensions instead.", .{});
        }
        if (document.schema.len == 1) try b.applySchemaDefinition(document.schema[0]);
        for (document.schema_extension) |extension| try b.applySchemaDefinition(extension);

        const names = try schema.sortedTypeNames(a);
        for (names) |name| try b.validateDefinition(schema.types.get(name).?);
        const directive_names = try a.alloc([]const u8, schema.directives.count());
        var iterator = schema.directives.keyIterator();
        var i: usize = 0;
        while (iterator.next()) |key| : (i += 1) directive_names[i] = key.*;
        std.mem.sort([]const u8, directive_names, {}, lessThan);
        for (directive_names) |name| {
            const directive = schema.directives.get(name).?;
            try b.validateName(directive.position, directive.name);
            try b.validateArguments(directive.arguments, directive);
        }

        // Root types are inferred from names only without a schema definition.
        if (document.schema.len == 0) {
            if (schema.query == null) schema.query = schema.types.get("Query");
            if (schema.mutation == null) schema.mutation = schema.types.get("Mutation");
            if (schema.subscription == null) schema.subscription = schema.types.get("Subscription");
        }
        if (schema.query) |query| {
            const string_type = try a.create(ast.Type);
            string_type.* = .{ .named_type = "String", .non_null = true };
            const name_argument = try a.create(ast.ArgumentDefinition);
            name_argument.* = .{ .name = "name", .type = string_type };
            const schema_type = try a.create(ast.Type);
            schema_type.* = .{ .named_type = "__Schema", .non_null = true };
            const type_type = try a.create(ast.Type);
            type_type.* = .{ .named_type = "__Type" };
            const introspection = try a.alloc(*ast.FieldDefinition, 2);
            introspection[0] = try a.create(ast.FieldDefinition);
            introspection[0].* = .{ .name = "__schema", .type = schema_type };
            introspection[1] = try a.create(ast.FieldDefinition);
            introspection[1].* = .{ .name = "__type", .type = type_type, .arguments = try a.dupe(*ast.ArgumentDefinition, &.{name_argument}) };
            query.fields = try ast.concat(*ast.FieldDefinition, a, query.fields, introspection);
        }
    }

    fn addPossibleType(b: *Builder, name: []const u8, definition: ?*Definition) Allocator.Error!void {
        const entry = try b.schema.possible_types.getOrPut(b.allocator, name);
        if (!entry.found_existing) entry.value_ptr.* = .empty;
        try entry.value_ptr.append(b.allocator, definition);
    }

    fn applySchemaDefinition(b: *Builder, definition: *const ast.SchemaDefinition) Check!void {
        const schema = b.schema;
        for (definition.operation_types) |entry_point| {
            const root = schema.types.get(entry_point.type) orelse return b.fail(
                entry_point.position,
                "Schema root {s} refers to a type {s} that does not exist.",
                .{ entry_point.operation, entry_point.type },
            );
            if (std.mem.eql(u8, entry_point.operation, "query")) schema.query = root;
            if (std.mem.eql(u8, entry_point.operation, "mutation")) schema.mutation = root;
            if (std.mem.eql(u8, entry_point.operation, "subscription")) schema.subscription = root;
        }
        try b.validateDirectives(definition.directives, "SCHEMA", null, true);
    }

    fn validateDefinition(b: *Builder, definition: *Definition) Check!void {
        const schema = b.schema;
        const field_location = if (definition.isKind(ast.kinds.input_object)) "INPUT_FIELD_DEFINITION" else "FIELD_DEFINITION";
        for (definition.fields) |field| {
            try b.validateName(field.position, field.name);
            try b.validateTypeReference(field.type);
            try b.validateArguments(field.arguments, null);
            try b.validateDirectives(field.directives, field_location, null, true);
        }
        for (definition.types) |member| {
            const member_type = schema.types.get(member) orelse
                return b.fail(definition.position, "Undefined type {f}.", .{Quoted{ .text = member }});
            if (!member_type.isKind(ast.kinds.object)) {
                return b.fail(definition.position, "{s} type {f} must be OBJECT.", .{ definition.kind, Quoted{ .text = member } });
            }
        }
        for (definition.interfaces) |interface| try b.validateImplements(definition, interface);

        if (definition.isKind(ast.kinds.object) or definition.isKind(ast.kinds.interface)) {
            if (definition.fields.len == 0) {
                return b.fail(definition.position, "{s} {s}: must define one or more fields.", .{ definition.kind, definition.name });
            }
            for (definition.fields) |field| {
                const field_type = schema.types.get(try b.typeName(field.type)) orelse continue;
                if (field_type.isLeafType() or field_type.isCompositeType()) continue;
                return b.fail(field.position, "{s} {s}: field must be one of SCALAR, OBJECT, INTERFACE, UNION, ENUM.", .{ definition.kind, definition.name });
            }
        } else if (definition.isKind(ast.kinds.@"enum")) {
            if (definition.enum_values.len == 0) {
                return b.fail(definition.position, "{s} {s}: must define one or more unique enum values.", .{ definition.kind, definition.name });
            }
            for (definition.enum_values) |value| {
                for ([_][]const u8{ "true", "false", "null" }) |reserved| {
                    if (std.mem.eql(u8, value.name, reserved)) {
                        return b.fail(definition.position, "{s} {s}: non-enum value {s}.", .{ definition.kind, definition.name, value.name });
                    }
                }
                try b.validateDirectives(value.directives, "ENUM_VALUE", null, true);
            }
        } else if (definition.isKind(ast.kinds.input_object)) {
            if (definition.fields.len == 0) {
                return b.fail(definition.position, "{s} {s}: must define one or more input fields.", .{ definition.kind, definition.name });
            }
            for (definition.fields) |field| {
                const field_type = schema.types.get(try b.typeName(field.type)) orelse continue;
                if (field_type.isInputType()) continue;
                return b.fail(field.position, "{s} {s}: field must be one of SCALAR, ENUM, INPUT_OBJECT.", .{ field_type.kind, field.name });
            }
        }

        for (definition.fields, 0..) |first, i| {
            for (definition.fields[i + 1 ..]) |second| {
                if (std.mem.eql(u8, first.name, second.name)) {
                    return b.fail(second.position, "Field {s}.{s} can only be defined once.", .{ definition.name, second.name });
                }
            }
        }
        for (definition.enum_values, 0..) |first, i| {
            for (definition.enum_values[i + 1 ..]) |second| {
                if (std.mem.eql(u8, first.name, second.name)) {
                    return b.fail(second.position, "Enum value {s}.{s} can only be defined once.", .{ definition.name, second.name });
                }
            }
        }
        const aligned = definition.type_positions.len == definition.types.len;
        for (definition.types, 0..) |first, i| {
            for (definition.types[i + 1 ..], i + 1..) |second, j| {
                if (!std.mem.eql(u8, first, second)) continue;
                const position = if (aligned and definition.type_positions[j] != null) definition.type_positions[j] else definition.position;
                return b.fail(position, "Union type {s} can only include type {s} once.", .{ definition.name, second });
            }
        }
        if (!definition.built_in) try b.validateName(definition.position, definition.name);
        // A type's directives come from its definition and every extension,
        // distinct locations, so repeats are not checked.
        try b.validateDirectives(definition.directives, definition.kind, null, false);
    }

    fn validateTypeReference(b: *Builder, t: ?*const ast.Type) Check!void {
        const name = try b.typeName(t);
        if (b.schema.types.get(name) == null) return b.fail(t.?.position, "Undefined type {s}.", .{name});
    }

    fn validateArguments(b: *Builder, arguments: []const *ast.ArgumentDefinition, current: ?*const ast.DirectiveDefinition) Check!void {
        for (arguments) |argument| {
            try b.validateName(argument.position, argument.name);
            try b.validateTypeReference(argument.type);
            const definition = b.schema.types.get(try b.typeName(argument.type)).?;
            if (!definition.isInputType()) {
                return b.fail(argument.position, "cannot use {s} as argument {s} because {s} is not a valid input type", .{ try b.typeString(argument.type), argument.name, definition.kind });
            }
            try b.validateDirectives(argument.directives, "ARGUMENT_DEFINITION", current, true);
        }
    }

    fn validateDirectives(
        b: *Builder,
        directives: []const *ast.Directive,
        location: []const u8,
        current: ?*const ast.DirectiveDefinition,
        single_location: bool,
    ) Check!void {
        for (directives, 0..) |directive, i| {
            try b.validateName(directive.position, directive.name);
            if (current) |c| {
                if (std.mem.eql(u8, directive.name, c.name)) {
                    return b.fail(directive.position, "Directive {s} cannot refer to itself.", .{c.name});
                }
            }
            const definition = b.schema.directives.get(directive.name) orelse
                return b.fail(directive.position, "Undefined directive {s}.", .{directive.name});
            if (single_location and !definition.is_repeatable) {
                const seen = ast.forName(ast.Directive, directives[0..i], "name", directive.name) != null;
                if (seen) return b.fail(directive.position, "The directive {s} can only be used once at this location.", .{directive.name});
            }
            if (!ast.containsString(definition.locations, location)) {
                return b.fail(directive.position, "Directive {s} is not applicable on {s}.", .{ directive.name, location });
            }
            for (directive.arguments) |argument| {
                if (ast.forName(ast.ArgumentDefinition, definition.arguments, "name", argument.name) == null) {
                    return b.fail(argument.position, "Undefined argument {s} for directive {s}.", .{ argument.name, directive.name });
                }
            }
            for (definition.arguments) |expected| {
                const expected_type = expected.type orelse return b.malformed();
                if (!expected_type.non_null or expected.default_value != null) continue;
                const given = ast.forName(ast.Argument, directive.arguments, "name", expected.name);
                const missing = if (given) |argument| (argument.value orelse return b.malformed()).is(.null) else true;
                if (missing) {
                    return b.fail(directive.position, "Argument {s} for directive {s} cannot be null.", .{ expected.name, directive.name });
                }
            }
            directive.definition = definition;
        }
    }

    fn validateImplements(b: *Builder, definition: *const Definition, interface_name: []const u8) Check!void {
        const interface = b.schema.types.get(interface_name) orelse
            return b.fail(definition.position, "Undefined type {f}.", .{Quoted{ .text = interface_name }});
        if (!interface.isKind(ast.kinds.interface)) {
            return b.fail(definition.position, "{f} is a non interface type {s}.", .{ Quoted{ .text = interface_name }, interface.kind });
        }
        for (interface.fields) |required| {
            const found = ast.forName(ast.FieldDefinition, definition.fields, "name", required.name) orelse return b.fail(
                definition.position,
                "For {s} to implement {s} it must have a field called {s}.",
                .{ definition.name, interface.name, required.name },
            );
            const required_type = required.type orelse return b.malformed();
            const found_type = found.type orelse return b.malformed();
            if (!try b.isCovariant(required_type, found_type, 0)) {
                return b.fail(found.position, "For {s} to implement {s} the field {s} must have type {s}.", .{ definition.name, interface.name, required.name, try b.typeString(required_type) });
            }
            for (required.arguments) |required_argument| {
                const found_argument = ast.forName(ast.ArgumentDefinition, found.arguments, "name", required_argument.name) orelse return b.fail(
                    found.position,
                    "For {s} to implement {s} the field {s} must have the same arguments but it is missing {s}.",
                    .{ definition.name, interface.name, required.name, required_argument.name },
                );
                const required_argument_type = required_argument.type orelse return b.malformed();
                const found_argument_type = found_argument.type orelse return b.malformed();
                if (!required_argument_type.isCompatible(found_argument_type)) {
                    return b.fail(found_argument.position, "For {s} to implement {s} the field {s} must have the same arguments but {s} has the wrong type.", .{ definition.name, interface.name, required.name, required_argument.name });
                }
            }
            for (found.arguments) |extra| {
                if (ast.forName(ast.ArgumentDefinition, required.arguments, "name", extra.name) != null) continue;
                const extra_type = extra.type orelse return b.malformed();
                if (extra_type.non_null and extra.default_value == null) {
                    return b.fail(extra.position, "For {s} to implement {s} any additional arguments on {s} must be optional or have a default value but {s} is required.", .{ definition.name, interface.name, found.name, extra.name });
                }
            }
        }
        // Interfaces of the interface must be implemented too.
        for (interface.interfaces) |transitive| {
            if (ast.containsString(definition.interfaces, transitive)) continue;
            if (std.mem.eql(u8, transitive, definition.name)) {
                return b.fail(definition.position, "Type {s} cannot implement {s} because it would create a circular reference.", .{ definition.name, interface_name });
            }
            return b.fail(definition.position, "Type {s} must implement {s} because it is implemented by {s}.", .{ definition.name, transitive, interface_name });
        }
    }

    /// Whether a field of type `actual` may implement one of type `required`.
    fn isCovariant(b: *Builder, required: *const ast.Type, actual: *const ast.Type, depth: u32) Check!bool {
        if (depth > parser.max_depth) return b.malformed();
        if (required.non_null and !actual.non_null) return false;
        if (required.named_type.len > 0) {
            if (std.mem.eql(u8, required.named_type, actual.named_type)) return true;
            for (b.schema.possibleTypes(required.named_type)) |possible| {
                const present = possible orelse return b.malformed();
                if (std.mem.eql(u8, present.name, actual.named_type)) return true;
            }
            return false;
        }
        const required_elem = required.elem orelse return b.malformed();
        const actual_elem = actual.elem orelse return false;
        return b.isCovariant(required_elem, actual_elem, depth + 1);
    }

    fn validateName(b: *Builder, position: ?Position, name: []const u8) Check!void {
        if (std.mem.startsWith(u8, name, "__")) {
            return b.fail(position, "Name \"{s}\" must not begin with \"__\", which is reserved by GraphQL introspection.", .{name});
        }
    }
};

fn isBuiltinDirective(name: []const u8) bool {
    const builtins = [_][]const u8{ "include", "skip", "deprecated", "specifiedBy", "defer", "oneOf" };
    for (builtins) |builtin_name| {
        if (std.mem.eql(u8, name, builtin_name)) return true;
    }
    return false;
}

// ---------------------------------------------------------------------------
// Tests

const testing = std.testing;

fn expectLoad(source: []const u8, expected_failure: ?[]const u8) !void {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    const a = arena.allocator();
    var p: parser.Parser = .init(a, source);
    const document = try schema_parser.parseSchemaDocument(&p);
    switch (try load(a, document)) {
        .schema => try testing.expect(expected_failure == null),
        .failure => |failure| {
            const text = try errors.single(a, failure);
            if (expected_failure) |expected| {
                try testing.expectEqualStrings(expected, text);
            } else {
                std.debug.print("unexpected failure: {s}\n", .{text});
                return error.TestUnexpectedResult;
            }
        },
    }
}

test "the prelude parses" {
    try expectLoad("", null);
}

test "schemas gqlparser accepts" {
    try expectLoad(
        \\extend type User { id: ID! }
        \\extend type Product { upc: String! }
        \\union _Entity = Product | User
        \\extend type Query { entity: _Entity }
    , null);
    try expectLoad("type Query { x: Int }\ndirective @directive(a: String = \"b\") on SCHEMA\nextend schema @directive", null);
    try expectLoad("type DeprecatedType { deprecatedField: String @deprecated }\nenum E { ALPHA @deprecated }", null);
}

test "schemas gqlparser rejects, with its messages" {
    try expectLoad("extend type Hello implements Greeting", "input:1:13: Undefined type \"Greeting\".");
    try expectLoad("schema { query: Query }", "input:1:10: Schema root query refers to a type Query that does not exist.");
    try expectLoad("extend scalar Foo @deprecated\nextend type Foo @deprecated", "input:2:13: Cannot extend type Foo because the base type is a SCALAR, not OBJECT.");
    try expectLoad(
        \\interface IA { id: ID! }
        \\interface IIA implements IA { id: ID! }
        \\type A implements IIA { id: ID! }
    , "input:3:6: Type A must implement IA because it is implemented by IIA.");
    try expectLoad("type Pupil { f: Int }\ninput PupilInput { friends: [Pupil] }", "input:2:20: OBJECT friends: field must be one of SCALAR, ENUM, INPUT_OBJECT.");
    try expectLoad("scalar String", "input:1:8: Cannot redeclare type String.");
    try expectLoad("type __X { f: Int }", "input:1:6: Name \"__X\" must not begin with \"__\", which is reserved by GraphQL introspection.");
}
