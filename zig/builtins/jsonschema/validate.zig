//! Validation of a document against a compiled schema, as gojsonschema's
//! validation.go does it: the same checks in the same order, the same error
//! types and descriptions, and the same scores (each check passed adds one,
//! each error takes two), which pick the errors reported for a failed anyOf,
//! oneOf or contains: those of the best-scoring branch.
//!
//! Objects are walked in sorted key order (Go's map order is random).
//! A `$ref` cycle that never moves into the document would recurse forever
//! in Go; here depth and total work are bounded and fail with a message.
const std = @import("std");
const Allocator = std.mem.Allocator;
const value_mod = @import("../../value/mod.zig");
const numbers = @import("numbers.zig");
const schema_mod = @import("schema.zig");
const formats = @import("formats.zig");

const Value = value_mod.Value;
const SubSchema = schema_mod.SubSchema;

/// Nested validations deeper than this fail (kept well inside a worker
/// thread's stack) (a `$ref` cycle, or a document
/// nested deeper than any schema could mean).
pub const max_depth = 512;
/// Schema applications per validation: bounds exponential anyOf/oneOf trees.
pub const max_steps = 1_000_000;

pub const Error = error{ OutOfMemory, Fatal };

/// A node's place in the document: "(Root)", then keys and indexes.
pub const Context = struct {
    head: []const u8,
    tail: ?*const Context,

    pub fn string(c: *const Context, allocator: Allocator) Allocator.Error![]const u8 {
        var parts: std.ArrayList([]const u8) = .empty;
        var node: ?*const Context = c;
        while (node) |n| : (node = n.tail) try parts.append(allocator, n.head);
        std.mem.reverse([]const u8, parts.items);
        return std.mem.join(allocator, ".", parts.items);
    }
};

pub const ResultError = struct {
    /// gojsonschema's error type, e.g. "invalid_type".
    kind: []const u8,
    /// The context without its "(Root)." prefix.
    field: []const u8,
    description: []const u8,
};

pub const Result = struct {
    errors: std.ArrayList(ResultError) = .empty,
    score: i64 = 0,

    pub fn valid(r: *const Result) bool {
        return r.errors.items.len == 0;
    }
};

