//! The schema (type system) grammar of gqlparser (parser/schema.go).
//!
//! Descriptions and comments: a definition records the comments before its
//! description, those between description and keyword, and those before its
//! closing brace; fields, arguments and enum values record the first two.
const std = @import("std");
const ast = @import("ast.zig");
const parser = @import("parser.zig");
const query = @import("query.zig");

const Parser = parser.Parser;
const ParseError = parser.ParseError;

const Description = struct {
    text: []const u8 = "",
    comment: ?*ast.CommentGroup = null,
};

pub fn parseSchemaDocument(p: *Parser) ParseError!*ast.SchemaDocument {
    var schema: std.ArrayList(*ast.SchemaDefinition) = .empty;
    var schema_extension: std.ArrayList(*ast.SchemaDefinition) = .empty;
    var directives: std.ArrayList(*ast.DirectiveDefinition) = .empty;
    var definitions: std.ArrayList(*ast.Definition) = .empty;
    var extensions: std.ArrayList(*ast.Definition) = .empty;
    const a = p.allocator;
    while ((try p.peek()).kind != .eof) {
        var description: Description = .{};
        const kind = (try p.peek()).kind;
        if (kind == .block_string or kind == .string) description = try parseDescription(p);
        const token = try p.peek();
        if (token.kind != .name) return p.unexpected();
        const keyword = token.value;
        if (isTypeKeyword(keyword)) {
            try definitions.append(a, try parseTypeSystemDefinition(p, description));
        } else if (std.mem.eql(u8, keyword, "schema")) {
            try schema.append(a, try parseSchemaDefinition(p, description));
        } else if (std.mem.eql(u8, keyword, "directive")) {
            try directives.append(a, try parseDirectiveDefinition(p, description));
        } else if (std.mem.eql(u8, keyword, "extend")) {
            // Extensions take no description; gqlparser blames the description token.
            if (description.text.len > 0) return p.unexpectedToken(p.prev);
            const comment = (try p.expectKeyword("extend")).comment;
            if (try p.peekValueIs("schema")) {
                try schema_extension.append(a, try parseSchemaExtension(p, comment));
            } else {
                try extensions.append(a, try parseTypeExtension(p, comment));
            }
        } else return p.unexpected();
    }
    return p.create(ast.SchemaDocument, .{
        .schema = schema.items,
        .schema_extension = schema_extension.items,
        .directives = directives.items,
        .definitions = definitions.items,
        .extensions = extensions.items,
        // Comments at the end of the document.
        .comment = p.comment,
    });
}

fn isTypeKeyword(keyword: []const u8) bool {
    const keywords = [_][]const u8{ "scalar", "type", "interface", "union", "enum", "input" };
    for (keywords) |k| {
        if (std.mem.eql(u8, keyword, k)) return true;
    }
    return false;
}

fn parseDescription(p: *Parser) ParseError!Description {
    const kind = (try p.peek()).kind;
    if (kind != .block_string and kind != .string) return .{};
    const comment = p.comment;
    return .{ .comment = comment, .text = (try p.next()).value };
}

fn parseTypeSystemDefinition(p: *Parser, description: Description) ParseError!*ast.Definition {
    const keyword = (try p.peek()).value;
    const kind = kindOfKeyword(keyword).?; // The caller matched isTypeKeyword.
    const after_description = (try p.expectKeyword(keyword)).comment;
    var definition: ast.Definition = .{
        .position = try p.peekPosition(),
        .kind = kind,
        .before_description_comment = description.comment,
        .description = description.text,
        .after_description_comment = after_description,
    };
    definition.name = try p.parseName();
    try parseDefinitionBody(p, &definition, true);
    return p.create(ast.Definition, definition);
}

fn kindOfKeyword(keyword: []const u8) ?[]const u8 {
    if (std.mem.eql(u8, keyword, "scalar")) return ast.kinds.scalar;
    if (std.mem.eql(u8, keyword, "type")) return ast.kinds.object;
    if (std.mem.eql(u8, keyword, "interface")) return ast.kinds.interface;
    if (std.mem.eql(u8, keyword, "union")) return ast.kinds.@"union";
    if (std.mem.eql(u8, keyword, "enum")) return ast.kinds.@"enum";
    if (std.mem.eql(u8, keyword, "input")) return ast.kinds.input_object;
    return null;
}

