//! Builds the node tree of the first document of a YAML stream, as go-yaml
//! v2's parser does (libyaml's grammar, its error messages and marks):
//! anchors are recorded when their node starts, so an alias inside its own
//! anchor refers to it (the decoder reports that), and later documents are
//! never read.
const std = @import("std");
const assert = std.debug.assert;
const Allocator = std.mem.Allocator;
const errors = @import("errors.zig");
const scanner_mod = @import("scanner.zig");

const Scanner = scanner_mod.Scanner;
const Token = scanner_mod.Token;
const TokenType = scanner_mod.TokenType;
const Mark = errors.Mark;
const Diagnostic = errors.Diagnostic;
const Error = errors.Error;

pub const long_tag_prefix = "tag:yaml.org,2002:";

pub const Node = struct {
    kind: Kind,
    /// The resolved tag ("" when none was written).
    tag: []const u8 = "",
    /// Scalar text, or the anchor name of an alias.
    value: []const u8 = "",
    /// A plain scalar without a tag (or with `!`): its type comes from its text.
    implicit: bool = false,
    /// Sequence items, or mapping keys and values alternating.
    children: []const *Node = &.{},
    /// The node an alias refers to.
    target: ?*const Node = null,
    /// 0-based, as go-yaml keeps it.
    line: usize = 0,

    pub const Kind = enum { scalar, sequence, mapping, alias };
};

const TagDirective = struct { handle: []const u8, prefix: []const u8 };

