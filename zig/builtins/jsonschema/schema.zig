//! Schema compilation as gojsonschema's SchemaLoader.Compile does it for OPA
//! (auto-detected draft, no meta-schema validation, patterns compiled):
//! a pool of documents by URL (the root, every `$id`, and the three
//! meta-schemas on demand) whose `$ref`s are first resolved against their
//! base, then the keyword-by-keyword parse into `SubSchema`s, failing with
//! gojsonschema's message for the first bad keyword in its order.
//!
//! Where Go iterates a map (properties, definitions, patternProperties,
//! dependencies) its order is random; here it is the keys' sorted order.
//! A `$ref` is parsed once per distinct target: a repeated one links to the
//! schema already made, which is what makes cyclic references terminate.
const std = @import("std");
const Allocator = std.mem.Allocator;
const value_mod = @import("../../value/mod.zig");
const regex = @import("../../regex/regex.zig");
const numbers = @import("numbers.zig");
const reference = @import("reference.zig");
const metaschemas = @import("metaschemas.zig");

const Value = value_mod.Value;
const Object = value_mod.Object;
const order = value_mod.order;
const Reference = reference.Reference;

pub const Draft = metaschemas.Draft;
pub const Rat = numbers.Rat;

pub const Error = error{ OutOfMemory, Invalid };

/// Schemas nested deeper than this (through keywords or `$ref`s) are refused.
pub const max_depth = 512;

pub const Dependency = struct {
    key: []const u8,
    target: union(enum) { names: []const []const u8, schema: *SubSchema },
};

pub const PatternProperty = struct {
    pattern: []const u8,
    regex: regex.Regex,
    schema: *SubSchema,
};

pub const Additional = union(enum) { unset, allowed: bool, schema: *SubSchema };

pub const SubSchema = struct {
    draft: ?Draft = null,
    property: []const u8,
    parent: ?*SubSchema = null,
    /// The `$ref` in effect (inherited from the parent unless set here).
    ref: ?Reference = null,
    ref_schema: ?*SubSchema = null,
    /// true/false schemas (draft 6 and later).
    pass: ?bool = null,

    types: [7][]const u8 = undefined,
    types_len: u8 = 0,

    items_children: std.ArrayList(*SubSchema) = .empty,
    items_single: bool = false,
    properties_children: std.ArrayList(*SubSchema) = .empty,

    multiple_of: ?Rat = null,
    maximum: ?Rat = null,
    exclusive_maximum: ?Rat = null,
    minimum: ?Rat = null,
    exclusive_minimum: ?Rat = null,

    min_length: ?i64 = null,
    max_length: ?i64 = null,
    pattern: ?regex.Regex = null,
    pattern_text: []const u8 = "",
    format: []const u8 = "",

    min_properties: ?i64 = null,
    max_properties: ?i64 = null,
    required: std.ArrayList([]const u8) = .empty,

    dependencies: std.ArrayList(Dependency) = .empty,
    additional_properties: Additional = .unset,
    pattern_properties: std.ArrayList(PatternProperty) = .empty,
    property_names: ?*SubSchema = null,

    min_items: ?i64 = null,
    max_items: ?i64 = null,
    unique_items: bool = false,
    contains: ?*SubSchema = null,
    additional_items: Additional = .unset,

    constant: ?[]const u8 = null,
    enumeration: std.ArrayList([]const u8) = .empty,

    one_of: std.ArrayList(*SubSchema) = .empty,
    any_of: std.ArrayList(*SubSchema) = .empty,
    all_of: std.ArrayList(*SubSchema) = .empty,
    not: ?*SubSchema = null,
    if_schema: ?*SubSchema = null,
    then_schema: ?*SubSchema = null,
    else_schema: ?*SubSchema = null,

    pub fn typed(s: *const SubSchema) bool {
        return s.types_len > 0;
    }

    pub fn hasType(s: *const SubSchema, name: []const u8) bool {
        for (s.types[0..s.types_len]) |t| if (std.mem.eql(u8, t, name)) return true;
        return false;
    }

    /// jsonSchemaType.String: one type, or "[a,b]".
    pub fn typesString(s: *const SubSchema, allocator: Allocator) Allocator.Error![]const u8 {
        if (s.types_len == 1) return s.types[0];
        var out: std.ArrayList(u8) = .empty;
        try out.append(allocator, '[');
        for (s.types[0..s.types_len], 0..) |t, i| {
            if (i > 0) try out.append(allocator, ',');
            try out.appendSlice(allocator, t);
        }
        try out.append(allocator, ']');
        return out.items;
    }
};

