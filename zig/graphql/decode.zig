//! Rego value -> gqlparser AST, as OPA does it for documents given as objects:
//! the value becomes JSON and Go's encoding/json fills the AST structs.
//!
//! That brings Go's rules with it: keys match struct fields case-insensitively,
//! except for the four node types with their own UnmarshalJSON (operations,
//! fragment definitions, fields, inline fragments), which take exact keys only
//! and ignore `Comment`; unknown keys are ignored; null leaves a field as it
//! is; any value of the wrong JSON type fails the whole document. Selections
//! have no type tag: each is read as a field, else as a fragment spread, else
//! as an inline fragment, and dropped when none fits. So `{"Name": "F"}`, the
//! encoding of a fragment spread, comes back as a field: OPA behaves that way.
const std = @import("std");
const Allocator = std.mem.Allocator;
const ast = @import("ast.zig");
const value_mod = @import("../value/mod.zig");

const Value = value_mod.Value;

pub const Error = error{ OutOfMemory, Invalid };

/// Nesting deeper than this fails (Go's decoder allows 10000; our stack is smaller).
pub const max_depth = 256;

pub const Decoder = struct {
    allocator: Allocator,
    /// Why decoding failed (Go's message, approximately).
    message: []const u8 = "",
    depth: u32 = 0,

    fn mismatch(d: *Decoder, got: Value, go_type: []const u8) Error {
        const what: []const u8 = switch (got) {
            .null => "null",
            .boolean => "bool",
            .number => "number",
            .string => "string",
            .array, .set => "array",
            .object => "object",
        };
        d.message = try std.fmt.allocPrint(d.allocator, "json: cannot unmarshal {s} into Go value of type {s}", .{ what, go_type });
        return error.Invalid;
    }

    fn enter(d: *Decoder) Error!void {
        if (d.depth >= max_depth) {
            d.message = "json: exceeded max depth";
            return error.Invalid;
        }
        d.depth += 1;
    }

    fn leave(d: *Decoder) void {
        d.depth -= 1;
    }
};

pub fn queryDocument(d: *Decoder, v: Value) Error!*ast.QueryDocument {
    const document = try d.allocator.create(ast.QueryDocument);
    document.* = .{};
    try decodeInto(ast.QueryDocument, d, v, document);
    return document;
}

pub fn schemaDocument(d: *Decoder, v: Value) Error!*ast.SchemaDocument {
    const document = try d.allocator.create(ast.SchemaDocument);
    document.* = .{};
    try decodeInto(ast.SchemaDocument, d, v, document);
    return document;
}

/// A JSON key and the struct field it fills.
const Spec = struct { json: []const u8, field: []const u8 };

fn spec(comptime json: []const u8, comptime field: []const u8) Spec {
    return .{ .json = json, .field = field };
}

const description_comments = [_]Spec{
    spec("BeforeDescriptionComment", "before_description_comment"),
    spec("AfterDescriptionComment", "after_description_comment"),
};

