//! YAML text to a value, as OPA's yaml.unmarshal gets it: go-yaml v2 decodes
//! the first document into Go values (merge keys, aliases with go-yaml's
//! excessive-aliasing guard, later duplicate keys win), sigs.k8s.io/yaml
//! turns keys into strings and encodes JSON (floats in encoding/json's form,
//! NaN and infinities rejected, invalid UTF-8 replaced), and OPA reads that
//! JSON back with exact numbers.
const std = @import("std");
const Allocator = std.mem.Allocator;
const value_mod = @import("../value/mod.zig");
const errors = @import("errors.zig");
const parser_mod = @import("parser.zig");
const resolve_mod = @import("resolve.zig");
const gofmt = @import("../misc/gofloat.zig");
const scanner_mod = @import("scanner.zig");

const Value = value_mod.Value;
const Node = parser_mod.Node;
const Diagnostic = errors.Diagnostic;
pub const Error = errors.Error;

/// A decoded Go value (what go-yaml puts in an interface{}).
const Go = union(enum) {
    nil,
    boolean: bool,
    int: i64,
    uint: u64,
    float: f64,
    string: []const u8,
    seq: []const Go,
    map: []const Entry,
};

const Entry = struct { key: Go, value: Go };

/// Parses `text` and returns its first document as a value (null when empty).
/// `arena` receives the result and scratch; on error.Yaml, `diagnostic` says why.
pub fn decode(arena: Allocator, text: []const u8, diagnostic: *Diagnostic) Error!Value {
    var utf16_problem: []const u8 = "";
    const utf8 = scanner_mod.decodeUtf16(arena, text, &utf16_problem) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        error.Invalid => return diagnostic.set(.reader, .{}, .{}, "{s}", .{utf16_problem}),
    };
    if (scanner_mod.checkInput(utf8)) |problem| return diagnostic.set(.reader, .{}, .{}, "{s}", .{problem});
    // go-yaml parses an empty input as a single line break.
    const source = if (utf8.len == 0) "\n" else utf8;
    const padded = try std.mem.concat(arena, u8, &.{ source, "\x00\x00\x00\x00" });
    var parser: parser_mod.Parser = .init(arena, padded, diagnostic);
    const root = try parser.parseFirstDocument() orelse return .null;
    var decoder: Decoder = .{ .arena = arena, .diagnostic = diagnostic };
    // go-yaml counts the document node as one decode.
    decoder.decode_count = 1;
    const go = try decoder.decode(root);
    return toValue(arena, go, diagnostic, 0);
}