const json_types = [_][]const u8{ "array", "boolean", "integer", "number", "null", "object", "string" };

const PoolDocument = struct { document: Value, draft: ?Draft };

/// The compiled schema: the root of a tree (a graph, through `$ref`s) of
/// SubSchemas, all in the compiler's allocator.
pub const Schema = struct { root: *SubSchema };

pub const Compiler = struct {
    allocator: Allocator,
    /// gojsonschema's message once compilation failed.
    message: []const u8 = "",
    documents: std.StringHashMapUnmanaged(PoolDocument) = .empty,
    /// `$ref` texts resolved against their base, by the object holding them
    /// (gojsonschema rewrites them in place; values here are immutable).
    resolved_refs: std.AutoHashMapUnmanaged(*const Object, []const u8) = .empty,
    /// Schemas made for each `$ref` target, by its string.
    reference_pool: std.StringHashMapUnmanaged(*SubSchema) = .empty,
    document_reference: Reference = .{},
    depth: usize = 0,

    pub fn init(allocator: Allocator) Compiler {
        return .{ .allocator = allocator };
    }

    fn fail(c: *Compiler, comptime fmt: []const u8, args: anytype) Error {
        c.message = try std.fmt.allocPrint(c.allocator, fmt, args);
        return error.Invalid;
    }

    fn invalidType(c: *Compiler, expected: []const u8, given: []const u8) Error {
        return c.fail("Invalid type. Expected: {s}, given: {s}", .{ expected, given });
    }

    fn parseReference(c: *Compiler, text: []const u8) Error!Reference {
        var message: []const u8 = "";
        return reference.parse(c.allocator, text, &message) catch |err| switch (err) {
            error.OutOfMemory => error.OutOfMemory,
            error.InvalidURL => {
                c.message = message;
                return error.Invalid;
            },
        };
    }

    /// SchemaLoader.Compile of a document given as text or value ("#").
    pub fn compile(c: *Compiler, document: Value) Error!Schema {
        c.document_reference = try c.parseReference("#");
        try c.parseReferences(document, c.document_reference, true);
        var draft: Draft = .hybrid;
        if (try c.schemaUrl(document)) |detected| draft = detected;
        const root = try c.allocator.create(SubSchema);
        root.* = .{ .property = "(Root)", .draft = draft };
        try c.parseSchema(document, root);
        return .{ .root = root };
    }

    /// parseSchemaURL: the draft named by "$schema", if one of the three.
    fn schemaUrl(c: *Compiler, document: Value) Error!?Draft {
        switch (document) {
            .boolean => return null,
            .object => |m| {
                const v = order.objectGetString(m, "$schema") orelse return null;
                if (v != .string) return c.fail("$schema must be of type string", .{});
                const r = try c.parseReference(v.string);
                const meta = metaschemas.find(try r.string(c.allocator)) orelse return null;
                return meta.draft;
            },
            else => return c.fail("schema is invalid", .{}),
        }
    }

    // -----------------------------------------------------------------------
    // The pool (schemaPool.go)

    fn parseReferences(c: *Compiler, document: Value, ref: Reference, pooled: bool) Error!void {
        const key = try ref.string(c.allocator);
        if (pooled and c.documents.contains(key)) return c.fail("Reference already exists: \"{s}\"", .{key});
        const draft = try c.schemaUrl(document);
        const saved_depth = c.depth;
        c.depth = 0;
        defer c.depth = saved_depth;
        const result = c.parseReferencesRecursive(document, ref, draft);
        if (pooled) try c.documents.put(c.allocator, key, .{ .document = document, .draft = draft });
        return result;
    }

    fn parseReferencesRecursive(c: *Compiler, document: Value, ref: Reference, draft: ?Draft) Error!void {
        c.depth += 1;
        defer c.depth -= 1;
        if (c.depth > max_depth) return c.fail("schema nesting exceeds {d} levels", .{max_depth});
        switch (document) {
            .array => |items| for (items) |item| try c.parseReferencesRecursive(item, ref, draft),
            .object => |m| {
                var local = ref;
                const id_key = if (order.objectGetString(m, "id") != null) "id" else "$id";
                if (order.objectGetString(m, id_key)) |id| if (id == .string) {
                    var message: []const u8 = "";
                    if (reference.parse(c.allocator, id.string, &message)) |child| {
                        if (ref.inherits(c.allocator, child, &message)) |resolved| {
                            local = resolved;
                            const key = try resolved.string(c.allocator);
                            if (c.documents.contains(key)) return c.fail("Reference already exists: \"{s}\"", .{key});
                            try c.documents.put(c.allocator, key, .{ .document = document, .draft = draft });
                        } else |err| if (err == error.OutOfMemory) return error.OutOfMemory;
                    } else |err| if (err == error.OutOfMemory) return error.OutOfMemory;
                };
                if (order.objectGetString(m, "$ref")) |r| if (r == .string) {
                    var message: []const u8 = "";
                    if (reference.parse(c.allocator, r.string, &message)) |child| {
                        if (local.inherits(c.allocator, child, &message)) |absolute| {
                            try c.resolved_refs.put(c.allocator, m, try absolute.string(c.allocator));
                        } else |err| if (err == error.OutOfMemory) return error.OutOfMemory;
                    } else |err| if (err == error.OutOfMemory) return error.OutOfMemory;
                };
                for (m.keys, m.values) |k, v| {
                    const name = k.string;
                    if (std.mem.eql(u8, name, "const") or std.mem.eql(u8, name, "enum")) continue;
                    if (std.mem.eql(u8, name, "properties") or std.mem.eql(u8, name, "dependencies") or
                        std.mem.eql(u8, name, "patternProperties"))
                    {
                        if (v == .object) for (v.object.values) |child| try c.parseReferencesRecursive(child, local, draft);
                    } else {
                        try c.parseReferencesRecursive(v, local, draft);
                    }
                }
            },
            else => {},
        }
    }

    /// schemaPool.GetDocument.
    fn getDocument(c: *Compiler, ref: Reference) Error!PoolDocument {
        const key = try ref.string(c.allocator);
        if (c.documents.get(key)) |d| return d;
        const document_key = try ref.documentString(c.allocator);
        if (c.documents.get(document_key)) |cached| {
            const d: PoolDocument = .{ .document = try c.pointerGet(cached.document, ref.fragment), .draft = cached.draft };
            try c.documents.put(c.allocator, key, d);
            return d;
        }
        if (!ref.isCanonical()) return c.fail("Reference {s} must be canonical", .{key});
        // Only the meta-schemas are served: nothing is read from the network
        // or the file system (OPA would fetch it).
        const meta = metaschemas.find(document_key) orelse
            return c.fail("remote reference loading disabled: {s}", .{document_key});
        const document = value_mod.json.parse(c.allocator, meta.text) catch |err| switch (err) {
            error.OutOfMemory => return error.OutOfMemory,
            else => unreachable, // The embedded texts are valid JSON (tested).
        };
        var document_ref = ref;
        document_ref.fragment = "";
        document_ref.raw_fragment = "";
        try c.parseReferences(document, document_ref, true);
        return .{ .document = try c.pointerGet(document, ref.fragment), .draft = meta.draft };
    }

    /// gojsonpointer's Get; a fragment not starting with '/' is the whole document.
    fn pointerGet(c: *Compiler, document: Value, fragment: []const u8) Error!Value {
        if (fragment.len == 0 or fragment[0] != '/') return document;
        var node = document;
        var tokens = std.mem.splitScalar(u8, fragment[1..], '/');
        while (tokens.next()) |token| {
            switch (node) {
                .object => |m| {
                    const decoded = try decodeToken(c.allocator, token);
                    node = order.objectGetString(m, decoded) orelse return c.fail("Object has no key '{s}'", .{decoded});
                },
                .array => |items| {
                    const index = atoi(token) orelse return c.fail("Invalid array index '{s}'", .{token});
                    if (index < 0 or index >= items.len) return c.fail("Out of bound array[0,{d}] index '{d}'", .{ items.len, index });
                    node = items[@intCast(index)];
                },
                else => return c.fail("Invalid token reference '{s}'", .{token}),
            }
        }
        return node;
    }

    // -----------------------------------------------------------------------
    // The parse (schema.go)

    fn newSchema(c: *Compiler, property: []const u8, parent: *SubSchema) Error!*SubSchema {
        const s = try c.allocator.create(SubSchema);
        s.* = .{ .property = property, .parent = parent, .ref = parent.ref };
        return s;
    }

    fn parseSchema(c: *Compiler, node: Value, current: *SubSchema) Error!void {
        c.depth += 1;
        defer c.depth -= 1;
        if (c.depth > max_depth) return c.fail("schema nesting exceeds {d} levels", .{max_depth});

        if (current.draft == null) current.draft = current.parent.?.draft;
        const draft = current.draft.?;
        if (draft.atLeast(.draft6) and node == .boolean) {
            current.pass = node.boolean;
            return;
        }
        if (node != .object) return c.fail("Expected: Valid Schema, given: Invalid JSON", .{});
        const m = node.object;
        if (current.parent == null) current.ref = c.document_reference;

        const id_key = switch (draft) {
            .draft4 => "id",
            .hybrid => if (order.objectGetString(m, "id") != null) "id" else "$id",
            else => "$id",
        };
        if (try c.getString(m, id_key)) |id| _ = try c.parseReference(id);

        if (order.objectGetString(m, "definitions")) |definitions| {
            if (definitions != .object) return c.invalidType("Array Of Schemas", "definitions");
            for (definitions.object.values) |dv| {
                if (dv != .boolean and dv != .object) return c.invalidType("Array Of Schemas", "definitions");
                try c.parseSchema(dv, try c.newSchema("definitions", current));
            }
        }

        _ = try c.getString(m, "title");
        _ = try c.getString(m, "description");

        if (try c.getString(m, "$ref")) |raw_ref| {
            const text = c.resolved_refs.get(m) orelse raw_ref;
            const ref = try c.parseReference(text);
            current.ref = ref;
            const key = try ref.string(c.allocator);
            if (c.reference_pool.get(key)) |existing| {
                current.ref_schema = existing;
            } else {
                return c.parseRefTarget(current, key);
            }
        }

        if (order.objectGetString(m, "type")) |t| switch (t) {
            .string => |name| try c.addType(current, name),
            .array => |items| for (items) |item| {
                if (item != .string) return c.invalidType("type", "string/Array Of Strings");
                try c.addType(current, item.string);
            },
            else => return c.invalidType("type", "string/Array Of Strings"),
        };

        if (order.objectGetString(m, "properties")) |properties| {
            if (properties != .object) return c.fail("Properties must be of type object", .{});
            for (properties.object.keys, properties.object.values) |k, v| {
                const child = try c.newSchema(k.string, current);
                try current.properties_children.append(c.allocator, child);
                try c.parseSchema(v, child);
            }
        }

        if (order.objectGetString(m, "additionalProperties")) |v| switch (v) {
            .boolean => |b| current.additional_properties = .{ .allowed = b },
            .object => {
                const child = try c.newSchema("additionalProperties", current);
                current.additional_properties = .{ .schema = child };
                try c.parseSchema(v, child);
            },
            else => return c.invalidType("boolean/Valid Schema", "additionalProperties"),
        };

        if (try c.getMap(m, "patternProperties")) |patterns| {
            for (patterns.keys, patterns.values) |k, v| {
                var diagnostic: regex.Diagnostic = .{};
                const re = regex.compileDiagnostic(c.allocator, k.string, &diagnostic) catch |err| switch (err) {
                    error.OutOfMemory => return error.OutOfMemory,
                    error.Syntax => return c.fail("Invalid regex pattern '{s}'", .{k.string}),
                };
                const child = try c.newSchema(k.string, current);
                try c.parseSchema(v, child);
                try current.pattern_properties.append(c.allocator, .{ .pattern = k.string, .regex = re, .schema = child });
            }
        }

        if (draft.atLeast(.draft6)) if (order.objectGetString(m, "propertyNames")) |v| {
            if (v != .boolean and v != .object) return c.invalidType("Valid Schema", "patternProperties");
            const child = try c.newSchema("propertyNames", current);
            current.property_names = child;
            try c.parseSchema(v, child);
        };

        if (order.objectGetString(m, "dependencies")) |v| try c.parseDependencies(v, current);

        if (order.objectGetString(m, "items")) |items| switch (items) {
            .array => |elements| for (elements) |element| {
                if (element != .object and element != .boolean) return c.invalidType("Valid Schema/Array Of Schemas", "items");
                const child = try c.newSchema("items", current);
                try current.items_children.append(c.allocator, child);
                try c.parseSchema(element, child);
                current.items_single = false;
            },
            .object, .boolean => {
                const child = try c.newSchema("items", current);
                try current.items_children.append(c.allocator, child);
                try c.parseSchema(items, child);
                current.items_single = true;
            },
            else => return c.invalidType("Valid Schema/Array Of Schemas", "items"),
        };

        if (order.objectGetString(m, "additionalItems")) |v| switch (v) {
            .boolean => |b| current.additional_items = .{ .allowed = b },
            .object => {
                const child = try c.newSchema("additionalItems", current);
                current.additional_items = .{ .schema = child };
                try c.parseSchema(v, child);
            },
            else => return c.invalidType("boolean/Valid Schema", "additionalItems"),
        };

        if (order.objectGetString(m, "multipleOf")) |v| {
            const r = try c.mustBeNumber(v) orelse return c.invalidType("Number", "multipleOf");
            if (r.decimal.signum() <= 0) return c.fail("multipleOf must be strictly greater than 0", .{});
            current.multiple_of = r;
        }

        if (order.objectGetString(m, "minimum")) |v| {
            current.minimum = try c.mustBeNumber(v) orelse return c.fail("minimum must be of a Number", .{});
        }
        if (order.objectGetString(m, "exclusiveMinimum")) |v| {
            try c.exclusiveBound(v, draft, &current.minimum, &current.exclusive_minimum, "exclusiveMinimum", "minimum");
        }
        if (order.objectGetString(m, "maximum")) |v| {
            current.maximum = try c.mustBeNumber(v) orelse return c.fail("maximum must be of a Number", .{});
        }
        if (order.objectGetString(m, "exclusiveMaximum")) |v| {
            try c.exclusiveBound(v, draft, &current.maximum, &current.exclusive_maximum, "exclusiveMaximum", "maximum");
        }

        current.min_length = try c.nonNegativeInteger(m, "minLength");
        current.max_length = try c.nonNegativeInteger(m, "maxLength");
        if (current.min_length != null and current.max_length != null and current.min_length.? > current.max_length.?) {
            return c.fail("minLength cannot be greater than maxLength", .{});
        }

        if (try c.getString(m, "pattern")) |pattern| {
            var diagnostic: regex.Diagnostic = .{};
            current.pattern = regex.compileDiagnostic(c.allocator, pattern, &diagnostic) catch |err| switch (err) {
                error.OutOfMemory => return error.OutOfMemory,
                error.Syntax => return c.fail("pattern must be a valid regex", .{}),
            };
            current.pattern_text = pattern;
        }

        if (try c.getString(m, "format")) |format| current.format = format;

        current.min_properties = try c.nonNegativeInteger(m, "minProperties");
        current.max_properties = try c.nonNegativeInteger(m, "maxProperties");
        if (current.min_properties != null and current.max_properties != null and current.min_properties.? > current.max_properties.?) {
            return c.fail("minProperties cannot be greater than maxProperties", .{});
        }

        if (try c.getSlice(m, "required")) |required| for (required) |r| {
            if (r != .string) return c.invalidType("string", "required");
            for (current.required.items) |seen| if (std.mem.eql(u8, seen, r.string)) return c.fail("required items must be unique", .{});
            try current.required.append(c.allocator, r.string);
        };

        current.min_items = try c.nonNegativeInteger(m, "minItems");
        current.max_items = try c.nonNegativeInteger(m, "maxItems");

        if (order.objectGetString(m, "uniqueItems")) |v| {
            if (v != .boolean) return c.fail("uniqueItems must be of a boolean", .{});
            current.unique_items = v.boolean;
        }

        if (draft.atLeast(.draft6)) if (order.objectGetString(m, "contains")) |v| {
            const child = try c.newSchema("contains", current);
            current.contains = child;
            try c.parseSchema(v, child);
        };

        if (draft.atLeast(.draft6)) if (order.objectGetString(m, "const")) |v| {
            current.constant = try c.canonical(v);
        };

        if (try c.getSlice(m, "enum")) |items| for (items) |item| {
            const text = try c.canonical(item);
            for (current.enumeration.items) |seen| if (std.mem.eql(u8, seen, text)) return c.fail("enum items must be unique", .{});
            try current.enumeration.append(c.allocator, text);
        };

        try c.parseSchemaList(m, "oneOf", current, &current.one_of);
        try c.parseSchemaList(m, "anyOf", current, &current.any_of);
        try c.parseSchemaList(m, "allOf", current, &current.all_of);

        current.not = try c.parseSchemaKeyword(m, "not", current);
        if (draft.atLeast(.draft7)) {
            current.if_schema = try c.parseSchemaKeyword(m, "if", current);
            current.then_schema = try c.parseSchemaKeyword(m, "then", current);
            current.else_schema = try c.parseSchemaKeyword(m, "else", current);
        }
    }

    /// parseReference: the target of a `$ref` seen for the first time.
    fn parseRefTarget(c: *Compiler, current: *SubSchema, key: []const u8) Error!void {
        const target = try c.newSchema("$ref", current);
        try c.reference_pool.put(c.allocator, key, target);
        const d = try c.getDocument(current.ref.?);
        target.draft = d.draft;
        if (d.document != .boolean and d.document != .object) return c.fail("Valid Schema must be of type object", .{});
        try c.parseSchema(d.document, target);
        current.ref_schema = target;
    }

    fn addType(c: *Compiler, s: *SubSchema, name: []const u8) Error!void {
        for (json_types) |t| {
            if (std.mem.eql(u8, t, name)) break;
        } else return c.fail("has a primitive type that is NOT VALID -- given: /{s}/ Expected valid values are:[array boolean integer number null object string]", .{name});
        if (s.hasType(name)) return c.fail("{s} type is duplicated", .{name});
        s.types[s.types_len] = name;
        s.types_len += 1;
    }

    fn parseDependencies(c: *Compiler, v: Value, current: *SubSchema) Error!void {
        if (v != .object) return c.fail("dependencies must be of type object", .{});
        for (v.object.keys, v.object.values) |k, dv| switch (dv) {
            .array => |names| {
                var list: std.ArrayList([]const u8) = .empty;
                for (names) |name| {
                    if (name != .string) return c.fail("Dependency must be of type Schema Or Array Of Strings", .{});
                    try list.append(c.allocator, name.string);
                }
                // An empty list registers nothing, as in Go.
                if (list.items.len > 0) try current.dependencies.append(c.allocator, .{ .key = k.string, .target = .{ .names = list.items } });
            },
            .boolean, .object => {
                const child = try c.newSchema(k.string, current);
                try c.parseSchema(dv, child);
                try current.dependencies.append(c.allocator, .{ .key = k.string, .target = .{ .schema = child } });
            },
            else => return c.fail("Dependency must be of type Schema Or Array Of Strings", .{}),
        };
    }

    fn parseSchemaList(c: *Compiler, m: *const Object, comptime key: []const u8, current: *SubSchema, list: *std.ArrayList(*SubSchema)) Error!void {
        const items = try c.getSlice(m, key) orelse return;
        for (items) |item| {
            const child = try c.newSchema(key, current);
            try list.append(c.allocator, child);
            try c.parseSchema(item, child);
        }
    }

    fn parseSchemaKeyword(c: *Compiler, m: *const Object, comptime key: []const u8, current: *SubSchema) Error!?*SubSchema {
        const v = order.objectGetString(m, key) orelse return null;
        if (v != .boolean and v != .object) return c.fail(key ++ " must be of an object", .{});
        const child = try c.newSchema(key, current);
        try c.parseSchema(v, child);
        return child;
    }

    fn exclusiveBound(c: *Compiler, v: Value, draft: Draft, bound: *?Rat, exclusive: *?Rat, comptime key: []const u8, comptime bound_key: []const u8) Error!void {
        const legacy = switch (draft) {
            .draft4 => if (v == .boolean) true else return c.invalidType("boolean", key),
            .hybrid => switch (v) {
                .boolean => true,
                .number => false,
                else => return c.invalidType("boolean/number", key),
            },
            else => if (v == .number) false else return c.invalidType("number", key),
        };
        if (legacy) {
            if (bound.* == null) return c.fail(key ++ " cannot be used without " ++ bound_key, .{});
            if (v.boolean) {
                exclusive.* = bound.*;
                bound.* = null;
            }
        } else {
            exclusive.* = try c.mustBeNumber(v);
        }
    }

    fn mustBeNumber(c: *Compiler, v: Value) Error!?Rat {
        if (v != .number) return null;
        var buffer: [20]u8 = undefined;
        return numbers.parse(c.allocator, v.number.literal(&buffer));
    }

    /// mustBeInteger and the >= 0 check of the count keywords.
    fn nonNegativeInteger(c: *Compiler, m: *const Object, comptime key: []const u8) Error!?i64 {
        const v = order.objectGetString(m, key) orelse return null;
        const n: ?i64 = if (v == .number) blk: {
            var buffer: [20]u8 = undefined;
            const literal = v.number.literal(&buffer);
            if (!try numbers.isIntegerLiteral(c.allocator, literal)) break :blk null;
            break :blk numbers.parseInt(literal);
        } else null;
        const value = n orelse return c.fail(key ++ " must be of an integer", .{});
        if (value < 0) return c.fail(key ++ " must be greater than or equal to 0", .{});
        return value;
    }

    fn getString(c: *Compiler, m: *const Object, key: []const u8) Error!?[]const u8 {
        const v = order.objectGetString(m, key) orelse return null;
        if (v != .string) return c.invalidType("string", key);
        return v.string;
    }

    fn getMap(c: *Compiler, m: *const Object, key: []const u8) Error!?*const Object {
        const v = order.objectGetString(m, key) orelse return null;
        if (v != .object) return c.invalidType("Valid Schema", key);
        return v.object;
    }

    fn getSlice(c: *Compiler, m: *const Object, key: []const u8) Error!?[]const Value {
        const v = order.objectGetString(m, key) orelse return null;
        if (v != .array) return c.fail("{s} must be of an array", .{key});
        return v.array;
    }

    fn canonical(c: *Compiler, v: Value) Error![]const u8 {
        var failure: []const u8 = "";
        return canonicalJson(c.allocator, v, &failure) catch |err| switch (err) {
            error.OutOfMemory => error.OutOfMemory,
            error.Invalid => {
                c.message = failure;
                return error.Invalid;
            },
        };
    }
};