/// What follows a definition's name, by kind. Directives are constant except
/// on input object extensions (a gqlparser quirk kept here).
fn parseDefinitionBody(p: *Parser, definition: *ast.Definition, const_directives: bool) ParseError!void {
    const kind = definition.kind;
    if (definition.isKind(ast.kinds.object) or definition.isKind(ast.kinds.interface)) {
        definition.interfaces = try parseImplementsInterfaces(p);
    }
    definition.directives = try query.parseDirectives(p, const_directives);
    if (definition.isKind(ast.kinds.object) or definition.isKind(ast.kinds.interface)) {
        try parseFieldsDefinition(p, definition, .field);
    } else if (std.mem.eql(u8, kind, ast.kinds.input_object)) {
        try parseFieldsDefinition(p, definition, .input_value);
    } else if (std.mem.eql(u8, kind, ast.kinds.@"union")) {
        try parseUnionMemberTypes(p, definition);
    } else if (std.mem.eql(u8, kind, ast.kinds.@"enum")) {
        try parseEnumValuesDefinition(p, definition);
    }
}

fn parseSchemaDefinition(p: *Parser, description: Description) ParseError!*ast.SchemaDefinition {
    const after_description = (try p.expectKeyword("schema")).comment;
    var definition: ast.SchemaDefinition = .{
        .position = try p.peekPosition(),
        .before_description_comment = description.comment,
        .description = description.text,
        .after_description_comment = after_description,
    };
    definition.directives = try query.parseDirectives(p, true);
    try parseOperationTypes(p, &definition);
    return p.create(ast.SchemaDefinition, definition);
}

fn parseOperationTypes(p: *Parser, definition: *ast.SchemaDefinition) ParseError!void {
    if (!try p.skip(.brace_l)) return;
    var operation_types: std.ArrayList(*ast.OperationTypeDefinition) = .empty;
    while ((try p.peek()).kind != .brace_r) {
        try operation_types.append(p.allocator, try parseOperationTypeDefinition(p));
    }
    definition.end_of_definition_comment = try p.endSome(operation_types.items.len > 0);
    definition.operation_types = operation_types.items;
}

fn parseOperationTypeDefinition(p: *Parser) ParseError!*ast.OperationTypeDefinition {
    const position = try p.peekPosition();
    const comment = p.comment;
    const operation = try query.parseOperationType(p);
    _ = try p.expect(.colon);
    return p.create(ast.OperationTypeDefinition, .{
        .position = position,
        .comment = comment,
        .operation = operation,
        .type = try p.parseName(),
    });
}

fn parseImplementsInterfaces(p: *Parser) ParseError![]const []const u8 {
    var interfaces: std.ArrayList([]const u8) = .empty;
    if (try p.peekValueIs("implements")) {
        _ = try p.next();
        _ = try p.skip(.amp);
        try interfaces.append(p.allocator, try p.parseName());
        while (try p.skip(.amp)) try interfaces.append(p.allocator, try p.parseName());
    }
    return interfaces.items;
}

const FieldStyle = enum { field, input_value };

fn parseFieldsDefinition(p: *Parser, definition: *ast.Definition, style: FieldStyle) ParseError!void {
    if (!try p.skip(.brace_l)) return;
    var fields: std.ArrayList(*ast.FieldDefinition) = .empty;
    while ((try p.peek()).kind != .brace_r) {
        try fields.append(p.allocator, try parseFieldDefinition(p, style));
    }
    definition.end_of_definition_comment = try p.endSome(fields.items.len > 0);
    definition.fields = fields.items;
}

/// An object field (with arguments) or an input field (with a default value).
fn parseFieldDefinition(p: *Parser, style: FieldStyle) ParseError!*ast.FieldDefinition {
    var definition: ast.FieldDefinition = .{};
    const description = try parseDescription(p);
    if (description.text.len > 0) {
        definition.before_description_comment = description.comment;
        definition.description = description.text;
    }
    definition.position = try p.peekPosition();
    definition.after_description_comment = p.comment;
    definition.name = try p.parseName();
    if (style == .field) definition.arguments = try parseArgumentDefs(p);
    _ = try p.expect(.colon);
    definition.type = try query.parseTypeReference(p);
    if (style == .input_value and try p.skip(.equals)) {
        definition.default_value = try query.parseValueLiteral(p, true);
    }
    definition.directives = try query.parseDirectives(p, true);
    return p.create(ast.FieldDefinition, definition);
}

fn parseArgumentDefs(p: *Parser) ParseError![]*ast.ArgumentDefinition {
    var arguments: std.ArrayList(*ast.ArgumentDefinition) = .empty;
    if (!try p.skip(.paren_l)) return arguments.items;
    while ((try p.peek()).kind != .paren_r) {
        try arguments.append(p.allocator, try parseArgumentDef(p));
    }
    _ = try p.endSome(arguments.items.len > 0);
    return arguments.items;
}