const Decoder = struct {
    arena: Allocator,
    diagnostic: *Diagnostic,
    decode_count: usize = 0,
    alias_count: usize = 0,
    alias_depth: usize = 0,
    depth: usize = 0,
    /// Aliases being expanded, to catch an anchor that contains itself.
    active: std.ArrayList(*const Node) = .empty,

    fn allowedAliasRatio(count: usize) f64 {
        const low: f64 = 400_000;
        const high: f64 = 4_000_000;
        const c: f64 = @floatFromInt(count);
        if (c <= low) return 0.99;
        if (c >= high) return 0.10;
        return 0.99 - 0.89 * ((c - low) / (high - low));
    }

    fn decode(d: *Decoder, n: *const Node) Error!Go {
        d.decode_count += 1;
        if (d.alias_depth > 0) d.alias_count += 1;
        if (d.alias_count > 100 and d.decode_count > 1000 and
            @as(f64, @floatFromInt(d.alias_count)) / @as(f64, @floatFromInt(d.decode_count)) > allowedAliasRatio(d.decode_count))
        {
            return d.diagnostic.fail("document contains excessive aliasing", .{});
        }
        return switch (n.kind) {
            .alias => d.alias(n),
            .scalar => d.scalar(n),
            .sequence => d.sequence(n),
            .mapping => blk: {
                var entries: std.ArrayList(Entry) = .empty;
                try d.mappingInto(n, &entries);
                break :blk .{ .map = entries.items };
            },
        };
    }

    fn enter(d: *Decoder) Error!void {
        d.depth += 1;
        if (d.depth > scanner_mod.max_depth) return d.diagnostic.fail("exceeded max depth of {d}", .{scanner_mod.max_depth});
    }

    fn alias(d: *Decoder, n: *const Node) Error!Go {
        for (d.active.items) |a| {
            if (a == n) return d.diagnostic.fail("anchor '{s}' value contains itself", .{n.value});
        }
        try d.active.append(d.arena, n);
        d.alias_depth += 1;
        try d.enter();
        const result = try d.decode(n.target.?);
        d.depth -= 1;
        d.alias_depth -= 1;
        _ = d.active.pop();
        return result;
    }

    fn scalar(d: *Decoder, n: *const Node) Error!Go {
        if (n.tag.len == 0 and !n.implicit) return .{ .string = n.value };
        var mismatch: []const u8 = "";
        const r = resolve_mod.resolve(d.arena, n.tag, n.value, &mismatch) catch |err| switch (err) {
            error.OutOfMemory => return error.OutOfMemory,
            error.Mismatch => return d.diagnostic.fail("cannot decode {f} `{s}` as a {f}", .{ shortTag(mismatch), n.value, shortTag(n.tag) }),
        };
        if (std.mem.eql(u8, r.tag, resolve_mod.binary_tag)) {
            return .{ .string = try decodeBase64(d, r.value.text) };
        }
        return switch (r.value) {
            .null => .nil,
            .boolean => |b| .{ .boolean = b },
            .int => |i| .{ .int = i },
            .uint => |u| .{ .uint = u },
            .float => |f| .{ .float = f },
            // Timestamps stay text in an interface{}, as go-yaml keeps them.
            .text => .{ .string = n.value },
            .merge => .{ .string = n.value },
        };
    }

    fn sequence(d: *Decoder, n: *const Node) Error!Go {
        try d.enter();
        const items = try d.arena.alloc(Go, n.children.len);
        for (n.children, items) |child, *item| item.* = try d.decode(child);
        d.depth -= 1;
        return .{ .seq = items };
    }

    fn mappingInto(d: *Decoder, n: *const Node, entries: *std.ArrayList(Entry)) Error!void {
        try d.enter();
        var i: usize = 0;
        while (i < n.children.len) : (i += 2) {
            const key_node = n.children[i];
            const value_node = n.children[i + 1];
            if (isMerge(key_node)) {
                try d.merge(value_node, entries);
                continue;
            }
            const key = try d.decode(key_node);
            if (key == .seq or key == .map) {
                var text: std.Io.Writer.Allocating = .init(d.arena);
                writeGoSyntax(&text.writer, key) catch return error.OutOfMemory;
                return d.diagnostic.fail("invalid map key: {s}", .{text.written()});
            }
            const value = try d.decode(value_node);
            try setEntry(d.arena, entries, key, value);
        }
        d.depth -= 1;
    }

    fn merge(d: *Decoder, n: *const Node, entries: *std.ArrayList(Entry)) Error!void {
        switch (n.kind) {
            .mapping => try d.decodeInto(n, entries),
            .alias => {
                if (n.target.?.kind != .mapping) return d.failWantMap();
                try d.decodeInto(n, entries);
            },
            .sequence => {
                // Earlier maps take precedence: merge from the last.
                var i = n.children.len;
                while (i > 0) {
                    i -= 1;
                    const item = n.children[i];
                    const target = if (item.kind == .alias) item.target.? else item;
                    if (target.kind != .mapping) return d.failWantMap();
                    try d.decodeInto(item, entries);
                }
            },
            .scalar => return d.failWantMap(),
        }
    }

    /// Decodes a mapping (or an alias of one) into an existing map.
    fn decodeInto(d: *Decoder, n: *const Node, entries: *std.ArrayList(Entry)) Error!void {
        d.decode_count += 1;
        if (d.alias_depth > 0) d.alias_count += 1;
        if (n.kind == .alias) {
            for (d.active.items) |a| {
                if (a == n) return d.diagnostic.fail("anchor '{s}' value contains itself", .{n.value});
            }
            try d.active.append(d.arena, n);
            d.alias_depth += 1;
            try d.decodeInto(n.target.?, entries);
            d.alias_depth -= 1;
            _ = d.active.pop();
            return;
        }
        try d.mappingInto(n, entries);
    }

    fn failWantMap(d: *Decoder) Error {
        return d.diagnostic.fail("map merge requires map or sequence of maps as the value", .{});
    }
};