/// The JSON keys each node type reads. For the exact-key types this is the
/// key list of gqlparser's UnmarshalJSON (Comment is not among them).
fn specs(comptime T: type) []const Spec {
    return switch (T) {
        ast.QueryDocument => &.{ spec("Operations", "operations"), spec("Fragments", "fragments"), spec("Comment", "comment") },
        ast.OperationDefinition => &.{
            spec("Operation", "operation"),                       spec("Name", "name"),
            spec("VariableDefinitions", "variable_definitions"), spec("Directives", "directives"),
            spec("SelectionSet", "selection_set"),                spec("Position", "position"),
        },
        ast.VariableDefinition => &.{
            spec("Variable", "variable"),     spec("Type", "type"),         spec("DefaultValue", "default_value"),
            spec("Directives", "directives"), spec("Comment", "comment"), spec("Definition", "definition"),
            spec("Used", "used"),
        },
        ast.Field => &.{
            spec("Alias", "alias"),                spec("Name", "name"),         spec("Arguments", "arguments"),
            spec("Directives", "directives"),      spec("SelectionSet", "selection_set"), spec("Position", "position"),
            spec("Definition", "definition"),      spec("ObjectDefinition", "object_definition"),
        },
        ast.Argument => &.{ spec("Name", "name"), spec("Value", "value"), spec("Comment", "comment") },
        ast.FragmentSpread => &.{
            spec("Name", "name"),             spec("Directives", "directives"), spec("ObjectDefinition", "object_definition"),
            spec("Definition", "definition"), spec("Comment", "comment"),
        },
        ast.InlineFragment => &.{
            spec("TypeCondition", "type_condition"), spec("Directives", "directives"),   spec("SelectionSet", "selection_set"),
            spec("ObjectDefinition", "object_definition"), spec("Position", "position"),
        },
        ast.FragmentDefinition => &.{
            spec("Name", "name"),                 spec("VariableDefinition", "variable_definition"),
            spec("TypeCondition", "type_condition"), spec("Directives", "directives"),
            spec("SelectionSet", "selection_set"), spec("Definition", "definition"),
            spec("Position", "position"),
        },
        ast.Directive => &.{
            spec("Name", "name"),             spec("Arguments", "arguments"), spec("ParentDefinition", "parent_definition"),
            spec("Definition", "definition"), spec("Location", "location"),
        },
        ast.Value => &.{
            spec("Raw", "raw"),               spec("Children", "children"),   spec("Kind", "kind"),
            spec("Comment", "comment"),       spec("Definition", "definition"), spec("VariableDefinition", "variable_definition"),
            spec("ExpectedType", "expected_type"), spec("ExpectedTypeHasDefault", "expected_type_has_default"),
        },
        ast.ChildValue => &.{ spec("Name", "name"), spec("Value", "value"), spec("Comment", "comment") },
        ast.Type => &.{ spec("NamedType", "named_type"), spec("Elem", "elem"), spec("NonNull", "non_null") },
        ast.CommentGroup => &.{spec("List", "list")},
        ast.Comment => &.{ spec("Value", "value"), spec("Position", "") },
        ast.SchemaDocument => &.{
            spec("Schema", "schema"),           spec("SchemaExtension", "schema_extension"), spec("Directives", "directives"),
            spec("Definitions", "definitions"), spec("Extensions", "extensions"),            spec("Comment", "comment"),
        },
        ast.SchemaDefinition => &[_]Spec{
            spec("Description", "description"),  spec("Directives", "directives"),
            spec("OperationTypes", "operation_types"), spec("EndOfDefinitionComment", "end_of_definition_comment"),
        } ++ description_comments,
        ast.OperationTypeDefinition => &.{ spec("Operation", "operation"), spec("Type", "type"), spec("Comment", "comment") },
        ast.Definition => &[_]Spec{
            spec("Kind", "kind"),             spec("Description", "description"), spec("Name", "name"),
            spec("Directives", "directives"), spec("Interfaces", "interfaces"),   spec("Fields", "fields"),
            spec("Types", "types"),           spec("EnumValues", "enum_values"),  spec("BuiltIn", "built_in"),
            spec("EndOfDefinitionComment", "end_of_definition_comment"),
        } ++ description_comments,
        ast.FieldDefinition => &[_]Spec{
            spec("Description", "description"), spec("Name", "name"), spec("Arguments", "arguments"),
            spec("DefaultValue", "default_value"), spec("Type", "type"), spec("Directives", "directives"),
        } ++ description_comments,
        ast.ArgumentDefinition => &[_]Spec{
            spec("Description", "description"), spec("Name", "name"), spec("DefaultValue", "default_value"),
            spec("Type", "type"),               spec("Directives", "directives"),
        } ++ description_comments,
        ast.EnumValueDefinition => &[_]Spec{
            spec("Description", "description"), spec("Name", "name"), spec("Directives", "directives"),
        } ++ description_comments,
        ast.DirectiveDefinition => &[_]Spec{
            spec("Description", "description"), spec("Name", "name"), spec("Arguments", "arguments"),
            spec("Locations", "locations"),     spec("IsRepeatable", "is_repeatable"),
        } ++ description_comments,
        else => @compileError("no JSON specs for " ++ @typeName(T)),
    };
}

