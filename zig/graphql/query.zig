//! The query grammar of gqlparser (parser/query.go): executable documents,
//! values and type references (the schema grammar reuses the last two).
//!
//! Which comments land on which node follows gqlparser as compiled: where a
//! Go composite literal reads `p.comment` next to a call that consumes tokens,
//! the call runs first, so those nodes never get a comment (an operation
//! written as a bare `{`, variable and scalar values).
const std = @import("std");
const ast = @import("ast.zig");
const parser = @import("parser.zig");

const Parser = parser.Parser;
const ParseError = parser.ParseError;

pub fn parseQueryDocument(p: *Parser) ParseError!*ast.QueryDocument {
    var operations: std.ArrayList(*ast.OperationDefinition) = .empty;
    var fragments: std.ArrayList(*ast.FragmentDefinition) = .empty;
    while (true) {
        const token = try p.peek();
        switch (token.kind) {
            .eof => break,
            .name => {
                if (isOperationType(token.value)) {
                    try operations.append(p.allocator, try parseOperationDefinition(p));
                } else if (std.mem.eql(u8, token.value, "fragment")) {
                    try fragments.append(p.allocator, try parseFragmentDefinition(p));
                } else return p.unexpected();
            },
            .brace_l => try operations.append(p.allocator, try parseOperationDefinition(p)),
            else => return p.unexpected(),
        }
    }
    return p.create(ast.QueryDocument, .{ .operations = operations.items, .fragments = fragments.items });
}

fn isOperationType(name: []const u8) bool {
    return std.mem.eql(u8, name, "query") or std.mem.eql(u8, name, "mutation") or std.mem.eql(u8, name, "subscription");
}

fn parseOperationDefinition(p: *Parser) ParseError!*ast.OperationDefinition {
    const position = try p.peekPosition();
    if ((try p.peek()).kind == .brace_l) {
        return p.create(ast.OperationDefinition, .{
            .position = position,
            .operation = "query",
            .selection_set = try parseRequiredSelectionSet(p),
        });
    }
    const comment = p.comment;
    const operation = try parseOperationType(p);
    var name: []const u8 = "";
    if ((try p.peek()).kind == .name) name = (try p.next()).value;
    return p.create(ast.OperationDefinition, .{
        .position = position,
        .comment = comment,
        .operation = operation,
        .name = name,
        .variable_definitions = try parseVariableDefinitions(p),
        .directives = try parseDirectives(p, false),
        .selection_set = try parseRequiredSelectionSet(p),
    });
}

/// Consumes a token without checking its kind: any token whose value reads
/// as an operation type passes.
pub fn parseOperationType(p: *Parser) ParseError![]const u8 {
    const token = try p.next();
    if (std.mem.eql(u8, token.value, "query")) return "query";
    if (std.mem.eql(u8, token.value, "mutation")) return "mutation";
    if (std.mem.eql(u8, token.value, "subscription")) return "subscription";
    return p.unexpectedToken(token);
}

fn parseVariableDefinitions(p: *Parser) ParseError![]*ast.VariableDefinition {
    var definitions: std.ArrayList(*ast.VariableDefinition) = .empty;
    if (!try p.skip(.paren_l)) return definitions.items;
    while ((try p.peek()).kind != .paren_r) {
        try definitions.append(p.allocator, try parseVariableDefinition(p));
    }
    _ = try p.endSome(definitions.items.len > 0);
    return definitions.items;
}

fn parseVariableDefinition(p: *Parser) ParseError!*ast.VariableDefinition {
    const position = try p.peekPosition();
    const comment = p.comment;
    const variable = try parseVariable(p);
    _ = try p.expect(.colon);
    const t = try parseTypeReference(p);
    var default_value: ?*ast.Value = null;
    if (try p.skip(.equals)) default_value = try parseValueLiteral(p, true);
    return p.create(ast.VariableDefinition, .{
        .position = position,
        .comment = comment,
        .variable = variable,
        .type = t,
        .default_value = default_value,
        .directives = try parseDirectives(p, false),
    });
}

fn parseVariable(p: *Parser) ParseError![]const u8 {
    _ = try p.expect(.dollar);
    return p.parseName();
}

fn parseRequiredSelectionSet(p: *Parser) ParseError![]ast.Selection {
    const token = try p.peek();
    if (token.kind != .brace_l) {
        return p.failf(token.position, "Expected {{, found {s}", .{token.kind.text()});
    }
    return parseSelectionSet(p);
}

/// `some({ selection... })`; the caller has seen the `{`.
fn parseSelectionSet(p: *Parser) ParseError![]ast.Selection {
    try p.enter();
    defer p.leave();
    var selections: std.ArrayList(ast.Selection) = .empty;
    _ = try p.skip(.brace_l);
    while ((try p.peek()).kind != .brace_r) {
        try selections.append(p.allocator, try parseSelection(p));
    }
    _ = try p.endSome(selections.items.len > 0);
    return selections.items;
}

fn parseSelection(p: *Parser) ParseError!ast.Selection {
    if ((try p.peek()).kind == .spread) return parseFragment(p);
    return .{ .field = try parseField(p) };
}