pub const Parser = struct {
    allocator: Allocator,
    scanner: Scanner,
    diagnostic: *Diagnostic,
    tag_directives: std.ArrayList(TagDirective) = .empty,
    anchors: std.StringHashMapUnmanaged(*Node) = .empty,
    depth: usize = 0,

    /// `padded` as for Scanner.init; `allocator` should be an arena.
    pub fn init(allocator: Allocator, padded: []const u8, diagnostic: *Diagnostic) Parser {
        return .{
            .allocator = allocator,
            .scanner = .init(allocator, padded, diagnostic),
            .diagnostic = diagnostic,
        };
    }

    /// The root node of the first document, or null for an empty stream.
    pub fn parseFirstDocument(p: *Parser) Error!?*Node {
        const first = try p.scanner.peek();
        if (first.type != .stream_start) {
            return p.diagnostic.set(.parser, first.start_mark, .{}, "did not find expected <stream-start>", .{});
        }
        p.scanner.skipToken();

        var token = try p.scanner.peek();
        // Explicit document ends before the first document are skipped... only
        // when the document is not implicit; libyaml does this for later ones.
        switch (token.type) {
            .stream_end => return null,
            .version_directive, .tag_directive, .document_start => {
                try p.processDirectives();
                token = try p.scanner.peek();
                if (token.type != .document_start) {
                    return p.diagnostic.set(.parser, token.start_mark, .{}, "did not find expected <document start>", .{});
                }
                p.scanner.skipToken();
                token = try p.scanner.peek();
                switch (token.type) {
                    .version_directive, .tag_directive, .document_start, .document_end, .stream_end => {
                        return p.emptyScalar(token.start_mark);
                    },
                    else => {},
                }
            },
            else => {},
        }
        const root = try p.parseNode(true, false);
        // Reading the document's end peeks one more token, as go-yaml does.
        _ = try p.scanner.peek();
        return root;
    }

    fn processDirectives(p: *Parser) Error!void {
        var seen_version = false;
        while (true) {
            const token = try p.scanner.peek();
            switch (token.type) {
                .version_directive => {
                    if (seen_version) {
                        return p.diagnostic.set(.parser, token.start_mark, .{}, "found duplicate %YAML directive", .{});
                    }
                    seen_version = true;
                },
                .tag_directive => {
                    for (p.tag_directives.items) |d| {
                        if (std.mem.eql(u8, d.handle, token.value)) {
                            return p.diagnostic.set(.parser, token.start_mark, .{}, "found duplicate %TAG directive", .{});
                        }
                    }
                    try p.tag_directives.append(p.allocator, .{ .handle = token.value, .prefix = token.suffix });
                },
                else => return,
            }
            p.scanner.skipToken();
        }
    }

    fn newNode(p: *Parser, node: Node) Error!*Node {
        const n = try p.allocator.create(Node);
        n.* = node;
        return n;
    }

    fn emptyScalar(p: *Parser, mark: Mark) Error!*Node {
        return p.newNode(.{ .kind = .scalar, .implicit = true, .line = mark.line });
    }

    fn resolveTag(p: *Parser, handle: []const u8, suffix: []const u8, start: Mark, tag_mark: Mark) Error![]const u8 {
        if (handle.len == 0) return suffix;
        for (p.tag_directives.items) |d| {
            if (std.mem.eql(u8, d.handle, handle)) return std.mem.concat(p.allocator, u8, &.{ d.prefix, suffix });
        }
        if (std.mem.eql(u8, handle, "!")) return std.mem.concat(p.allocator, u8, &.{ "!", suffix });
        if (std.mem.eql(u8, handle, "!!")) return std.mem.concat(p.allocator, u8, &.{ long_tag_prefix, suffix });
        return p.diagnostic.set(.parser, tag_mark, start, "found undefined tag handle", .{});
    }

    /// libyaml's parse_node: properties, then a scalar, a collection, or an
    /// empty scalar when only properties were given.
    fn parseNode(p: *Parser, block: bool, indentless_sequence: bool) Error!*Node {
        var token = try p.scanner.peek();
        if (token.type == .alias) {
            const name = token.value;
            const target = p.anchors.get(name) orelse return p.diagnostic.fail("unknown anchor '{s}' referenced", .{name});
            const node = try p.newNode(.{ .kind = .alias, .value = name, .target = target, .line = token.start_mark.line });
            p.scanner.skipToken();
            return node;
        }

        const start_mark = token.start_mark;
        var anchor: ?[]const u8 = null;
        var tag_handle: ?[]const u8 = null;
        var tag_suffix: []const u8 = "";
        var tag_mark = start_mark;
        if (token.type == .anchor) {
            anchor = token.value;
            p.scanner.skipToken();
            token = try p.scanner.peek();
            if (token.type == .tag) {
                tag_handle = token.value;
                tag_suffix = token.suffix;
                tag_mark = token.start_mark;
                p.scanner.skipToken();
                token = try p.scanner.peek();
            }
        } else if (token.type == .tag) {
            tag_handle = token.value;
            tag_suffix = token.suffix;
            tag_mark = token.start_mark;
            p.scanner.skipToken();
            token = try p.scanner.peek();
            if (token.type == .anchor) {
                anchor = token.value;
                p.scanner.skipToken();
                token = try p.scanner.peek();
            }
        }
        var tag: []const u8 = "";
        if (tag_handle) |handle| tag = try p.resolveTag(handle, tag_suffix, start_mark, tag_mark);
        const line = start_mark.line;

        if (indentless_sequence and token.type == .block_entry) {
            const node = try p.newNode(.{ .kind = .sequence, .tag = tag, .line = line });
            try p.setAnchor(anchor, node);
            try p.parseIndentlessSequence(node);
            return node;
        }
        switch (token.type) {
            .scalar => {
                const plain_implicit = (tag.len == 0 and token.style == .plain) or std.mem.eql(u8, tag, "!");
                const node = try p.newNode(.{ .kind = .scalar, .tag = tag, .value = token.value, .implicit = plain_implicit, .line = line });
                try p.setAnchor(anchor, node);
                p.scanner.skipToken();
                return node;
            },
            .flow_sequence_start => {
                const node = try p.newNode(.{ .kind = .sequence, .tag = tag, .line = line });
                try p.setAnchor(anchor, node);
                try p.parseFlowSequence(node);
                return node;
            },
            .flow_mapping_start => {
                const node = try p.newNode(.{ .kind = .mapping, .tag = tag, .line = line });
                try p.setAnchor(anchor, node);
                try p.parseFlowMapping(node);
                return node;
            },
            .block_sequence_start => if (block) {
                const node = try p.newNode(.{ .kind = .sequence, .tag = tag, .line = line });
                try p.setAnchor(anchor, node);
                try p.parseBlockSequence(node);
                return node;
            },
            .block_mapping_start => if (block) {
                const node = try p.newNode(.{ .kind = .mapping, .tag = tag, .line = line });
                try p.setAnchor(anchor, node);
                try p.parseBlockMapping(node);
                return node;
            },
            else => {},
        }
        if (anchor != null or tag_handle != null) {
            const node = try p.newNode(.{ .kind = .scalar, .tag = tag, .implicit = tag.len == 0, .line = line });
            try p.setAnchor(anchor, node);
            return node;
        }
        return p.diagnostic.set(.parser, token.start_mark, start_mark, "did not find expected node content", .{});
    }

    fn setAnchor(p: *Parser, anchor: ?[]const u8, node: *Node) Error!void {
        if (anchor) |name| try p.anchors.put(p.allocator, name, node);
    }

    fn enter(p: *Parser, mark: Mark) Error!void {
        p.depth += 1;
        if (p.depth > scanner_mod.max_depth) {
            return p.diagnostic.set(.parser, mark, .{}, "exceeded max depth of {d}", .{scanner_mod.max_depth});
        }
    }

    fn child(p: *Parser, list: *std.ArrayList(*Node), block: bool, indentless: bool) Error!void {
        try list.append(p.allocator, try p.parseNode(block, indentless));
    }

    fn empty(p: *Parser, list: *std.ArrayList(*Node), mark: Mark) Error!void {
        try list.append(p.allocator, try p.emptyScalar(mark));
    }

    fn parseBlockSequence(p: *Parser, node: *Node) Error!void {
        const start = (try p.scanner.peek()).start_mark;
        try p.enter(start);
        p.scanner.skipToken();
        var items: std.ArrayList(*Node) = .empty;
        while (true) {
            const token = try p.scanner.peek();
            switch (token.type) {
                .block_entry => {
                    const mark = token.end_mark;
                    p.scanner.skipToken();
                    const next = try p.scanner.peek();
                    if (next.type != .block_entry and next.type != .block_end) {
                        try p.child(&items, true, false);
                    } else {
                        try p.empty(&items, mark);
                    }
                },
                .block_end => {
                    p.scanner.skipToken();
                    break;
                },
                else => return p.diagnostic.set(.parser, token.start_mark, start, "did not find expected '-' indicator", .{}),
            }
        }
        node.children = items.items;
        p.depth -= 1;
    }

    fn parseIndentlessSequence(p: *Parser, node: *Node) Error!void {
        try p.enter((try p.scanner.peek()).start_mark);
        var items: std.ArrayList(*Node) = .empty;
        while (true) {
            const token = try p.scanner.peek();
            if (token.type != .block_entry) break;
            const mark = token.end_mark;
            p.scanner.skipToken();
            const next = try p.scanner.peek();
            switch (next.type) {
                .block_entry, .key, .value, .block_end => try p.empty(&items, mark),
                else => try p.child(&items, true, false),
            }
        }
        node.children = items.items;
        p.depth -= 1;
    }

    fn parseBlockMapping(p: *Parser, node: *Node) Error!void {
        const start = (try p.scanner.peek()).start_mark;
        try p.enter(start);
        p.scanner.skipToken();
        var items: std.ArrayList(*Node) = .empty;
        while (true) {
            var token = try p.scanner.peek();
            switch (token.type) {
                .key => {
                    const mark = token.end_mark;
                    p.scanner.skipToken();
                    token = try p.scanner.peek();
                    switch (token.type) {
                        .key, .value, .block_end => try p.empty(&items, mark),
                        else => try p.child(&items, true, true),
                    }
                },
                .block_end => {
                    p.scanner.skipToken();
                    break;
                },
                else => return p.diagnostic.set(.parser, token.start_mark, start, "did not find expected key", .{}),
            }
            // The value.
            token = try p.scanner.peek();
            if (token.type == .value) {
                const mark = token.end_mark;
                p.scanner.skipToken();
                token = try p.scanner.peek();
                switch (token.type) {
                    .key, .value, .block_end => try p.empty(&items, mark),
                    else => try p.child(&items, true, true),
                }
            } else {
                try p.empty(&items, token.start_mark);
            }
        }
        node.children = items.items;
        p.depth -= 1;
    }

    fn parseFlowSequence(p: *Parser, node: *Node) Error!void {
        const start = (try p.scanner.peek()).start_mark;
        try p.enter(start);
        p.scanner.skipToken();
        var items: std.ArrayList(*Node) = .empty;
        var first = true;
        while (true) : (first = false) {
            var token = try p.scanner.peek();
            if (token.type == .flow_sequence_end) break;
            if (!first) {
                if (token.type != .flow_entry) {
                    return p.diagnostic.set(.parser, token.start_mark, start, "did not find expected ',' or ']'", .{});
                }
                p.scanner.skipToken();
                token = try p.scanner.peek();
                if (token.type == .flow_sequence_end) break;
            }
            if (token.type == .key) {
                // `[a: b]`: a single-pair mapping.
                const pair = try p.newNode(.{ .kind = .mapping, .line = token.start_mark.line });
                var pair_items: std.ArrayList(*Node) = .empty;
                const key_mark = token.end_mark;
                p.scanner.skipToken();
                token = try p.scanner.peek();
                switch (token.type) {
                    .value, .flow_entry, .flow_sequence_end => try p.empty(&pair_items, key_mark),
                    else => try p.child(&pair_items, false, false),
                }
                token = try p.scanner.peek();
                if (token.type == .value) {
                    const mark = token.end_mark;
                    p.scanner.skipToken();
                    token = try p.scanner.peek();
                    switch (token.type) {
                        .flow_entry, .flow_sequence_end => try p.empty(&pair_items, mark),
                        else => try p.child(&pair_items, false, false),
                    }
                } else {
                    try p.empty(&pair_items, token.start_mark);
                }
                pair.children = pair_items.items;
                try items.append(p.allocator, pair);
            } else {
                try p.child(&items, false, false);
            }
        }
        p.scanner.skipToken();
        node.children = items.items;
        p.depth -= 1;
    }

    fn parseFlowMapping(p: *Parser, node: *Node) Error!void {
        const start = (try p.scanner.peek()).start_mark;
        try p.enter(start);
        p.scanner.skipToken();
        var items: std.ArrayList(*Node) = .empty;
        var first = true;
        while (true) : (first = false) {
            var token = try p.scanner.peek();
            if (token.type == .flow_mapping_end) break;
            if (!first) {
                if (token.type != .flow_entry) {
                    return p.diagnostic.set(.parser, token.start_mark, start, "did not find expected ',' or '}}'", .{});
                }
                p.scanner.skipToken();
                token = try p.scanner.peek();
                if (token.type == .flow_mapping_end) break;
            }
            if (token.type == .key) {
                const key_mark = token.end_mark;
                p.scanner.skipToken();
                token = try p.scanner.peek();
                switch (token.type) {
                    .value, .flow_entry, .flow_mapping_end => try p.empty(&items, key_mark),
                    else => try p.child(&items, false, false),
                }
                // The value.
                token = try p.scanner.peek();
                if (token.type == .value) {
                    const mark = token.end_mark;
                    p.scanner.skipToken();
                    token = try p.scanner.peek();
                    switch (token.type) {
                        .flow_entry, .flow_mapping_end => try p.empty(&items, mark),
                        else => try p.child(&items, false, false),
                    }
                } else {
                    try p.empty(&items, token.start_mark);
                }
            } else {
                // `{a}`: a key with an empty value.
                try p.child(&items, false, false);
                try p.empty(&items, (try p.scanner.peek()).start_mark);
            }
        }
        p.scanner.skipToken();
        node.children = items.items;
        p.depth -= 1;
    }
};