/// The node types gqlparser decodes with its own UnmarshalJSON: exact keys.
fn exactKeys(comptime T: type) bool {
    return T == ast.OperationDefinition or T == ast.FragmentDefinition or T == ast.Field or T == ast.InlineFragment;
}

fn decodeInto(comptime T: type, d: *Decoder, v: Value, target: *T) Error!void {
    if (v != .object) return d.mismatch(v, "ast." ++ comptime shortName(T));
    try d.enter();
    defer d.leave();
    const object = v.object;
    // Keys in canonical (byte) order, as Go's json.Marshal sorts them: of two
    // keys naming one field, the later one wins.
    for (object.keys, object.values) |key, item| {
        if (key != .string) continue; // Non-string keys become JSON text, which names no field.
        inline for (comptime specs(T)) |s| {
            const matches = if (comptime exactKeys(T)) std.mem.eql(u8, key.string, s.json) else equalFold(key.string, s.json);
            if (matches) {
                if (s.field.len == 0) {
                    try checkPosition(d, item);
                } else {
                    try decodeField(@FieldType(T, s.field), d, item, &@field(target, s.field));
                }
                break;
            }
        }
    }
}

fn shortName(comptime T: type) []const u8 {
    const full = @typeName(T);
    const dot = comptime std.mem.lastIndexOfScalar(u8, full, '.') orelse return full;
    return full[dot + 1 ..];
}

fn decodeField(comptime F: type, d: *Decoder, v: Value, target: *F) Error!void {
    switch (F) {
        []const u8 => switch (v) {
            .null => {},
            .string => |s| target.* = s,
            else => return d.mismatch(v, "string"),
        },
        bool => switch (v) {
            .null => {},
            .boolean => |b| target.* = b,
            else => return d.mismatch(v, "bool"),
        },
        i64 => switch (v) {
            .null => {},
            .number => |n| {
                var buffer: [20]u8 = undefined;
                target.* = parseInt64(n.literal(&buffer)) orelse return d.mismatch(v, "ast.ValueKind");
            },
            else => return d.mismatch(v, "ast.ValueKind"),
        },
        ?ast.Position => {
            try checkPosition(d, v);
            target.* = positionOf(v) orelse target.*;
        },
        []ast.Selection => target.* = try selectionSet(d, v),
        []const []const u8 => target.* = try stringList(d, v),
        []const ast.Comment => target.* = try commentList(d, v),
        else => switch (@typeInfo(F)) {
            .optional => |optional| {
                const Node = @typeInfo(optional.child).pointer.child;
                if (v == .null) {
                    target.* = null;
                    return;
                }
                const node = try d.allocator.create(Node);
                node.* = .{};
                try decodeInto(Node, d, v, node);
                target.* = node;
            },
            .pointer => |pointer| {
                const Node = @typeInfo(pointer.child).pointer.child;
                target.* = try nodeList(Node, d, v);
            },
            else => @compileError("cannot decode " ++ @typeName(F)),
        },
    }
}

/// A JSON array (or set) of nodes; null items are dropped (Go keeps nil
/// pointers there, which only crash gqlparser later).
fn nodeList(comptime Node: type, d: *Decoder, v: Value) Error![]*Node {
    const items = switch (v) {
        .null => return &.{},
        .array => |items| items,
        .set => |set| set.items,
        else => return d.mismatch(v, "[]*ast." ++ comptime shortName(Node)),
    };
    var out: std.ArrayList(*Node) = try .initCapacity(d.allocator, items.len);
    for (items) |item| {
        if (item == .null) continue;
        const node = try d.allocator.create(Node);
        node.* = .{};
        try decodeInto(Node, d, item, node);
        out.appendAssumeCapacity(node);
    }
    return out.items;
}