fn parseField(p: *Parser) ParseError!*ast.Field {
    const position = try p.peekPosition();
    const comment = p.comment;
    const alias = try p.parseName();
    const name = if (try p.skip(.colon)) try p.parseName() else alias;
    const arguments = try parseArguments(p, false);
    const directives = try parseDirectives(p, false);
    var selection_set: []ast.Selection = &.{};
    if ((try p.peek()).kind == .brace_l) selection_set = try parseSelectionSet(p);
    return p.create(ast.Field, .{
        .position = position,
        .comment = comment,
        .alias = alias,
        .name = name,
        .arguments = arguments,
        .directives = directives,
        .selection_set = selection_set,
    });
}

fn parseArguments(p: *Parser, is_const: bool) ParseError![]*ast.Argument {
    var arguments: std.ArrayList(*ast.Argument) = .empty;
    if (!try p.skip(.paren_l)) return arguments.items;
    while ((try p.peek()).kind != .paren_r) {
        try arguments.append(p.allocator, try parseArgument(p, is_const));
    }
    _ = try p.endSome(arguments.items.len > 0);
    return arguments.items;
}

fn parseArgument(p: *Parser, is_const: bool) ParseError!*ast.Argument {
    const position = try p.peekPosition();
    const comment = p.comment;
    const name = try p.parseName();
    _ = try p.expect(.colon);
    return p.create(ast.Argument, .{
        .position = position,
        .comment = comment,
        .name = name,
        .value = try parseValueLiteral(p, is_const),
    });
}

fn parseFragment(p: *Parser) ParseError!ast.Selection {
    const comment = (try p.expect(.spread)).comment;
    const token = try p.peek();
    if (token.kind == .name and !std.mem.eql(u8, token.value, "on")) {
        const position = try p.peekPosition();
        const name = try parseFragmentName(p);
        return .{ .fragment_spread = try p.create(ast.FragmentSpread, .{
            .position = position,
            .comment = comment,
            .name = name,
            .directives = try parseDirectives(p, false),
        }) };
    }
    const position = try p.peekPosition();
    var type_condition: []const u8 = "";
    if (try p.peekValueIs("on")) {
        _ = try p.next();
        type_condition = try p.parseName();
    }
    const directives = try parseDirectives(p, false);
    return .{ .inline_fragment = try p.create(ast.InlineFragment, .{
        .position = position,
        .comment = comment,
        .type_condition = type_condition,
        .directives = directives,
        .selection_set = try parseRequiredSelectionSet(p),
    }) };
}

fn parseFragmentDefinition(p: *Parser) ParseError!*ast.FragmentDefinition {
    const position = try p.peekPosition();
    const comment = p.comment;
    _ = try p.expectKeyword("fragment");
    const name = try parseFragmentName(p);
    const variables = try parseVariableDefinitions(p);
    _ = try p.expectKeyword("on");
    const type_condition = try p.parseName();
    const directives = try parseDirectives(p, false);
    return p.create(ast.FragmentDefinition, .{
        .position = position,
        .comment = comment,
        .name = name,
        .variable_definition = variables,
        .type_condition = type_condition,
        .directives = directives,
        .selection_set = try parseRequiredSelectionSet(p),
    });
}

fn parseFragmentName(p: *Parser) ParseError![]const u8 {
    if (try p.peekValueIs("on")) return p.unexpected();
    return p.parseName();
}

pub fn parseValueLiteral(p: *Parser, is_const: bool) ParseError!*ast.Value {
    const token = try p.peek();
    const kind: ast.ValueKind = switch (token.kind) {
        .bracket_l => return parseList(p, is_const),
        .brace_l => return parseObject(p, is_const),
        .dollar => {
            if (is_const) return p.unexpected();
            return p.create(ast.Value, .{
                .position = token.position,
                .raw = try parseVariable(p),
                .kind = @intFromEnum(ast.ValueKind.variable),
            });
        },
        .int => .int,
        .float => .float,
        .string => .string,
        .block_string => .block,
        .name => if (std.mem.eql(u8, token.value, "true") or std.mem.eql(u8, token.value, "false"))
            .boolean
        else if (std.mem.eql(u8, token.value, "null"))
            .null
        else
            .@"enum",
        else => return p.unexpected(),
    };
    _ = try p.next();
    return p.create(ast.Value, .{ .position = token.position, .raw = token.value, .kind = @intFromEnum(kind) });
}

/// `many([ value... ])`: an empty list is fine.
fn parseList(p: *Parser, is_const: bool) ParseError!*ast.Value {
    try p.enter();
    defer p.leave();
    const position = try p.peekPosition();
    const comment = p.comment;
    var children: std.ArrayList(*ast.ChildValue) = .empty;
    if (try p.skip(.bracket_l)) {
        while ((try p.peek()).kind != .bracket_r) {
            const value = try parseValueLiteral(p, is_const);
            try children.append(p.allocator, try p.create(ast.ChildValue, .{ .value = value }));
        }
        _ = try p.next();
    }
    return p.create(ast.Value, .{
        .position = position,
        .comment = comment,
        .children = children.items,
        .kind = @intFromEnum(ast.ValueKind.list),
    });
}