fn isMerge(n: *const Node) bool {
    return n.kind == .scalar and std.mem.eql(u8, n.value, "<<") and
        (n.implicit or std.mem.eql(u8, n.tag, resolve_mod.merge_tag));
}

/// go-yaml's shortTag: "tag:yaml.org,2002:int" prints as "!!int"; use with {f}.
const ShortTag = struct {
    tag: []const u8,
    pub fn format(self: ShortTag, w: *std.Io.Writer) std.Io.Writer.Error!void {
        if (std.mem.startsWith(u8, self.tag, parser_mod.long_tag_prefix)) {
            try w.writeAll("!!");
            return w.writeAll(self.tag[parser_mod.long_tag_prefix.len..]);
        }
        return w.writeAll(self.tag);
    }
};

fn shortTag(tag: []const u8) ShortTag {
    return .{ .tag = tag };
}

fn goEqual(a: Go, b: Go) bool {
    if (std.meta.activeTag(a) != std.meta.activeTag(b)) return false;
    return switch (a) {
        .nil => true,
        .boolean => |x| x == b.boolean,
        .int => |x| x == b.int,
        .uint => |x| x == b.uint,
        .float => |x| x == b.float, // NaN never equals: each is its own key, as in Go.
        .string => |x| std.mem.eql(u8, x, b.string),
        .seq, .map => false,
    };
}

fn setEntry(arena: Allocator, entries: *std.ArrayList(Entry), key: Go, value: Go) Error!void {
    for (entries.items) |*e| {
        if (goEqual(e.key, key)) {
            e.value = value;
            return;
        }
    }
    try entries.append(arena, .{ .key = key, .value = value });
}

/// Go's base64.StdEncoding.DecodeString, which skips \r and \n.
fn decodeBase64(d: *Decoder, text: []const u8) Error![]const u8 {
    var compact: std.ArrayList(u8) = .empty;
    for (text) |c| if (c != '\n' and c != '\r') try compact.append(d.arena, c);
    const decoder = std.base64.standard.Decoder;
    const size = decoder.calcSizeForSlice(compact.items) catch return d.diagnostic.fail("!!binary value contains invalid base64 data", .{});
    const out = try d.arena.alloc(u8, size);
    decoder.decode(out, compact.items) catch return d.diagnostic.fail("!!binary value contains invalid base64 data", .{});
    return out;
}

// ---------------------------------------------------------------------------
// Go value -> JSON -> Rego value

fn toValue(arena: Allocator, go: Go, diagnostic: *Diagnostic, depth: usize) Error!Value {
    _ = depth;
    switch (go) {
        .nil => return .null,
        .boolean => |b| return .{ .boolean = b },
        .int => |i| return .{ .number = value_mod.Number.fromInt(i) },
        .uint => |u| {
            const text = try std.fmt.allocPrint(arena, "{d}", .{u});
            return .{ .number = value_mod.number.parseLiteral(arena, text) catch return error.OutOfMemory };
        },
        .float => |f| {
            if (!std.math.isFinite(f)) {
                const name = if (std.math.isNan(f)) "NaN" else if (f > 0) "+Inf" else "-Inf";
                return diagnostic.failJson("json: unsupported value: {s}", .{name});
            }
            var buffer: [64]u8 = undefined;
            var w: std.Io.Writer = .fixed(&buffer);
            gofmt.writeJson(&w, f) catch unreachable; // 64 bytes hold any float64.
            return .{ .number = value_mod.number.parseLiteral(arena, w.buffered()) catch return error.OutOfMemory };
        },
        .string => |s| return .{ .string = try validUtf8(arena, s) },
        .seq => |items| {
            const out = try arena.alloc(Value, items.len);
            for (items, out) |item, *o| o.* = try toValue(arena, item, diagnostic, 0);
            return .{ .array = out };
        },
        .map => |entries| {
            const keys = try arena.alloc(Value, entries.len);
            const values = try arena.alloc(Value, entries.len);
            for (entries, keys, values) |e, *k, *v| {
                k.* = .{ .string = try validUtf8(arena, try keyString(arena, e, diagnostic)) };
                v.* = try toValue(arena, e.value, diagnostic, 0);
            }
            const object = value_mod.order.objectFromUnsorted(arena, keys, values, .last_wins, null) catch |err| switch (err) {
                error.OutOfMemory => return error.OutOfMemory,
                error.DuplicateKey => unreachable, // last_wins never reports duplicates.
            };
            return .{ .object = object };
        },
    }
}

