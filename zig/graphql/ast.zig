//! gqlparser's AST (package ast), field for field: OPA hands these structs to
//! Go's encoding/json in both directions, so every field that JSON sees is
//! here, including the ones only validation fills in (Definition pointers,
//! Used, ExpectedType, ...): a document given as a Rego object may set them.
//!
//! Nodes are mutable because validation annotates them, as gqlparser's does.
//! Optional pointers are Go's nil pointers; empty slices are Go's nil slices.
const std = @import("std");
const Allocator = std.mem.Allocator;
const lexer = @import("lexer.zig");

pub const Position = lexer.Position;

pub const Comment = struct {
    value: []const u8 = "",
    /// Read from objects but never used: OPA's output prunes positions.
    position: ?Position = null,
};

pub const CommentGroup = struct {
    list: []const Comment = &.{},
};

// ---------------------------------------------------------------------------
// Query documents

pub const QueryDocument = struct {
    operations: []*OperationDefinition = &.{},
    fragments: []*FragmentDefinition = &.{},
    comment: ?*CommentGroup = null,
};

pub const OperationDefinition = struct {
    /// "query", "mutation", "subscription" (or anything a Rego object says).
    operation: []const u8 = "",
    name: []const u8 = "",
    variable_definitions: []*VariableDefinition = &.{},
    directives: []*Directive = &.{},
    selection_set: []Selection = &.{},
    position: ?Position = null,
    comment: ?*CommentGroup = null,
};

pub const VariableDefinition = struct {
    variable: []const u8 = "",
    type: ?*Type = null,
    default_value: ?*Value = null,
    directives: []*Directive = &.{},
    position: ?Position = null,
    comment: ?*CommentGroup = null,
    definition: ?*Definition = null,
    used: bool = false,
};

pub const Selection = union(enum) {
    field: *Field,
    fragment_spread: *FragmentSpread,
    inline_fragment: *InlineFragment,

    pub fn position(selection: Selection) ?Position {
        return switch (selection) {
            inline else => |node| node.position,
        };
    }
};

pub const Field = struct {
    alias: []const u8 = "",
    name: []const u8 = "",
    arguments: []*Argument = &.{},
    directives: []*Directive = &.{},
    selection_set: []Selection = &.{},
    position: ?Position = null,
    comment: ?*CommentGroup = null,
    definition: ?*FieldDefinition = null,
    object_definition: ?*Definition = null,
};

pub const Argument = struct {
    name: []const u8 = "",
    value: ?*Value = null,
    position: ?Position = null,
    comment: ?*CommentGroup = null,
};

pub const FragmentSpread = struct {
    name: []const u8 = "",
    directives: []*Directive = &.{},
    object_definition: ?*Definition = null,
    definition: ?*FragmentDefinition = null,
    position: ?Position = null,
    comment: ?*CommentGroup = null,
};

pub const InlineFragment = struct {
    type_condition: []const u8 = "",
    directives: []*Directive = &.{},
    selection_set: []Selection = &.{},
    object_definition: ?*Definition = null,
    position: ?Position = null,
    comment: ?*CommentGroup = null,
};

pub const FragmentDefinition = struct {
    name: []const u8 = "",
    variable_definition: []*VariableDefinition = &.{},
    type_condition: []const u8 = "",
    directives: []*Directive = &.{},
    selection_set: []Selection = &.{},
    definition: ?*Definition = null,
    position: ?Position = null,
    comment: ?*CommentGroup = null,
};

pub const Directive = struct {
    name: []const u8 = "",
    arguments: []*Argument = &.{},
    position: ?Position = null,
    parent_definition: ?*Definition = null,
    definition: ?*DirectiveDefinition = null,
    /// A DirectiveLocation such as "FIELD"; validation sets it.
    location: []const u8 = "",
};

pub const ValueKind = enum(u4) {
    variable,
    int,
    float,
    string,
    block,
    boolean,
    null,
    @"enum",
    list,
    object,
};