/// marshalWithoutNumber: the JSON text of `v` after a round trip through
/// float64, which is how gojsonschema compares enum, const and uniqueItems
/// values (so 1 and 1.0 are equal). A number beyond float64 fails with Go's
/// unmarshal error.
pub fn canonicalJson(allocator: Allocator, v: Value, failure: *[]const u8) Error![]const u8 {
    var out: std.Io.Writer.Allocating = .init(allocator);
    writeCanonical(allocator, &out.writer, v, failure) catch |err| switch (err) {
        error.WriteFailed, error.OutOfMemory => return error.OutOfMemory,
        error.Invalid => return error.Invalid,
    };
    return out.written();
}

fn writeCanonical(allocator: Allocator, w: *std.Io.Writer, v: Value, failure: *[]const u8) (Error || std.Io.Writer.Error)!void {
    switch (v) {
        .null => try w.writeAll("null"),
        .boolean => |b| try w.writeAll(if (b) "true" else "false"),
        .number => |n| {
            var buffer: [20]u8 = undefined;
            const literal = n.literal(&buffer);
            const text = try numbers.float64Text(allocator, literal) orelse {
                failure.* = try std.fmt.allocPrint(allocator, "json: cannot unmarshal number {s} into Go value of type float64", .{literal});
                return error.Invalid;
            };
            try w.writeAll(text);
        },
        .string => |s| try value_mod.json.writeString(w, s),
        .array => |items| {
            try w.writeByte('[');
            for (items, 0..) |item, i| {
                if (i > 0) try w.writeByte(',');
                try writeCanonical(allocator, w, item, failure);
            }
            try w.writeByte(']');
        },
        .object => |m| {
            try w.writeByte('{');
            for (m.keys, m.values, 0..) |k, item, i| {
                if (i > 0) try w.writeByte(',');
                try value_mod.json.writeString(w, k.string);
                try w.writeByte(':');
                try writeCanonical(allocator, w, item, failure);
            }
            try w.writeByte('}');
        },
        .set => unreachable, // Documents are JSON: no sets.
    }
}

fn decodeToken(allocator: Allocator, token: []const u8) Allocator.Error![]const u8 {
    const step1 = try std.mem.replaceOwned(u8, allocator, token, "~1", "/");
    return std.mem.replaceOwned(u8, allocator, step1, "~0", "~");
}

/// strconv.Atoi: optional sign, decimal digits, i64 range.
fn atoi(s: []const u8) ?i64 {
    if (s.len == 0) return null;
    const digits = if (s[0] == '+' or s[0] == '-') s[1..] else s;
    if (digits.len == 0) return null;
    for (digits) |d| if (!std.ascii.isDigit(d)) return null;
    return std.fmt.parseInt(i64, s, 10) catch null;
}

test "the embedded meta-schemas are valid JSON" {
    var arena: std.heap.ArenaAllocator = .init(std.testing.allocator);
    defer arena.deinit();
    for (metaschemas.all) |meta| {
        const v = try value_mod.json.parse(arena.allocator(), meta.text);
        try std.testing.expect(v == .object);
    }
}