/// sigs.k8s.io/yaml's key conversion: ints in decimal, floats as float32
/// 'g', bools as true/false; null and uint64 keys are errors.
fn keyString(arena: Allocator, e: Entry, diagnostic: *Diagnostic) Error![]const u8 {
    switch (e.key) {
        .string => |s| return s,
        .int => |i| return std.fmt.allocPrint(arena, "{d}", .{i}),
        .boolean => |b| return if (b) "true" else "false",
        .float => |f| {
            var out: std.Io.Writer.Allocating = .init(arena);
            const narrowed: f32 = @floatCast(f);
            gofmt.writeG(&out.writer, narrowed) catch return error.OutOfMemory;
            return out.written();
        },
        .nil, .uint => {
            var value_text: std.Io.Writer.Allocating = .init(arena);
            writeGoSyntax(&value_text.writer, e.value) catch return error.OutOfMemory;
            const type_name = if (e.key == .nil) "%!s(<nil>)" else "uint64";
            var key_text: std.Io.Writer.Allocating = .init(arena);
            writeGoSyntax(&key_text.writer, e.key) catch return error.OutOfMemory;
            return diagnostic.failJson("unsupported map key of type: {s}, key: {s}, value: {s}", .{ type_name, key_text.written(), value_text.written() });
        },
        .seq, .map => unreachable, // Rejected while decoding.
    }
}

/// Roughly Go's %#v of an interface{} value, for error messages.
fn writeGoSyntax(w: *std.Io.Writer, go: Go) std.Io.Writer.Error!void {
    switch (go) {
        .nil => try w.writeAll("<nil>"),
        .boolean => |b| try w.writeAll(if (b) "true" else "false"),
        .int => |i| try w.print("{d}", .{i}),
        .uint => |u| try w.print("0x{x}", .{u}),
        .float => |f| try gofmt.writeG(w, f),
        .string => |s| {
            try w.writeByte('"');
            for (s) |c| switch (c) {
                '"' => try w.writeAll("\\\""),
                '\\' => try w.writeAll("\\\\"),
                '\n' => try w.writeAll("\\n"),
                '\t' => try w.writeAll("\\t"),
                else => try w.writeByte(c),
            };
            try w.writeByte('"');
        },
        .seq => |items| {
            try w.writeAll("[]interface {}{");
            for (items, 0..) |item, i| {
                if (i > 0) try w.writeAll(", ");
                try writeNested(w, item);
            }
            try w.writeByte('}');
        },
        .map => |entries| {
            try w.writeAll("map[interface {}]interface {}{");
            for (entries, 0..) |e, i| {
                if (i > 0) try w.writeAll(", ");
                try writeNested(w, e.key);
                try w.writeByte(':');
                try writeNested(w, e.value);
            }
            try w.writeByte('}');
        },
    }
}

fn writeNested(w: *std.Io.Writer, go: Go) std.Io.Writer.Error!void {
    if (go == .nil) return w.writeAll("interface {}(nil)");
    return writeGoSyntax(w, go);
}

/// encoding/json's treatment of invalid UTF-8: each bad byte becomes U+FFFD.
pub fn validUtf8(arena: Allocator, s: []const u8) error{OutOfMemory}![]const u8 {
    if (std.unicode.utf8ValidateSlice(s)) return s;
    var out: std.ArrayList(u8) = .empty;
    var i: usize = 0;
    while (i < s.len) {
        const len = std.unicode.utf8ByteSequenceLength(s[i]) catch 0;
        if (len != 0 and i + len <= s.len and std.unicode.utf8ValidateSlice(s[i .. i + len])) {
            try out.appendSlice(arena, s[i .. i + len]);
            i += len;
        } else {
            try out.appendSlice(arena, "\u{FFFD}");
            i += 1;
        }
    }
    return out.items;
}