pub const Validator = struct {
    allocator: Allocator,
    steps: usize = 0,
    depth: usize = 0,
    /// The reason for error.Fatal.
    message: []const u8 = "",

    pub fn validate(v: *Validator, root: *SubSchema, document: Value) Error!Result {
        var result: Result = .{};
        const context = try v.newContext("(Root)", null);
        try v.validateRecursive(root, document, &result, context);
        return result;
    }

    fn fatal(v: *Validator, comptime fmt: []const u8, args: anytype) Error {
        v.message = try std.fmt.allocPrint(v.allocator, fmt, args);
        return error.Fatal;
    }

    fn newContext(v: *Validator, head: []const u8, tail: ?*const Context) Allocator.Error!*const Context {
        const c = try v.allocator.create(Context);
        c.* = .{ .head = head, .tail = tail };
        return c;
    }

    fn indexContext(v: *Validator, index: usize, tail: *const Context) Allocator.Error!*const Context {
        return v.newContext(try std.fmt.allocPrint(v.allocator, "{d}", .{index}), tail);
    }

    fn addError(v: *Validator, result: *Result, context: *const Context, comptime kind: []const u8, comptime fmt: []const u8, args: anytype) Allocator.Error!void {
        const full = try context.string(v.allocator);
        const field = if (std.mem.startsWith(u8, full, "(Root).")) full["(Root).".len..] else full;
        try result.errors.append(v.allocator, .{
            .kind = kind,
            .field = field,
            .description = try std.fmt.allocPrint(v.allocator, fmt, args),
        });
        result.score -= 2;
    }

    /// The field text used inside descriptions ({{.field}}).
    fn fieldOf(v: *Validator, context: *const Context) Allocator.Error![]const u8 {
        const full = try context.string(v.allocator);
        return if (std.mem.startsWith(u8, full, "(Root).")) full["(Root).".len..] else full;
    }

    fn merge(v: *Validator, result: *Result, other: *const Result) Allocator.Error!void {
        try result.errors.appendSlice(v.allocator, other.errors.items);
        result.score += other.score;
    }

    fn sub(v: *Validator, s: *SubSchema, node: Value, context: *const Context) Error!Result {
        var result: Result = .{};
        try v.validateRecursive(s, node, &result, context);
        return result;
    }

    fn typeError(v: *Validator, s: *SubSchema, result: *Result, context: *const Context, given: []const u8) Error!void {
        try v.addError(result, context, "invalid_type", "Invalid type. Expected: {s}, given: {s}", .{ try s.typesString(v.allocator), given });
    }

    fn validateRecursive(v: *Validator, s: *SubSchema, node: Value, result: *Result, context: *const Context) Error!void {
        v.steps += 1;
        if (v.steps > max_steps) return v.fatal("validation exceeds {d} steps", .{max_steps});
        v.depth += 1;
        defer v.depth -= 1;
        if (v.depth > max_depth) return v.fatal("validation nesting exceeds {d} levels (cyclic $ref?)", .{max_depth});

        if (s.pass) |pass| {
            if (!pass) try v.addError(result, context, "false", "False always fails validation", .{});
            return;
        }
        if (s.ref_schema) |target| return v.validateRecursive(target, node, result, context);

        switch (node) {
            .null => {
                if (s.typed() and !s.hasType("null")) return v.typeError(s, result, context, "null");
                try v.validateSchema(s, node, result, context);
                try v.validateCommon(s, node, result, context);
            },
            .number => |n| {
                var buffer: [20]u8 = undefined;
                const literal = n.literal(&buffer);
                const is_int = try numbers.isIntegerLiteral(v.allocator, literal);
                const valid_type = s.hasType("number") or (is_int and s.hasType("integer"));
                if (s.typed() and !valid_type) return v.typeError(s, result, context, if (is_int) "integer" else "number");
                try v.validateSchema(s, node, result, context);
                try v.validateNumber(s, literal, result, context);
                try v.validateCommon(s, node, result, context);
            },
            .array => |items| {
                if (s.typed() and !s.hasType("array")) return v.typeError(s, result, context, "array");
                try v.validateSchema(s, node, result, context);
                try v.validateArray(s, items, result, context);
                try v.validateCommon(s, node, result, context);
            },
            .object => |m| {
                if (s.typed() and !s.hasType("object")) return v.typeError(s, result, context, "object");
                try v.validateSchema(s, node, result, context);
                try v.validateObject(s, m, result, context);
                try v.validateCommon(s, node, result, context);
                for (s.properties_children.items) |child| {
                    if (value_mod.order.objectGetString(m, child.property)) |next| {
                        try v.validateRecursive(child, next, result, try v.newContext(child.property, context));
                    }
                }
            },
            .boolean => {
                if (s.typed() and !s.hasType("boolean")) return v.typeError(s, result, context, "boolean");
                try v.validateSchema(s, node, result, context);
                try v.validateCommon(s, node, result, context);
            },
            .string => |text| {
                if (s.typed() and !s.hasType("string")) return v.typeError(s, result, context, "string");
                try v.validateSchema(s, node, result, context);
                try v.validateCommon(s, node, result, context);
                try v.validateString(s, text, result, context);
            },
            .set => unreachable, // Documents are JSON: no sets.
        }
        result.score += 1;
    }

    fn validateSchema(v: *Validator, s: *SubSchema, node: Value, result: *Result, context: *const Context) Error!void {
        if (s.any_of.items.len > 0) {
            var validated = false;
            var best: ?Result = null;
            for (s.any_of.items) |child| {
                if (validated) continue;
                const r = try v.sub(child, node, context);
                validated = r.valid();
                if (!validated and (best == null or r.score > best.?.score)) best = r;
            }
            if (!validated) {
                try v.addError(result, context, "number_any_of", "Must validate at least one schema (anyOf)", .{});
                if (best) |*b| try v.merge(result, b);
            }
        }

        if (s.one_of.items.len > 0) {
            var validated: usize = 0;
            var best: ?Result = null;
            for (s.one_of.items) |child| {
                const r = try v.sub(child, node, context);
                if (r.valid()) {
                    validated += 1;
                } else if (validated == 0 and (best == null or r.score > best.?.score)) {
                    best = r;
                }
            }
            if (validated != 1) {
                try v.addError(result, context, "number_one_of", "Must validate one and only one schema (oneOf)", .{});
                if (validated == 0) if (best) |*b| try v.merge(result, b);
            }
        }

        if (s.all_of.items.len > 0) {
            var validated: usize = 0;
            for (s.all_of.items) |child| {
                const r = try v.sub(child, node, context);
                if (r.valid()) validated += 1;
                try v.merge(result, &r);
            }
            if (validated != s.all_of.items.len) {
                try v.addError(result, context, "number_all_of", "Must validate all the schemas (allOf)", .{});
            }
        }

        if (s.not) |child| {
            const r = try v.sub(child, node, context);
            if (r.valid()) try v.addError(result, context, "number_not", "Must not validate the schema (not)", .{});
        }

        if (s.dependencies.items.len > 0 and node == .object) {
            const m = node.object;
            for (m.keys) |k| {
                const dependency = for (s.dependencies.items) |d| {
                    if (std.mem.eql(u8, d.key, k.string)) break d;
                } else continue;
                switch (dependency.target) {
                    .names => |names| for (names) |name| {
                        if (value_mod.order.objectGetString(m, name) == null) {
                            try v.addError(result, context, "missing_dependency", "Has a dependency on {s}", .{name});
                        }
                    },
                    .schema => |child| try v.validateRecursive(child, node, result, context),
                }
            }
        }

        if (s.if_schema) |if_schema| {
            const r = try v.sub(if_schema, node, context);
            if (s.then_schema) |then_schema| if (r.valid()) {
                const t = try v.sub(then_schema, node, context);
                if (!t.valid()) {
                    try v.addError(result, context, "condition_then", "Must validate \"then\" as \"if\" was valid", .{});
                    try v.merge(result, &t);
                }
            };
            if (s.else_schema) |else_schema| if (!r.valid()) {
                const e = try v.sub(else_schema, node, context);
                if (!e.valid()) {
                    try v.addError(result, context, "condition_else", "Must validate \"else\" as \"if\" was not valid", .{});
                    try v.merge(result, &e);
                }
            };
        }

        result.score += 1;
    }

    fn canonical(v: *Validator, node: Value) Error![]const u8 {
        var failure: []const u8 = "";
        return schema_mod.canonicalJson(v.allocator, node, &failure) catch |err| switch (err) {
            error.OutOfMemory => error.OutOfMemory,
            // Go records an internal error here and then dereferences nil.
            error.Invalid => v.fatal("{s}", .{failure}),
        };
    }

    fn validateCommon(v: *Validator, s: *SubSchema, node: Value, result: *Result, context: *const Context) Error!void {
        if (s.constant) |constant| {
            const text = try v.canonical(node);
            if (!std.mem.eql(u8, text, constant)) {
                try v.addError(result, context, "const", "{s} does not match: {s}", .{ try v.fieldOf(context), constant });
            }
        }
        if (s.enumeration.items.len > 0) {
            const text = try v.canonical(node);
            const found = for (s.enumeration.items) |allowed| {
                if (std.mem.eql(u8, allowed, text)) break true;
            } else false;
            if (!found) {
                const allowed = try std.mem.join(v.allocator, ", ", s.enumeration.items);
                try v.addError(result, context, "enum", "{s} must be one of the following: {s}", .{ try v.fieldOf(context), allowed });
            }
        }
        if (s.format.len > 0 and node == .string) {
            if (!try formats.isFormat(v.allocator, s.format, node.string)) {
                try v.addError(result, context, "format", "Does not match format '{s}'", .{s.format});
            }
        }
        result.score += 1;
    }

    fn validateArray(v: *Validator, s: *SubSchema, items: []const Value, result: *Result, context: *const Context) Error!void {
        const count = items.len;
        if (s.items_single) {
            for (items, 0..) |item, i| {
                const r = try v.sub(s.items_children.items[0], item, try v.indexContext(i, context));
                try v.merge(result, &r);
            }
        } else if (s.items_children.items.len > 0) {
            const schemas = s.items_children.items;
            for (0..@min(schemas.len, count)) |i| {
                const r = try v.sub(schemas[i], items[i], try v.indexContext(i, context));
                try v.merge(result, &r);
            }
            if (schemas.len < count) switch (s.additional_items) {
                .unset => {},
                .allowed => |allowed| if (!allowed) {
                    try v.addError(result, context, "array_no_additional_items", "No additional items allowed on array", .{});
                },
                .schema => |child| for (schemas.len..count) |i| {
                    const r = try v.sub(child, items[i], try v.indexContext(i, context));
                    try v.merge(result, &r);
                },
            };
        }

        if (s.min_items) |min| if (count < min) {
            try v.addError(result, context, "array_min_items", "Array must have at least {d} items", .{min});
        };
        if (s.max_items) |max| if (count > max) {
            try v.addError(result, context, "array_max_items", "Array must have at most {d} items", .{max});
        };

        if (s.unique_items) {
            var seen: std.StringHashMapUnmanaged(usize) = .empty;
            for (items, 0..) |item, j| {
                const text = try v.canonical(item);
                if (seen.get(text)) |i| {
                    try v.addError(result, context, "unique", "array items[{d},{d}] must be unique", .{ i, j });
                }
                try seen.put(v.allocator, text, j);
            }
        }

        if (s.contains) |child| {
            var validated = false;
            var best: ?Result = null;
            for (items, 0..) |item, i| {
                const r = try v.sub(child, item, try v.indexContext(i, context));
                if (r.valid()) {
                    validated = true;
                    break;
                }
                if (best == null or r.score > best.?.score) best = r;
            }
            if (!validated) {
                try v.addError(result, context, "contains", "At least one of the items must match", .{});
                if (best) |*b| try v.merge(result, b);
            }
        }

        result.score += 1;
    }

    fn validateObject(v: *Validator, s: *SubSchema, m: *const value_mod.Object, result: *Result, context: *const Context) Error!void {
        const count = m.keys.len;
        if (s.min_properties) |min| if (count < min) {
            try v.addError(result, context, "array_min_properties", "Must have at least {d} properties", .{min});
        };
        if (s.max_properties) |max| if (count > max) {
            try v.addError(result, context, "array_max_properties", "Must have at most {d} properties", .{max});
        };

        for (s.required.items) |name| {
            if (value_mod.order.objectGetString(m, name) != null) {
                result.score += 1;
            } else {
                try v.addError(result, context, "required", "{s} is required", .{name});
            }
        }

        for (m.keys, m.values) |k, item| {
            const key = k.string;
            const found = for (s.properties_children.items) |child| {
                if (std.mem.eql(u8, child.property, key)) break true;
            } else false;
            const pattern_match = try v.validatePatternProperty(s, key, item, result, context);
            if (!found and !pattern_match) switch (s.additional_properties) {
                .unset => {},
                .allowed => |allowed| if (!allowed) {
                    try v.addError(result, context, "additional_property_not_allowed", "Additional property {s} is not allowed", .{key});
                },
                .schema => |child| {
                    const r = try v.sub(child, item, try v.newContext(key, context));
                    try v.merge(result, &r);
                },
            };
        }

        if (s.property_names) |child| {
            for (m.keys) |k| {
                const r = try v.sub(child, k, context);
                if (!r.valid()) {
                    try v.addError(result, context, "invalid_property_name", "Property name of \"{s}\" does not match", .{k.string});
                    try v.merge(result, &r);
                }
            }
        }

        result.score += 1;
    }

    fn validatePatternProperty(v: *Validator, s: *SubSchema, key: []const u8, item: Value, result: *Result, context: *const Context) Error!bool {
        var validated = false;
        for (s.pattern_properties.items) |*p| {
            if (try p.regex.isMatch(v.allocator, key)) {
                validated = true;
                const r = try v.sub(p.schema, item, try v.newContext(key, context));
                try v.merge(result, &r);
            }
        }
        if (!validated) return false;
        result.score += 1;
        return true;
    }

    fn validateString(v: *Validator, s: *SubSchema, text: []const u8, result: *Result, context: *const Context) Error!void {
        const length = runeCount(text);
        if (s.min_length) |min| if (length < min) {
            try v.addError(result, context, "string_gte", "String length must be greater than or equal to {d}", .{min});
        };
        if (s.max_length) |max| if (length > max) {
            try v.addError(result, context, "string_lte", "String length must be less than or equal to {d}", .{max});
        };
        if (s.pattern) |*re| if (!try re.isMatch(v.allocator, text)) {
            try v.addError(result, context, "pattern", "Does not match pattern '{s}'", .{s.pattern_text});
        };
        result.score += 1;
    }

    fn validateNumber(v: *Validator, s: *SubSchema, literal: []const u8, result: *Result, context: *const Context) Error!void {
        const constrained = s.multiple_of != null or s.maximum != null or s.exclusive_maximum != null or
            s.minimum != null or s.exclusive_minimum != null;
        if (constrained) {
            // Go's big.Rat refuses the literal and then dereferences nil.
            const x = try numbers.parse(v.allocator, literal) orelse
                return v.fatal("number {s} is out of range", .{literal});
            const a = v.allocator;
            if (s.multiple_of) |m| if (!try numbers.isMultiple(a, x, m)) {
                try v.addError(result, context, "multiple_of", "Must be a multiple of {s}", .{try numbers.formatFloat(a, m)});
            };
            if (s.maximum) |max| if (numbers.compare(x, max) == .gt) {
                try v.addError(result, context, "number_lte", "Must be less than or equal to {s}", .{try numbers.formatFloat(a, max)});
            };
            if (s.exclusive_maximum) |max| if (numbers.compare(x, max) != .lt) {
                try v.addError(result, context, "number_lt", "Must be less than {s}", .{try numbers.formatFloat(a, max)});
            };
            if (s.minimum) |min| if (numbers.compare(x, min) == .lt) {
                try v.addError(result, context, "number_gte", "Must be greater than or equal to {s}", .{try numbers.formatFloat(a, min)});
            };
            if (s.exclusive_minimum) |min| if (numbers.compare(x, min) != .gt) {
                try v.addError(result, context, "number_gt", "Must be greater than {s}", .{try numbers.formatFloat(a, min)});
            };
        }
        result.score += 1;
    }
};

/// utf8.RuneCountInString for valid UTF-8 (documents are decoded JSON).
fn runeCount(text: []const u8) usize {
    var count: usize = 0;
    for (text) |c| {
        if (c & 0xC0 != 0x80) count += 1;
    }
    return count;
}
