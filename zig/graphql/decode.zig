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

/// Nesting deeper than this fails (Go's decoder allows 10000; our stack is
/// smaller). Enough for any document the parser accepts: a list nested
/// parser.max_depth deep is twice that many nodes.
pub const max_depth = 600;

/// A json.UnmarshalTypeError, printed as Go prints it.
const TypeError = struct {
    /// What the JSON held: "string", "number", "number 1.5", "bool", "array", "object".
    value: []const u8,
    /// The Go type it could not go into.
    go_type: []const u8,
    /// The struct and dotted field path, once a decoder adds its context.
    struct_name: []const u8 = "",
    field: []const u8 = "",
    /// A message of its own, for failures that are not type errors.
    text: ?[]const u8 = null,
};

/// One json.Unmarshal call: gqlparser's UnmarshalJSON methods start a fresh
/// one per key, and its context (the struct and field being decoded) shapes
/// the message.
const Frame = struct {
    struct_name: ?[]const u8 = null,
    fields: std.ArrayList([]const u8) = .empty,
    /// The first error of a kind Go records and carries on after.
    saved: ?TypeError = null,
};

pub const Decoder = struct {
    allocator: Allocator,
    /// Why decoding failed: Go's message.
    message: []const u8 = "",
    frame: *Frame = undefined,
    /// The error being returned (error.Invalid) up to the next frame boundary.
    failure: TypeError = undefined,
    depth: u32 = 0,

    /// decodeState.addErrorContext.
    fn contextualize(d: *Decoder, err: TypeError) Allocator.Error!TypeError {
        const frame = d.frame;
        if (err.text != null) return err;
        const struct_name = frame.struct_name orelse if (frame.fields.items.len == 0) return err else "";
        var path: std.Io.Writer.Allocating = .init(d.allocator);
        for (frame.fields.items, 0..) |field, i| {
            if (i > 0) path.writer.writeByte('.') catch return error.OutOfMemory;
            path.writer.writeAll(field) catch return error.OutOfMemory;
        }
        if (err.field.len > 0) {
            if (frame.fields.items.len > 0) path.writer.writeByte('.') catch return error.OutOfMemory;
            path.writer.writeAll(err.field) catch return error.OutOfMemory;
        }
        var result = err;
        result.struct_name = struct_name;
        result.field = path.written();
        return result;
    }

    /// A type error Go records (decodeState.saveError) while decoding on.
    fn save(d: *Decoder, got: Value, go_type: []const u8) Allocator.Error!void {
        if (d.frame.saved != null) return;
        d.frame.saved = try d.contextualize(.{ .value = jsonKind(got), .go_type = go_type });
    }

    /// A type error that ends the current json.Unmarshal call.
    fn fail(d: *Decoder, got: Value, go_type: []const u8) Error {
        d.failure = .{ .value = jsonKind(got), .go_type = go_type };
        return error.Invalid;
    }

    fn enter(d: *Decoder) Error!void {
        if (d.depth >= max_depth) {
            d.failure = .{ .value = "", .go_type = "", .text = "json: exceeded max depth" };
            return error.Invalid;
        }
        d.depth += 1;
    }

    fn leave(d: *Decoder) void {
        d.depth -= 1;
    }

    /// A nested json.Unmarshal of `v` into `target`: its errors, saved or
    /// not, come back as one error with this call's context.
    fn unmarshal(d: *Decoder, comptime F: type, v: Value, target: *F, go_type: []const u8) Error!void {
        var frame: Frame = .{};
        const outer = d.frame;
        d.frame = &frame;
        defer d.frame = outer;
        decodeField(F, d, v, target, go_type) catch |err| switch (err) {
            error.OutOfMemory => return error.OutOfMemory,
            error.Invalid => {
                d.failure = try d.contextualize(d.failure);
                return error.Invalid;
            },
        };
        if (frame.saved) |saved| {
            d.failure = saved;
            return error.Invalid;
        }
    }

    /// The top-level json.Unmarshal of an object; sets `message` on failure.
    fn top(d: *Decoder, comptime T: type, v: Value, target: *T) Error!void {
        var frame: Frame = .{};
        d.frame = &frame;
        if (v != .object) {
            try d.save(v, "ast." ++ comptime shortName(T));
        } else {
            decodeNode(T, d, v, target) catch |err| switch (err) {
                error.OutOfMemory => return error.OutOfMemory,
                error.Invalid => {
                    d.message = try format(d.allocator, try d.contextualize(d.failure));
                    return error.Invalid;
                },
            };
        }
        if (frame.saved) |saved| {
            d.message = try format(d.allocator, saved);
            return error.Invalid;
        }
    }
};