fn parseArgumentDef(p: *Parser) ParseError!*ast.ArgumentDefinition {
    var definition: ast.ArgumentDefinition = .{};
    const description = try parseDescription(p);
    if (description.text.len > 0) {
        definition.before_description_comment = description.comment;
        definition.description = description.text;
    }
    definition.position = try p.peekPosition();
    definition.after_description_comment = p.comment;
    definition.name = try p.parseName();
    _ = try p.expect(.colon);
    definition.type = try query.parseTypeReference(p);
    if (try p.skip(.equals)) definition.default_value = try query.parseValueLiteral(p, true);
    definition.directives = try query.parseDirectives(p, true);
    return p.create(ast.ArgumentDefinition, definition);
}

fn parseUnionMemberTypes(p: *Parser, definition: *ast.Definition) ParseError!void {
    if (!try p.skip(.equals)) return;
    var types: std.ArrayList([]const u8) = .empty;
    var positions: std.ArrayList(?ast.Position) = .empty;
    _ = try p.skip(.pipe);
    while (true) {
        try positions.append(p.allocator, try p.peekPosition());
        try types.append(p.allocator, try p.parseName());
        if (!try p.skip(.pipe)) break;
    }
    definition.types = types.items;
    definition.type_positions = positions.items;
}

fn parseEnumValuesDefinition(p: *Parser, definition: *ast.Definition) ParseError!void {
    if (!try p.skip(.brace_l)) return;
    var values: std.ArrayList(*ast.EnumValueDefinition) = .empty;
    while ((try p.peek()).kind != .brace_r) {
        try values.append(p.allocator, try parseEnumValueDefinition(p));
    }
    definition.end_of_definition_comment = try p.endSome(values.items.len > 0);
    definition.enum_values = values.items;
}

fn parseEnumValueDefinition(p: *Parser) ParseError!*ast.EnumValueDefinition {
    var definition: ast.EnumValueDefinition = .{};
    const description = try parseDescription(p);
    if (description.text.len > 0) {
        definition.before_description_comment = description.comment;
        definition.description = description.text;
    }
    definition.position = try p.peekPosition();
    definition.after_description_comment = p.comment;
    definition.name = try p.parseName();
    definition.directives = try query.parseDirectives(p, true);
    return p.create(ast.EnumValueDefinition, definition);
}

fn parseSchemaExtension(p: *Parser, comment: ?*ast.CommentGroup) ParseError!*ast.SchemaDefinition {
    _ = try p.expectKeyword("schema");
    var definition: ast.SchemaDefinition = .{ .position = try p.peekPosition(), .after_description_comment = comment };
    definition.directives = try query.parseDirectives(p, true);
    try parseOperationTypes(p, &definition);
    if (definition.directives.len == 0 and definition.operation_types.len == 0) return p.unexpected();
    return p.create(ast.SchemaDefinition, definition);
}

/// `extend scalar|type|interface|union|enum|input ...`: at least one thing
/// must be added.
fn parseTypeExtension(p: *Parser, comment: ?*ast.CommentGroup) ParseError!*ast.Definition {
    const keyword = (try p.peek()).value;
    const kind = kindOfKeyword(keyword) orelse return p.unexpected();
    _ = try p.expectKeyword(keyword);
    var definition: ast.Definition = .{
        .position = try p.peekPosition(),
        .after_description_comment = comment,
        .kind = kind,
    };
    definition.name = try p.parseName();
    // Interface extensions take no `implements` in gqlparser.
    if (std.mem.eql(u8, kind, ast.kinds.interface)) {
        definition.directives = try query.parseDirectives(p, true);
        try parseFieldsDefinition(p, &definition, .field);
    } else {
        try parseDefinitionBody(p, &definition, !std.mem.eql(u8, kind, ast.kinds.input_object));
    }
    const empty = definition.directives.len == 0 and definition.interfaces.len == 0 and
        definition.fields.len == 0 and definition.types.len == 0 and definition.enum_values.len == 0;
    if (empty) return p.unexpected();
    return p.create(ast.Definition, definition);
}

