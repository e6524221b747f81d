//! A value to YAML text, as OPA's yaml.marshal writes it: sigs.k8s.io/yaml
//! encodes the value as JSON, reads it back with go-yaml v2 (so numbers take
//! YAML's types: 1.0 becomes the float 1) and emits it with go-yaml's
//! libyaml-derived emitter: block style, two-space indentation, sequences
//! under a key not indented, empty collections as {} and [], keys in
//! go-yaml's "natural" order, strings quoted when they would read back as
//! something else, multi-line strings as literal blocks, long plain and
//! quoted lines folded at 80 columns.
const std = @import("std");
const assert = std.debug.assert;
const Allocator = std.mem.Allocator;
const value_mod = @import("../value/mod.zig");
const errors = @import("errors.zig");
const resolve_mod = @import("resolve.zig");
const gofmt = @import("../misc/gofloat.zig");
const scanner_mod = @import("scanner.zig");

const Value = value_mod.Value;
const Diagnostic = errors.Diagnostic;
pub const Error = errors.Error;

const best_indent = 2;
const best_width = 80;

/// Writes `v` as go-yaml would after OPA's JSON conversion. `arena` holds
/// scratch and the result.
pub fn encode(arena: Allocator, v: Value, diagnostic: *Diagnostic) Error![]const u8 {
    // OPA's ast.JSON + json.Marshal: sets become arrays, other keys become
    // their JSON text, invalid UTF-8 becomes U+FFFD.
    const json_text = value_mod.json.serializeAlloc(arena, v) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        error.NestingTooDeep => return diagnostic.fail("exceeded max depth of {d}", .{scanner_mod.max_depth}),
    };
    const plain = value_mod.json.parse(arena, json_text) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        else => return diagnostic.fail("exceeded max depth of {d}", .{scanner_mod.max_depth}),
    };
    var out: std.Io.Writer.Allocating = .init(arena);
    var e: Emitter = .{ .arena = arena, .w = &out.writer, .diagnostic = diagnostic };
    e.emitNode(plain, .{ .root = true }) catch |err| switch (err) {
        error.WriteFailed => return error.OutOfMemory,
        else => |other| return other,
    };
    // Document end: finish the last line.
    e.writeIndent() catch return error.OutOfMemory;
    return out.written();
}

const NodeContext = struct {
    root: bool = false,
    sequence: bool = false,
    mapping: bool = false,
    simple_key: bool = false,
};

const Style = enum { plain, single_quoted, double_quoted, literal };

const Analysis = struct {
    multiline: bool = false,
    flow_plain_allowed: bool = true,
    block_plain_allowed: bool = true,
    single_quoted_allowed: bool = true,
    block_allowed: bool = true,
};