pub const Value = struct {
    raw: []const u8 = "",
    children: []*ChildValue = &.{},
    /// A ValueKind's number; a Rego object may give any integer.
    kind: i64 = 0,
    position: ?Position = null,
    comment: ?*CommentGroup = null,
    definition: ?*Definition = null,
    variable_definition: ?*VariableDefinition = null,
    expected_type: ?*Type = null,
    expected_type_has_default: bool = false,

    /// The kind, or null for a number no ValueKind has (gqlparser panics on those).
    pub fn valueKind(value: *const Value) ?ValueKind {
        if (value.kind < 0 or value.kind > @intFromEnum(ValueKind.object)) return null;
        return @enumFromInt(value.kind);
    }

    pub fn is(value: *const Value, kind: ValueKind) bool {
        return value.kind == @intFromEnum(kind);
    }
};

pub const ChildValue = struct {
    name: []const u8 = "",
    value: ?*Value = null,
    position: ?Position = null,
    comment: ?*CommentGroup = null,
};

pub const Type = struct {
    named_type: []const u8 = "",
    elem: ?*Type = null,
    non_null: bool = false,
    position: ?Position = null,

    /// Type.Name(): the innermost named type; null where gqlparser would
    /// dereference a nil element (only documents built from objects).
    pub fn name(t: *const Type) ?[]const u8 {
        var current = t;
        while (current.named_type.len == 0) current = current.elem orelse return null;
        return current.named_type;
    }

    /// Type.String(): "[Name!]!" notation. Fails like `name` does.
    pub fn format(t: *const Type, w: *std.Io.Writer) std.Io.Writer.Error!void {
        if (t.named_type.len > 0) {
            try w.writeAll(t.named_type);
        } else {
            try w.writeByte('[');
            // Callers check `name()` first, which walks the same chain.
            try format(t.elem orelse return error.WriteFailed, w);
            try w.writeByte(']');
        }
        if (t.non_null) try w.writeByte('!');
    }

    /// Type.IsCompatible: whether a value of type `t` may be used where
    /// `other` is expected.
    pub fn isCompatible(t: *const Type, other: *const Type) bool {
        if (!std.mem.eql(u8, t.named_type, other.named_type)) return false;
        if (t.elem) |elem| {
            const other_elem = other.elem orelse return false;
            if (!elem.isCompatible(other_elem)) return false;
        }
        if (other.non_null) return t.non_null;
        return true;
    }
};

/// Type.String() into `allocator`; null where `name()` is.
pub fn typeString(allocator: Allocator, t: *const Type) Allocator.Error!?[]const u8 {
    if (t.name() == null) return null;
    return std.fmt.allocPrint(allocator, "{f}", .{t}) catch |err| switch (err) {
        error.OutOfMemory => error.OutOfMemory,
    };
}

// ---------------------------------------------------------------------------
// Schema documents

pub const SchemaDocument = struct {
    schema: []*SchemaDefinition = &.{},
    schema_extension: []*SchemaDefinition = &.{},
    directives: []*DirectiveDefinition = &.{},
    definitions: []*Definition = &.{},
    extensions: []*Definition = &.{},
    comment: ?*CommentGroup = null,
};

pub const SchemaDefinition = struct {
    description: []const u8 = "",
    directives: []*Directive = &.{},
    operation_types: []*OperationTypeDefinition = &.{},
    position: ?Position = null,
    before_description_comment: ?*CommentGroup = null,
    after_description_comment: ?*CommentGroup = null,
    end_of_definition_comment: ?*CommentGroup = null,
};

pub const OperationTypeDefinition = struct {
    operation: []const u8 = "",
    type: []const u8 = "",
    position: ?Position = null,
    comment: ?*CommentGroup = null,
};

/// The definition kinds, spelled as gqlparser's DefinitionKind strings.
pub const kinds = struct {
    pub const scalar = "SCALAR";
    pub const object = "OBJECT";
    pub const interface = "INTERFACE";
    pub const @"union" = "UNION";
    pub const @"enum" = "ENUM";
    pub const input_object = "INPUT_OBJECT";
};