fn stringList(d: *Decoder, v: Value) Error![]const []const u8 {
    const items = switch (v) {
        .null => return &.{},
        .array => |items| items,
        .set => |set| set.items,
        else => return d.mismatch(v, "[]string"),
    };
    const out = try d.allocator.alloc([]const u8, items.len);
    for (items, out) |item, *s| {
        s.* = switch (item) {
            .null => "",
            .string => |text| text,
            else => return d.mismatch(item, "string"),
        };
    }
    return out;
}

fn commentList(d: *Decoder, v: Value) Error![]const ast.Comment {
    const items = switch (v) {
        .null => return &.{},
        .array => |items| items,
        .set => |set| set.items,
        else => return d.mismatch(v, "[]*ast.Comment"),
    };
    var out: std.ArrayList(ast.Comment) = try .initCapacity(d.allocator, items.len);
    for (items) |item| {
        if (item == .null) continue;
        var c: ast.Comment = .{ .value = "" };
        try decodeInto(ast.Comment, d, item, &c);
        out.appendAssumeCapacity(c);
    }
    return out.items;
}

/// ast.UnmarshalSelectionSet: each item as a Field, else a FragmentSpread,
/// else an InlineFragment, else dropped. Only a non-array fails.
fn selectionSet(d: *Decoder, v: Value) Error![]ast.Selection {
    const items = switch (v) {
        .null => return &.{},
        .array => |items| items,
        .set => |set| set.items,
        else => return d.mismatch(v, "[]json.RawMessage"),
    };
    var out: std.ArrayList(ast.Selection) = try .initCapacity(d.allocator, items.len);
    for (items) |item| {
        if (try attempt(ast.Field, d, item)) |field| {
            out.appendAssumeCapacity(.{ .field = field });
        } else if (try attempt(ast.FragmentSpread, d, item)) |spread| {
            out.appendAssumeCapacity(.{ .fragment_spread = spread });
        } else if (try attempt(ast.InlineFragment, d, item)) |fragment| {
            out.appendAssumeCapacity(.{ .inline_fragment = fragment });
        }
    }
    return out.items;
}

/// Decodes `v` as a `Node`, or null if it does not fit. JSON null fits the
/// exact-key types (their UnmarshalJSON reads it as an empty object).
fn attempt(comptime Node: type, d: *Decoder, v: Value) Allocator.Error!?*Node {
    const node = try d.allocator.create(Node);
    node.* = .{};
    if (v == .null) return if (comptime exactKeys(Node)) node else null;
    const saved = d.message;
    decodeInto(Node, d, v, node) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        error.Invalid => {
            d.message = saved;
            return null;
        },
    };
    return node;
}

/// An ast.Position value (Start, End, Line, Column, Src) must have the right
/// JSON types even though only Line and Column matter to us.
fn checkPosition(d: *Decoder, v: Value) Error!void {
    switch (v) {
        .null => return,
        .object => |object| for (object.keys, object.values) |key, item| {
            if (key != .string or item == .null) continue;
            const numeric = [_][]const u8{ "Start", "End", "Line", "Column" };
            for (numeric) |name| {
                if (equalFold(key.string, name)) {
                    const ok = item == .number and blk: {
                        var buffer: [20]u8 = undefined;
                        break :blk parseInt64(item.number.literal(&buffer)) != null;
                    };
                    if (!ok) return d.mismatch(item, "int");
                }
            }
            if (equalFold(key.string, "Src") and item != .object) return d.mismatch(item, "ast.Source");
        },
        else => return d.mismatch(v, "ast.Position"),
    }
}

fn positionOf(v: Value) ?ast.Position {
    if (v != .object) return null;
    var position: ast.Position = .{ .line = 0, .column = 0 };
    for (v.object.keys, v.object.values) |key, item| {
        if (key != .string or item != .number) continue;
        var buffer: [20]u8 = undefined;
        const n = parseInt64(item.number.literal(&buffer)) orelse continue;
        if (equalFold(key.string, "Line")) position.line = n;
        if (equalFold(key.string, "Column")) position.column = n;
    }
    return position;
}