fn parseText(arena: Allocator, text: []const u8, d: *Diagnostic) Error!?*Node {
    const padded = try std.mem.concat(arena, u8, &.{ text, "\x00\x00\x00\x00" });
    var p: Parser = .init(arena, padded, d);
    return p.parseFirstDocument();
}

test "block and flow structure" {
    var arena: std.heap.ArenaAllocator = .init(std.testing.allocator);
    defer arena.deinit();
    var d: Diagnostic = .{};
    const root = (try parseText(arena.allocator(), "a: [1, {b: c}]\nd:\n- x\n- &y z\ne: *y\n", &d)).?;
    try std.testing.expectEqual(Node.Kind.mapping, root.kind);
    try std.testing.expectEqual(@as(usize, 6), root.children.len);
    try std.testing.expectEqual(Node.Kind.sequence, root.children[3].kind);
    try std.testing.expectEqual(Node.Kind.alias, root.children[5].kind);
    try std.testing.expectEqualStrings("z", root.children[5].target.?.value);
}

test "errors carry go-yaml's marks" {
    var arena: std.heap.ArenaAllocator = .init(std.testing.allocator);
    defer arena.deinit();
    var d: Diagnostic = .{};
    try std.testing.expectError(error.Yaml, parseText(arena.allocator(), "[1,2,3", &d));
    var buffer: [200]u8 = undefined;
    var w: std.Io.Writer = .fixed(&buffer);
    try d.format(&w);
    try std.testing.expectEqualStrings("yaml: line 1: did not find expected ',' or ']'", w.buffered());
}
