//! The regular expression syntax tree, shaped as in Go's regexp/syntax: the
//! parser, simplifier and compiler all follow Go's tree so that the compiled
//! program (and with it every leftmost-first match and capture) is Go's.
const std = @import("std");

/// Ordered as Go's syntax.Op: the parser compares ops numerically.
pub const Op = enum(u8) {
    no_match = 1,
    empty_match,
    literal,
    char_class,
    any_char_not_nl,
    any_char,
    begin_line,
    end_line,
    begin_text,
    end_text,
    word_boundary,
    no_word_boundary,
    capture,
    star,
    plus,
    quest,
    repeat,
    concat,
    alternate,
    // Parse-stack markers, never in a finished tree.
    left_paren = 128,
    vertical_bar,

    pub fn isPseudo(op: Op) bool {
        return @intFromEnum(op) >= @intFromEnum(Op.left_paren);
    }
};

/// Parse mode and per-node flags (Go's syntax.Flags bits).
pub const Flags = u16;
pub const fold_case: Flags = 1;
pub const literal_flag: Flags = 2;
pub const class_nl: Flags = 4;
pub const dot_nl: Flags = 8;
pub const one_line: Flags = 16;
pub const non_greedy: Flags = 32;
pub const perl_x: Flags = 64;
pub const unicode_groups: Flags = 128;
pub const was_dollar: Flags = 256;
/// Go's syntax.Perl, the mode regexp.Compile uses.
pub const perl: Flags = class_nl | one_line | perl_x | unicode_groups;

pub const Node = struct {
    op: Op,
    flags: Flags = 0,
    subs: std.ArrayList(*Node) = .empty,
    /// Literal runes, or class ranges as [lo, hi] pairs.
    runes: std.ArrayList(u32) = .empty,
    min: i32 = 0,
    max: i32 = 0,
    cap: u32 = 0,
    name: []const u8 = "",

    // Parser bookkeeping, mirroring Go's size and height memo maps: the size
    // memo survives node reuse (as Go's map entry does), the height memo not.
    size_memo: ?i64 = null,
    height_memo: ?u32 = null,
    /// Free-list link while the node is unused.
    free_next: ?*Node = null,
    /// Compiled class ranges, shared by every copy simplification makes.
    class_id: ?u32 = null,

    pub fn sub0(node: *const Node) *Node {
        return node.subs.items[0];
    }

    pub fn isCharClass(node: *const Node) bool {
        return (node.op == .literal and node.runes.items.len == 1) or
            node.op == .char_class or node.op == .any_char_not_nl or node.op == .any_char;
    }

    /// Structural equality (Go's Regexp.Equal).
    pub fn equal(x_opt: ?*const Node, y_opt: ?*const Node) bool {
        const x = x_opt orelse return y_opt == null;
        const y = y_opt orelse return false;
        if (x.op != y.op) return false;
        switch (x.op) {
            .end_text => if (x.flags & was_dollar != y.flags & was_dollar) return false,
            .literal, .char_class => return x.flags & fold_case == y.flags & fold_case and
                std.mem.eql(u32, x.runes.items, y.runes.items),
            .alternate, .concat => {
                if (x.subs.items.len != y.subs.items.len) return false;
                for (x.subs.items, y.subs.items) |a, b| if (!equal(a, b)) return false;
            },
            .star, .plus, .quest => if (x.flags & non_greedy != y.flags & non_greedy or
                !equal(x.sub0(), y.sub0())) return false,
            .repeat => if (x.flags & non_greedy != y.flags & non_greedy or x.min != y.min or
                x.max != y.max or !equal(x.sub0(), y.sub0())) return false,
            .capture => if (x.cap != y.cap or !std.mem.eql(u8, x.name, y.name) or
                !equal(x.sub0(), y.sub0())) return false,
            else => {},
        }
        return true;
    }

    /// Highest capture index in the tree (Go's MaxCap).
    pub fn maxCap(node: *const Node) u32 {
        var m: u32 = if (node.op == .capture) node.cap else 0;
        for (node.subs.items) |sub| m = @max(m, sub.maxCap());
        return m;
    }

    /// Fills names[cap] for every capture (Go's CapNames).
    pub fn capNames(node: *const Node, names: [][]const u8) void {
        if (node.op == .capture) names[node.cap] = node.name;
        for (node.subs.items) |sub| sub.capNames(names);
    }
};