const Emitter = struct {
    arena: Allocator,
    w: *std.Io.Writer,
    diagnostic: *Diagnostic,
    column: usize = 0,
    whitespace: bool = true,
    indention: bool = true,
    indent: isize = -1,
    indents: std.ArrayList(isize) = .empty,
    flow_level: usize = 0,
    depth: usize = 0,

    const EmitError = Error || std.Io.Writer.Error;

    // -- output primitives -------------------------------------------------

    fn put(e: *Emitter, c: u8) std.Io.Writer.Error!void {
        try e.w.writeByte(c);
        e.column += 1;
    }

    fn putBreak(e: *Emitter) std.Io.Writer.Error!void {
        try e.w.writeByte('\n');
        e.column = 0;
    }

    /// Copies one character of `s` at `i.*`.
    fn write(e: *Emitter, s: []const u8, i: *usize) std.Io.Writer.Error!void {
        const w = charWidth(s[i.*]);
        try e.w.writeAll(s[i.*..][0..w]);
        e.column += 1;
        i.* += w;
    }

    fn writeAll(e: *Emitter, s: []const u8) std.Io.Writer.Error!void {
        var i: usize = 0;
        while (i < s.len) try e.write(s, &i);
    }

    fn writeBreak(e: *Emitter, s: []const u8, i: *usize) std.Io.Writer.Error!void {
        if (s[i.*] == '\n') {
            try e.putBreak();
            i.* += 1;
        } else {
            try e.write(s, i);
            e.column = 0;
        }
    }

    fn writeIndent(e: *Emitter) std.Io.Writer.Error!void {
        const indent: usize = @intCast(@max(e.indent, 0));
        if (!e.indention or e.column > indent or (e.column == indent and !e.whitespace)) try e.putBreak();
        while (e.column < indent) try e.put(' ');
        e.whitespace = true;
        e.indention = true;
    }

    fn writeIndicator(e: *Emitter, indicator: []const u8, need_whitespace: bool, is_whitespace: bool, is_indention: bool) std.Io.Writer.Error!void {
        if (need_whitespace and !e.whitespace) try e.put(' ');
        try e.writeAll(indicator);
        e.whitespace = is_whitespace;
        e.indention = e.indention and is_indention;
    }

    fn increaseIndent(e: *Emitter, flow: bool, indentless: bool) Error!void {
        try e.indents.append(e.arena, e.indent);
        if (e.indent < 0) {
            e.indent = if (flow) best_indent else 0;
        } else if (!indentless) {
            e.indent += best_indent;
        }
    }

    fn popIndent(e: *Emitter) void {
        e.indent = e.indents.pop().?;
    }

    // -- nodes ---------------------------------------------------------------

    fn emitNode(e: *Emitter, v: Value, context: NodeContext) EmitError!void {
        switch (v) {
            .null => try e.emitScalar("null", .plain, context),
            .boolean => |b| try e.emitScalar(if (b) "true" else "false", .plain, context),
            .number => |n| try e.emitNumber(n, context),
            .string => |s| try e.emitString(s, context),
            .array => |items| try e.emitSequence(items, context),
            .object => |object| try e.emitMapping(object, context),
            .set => unreachable, // JSON has no sets.
        }
    }

    fn emitNumber(e: *Emitter, n: value_mod.Number, context: NodeContext) EmitError!void {
        var buffer: [20]u8 = undefined;
        const literal = n.literal(&buffer);
        var mismatch: []const u8 = "";
        const r = resolve_mod.resolve(e.arena, "", literal, &mismatch) catch |err| switch (err) {
            error.OutOfMemory => return error.OutOfMemory,
            error.Mismatch => unreachable, // No tag: nothing to mismatch.
        };
        var text: std.Io.Writer.Allocating = .init(e.arena);
        switch (r.value) {
            .int => |i| try text.writer.print("{d}", .{i}),
            .uint => |u| try text.writer.print("{d}", .{u}),
            .float => |f| try gofmt.writeG(&text.writer, f),
            // Out of float64's range: go-yaml keeps the text as a string.
            else => return e.emitString(literal, context),
        }
        try e.emitScalar(text.written(), .plain, context);
    }

    fn emitString(e: *Emitter, raw: []const u8, context: NodeContext) EmitError!void {
        const s = try e.readBack(raw);
        var mismatch: []const u8 = "";
        const r = resolve_mod.resolve(e.arena, "", s, &mismatch) catch |err| switch (err) {
            error.OutOfMemory => return error.OutOfMemory,
            error.Mismatch => unreachable,
        };
        const can_use_plain = std.mem.eql(u8, r.tag, resolve_mod.str_tag) and !resolve_mod.isBase60Float(s);
        const style: Style = if (std.mem.indexOfScalar(u8, s, '\n') != null)
            .literal
        else if (can_use_plain)
            .plain
        else
            .double_quoted;
        try e.emitScalar(s, style, context);
    }

    /// The string as go-yaml reads it from the JSON text: its reader rejects
    /// DEL, C1 controls and U+FFFE/U+FFFF (JSON escapes the other controls),
    /// and a raw NEL is a line break, folded like any in a quoted scalar.
    fn readBack(e: *Emitter, s: []const u8) Error![]const u8 {
        var has_nel = false;
        var i: usize = 0;
        while (i < s.len) {
            const w = charWidth(s[i]);
            if (i + w > s.len) break;
            const code = std.unicode.utf8Decode(s[i..][0..w]) catch 0xFFFD;
            if (code == 0x7F or (code >= 0x80 and code <= 0x9F and code != 0x85) or code == 0xFFFE or code == 0xFFFF) {
                return e.diagnostic.fail("control characters are not allowed", .{});
            }
            if (code == 0x85) has_nel = true;
            i += w;
        }
        if (!has_nel) return s;
        var text: std.Io.Writer.Allocating = .init(e.arena);
        value_mod.json.writeString(&text.writer, s) catch return error.OutOfMemory;
        text.writer.writeAll("\x00\x00\x00\x00") catch return error.OutOfMemory;
        var d: Diagnostic = .{};
        var scanner: scanner_mod.Scanner = .init(e.arena, text.written(), &d);
        _ = try scanner.peek(); // Stream start.
        scanner.skipToken();
        const token = try scanner.peek();
        assert(token.type == .scalar);
        return token.value;
    }

    fn enter(e: *Emitter) Error!void {
        e.depth += 1;
        if (e.depth > scanner_mod.max_depth) return e.diagnostic.fail("exceeded max depth of {d}", .{scanner_mod.max_depth});
    }

    fn emitSequence(e: *Emitter, items: []const Value, context: NodeContext) EmitError!void {
        try e.enter();
        defer e.depth -= 1;
        if (e.flow_level > 0 or items.len == 0) {
            try e.writeIndicator("[", true, true, false);
            try e.increaseIndent(true, false);
            e.flow_level += 1;
            assert(items.len == 0); // Flow style only arises for empty collections.
            e.flow_level -= 1;
            e.popIndent();
            try e.writeIndicator("]", false, false, false);
            return;
        }
        try e.increaseIndent(false, context.mapping and !e.indention);
        for (items) |item| {
            try e.writeIndent();
            try e.writeIndicator("-", true, false, true);
            try e.emitNode(item, .{ .sequence = true });
        }
        e.popIndent();
    }

    fn emitMapping(e: *Emitter, object: *const value_mod.Object, context: NodeContext) EmitError!void {
        _ = context;
        try e.enter();
        defer e.depth -= 1;
        if (e.flow_level > 0 or object.keys.len == 0) {
            try e.writeIndicator("{", true, true, false);
            try e.increaseIndent(true, false);
            e.flow_level += 1;
            assert(object.keys.len == 0);
            e.flow_level -= 1;
            e.popIndent();
            try e.writeIndicator("}", false, false, false);
            return;
        }
        const order = try e.arena.alloc(usize, object.keys.len);
        for (order, 0..) |*o, i| o.* = i;
        std.sort.insertion(usize, order, object.keys, keyLess);

        try e.increaseIndent(false, false);
        for (order) |i| {
            const key = object.keys[i].string;
            try e.writeIndent();
            const a = analyze(key);
            if (!a.multiline and key.len <= 128) {
                try e.emitString(key, .{ .mapping = true, .simple_key = true });
                try e.writeIndicator(":", false, false, false);
            } else {
                try e.writeIndicator("?", true, false, true);
                try e.emitString(key, .{ .mapping = true });
                try e.writeIndent();
                try e.writeIndicator(":", true, false, true);
            }
            try e.emitNode(object.values[i], .{ .mapping = true });
        }
        e.popIndent();
    }

    // -- scalars -------------------------------------------------------------

    fn emitScalar(e: *Emitter, value: []const u8, requested: Style, context: NodeContext) EmitError!void {
        const a = analyze(value);
        var style = requested;
        if (context.simple_key and a.multiline) style = .double_quoted;
        if (style == .plain) {
            if ((e.flow_level > 0 and !a.flow_plain_allowed) or (e.flow_level == 0 and !a.block_plain_allowed)) style = .single_quoted;
            if (value.len == 0 and (e.flow_level > 0 or context.simple_key)) style = .single_quoted;
        }
        if (style == .single_quoted and !a.single_quoted_allowed) style = .double_quoted;
        if (style == .literal and (!a.block_allowed or e.flow_level > 0 or context.simple_key)) style = .double_quoted;

        try e.increaseIndent(true, false);
        const allow_breaks = !context.simple_key;
        switch (style) {
            .plain => try e.writePlain(value, allow_breaks),
            .single_quoted => try e.writeSingleQuoted(value, allow_breaks),
            .double_quoted => try e.writeDoubleQuoted(value, allow_breaks),
            .literal => try e.writeLiteral(value),
        }
        e.popIndent();
    }

    fn writePlain(e: *Emitter, value: []const u8, allow_breaks: bool) std.Io.Writer.Error!void {
        if (!e.whitespace) try e.put(' ');
        var spaces = false;
        var breaks = false;
        var i: usize = 0;
        while (i < value.len) {
            if (value[i] == ' ') {
                if (allow_breaks and !spaces and e.column > best_width and !isSpaceAt(value, i + 1)) {
                    try e.writeIndent();
                    i += 1;
                } else {
                    try e.write(value, &i);
                }
                spaces = true;
            } else if (isBreakAt(value, i)) {
                if (!breaks and value[i] == '\n') try e.putBreak();
                try e.writeBreak(value, &i);
                e.indention = true;
                breaks = true;
            } else {
                if (breaks) try e.writeIndent();
                try e.write(value, &i);
                e.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        e.whitespace = false;
        e.indention = false;
    }

    fn writeSingleQuoted(e: *Emitter, value: []const u8, allow_breaks: bool) std.Io.Writer.Error!void {
        try e.writeIndicator("'", true, false, false);
        var spaces = false;
        var breaks = false;
        var i: usize = 0;
        while (i < value.len) {
            if (value[i] == ' ') {
                if (allow_breaks and !spaces and e.column > best_width and i > 0 and i < value.len - 1 and !isSpaceAt(value, i + 1)) {
                    try e.writeIndent();
                    i += 1;
                } else {
                    try e.write(value, &i);
                }
                spaces = true;
            } else if (isBreakAt(value, i)) {
                if (!breaks and value[i] == '\n') try e.putBreak();
                try e.writeBreak(value, &i);
                e.indention = true;
                breaks = true;
            } else {
                if (breaks) try e.writeIndent();
                if (value[i] == '\'') try e.put('\'');
                try e.write(value, &i);
                e.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        try e.writeIndicator("'", false, false, false);
        e.whitespace = false;
        e.indention = false;
    }

    fn writeDoubleQuoted(e: *Emitter, value: []const u8, allow_breaks: bool) std.Io.Writer.Error!void {
        try e.writeIndicator("\"", true, false, false);
        var spaces = false;
        // libyaml tests for a BOM at the start of the value, not at each character.
        const bom = startsWithBom(value);
        var i: usize = 0;
        while (i < value.len) {
            const c = value[i];
            if (!isPrintableAt(value, i) or bom or isBreakAt(value, i) or c == '"' or c == '\\') {
                const w = charWidth(c);
                const code: u32 = std.unicode.utf8Decode(value[i..][0..w]) catch 0xFFFD;
                i += w;
                try e.put('\\');
                switch (code) {
                    0x00 => try e.put('0'),
                    0x07 => try e.put('a'),
                    0x08 => try e.put('b'),
                    0x09 => try e.put('t'),
                    0x0A => try e.put('n'),
                    0x0B => try e.put('v'),
                    0x0C => try e.put('f'),
                    0x0D => try e.put('r'),
                    0x1B => try e.put('e'),
                    0x22 => try e.put('"'),
                    0x5C => try e.put('\\'),
                    0x85 => try e.put('N'),
                    0xA0 => try e.put('_'),
                    0x2028 => try e.put('L'),
                    0x2029 => try e.put('P'),
                    else => {
                        const digits: u5, const letter: u8 = if (code <= 0xFF) .{ 2, 'x' } else if (code <= 0xFFFF) .{ 4, 'u' } else .{ 8, 'U' };
                        try e.put(letter);
                        var k: u5 = digits;
                        while (k > 0) {
                            k -= 1;
                            const digit: u8 = @intCast((code >> (k * 4)) & 0xF);
                            try e.put(if (digit < 10) '0' + digit else 'A' + digit - 10);
                        }
                    },
                }
                spaces = false;
            } else if (c == ' ') {
                if (allow_breaks and !spaces and e.column > best_width and i > 0 and i < value.len - 1) {
                    try e.writeIndent();
                    if (isSpaceAt(value, i + 1)) try e.put('\\');
                    i += 1;
                } else {
                    try e.write(value, &i);
                }
                spaces = true;
            } else {
                try e.write(value, &i);
                spaces = false;
            }
        }
        try e.writeIndicator("\"", false, false, false);
        e.whitespace = false;
        e.indention = false;
    }

    fn writeLiteral(e: *Emitter, value: []const u8) std.Io.Writer.Error!void {
        try e.writeIndicator("|", true, false, false);
        // Block scalar hints: indentation when the text starts with a space
        // or break, chomping from how it ends.
        if (isSpaceAt(value, 0) or isBreakAt(value, 0)) try e.writeIndicator(&.{'0' + best_indent}, false, false, false);
        var chomp: ?u8 = null;
        if (value.len == 0) {
            chomp = '-';
        } else {
            var i = value.len - 1;
            while (value[i] & 0xC0 == 0x80) i -= 1;
            if (!isBreakAt(value, i)) {
                chomp = '-';
            } else if (i == 0) {
                chomp = '+';
            } else {
                i -= 1;
                while (value[i] & 0xC0 == 0x80) i -= 1;
                if (isBreakAt(value, i)) chomp = '+';
            }
        }
        if (chomp) |c| try e.writeIndicator(&.{c}, false, false, false);
        try e.putBreak();
        e.indention = true;
        e.whitespace = true;
        var breaks = true;
        var i: usize = 0;
        while (i < value.len) {
            if (isBreakAt(value, i)) {
                try e.writeBreak(value, &i);
                e.indention = true;
                breaks = true;
            } else {
                if (breaks) try e.writeIndent();
                try e.write(value, &i);
                e.indention = false;
                breaks = false;
            }
        }
    }
};

fn charWidth(c: u8) usize {
    if (c & 0x80 == 0) return 1;
    if (c & 0xE0 == 0xC0) return 2;
    if (c & 0xF0 == 0xE0) return 3;
    if (c & 0xF8 == 0xF0) return 4;
    return 1;
}

fn byteAt(s: []const u8, i: usize) u8 {
    return if (i < s.len) s[i] else 0;
}

fn isSpaceAt(s: []const u8, i: usize) bool {
    return byteAt(s, i) == ' ';
}

fn isBreakAt(s: []const u8, i: usize) bool {
    const c = byteAt(s, i);
    return c == '\r' or c == '\n' or
        (c == 0xC2 and byteAt(s, i + 1) == 0x85) or
        (c == 0xE2 and byteAt(s, i + 1) == 0x80 and (byteAt(s, i + 2) == 0xA8 or byteAt(s, i + 2) == 0xA9));
}

fn isBlankZAt(s: []const u8, i: usize) bool {
    const c = byteAt(s, i);
    return c == ' ' or c == '\t' or c == 0 or isBreakAt(s, i);
}

fn startsWithBom(s: []const u8) bool {
    return s.len >= 3 and s[0] == 0xEF and s[1] == 0xBB and s[2] == 0xBF;
}

/// libyaml's is_printable, byte-pattern based: it excludes all 4-byte
/// characters (so emoji are escaped) and U+FEFF.
fn isPrintableAt(s: []const u8, i: usize) bool {
    const c = byteAt(s, i);
    const c1 = byteAt(s, i + 1);
    const c2 = byteAt(s, i + 2);
    return c == 0x0A or (c >= 0x20 and c <= 0x7E) or
        (c == 0xC2 and c1 >= 0xA0) or (c > 0xC2 and c < 0xED) or
        (c == 0xED and c1 < 0xA0) or c == 0xEE or
        (c == 0xEF and !(c1 == 0xBB and c2 == 0xBF) and !(c1 == 0xBF and (c2 == 0xBE or c2 == 0xBF)));
}

/// libyaml's analyze_scalar: which styles can carry the text.
fn analyze(value: []const u8) Analysis {
    if (value.len == 0) {
        return .{ .multiline = false, .flow_plain_allowed = false, .block_plain_allowed = true, .single_quoted_allowed = true, .block_allowed = false };
    }
    var block_indicators = false;
    var flow_indicators = false;
    var line_breaks = false;
    var special_characters = false;
    var leading_space = false;
    var leading_break = false;
    var trailing_space = false;
    var trailing_break = false;
    var break_space = false;
    var space_break = false;
    var previous_space = false;
    var previous_break = false;
    if (value.len >= 3 and (std.mem.startsWith(u8, value, "---") or std.mem.startsWith(u8, value, "..."))) {
        block_indicators = true;
        flow_indicators = true;
    }
    var preceded_by_whitespace = true;
    var i: usize = 0;
    while (i < value.len) {
        const w = charWidth(value[i]);
        const followed_by_whitespace = i + w >= value.len or isBlankZAt(value, i + w);
        const c = value[i];
        if (i == 0) {
            switch (c) {
                '#', ',', '[', ']', '{', '}', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`' => {
                    flow_indicators = true;
                    block_indicators = true;
                },
                '?', ':' => {
                    flow_indicators = true;
                    if (followed_by_whitespace) block_indicators = true;
                },
                '-' => if (followed_by_whitespace) {
                    flow_indicators = true;
                    block_indicators = true;
                },
                else => {},
            }
        } else {
            switch (c) {
                ',', '?', '[', ']', '{', '}' => flow_indicators = true,
                ':' => {
                    flow_indicators = true;
                    if (followed_by_whitespace) block_indicators = true;
                },
                '#' => if (preceded_by_whitespace) {
                    flow_indicators = true;
                    block_indicators = true;
                },
                else => {},
            }
        }
        if (!isPrintableAt(value, i)) special_characters = true;
        if (c == ' ') {
            if (i == 0) leading_space = true;
            if (i + w == value.len) trailing_space = true;
            if (previous_break) break_space = true;
            previous_space = true;
            previous_break = false;
        } else if (isBreakAt(value, i)) {
            line_breaks = true;
            if (i == 0) leading_break = true;
            if (i + w == value.len) trailing_break = true;
            if (previous_space) space_break = true;
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = isBlankZAt(value, i);
        i += w;
    }
    var a: Analysis = .{ .multiline = line_breaks };
    if (leading_space or leading_break or trailing_space or trailing_break) {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
    }
    if (trailing_space) a.block_allowed = false;
    if (break_space) {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if (space_break or special_characters) {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
        a.block_allowed = false;
    }
    if (line_breaks) {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
    }
    if (flow_indicators) a.flow_plain_allowed = false;
    if (block_indicators) a.block_plain_allowed = false;
    return a;
}

// -- go-yaml's key order -----------------------------------------------------

fn keyLess(keys: []const Value, a: usize, b: usize) bool {
    return naturalLess(keys[a].string, keys[b].string);
}

fn decodeRunes(allocator: Allocator, s: []const u8) ![]u21 {
    var out: std.ArrayList(u21) = .empty;
    var i: usize = 0;
    while (i < s.len) {
        const w = std.unicode.utf8ByteSequenceLength(s[i]) catch 1;
        const r = if (i + w <= s.len) std.unicode.utf8Decode(s[i..][0..w]) catch 0xFFFD else 0xFFFD;
        try out.append(allocator, r);
        i += if (i + w <= s.len) w else 1;
    }
    return out.items;
}

/// Unicode letters are approximated: ASCII letters, and any non-ASCII
/// character outside the common punctuation and symbol blocks.
fn isLetter(r: u21) bool {
    if (r < 0x80) return std.ascii.isAlphabetic(@intCast(r));
    if (r < 0xC0) return r == 0xAA or r == 0xB5 or r == 0xBA;
    if (r == 0xD7 or r == 0xF7) return false;
    if (r >= 0x2000 and r <= 0x2BFF) return false;
    if (r >= 0x3000 and r <= 0x303F) return false;
    if (r >= 0xFF00 and r <= 0xFF20) return false;
    return true;
}

fn isDigit(r: u21) bool {
    return r >= '0' and r <= '9';
}

/// go-yaml's keyList.Less for two strings: letters before other
/// characters, digit runs compared by value.
pub fn naturalLess(a_text: []const u8, b_text: []const u8) bool {
    var buffer: [4096]u8 = undefined;
    var fba = std.heap.FixedBufferAllocator.init(&buffer);
    const a = decodeRunes(fba.allocator(), a_text) catch return std.mem.lessThan(u8, a_text, b_text);
    const b = decodeRunes(fba.allocator(), b_text) catch return std.mem.lessThan(u8, a_text, b_text);
    var i: usize = 0;
    while (i < a.len and i < b.len) : (i += 1) {
        if (a[i] == b[i]) continue;
        const al = isLetter(a[i]);
        const bl = isLetter(b[i]);
        if (al and bl) return a[i] < b[i];
        if (al or bl) return bl;
        var an: i64 = 0;
        var bn: i64 = 0;
        if (a[i] == '0' or b[i] == '0') {
            var j = i;
            while (j > 0) {
                j -= 1;
                if (!isDigit(a[j])) break;
                if (a[j] != '0') {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        var ai = i;
        while (ai < a.len and isDigit(a[ai])) : (ai += 1) an = an *% 10 +% (a[ai] - '0');
        var bi = i;
        while (bi < b.len and isDigit(b[bi])) : (bi += 1) bn = bn *% 10 +% (b[bi] - '0');
        if (an != bn) return an < bn;
        if (ai != bi) return ai < bi;
        return a[i] < b[i];
    }
    return a.len < b.len;
}

test "natural key order" {
    try std.testing.expect(naturalLess("a2", "a10"));
    try std.testing.expect(naturalLess("a", "b"));
    try std.testing.expect(naturalLess("_", "b"));
    try std.testing.expect(naturalLess("a1", "a01"));
    try std.testing.expect(naturalLess("ab", "abc"));
}