fn format(allocator: Allocator, err: TypeError) Allocator.Error![]const u8 {
    if (err.text) |text| return text;
    if (err.struct_name.len > 0 or err.field.len > 0) {
        return std.fmt.allocPrint(allocator, "json: cannot unmarshal {s} into Go struct field {s}.{s} of type {s}", .{ err.value, err.struct_name, err.field, err.go_type });
    }
    return std.fmt.allocPrint(allocator, "json: cannot unmarshal {s} into Go value of type {s}", .{ err.value, err.go_type });
}

fn jsonKind(v: Value) []const u8 {
    return switch (v) {
        .null => "null",
        .boolean => "bool",
        .number => "number",
        .string => "string",
        .array, .set => "array",
        .object => "object",
    };
}

pub fn queryDocument(d: *Decoder, v: Value) Error!*ast.QueryDocument {
    const document = try d.allocator.create(ast.QueryDocument);
    document.* = .{};
    try d.top(ast.QueryDocument, v, document);
    return document;
}

pub fn schemaDocument(d: *Decoder, v: Value) Error!*ast.SchemaDocument {
    const document = try d.allocator.create(ast.SchemaDocument);
    document.* = .{};
    try d.top(ast.SchemaDocument, v, document);
    return document;
}

/// A JSON key, the struct field it fills, and that field's Go type.
const Spec = struct { json: []const u8, field: []const u8, go_type: []const u8 };

fn spec(comptime json: []const u8, comptime field: []const u8, comptime go_type: []const u8) Spec {
    return .{ .json = json, .field = field, .go_type = go_type };
}

const description_comments = [_]Spec{
    spec("BeforeDescriptionComment", "before_description_comment", "ast.CommentGroup"),
    spec("AfterDescriptionComment", "after_description_comment", "ast.CommentGroup"),
};