/// strconv.ParseInt(text, 10, 64), as Go's decoder reads JSON numbers into ints.
pub fn parseInt64(text: []const u8) ?i64 {
    return std.fmt.parseInt(i64, text, 10) catch null;
}

/// bytes.EqualFold of a JSON key against an ASCII field name, as
/// encoding/json matches keys: ASCII case folding, plus the two non-ASCII
/// runes that fold to ASCII letters (U+017F ſ ~ s, U+212A K ~ k).
fn equalFold(key: []const u8, name: []const u8) bool {
    var i: usize = 0;
    var j: usize = 0;
    while (i < key.len and j < name.len) : (j += 1) {
        const want = std.ascii.toLower(name[j]);
        if (key[i] < 0x80) {
            if (std.ascii.toLower(key[i]) != want) return false;
            i += 1;
            continue;
        }
        if (std.mem.startsWith(u8, key[i..], "\u{17f}") and want == 's') {
            i += "\u{17f}".len;
        } else if (std.mem.startsWith(u8, key[i..], "\u{212a}") and want == 'k') {
            i += "\u{212a}".len;
        } else return false;
    }
    return i == key.len and j == name.len;
}

// ---------------------------------------------------------------------------
// Tests

const testing = std.testing;

fn parseJson(a: Allocator, text: []const u8) !Value {
    return value_mod.json.parse(a, text);
}

test "keys match case-insensitively except on exact-key nodes" {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    const a = arena.allocator();
    var d: Decoder = .{ .allocator = a };
    const v = try parseJson(a,
        \\{"operations": [{"Name": "Q", "operation": "ignored", "Operation": "query",
        \\  "SelectionSet": [{"Name": "F"}, {"Alias": 1, "name": "G"}, {"TypeCondition": 1}, 5, null]}]}
    );
    const document = try queryDocument(&d, v);
    const operation = document.operations[0];
    try testing.expectEqualStrings("query", operation.operation);
    const selections = operation.selection_set;
    try testing.expectEqual(@as(usize, 4), selections.len);
    try testing.expectEqualStrings("F", selections[0].field.name);
    // A bad Alias fails the field; the spread reading ignores Alias and takes "name".
    try testing.expectEqualStrings("G", selections[1].fragment_spread.name);
    try testing.expectEqualStrings("", selections[2].field.name);
    // null reads as an empty field; a number fits nothing and is dropped.
    try testing.expectEqualStrings("", selections[3].field.name);
}

test "wrong JSON types fail the document" {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    const a = arena.allocator();
    var d: Decoder = .{ .allocator = a };
    try testing.expectError(error.Invalid, schemaDocument(&d, try parseJson(a, "{\"Definitions\": [{\"Name\": 5}]}")));
    try testing.expectEqualStrings("json: cannot unmarshal number into Go value of type string", d.message);
    try testing.expectError(error.Invalid, queryDocument(&d, try parseJson(a, "{\"Operations\": [{\"VariableDefinitions\": [{\"DefaultValue\": {\"Kind\": 1.5}}]}]}")));
    // Inside a selection a failure only demotes the item: a field with bad
    // arguments reads as a fragment spread, which has no arguments.
    const demoted = try queryDocument(&d, try parseJson(a, "{\"Operations\": [{\"SelectionSet\": [{\"Name\": \"f\", \"Arguments\": [{\"Value\": {\"Kind\": 1.5}}]}]}]}"));
    try testing.expectEqualStrings("f", demoted.operations[0].selection_set[0].fragment_spread.name);
    const ok = try schemaDocument(&d, try parseJson(a, "{\"definitions\": [{\"kind\": \"OBJECT\", \"Interfaces\": [null, \"I\"]}]}"));
    try testing.expectEqualStrings("OBJECT", ok.definitions[0].kind);
    try testing.expectEqualStrings("", ok.definitions[0].interfaces[0]);
}

test "key folding" {
    try testing.expect(equalFold("name", "Name"));
    try testing.expect(equalFold("\u{212a}ind", "Kind"));
    try testing.expect(!equalFold("Names", "Name"));
}