pub const Definition = struct {
    kind: []const u8 = "",
    description: []const u8 = "",
    name: []const u8 = "",
    directives: []*Directive = &.{},
    interfaces: []const []const u8 = &.{},
    fields: []*FieldDefinition = &.{},
    types: []const []const u8 = &.{},
    enum_values: []*EnumValueDefinition = &.{},
    position: ?Position = null,
    /// Positions of `types`' members, when parsed (not part of JSON).
    type_positions: []const ?Position = &.{},
    built_in: bool = false,
    before_description_comment: ?*CommentGroup = null,
    after_description_comment: ?*CommentGroup = null,
    end_of_definition_comment: ?*CommentGroup = null,

    pub fn isKind(definition: *const Definition, k: []const u8) bool {
        return std.mem.eql(u8, definition.kind, k);
    }

    pub fn isLeafType(definition: *const Definition) bool {
        return definition.isKind(kinds.@"enum") or definition.isKind(kinds.scalar);
    }

    pub fn isAbstractType(definition: *const Definition) bool {
        return definition.isKind(kinds.interface) or definition.isKind(kinds.@"union");
    }

    pub fn isCompositeType(definition: *const Definition) bool {
        return definition.isKind(kinds.object) or definition.isKind(kinds.interface) or definition.isKind(kinds.@"union");
    }

    pub fn isInputType(definition: *const Definition) bool {
        return definition.isKind(kinds.scalar) or definition.isKind(kinds.@"enum") or definition.isKind(kinds.input_object);
    }

    pub fn oneOf(definition: *const Definition, names: []const []const u8) bool {
        for (names) |n| {
            if (std.mem.eql(u8, definition.name, n)) return true;
        }
        return false;
    }
};

pub const FieldDefinition = struct {
    description: []const u8 = "",
    name: []const u8 = "",
    arguments: []*ArgumentDefinition = &.{},
    default_value: ?*Value = null,
    type: ?*Type = null,
    directives: []*Directive = &.{},
    position: ?Position = null,
    before_description_comment: ?*CommentGroup = null,
    after_description_comment: ?*CommentGroup = null,
};

pub const ArgumentDefinition = struct {
    description: []const u8 = "",
    name: []const u8 = "",
    default_value: ?*Value = null,
    type: ?*Type = null,
    directives: []*Directive = &.{},
    position: ?Position = null,
    before_description_comment: ?*CommentGroup = null,
    after_description_comment: ?*CommentGroup = null,
};

pub const EnumValueDefinition = struct {
    description: []const u8 = "",
    name: []const u8 = "",
    directives: []*Directive = &.{},
    position: ?Position = null,
    before_description_comment: ?*CommentGroup = null,
    after_description_comment: ?*CommentGroup = null,
};

pub const DirectiveDefinition = struct {
    description: []const u8 = "",
    name: []const u8 = "",
    arguments: []*ArgumentDefinition = &.{},
    locations: []const []const u8 = &.{},
    is_repeatable: bool = false,
    position: ?Position = null,
    before_description_comment: ?*CommentGroup = null,
    after_description_comment: ?*CommentGroup = null,
};

/// The first item of `list` whose `field` equals `name` (gqlparser's ForName).
pub fn forName(comptime T: type, list: []const *T, comptime field: []const u8, name: []const u8) ?*T {
    for (list) |item| {
        if (std.mem.eql(u8, @field(item, field), name)) return item;
    }
    return null;
}

pub fn containsString(list: []const []const u8, wanted: []const u8) bool {
    for (list) |item| {
        if (std.mem.eql(u8, item, wanted)) return true;
    }
    return false;
}

/// A new slice of `list` followed by `extra` (Go's append; arena memory).
pub fn concat(comptime T: type, allocator: Allocator, list: []const T, extra: []const T) Allocator.Error![]T {
    const result = try allocator.alloc(T, list.len + extra.len);
    @memcpy(result[0..list.len], list);
    @memcpy(result[list.len..], extra);
    return result;
}

test "type names, strings and compatibility" {
    var named: Type = .{ .named_type = "String", .non_null = true };
    var list: Type = .{ .elem = &named };
    try std.testing.expectEqualStrings("String", list.name().?);
    var buffer: [32]u8 = undefined;
    try std.testing.expectEqualStrings("[String!]", try std.fmt.bufPrint(&buffer, "{f}", .{&list}));
    var nullable: Type = .{ .named_type = "String" };
    try std.testing.expect(named.isCompatible(&nullable));
    try std.testing.expect(!nullable.isCompatible(&named));
    var broken: Type = .{};
    try std.testing.expect(broken.name() == null);
}