/// The JSON keys each node type reads. For the exact-key types this is the
/// key list of gqlparser's UnmarshalJSON (Comment is not among them).
fn specs(comptime T: type) []const Spec {
    const directives = spec("Directives", "directives", "ast.DirectiveList");
    const comment = spec("Comment", "comment", "ast.CommentGroup");
    const name = spec("Name", "name", "string");
    const description = spec("Description", "description", "string");
    const position = spec("Position", "position", "ast.Position");
    return switch (T) {
        ast.QueryDocument => &.{
            spec("Operations", "operations", "ast.OperationList"),
            spec("Fragments", "fragments", "ast.FragmentDefinitionList"),
            comment,
        },
        ast.OperationDefinition => &.{
            spec("Operation", "operation", "ast.Operation"),                      name,
            spec("VariableDefinitions", "variable_definitions", "ast.VariableDefinitionList"), directives,
            spec("SelectionSet", "selection_set", "[]json.RawMessage"),           position,
        },
        ast.VariableDefinition => &.{
            spec("Variable", "variable", "string"),       spec("Type", "type", "ast.Type"),
            spec("DefaultValue", "default_value", "ast.Value"), directives,
            comment,                                      spec("Definition", "definition", "ast.Definition"),
            spec("Used", "used", "bool"),
        },
        ast.Field => &.{
            spec("Alias", "alias", "string"),                         name,
            spec("Arguments", "arguments", "ast.ArgumentList"),       directives,
            spec("SelectionSet", "selection_set", "[]json.RawMessage"), position,
            spec("Definition", "definition", "ast.FieldDefinition"),  spec("ObjectDefinition", "object_definition", "ast.Definition"),
        },
        ast.Argument => &.{ name, spec("Value", "value", "ast.Value"), comment },
        ast.FragmentSpread => &.{
            name,                                                      directives,
            spec("ObjectDefinition", "object_definition", "ast.Definition"), spec("Definition", "definition", "ast.FragmentDefinition"),
            comment,
        },
        ast.InlineFragment => &.{
            spec("TypeCondition", "type_condition", "string"),        directives,
            spec("SelectionSet", "selection_set", "[]json.RawMessage"), spec("ObjectDefinition", "object_definition", "ast.Definition"),
            position,
        },
        ast.FragmentDefinition => &.{
            name,                                                              spec("VariableDefinition", "variable_definition", "ast.VariableDefinitionList"),
            spec("TypeCondition", "type_condition", "string"),                directives,
            spec("SelectionSet", "selection_set", "[]json.RawMessage"),       spec("Definition", "definition", "ast.Definition"),
            position,
        },
        ast.Directive => &.{
            name,                                                      spec("Arguments", "arguments", "ast.ArgumentList"),
            spec("ParentDefinition", "parent_definition", "ast.Definition"), spec("Definition", "definition", "ast.DirectiveDefinition"),
            spec("Location", "location", "ast.DirectiveLocation"),
        },
        ast.Value => &.{
            spec("Raw", "raw", "string"),                            spec("Children", "children", "ast.ChildValueList"),
            spec("Kind", "kind", "ast.ValueKind"),                   comment,
            spec("Definition", "definition", "ast.Definition"),      spec("VariableDefinition", "variable_definition", "ast.VariableDefinition"),
            spec("ExpectedType", "expected_type", "ast.Type"),       spec("ExpectedTypeHasDefault", "expected_type_has_default", "bool"),
        },
        ast.ChildValue => &.{ name, spec("Value", "value", "ast.Value"), comment },
        ast.Type => &.{ spec("NamedType", "named_type", "string"), spec("Elem", "elem", "ast.Type"), spec("NonNull", "non_null", "bool") },
        ast.CommentGroup => &.{spec("List", "list", "[]*ast.Comment")},
        ast.Comment => &.{ spec("Value", "value", "string"), position },
        ast.SchemaDocument => &.{
            spec("Schema", "schema", "ast.SchemaDefinitionList"),
            spec("SchemaExtension", "schema_extension", "ast.SchemaDefinitionList"),
            spec("Directives", "directives", "ast.DirectiveDefinitionList"),
            spec("Definitions", "definitions", "ast.DefinitionList"),
            spec("Extensions", "extensions", "ast.DefinitionList"),
            comment,
        },
        ast.SchemaDefinition => &[_]Spec{
            description, directives,
            spec("OperationTypes", "operation_types", "ast.OperationTypeDefinitionList"),
            spec("EndOfDefinitionComment", "end_of_definition_comment", "ast.CommentGroup"),
        } ++ description_comments,
        ast.OperationTypeDefinition => &.{ spec("Operation", "operation", "ast.Operation"), spec("Type", "type", "string"), comment },
        ast.Definition => &[_]Spec{
            spec("Kind", "kind", "ast.DefinitionKind"),    description,
            name,                                          directives,
            spec("Interfaces", "interfaces", "[]string"),  spec("Fields", "fields", "ast.FieldList"),
            spec("Types", "types", "[]string"),            spec("EnumValues", "enum_values", "ast.EnumValueList"),
            spec("BuiltIn", "built_in", "bool"),
            spec("EndOfDefinitionComment", "end_of_definition_comment", "ast.CommentGroup"),
        } ++ description_comments,
        ast.FieldDefinition => &[_]Spec{
            description,                                      name,
            spec("Arguments", "arguments", "ast.ArgumentDefinitionList"), spec("DefaultValue", "default_value", "ast.Value"),
            spec("Type", "type", "ast.Type"),                 directives,
        } ++ description_comments,
        ast.ArgumentDefinition => &[_]Spec{
            description,                       name,
            spec("DefaultValue", "default_value", "ast.Value"), spec("Type", "type", "ast.Type"),
            directives,
        } ++ description_comments,
        ast.EnumValueDefinition => &[_]Spec{ description, name, directives } ++ description_comments,
        ast.DirectiveDefinition => &[_]Spec{
            description,                                     name,
            spec("Arguments", "arguments", "ast.ArgumentDefinitionList"),
            spec("Locations", "locations", "[]ast.DirectiveLocation"),
            spec("IsRepeatable", "is_repeatable", "bool"),
        } ++ description_comments,
        PositionJson => &.{
            spec("Start", "start", "int"),   spec("End", "end", "int"),
            spec("Line", "line", "int"),     spec("Column", "column", "int"),
            spec("Src", "src", "ast.Source"),
        },
        SourceJson => &.{ spec("Name", "name", "string"), spec("Input", "input", "string"), spec("BuiltIn", "built_in", "bool") },
        else => @compileError("no JSON specs for " ++ @typeName(T)),
    };
}