fn parseObject(p: *Parser, is_const: bool) ParseError!*ast.Value {
    try p.enter();
    defer p.leave();
    const position = try p.peekPosition();
    const comment = p.comment;
    var children: std.ArrayList(*ast.ChildValue) = .empty;
    if (try p.skip(.brace_l)) {
        while ((try p.peek()).kind != .brace_r) {
            try children.append(p.allocator, try parseObjectField(p, is_const));
        }
        _ = try p.next();
    }
    return p.create(ast.Value, .{
        .position = position,
        .comment = comment,
        .children = children.items,
        .kind = @intFromEnum(ast.ValueKind.object),
    });
}

fn parseObjectField(p: *Parser, is_const: bool) ParseError!*ast.ChildValue {
    const position = try p.peekPosition();
    const comment = p.comment;
    const name = try p.parseName();
    _ = try p.expect(.colon);
    return p.create(ast.ChildValue, .{
        .position = position,
        .comment = comment,
        .name = name,
        .value = try parseValueLiteral(p, is_const),
    });
}

pub fn parseDirectives(p: *Parser, is_const: bool) ParseError![]*ast.Directive {
    var directives: std.ArrayList(*ast.Directive) = .empty;
    while ((try p.peek()).kind == .at) {
        try directives.append(p.allocator, try parseDirective(p, is_const));
    }
    return directives.items;
}

fn parseDirective(p: *Parser, is_const: bool) ParseError!*ast.Directive {
    _ = try p.expect(.at);
    const position = try p.peekPosition();
    const name = try p.parseName();
    return p.create(ast.Directive, .{
        .position = position,
        .name = name,
        .arguments = try parseArguments(p, is_const),
    });
}

pub fn parseTypeReference(p: *Parser) ParseError!*ast.Type {
    try p.enter();
    defer p.leave();
    var t: ast.Type = .{};
    if (try p.skip(.bracket_l)) {
        t.position = try p.peekPosition();
        t.elem = try parseTypeReference(p);
        _ = try p.expect(.bracket_r);
    } else {
        t.position = try p.peekPosition();
        t.named_type = try p.parseName();
    }
    if (try p.skip(.bang)) t.non_null = true;
    return p.create(ast.Type, t);
}

// ---------------------------------------------------------------------------
// Tests

const testing = std.testing;

fn expectFailure(input: []const u8, expected: []const u8) !void {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    var p: Parser = .init(arena.allocator(), input);
    try testing.expectError(error.Syntax, parseQueryDocument(&p));
    try testing.expectEqualStrings(expected, try p.failureText());
}

test "syntax errors read like gqlparser's" {
    try expectFailure("{", "input:1:2: Expected Name, found <EOF>");
    try expectFailure("\n  { ...MissingOn }\n  fragment MissingOn Type\n", "input:3:22: Expected \"on\", found Name \"Type\"");
    try expectFailure("{ field: {} }", "input:1:10: Expected Name, found {");
    try expectFailure("notanoperation Foo { field }", "input:1:1: Unexpected Name \"notanoperation\"");
    try expectFailure("...", "input:1:1: Unexpected ...");
    try expectFailure("query Foo($x: Complex = { a: { b: [ $var ] } }) { field }", "input:1:37: Unexpected $");
    try expectFailure("fragment on on on { on }", "input:1:10: Unexpected Name \"on\"");
    try expectFailure("{ ...on }", "input:1:9: Expected Name, found }");
    try expectFailure("{__typename{...}}", "input:1:16: Expected {, found }");
    try expectFailure("{...{__typename{...{}}}}", "input:1:21: expected at least one definition, found }");
    try expectFailure("{ f(a: \"abc) }", "input:1:15: Unexpected <Invalid>");
}

test "comments attach to fields and named operations only where gqlparser puts them" {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    var p: Parser = .init(arena.allocator(), "# c1\nquery { # c3\n f # c4\n g(a: # c5\n 1) }");
    const document = try parseQueryDocument(&p);
    const operation = document.operations[0];
    try testing.expectEqualStrings("# c1", operation.comment.?.list[0].value);
    try testing.expectEqualStrings("# c3", operation.selection_set[0].field.comment.?.list[0].value);
    const g = operation.selection_set[1].field;
    try testing.expectEqualStrings("# c4", g.comment.?.list[0].value);
    try testing.expect(g.arguments[0].value.?.comment == null);

    var bare: Parser = .init(arena.allocator(), "# c1\n{ f }");
    try testing.expect((try parseQueryDocument(&bare)).operations[0].comment == null);
}

test "deep nesting fails instead of overflowing the stack" {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    const a = arena.allocator();
    const input = try std.mem.concat(a, u8, &.{ "{ f(a: ", "[" ** 300, "]" ** 300, ") }" });
    var p: Parser = .init(a, input);
    try testing.expectError(error.Syntax, parseQueryDocument(&p));
}