fn parseDirectiveDefinition(p: *Parser, description: Description) ParseError!*ast.DirectiveDefinition {
    const after_description = (try p.expectKeyword("directive")).comment;
    _ = try p.expect(.at);
    var definition: ast.DirectiveDefinition = .{
        .position = try p.peekPosition(),
        .before_description_comment = description.comment,
        .description = description.text,
        .after_description_comment = after_description,
    };
    definition.name = try p.parseName();
    definition.arguments = try parseArgumentDefs(p);
    const token = try p.peek();
    if (token.kind == .name and std.mem.eql(u8, token.value, "repeatable")) {
        definition.is_repeatable = true;
        _ = try p.skip(.name);
    }
    _ = try p.expectKeyword("on");
    definition.locations = try parseDirectiveLocations(p);
    return p.create(ast.DirectiveDefinition, definition);
}

const directive_locations = [_][]const u8{
    "QUERY",              "MUTATION",           "SUBSCRIPTION",     "FIELD",
    "FRAGMENT_DEFINITION", "FRAGMENT_SPREAD",   "INLINE_FRAGMENT",  "VARIABLE_DEFINITION",
    "SCHEMA",             "SCALAR",             "OBJECT",           "FIELD_DEFINITION",
    "ARGUMENT_DEFINITION", "INTERFACE",         "UNION",            "ENUM",
    "ENUM_VALUE",         "INPUT_OBJECT",       "INPUT_FIELD_DEFINITION",
};

fn parseDirectiveLocations(p: *Parser) ParseError![]const []const u8 {
    var locations: std.ArrayList([]const u8) = .empty;
    _ = try p.skip(.pipe);
    while (true) {
        try locations.append(p.allocator, try parseDirectiveLocation(p));
        if (!try p.skip(.pipe)) break;
    }
    return locations.items;
}

fn parseDirectiveLocation(p: *Parser) ParseError![]const u8 {
    const token = (try p.expect(.name)).token;
    for (directive_locations) |location| {
        if (std.mem.eql(u8, token.value, location)) return location;
    }
    return p.unexpectedToken(token);
}

// ---------------------------------------------------------------------------
// Tests

const testing = std.testing;

fn expectFailure(input: []const u8, expected: []const u8) !void {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    var p: Parser = .init(arena.allocator(), input);
    try testing.expectError(error.Syntax, parseSchemaDocument(&p));
    try testing.expectEqualStrings(expected, try p.failureText());
}

test "schema syntax errors read like gqlparser's" {
    try expectFailure("type Hello {}", "input:1:13: expected at least one definition, found }");
    try expectFailure("extend type Hello", "input:1:18: Unexpected <EOF>");
    try expectFailure("\n  \"Description\"\n  extend type Hello {\n    world: String\n  }\n", "input:2:4: Unexpected String \"Description\"");
    try expectFailure("\n  extend \"Description\" type Hello {\n    world: String\n  }\n", "input:2:11: Unexpected String \"Description\"");
    try expectFailure("extend schema", "input:1:14: Unexpected <EOF>");
    try expectFailure("union Hello = || Wo | Rld", "input:1:16: Expected Name, found |");
    try expectFailure("union Hello = | Wo | Rld |", "input:1:27: Expected Name, found <EOF>");
    try expectFailure("\n  input Hello {\n    world(foo: Int): String\n  }\n", "input:3:10: Expected :, found (");
    try expectFailure("directive @foo on FIELD | INCORRECT_LOCATION", "input:1:27: Unexpected Name \"INCORRECT_LOCATION\"");
    try expectFailure("type o{d(g:[", "input:1:13: Expected Name, found <EOF>");
    try expectFailure("\"\"\"\r", "input:2:1: Unexpected <Invalid>");
}

test "definitions, extensions and directives" {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    var p: Parser = .init(arena.allocator(),
        \\"Description"
        \\type Hello implements & Wo & rld @x { world(flag: Boolean = true): String }
        \\extend type Hello implements Greeting
        \\union U = | A | B
        \\directive @foo repeatable on FIELD | QUERY
        \\schema { query: Hello }
    );
    const document = try parseSchemaDocument(&p);
    const hello = document.definitions[0];
    try testing.expectEqualStrings("Description", hello.description);
    try testing.expectEqual(@as(usize, 2), hello.interfaces.len);
    try testing.expectEqualStrings("true", hello.fields[0].arguments[0].default_value.?.raw);
    try testing.expectEqualStrings("Greeting", document.extensions[0].interfaces[0]);
    try testing.expectEqual(@as(usize, 2), document.definitions[1].types.len);
    try testing.expect(document.directives[0].is_repeatable);
    try testing.expectEqualStrings("query", document.schema[0].operation_types[0].operation);
}