/// ast.Position and ast.Source as JSON sees them; only line and column are kept.
const PositionJson = struct {
    start: i64 = 0,
    end: i64 = 0,
    line: i64 = 0,
    column: i64 = 0,
    src: ?*SourceJson = null,
};

const SourceJson = struct {
    name: []const u8 = "",
    input: []const u8 = "",
    built_in: bool = false,
};

/// The node types gqlparser decodes with its own UnmarshalJSON: exact keys.
fn exactKeys(comptime T: type) bool {
    return T == ast.OperationDefinition or T == ast.FragmentDefinition or T == ast.Field or T == ast.InlineFragment;
}

/// Go's reflect Type.Name() of a node type, as context messages print it.
fn structName(comptime T: type) []const u8 {
    return switch (T) {
        PositionJson => "Position",
        SourceJson => "Source",
        else => shortName(T),
    };
}

fn shortName(comptime T: type) []const u8 {
    const full = @typeName(T);
    const dot = comptime std.mem.lastIndexOfScalar(u8, full, '.') orelse return full;
    return full[dot + 1 ..];
}

/// A JSON object into a node: Go's struct decoding, or for the exact-key
/// types gqlparser's UnmarshalJSON (one nested json.Unmarshal per key).
fn decodeNode(comptime T: type, d: *Decoder, v: Value, target: *T) Error!void {
    try d.enter();
    defer d.leave();
    if (comptime exactKeys(T)) {
        if (v != .object) return d.fail(v, "map[string]json.RawMessage");
    } else {
        std.debug.assert(v == .object);
    }
    const frame = d.frame;
    const saved_struct = frame.struct_name;
    const saved_depth = frame.fields.items.len;
    // Keys in byte order, as Go's json.Marshal sorts them: of two keys
    // naming one field, the later one wins.
    for (v.object.keys, v.object.values) |key, item| {
        if (key != .string) continue; // Non-string keys become JSON text, which names no field.
        inline for (comptime specs(T)) |s| {
            const matches = if (comptime exactKeys(T)) std.mem.eql(u8, key.string, s.json) else equalFold(key.string, s.json);
            if (matches) {
                const target_field = &@field(target, s.field);
                const F = @TypeOf(target_field.*);
                if (comptime exactKeys(T)) {
                    if (F == []ast.Selection) {
                        target_field.* = try selectionSet(d, item);
                    } else if (F == ?ast.Position) {
                        var position: ?*PositionJson = null;
                        try d.unmarshal(?*PositionJson, item, &position, s.go_type);
                        if (position) |p| target_field.* = .{ .line = p.line, .column = p.column };
                    } else {
                        try d.unmarshal(F, item, target_field, s.go_type);
                    }
                } else {
                    frame.struct_name = comptime structName(T);
                    try frame.fields.append(d.allocator, s.json);
                    if (F == ?ast.Position) {
                        var position: ?*PositionJson = null;
                        try decodeField(?*PositionJson, d, item, &position, s.go_type);
                    } else {
                        try decodeField(F, d, item, target_field, s.go_type);
                    }
                    frame.fields.shrinkRetainingCapacity(saved_depth);
                    frame.struct_name = saved_struct;
                }
                break;
            }
        }
    }
}

fn decodeField(comptime F: type, d: *Decoder, v: Value, target: *F, go_type: []const u8) Error!void {
    switch (F) {
        []const u8 => switch (v) {
            .null => {},
            .string => |s| target.* = s,
            else => try d.save(v, go_type),
        },
        bool => switch (v) {
            .null => {},
            .boolean => |b| target.* = b,
            else => try d.save(v, go_type),
        },
        i64 => switch (v) {
            .null => {},
            .number => |n| {
                var buffer: [20]u8 = undefined;
                const text = n.literal(&buffer);
                target.* = parseInt64(text) orelse {
                    if (d.frame.saved == null) {
                        const value = try std.fmt.allocPrint(d.allocator, "number {s}", .{text});
                        d.frame.saved = try d.contextualize(.{ .value = value, .go_type = go_type });
                    }
                    return;
                };
            },
            else => try d.save(v, go_type),
        },
        []const []const u8 => try stringList(d, v, target, go_type),
        []const ast.Comment => try commentList(d, v, target, go_type),
        else => switch (@typeInfo(F)) {
            .optional => |optional| {
                const Node = @typeInfo(optional.child).pointer.child;
                target.* = try node(Node, d, v) orelse null;
            },
            .pointer => |pointer| {
                const Node = @typeInfo(pointer.child).pointer.child;
                try nodeList(Node, d, v, target, go_type);
            },
            else => @compileError("cannot decode " ++ @typeName(F)),
        },
    }
}

/// One node from a JSON value: null for JSON null (and for a wrong type,
/// after recording the error).
fn node(comptime Node: type, d: *Decoder, v: Value) Error!?*Node {
    if (v == .null) return null;
    if (v != .object and !comptime exactKeys(Node)) {
        try d.save(v, "ast." ++ comptime structName(Node));
        return null;
    }
    const result = try d.allocator.create(Node);
    result.* = .{};
    try decodeNode(Node, d, v, result);
    return result;
}

/// A JSON array (or set) of nodes; null items are dropped (Go keeps nil
/// pointers there, which only crash gqlparser later).
fn nodeList(comptime Node: type, d: *Decoder, v: Value, target: *[]*Node, go_type: []const u8) Error!void {
    const items = switch (v) {
        .null => {
            target.* = &.{};
            return;
        },
        .array => |items| items,
        .set => |set| set.items,
        else => return d.save(v, go_type),
    };
    var out: std.ArrayList(*Node) = try .initCapacity(d.allocator, items.len);
    for (items) |item| {
        if (try node(Node, d, item)) |n| out.appendAssumeCapacity(n);
    }
    target.* = out.items;
}

fn stringList(d: *Decoder, v: Value, target: *[]const []const u8, go_type: []const u8) Error!void {
    const items = switch (v) {
        .null => {
            target.* = &.{};
            return;
        },
        .array => |items| items,
        .set => |set| set.items,
        else => return d.save(v, go_type),
    };
    const element_type = go_type[2..]; // "[]string" -> "string"
    const out = try d.allocator.alloc([]const u8, items.len);
    for (items, out) |item, *s| {
        s.* = "";
        try decodeField([]const u8, d, item, s, element_type);
    }
    target.* = out;
}

fn commentList(d: *Decoder, v: Value, target: *[]const ast.Comment, go_type: []const u8) Error!void {
    const items = switch (v) {
        .null => {
            target.* = &.{};
            return;
        },
        .array => |items| items,
        .set => |set| set.items,
        else => return d.save(v, go_type),
    };
    var out: std.ArrayList(ast.Comment) = try .initCapacity(d.allocator, items.len);
    for (items) |item| {
        if (try node(ast.Comment, d, item)) |c| out.appendAssumeCapacity(c.*);
    }
    target.* = out.items;
}

/// ast.UnmarshalSelectionSet: each item as a Field, else a FragmentSpread,
/// else an InlineFragment, else dropped. Only a non-array fails.
fn selectionSet(d: *Decoder, v: Value) Error![]ast.Selection {
    const items = switch (v) {
        .null => return &.{},
        .array => |items| items,
        .set => |set| set.items,
        else => {
            d.failure = .{ .value = jsonKind(v), .go_type = "[]json.RawMessage" };
            return error.Invalid;
        },
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

/// Decodes `v` as a `Node` in a json.Unmarshal of its own, or null if it
/// does not fit. JSON null fits the exact-key types (their UnmarshalJSON
/// reads it as an empty object) and not the others.
fn attempt(comptime Node: type, d: *Decoder, v: Value) Allocator.Error!?*Node {
    if (v == .null) {
        if (!comptime exactKeys(Node)) return null;
        const empty = try d.allocator.create(Node);
        empty.* = .{};
        return empty;
    }
    var result: ?*Node = null;
    d.unmarshal(?*Node, v, &result, "ast." ++ comptime structName(Node)) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        error.Invalid => return null,
    };
    return result;
}

/// strconv.ParseInt(text, 10, 64), as Go's decoder reads JSON numbers into ints.
pub fn parseInt64(text: []const u8) ?i64 {
    for (text) |c| {
        if (c == '_') return null; // Zig's parseInt allows digit separators; Go's does not.
    }
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
    try testing.expectEqualStrings("json: cannot unmarshal number into Go struct field Definition.Definitions.Name of type string", d.message);
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
