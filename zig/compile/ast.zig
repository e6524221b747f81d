//! The Rego abstract syntax tree, shaped like OPA's (v1/ast/policy.go,
//! term.go) so that later stages can follow OPA's compiler and evaluator
//! closely: infix operators are calls to builtins named as OPA names them
//! (`x + 1` is `plus(x, 1)`), dotted fields are string terms in refs, rule
//! heads are in OPA's normalised form.
//!
//! Nodes are plain values in slices; nothing owns memory. The parser builds a
//! tree into the allocator it is given (an arena) and the tree lives as long
//! as that arena.
const std = @import("std");
const assert = std.debug.assert;

pub const FileId = u32;

/// A byte range of the source.
pub const Span = struct {
    start: u32,
    end: u32,
};

/// Where a node came from. `row`/`col` (1-based; columns count runes) and
/// `offset` mark the node's position as OPA reports it; `text` is the source
/// range OPA attaches to the node, which for some nodes starts elsewhere (the
/// call `(1 + 2)` sits at `1` but its text includes the parentheses).
pub const Location = struct {
    file: FileId,
    row: u32,
    col: u32,
    offset: u32,
    text: Span,

    /// For nodes OPA leaves without a location (e.g. the `true` of `p if {}`).
    pub const none: Location = .{ .file = 0, .row = 0, .col = 0, .offset = 0, .text = .{ .start = 0, .end = 0 } };

    pub fn isNone(location: Location) bool {
        return location.row == 0;
    }

    pub fn textIn(location: Location, source: []const u8) []const u8 {
        const start = @min(location.text.start, source.len);
        const end = @min(@max(location.text.end, location.text.start), source.len);
        return source[start..end];
    }

    /// The same position with its text widened or narrowed to `[start, end)`.
    pub fn withText(location: Location, start: u32, end: u32) Location {
        var result = location;
        result.text = .{ .start = start, .end = @max(start, end) };
        return result;
    }
};

pub const Term = struct {
    value: TermValue,
    location: Location,

    pub fn isGround(term: Term) bool {
        return term.value.isGround();
    }

    /// OPA's `Term.String()` (used in its error messages), except that sets
    /// and objects print in source order rather than sorted.
    pub fn format(term: Term, writer: *std.Io.Writer) std.Io.Writer.Error!void {
        return printer.term(writer, term, 0);
    }
};

pub const ObjectItem = struct {
    key: Term,
    value: Term,
};

pub const TermValue = union(enum) {
    null,
    boolean: bool,
    /// The literal text as OPA keeps it: `1.0` stays `1.0`, `-1` and `.5`
    /// come from a sign or dot token joined with the digits.
    number: []const u8,
    /// Unescaped UTF-8.
    string: []const u8,
    /// Interned; `_` becomes a fresh `$N` per occurrence, as in OPA.
    variable: []const u8,
    /// `ref[0]` is the head (a var, or a composite/call for `[1][0]`,
    /// `f(x).y`); the rest are the path terms (dotted fields are strings).
    ref: []const Term,
    array: []const Term,
    /// Items as written; duplicates are kept (OPA merges them at construction).
    object: []const ObjectItem,
    /// Items as written; duplicates are kept.
    set: []const Term,
    array_comprehension: *const Comprehension,
    set_comprehension: *const Comprehension,
    object_comprehension: *const ObjectComprehension,
    /// `call[0]` is the operator (a ref term), the rest are the arguments.
    call: []const Term,
    template_string: *const TemplateString,

    /// OPA's `ValueName`, used in error messages.
    pub fn name(value: TermValue) []const u8 {
        return switch (value) {
            .null => "null",
            .boolean => "boolean",
            .number => "number",
            .string => "string",
            .variable => "var",
            .ref => "ref",
            .array => "array",
            .object => "object",
            .set => "set",
            .array_comprehension => "arraycomprehension",
            .set_comprehension => "setcomprehension",
            .object_comprehension => "objectcomprehension",
            .call => "call",
            .template_string => "templatestring",
        };
    }

    pub fn isScalar(value: TermValue) bool {
        return switch (value) {
            .null, .boolean, .number, .string => true,
            else => false,
        };
    }

    /// OPA's `IsGround`: no variables anywhere. A ref's head does not count
    /// (refs are checked by their path).
    pub fn isGround(value: TermValue) bool {
        return switch (value) {
            .null, .boolean, .number, .string => true,
            .variable, .array_comprehension, .set_comprehension, .object_comprehension => false,
            .call, .template_string => false,
            .ref => |ref| allGround(ref[1..]),
            .array, .set => |items| allGround(items),
            .object => |items| {
                for (items) |item| {
                    if (!item.key.isGround() or !item.value.isGround()) return false;
                }
                return true;
            },
        };
    }

    /// A ref or call operator spelled as `name` (`"plus"`, `"internal.member_2"`).
    pub fn isRefNamed(value: TermValue, dotted: []const u8) bool {
        const ref = switch (value) {
            .ref => |ref| ref,
            else => return false,
        };
        if (ref.len == 0) return false;
        var rest = dotted;
        for (ref, 0..) |term, i| {
            const segment = switch (term.value) {
                .variable => |v| if (i == 0) v else return false,
                .string => |s| if (i > 0) s else return false,
                else => return false,
            };
            if (i > 0) {
                if (rest.len == 0 or rest[0] != '.') return false;
                rest = rest[1..];
            }
            if (!std.mem.startsWith(u8, rest, segment)) return false;
            rest = rest[segment.len..];
        }
        return rest.len == 0;
    }
};

fn allGround(terms: []const Term) bool {
    for (terms) |term| {
        if (!term.isGround()) return false;
    }
    return true;
}

pub const Comprehension = struct {
    term: Term,
    body: Body,
};

pub const ObjectComprehension = struct {
    key: Term,
    value: Term,
    body: Body,
};

pub const TemplateString = struct {
    /// Backtick form: no escapes except `\{`, newlines allowed.
    multi_line: bool,
    /// Literal pieces and embedded expressions in source order; empty
    /// literal pieces are dropped, as in OPA.
    parts: []const TemplatePart,
};

pub const TemplatePart = union(enum) {
    /// A literal piece, or an embedded scalar (`{42}`), which cannot be
    /// undefined.
    term: Term,
    /// Any other embedded expression; it may be undefined (`<undefined>`).
    expr: *const Expr,
};

pub const Body = []const Expr;

pub const Expr = struct {
    /// Position in the enclosing body.
    index: u32,
    negated: bool,
    location: Location,
    with: []const With,
    terms: ExprTerms,

    /// `x = y`, spelled either way (`eq(x, y)` too), as OPA's `IsEquality`.
    pub fn isEquality(expr: Expr) bool {
        return expr.isCallTo("eq");
    }

    pub fn isAssignment(expr: Expr) bool {
        return expr.isCallTo("assign");
    }

    pub fn isCallTo(expr: Expr, op: []const u8) bool {
        return switch (expr.terms) {
            .call => |call| blk: {
                const ref = switch (call[0].value) {
                    .ref => |ref| ref,
                    else => break :blk false,
                };
                break :blk ref.len == 1 and ref[0].value == .variable and
                    std.mem.eql(u8, ref[0].value.variable, op);
            },
            else => false,
        };
    }

    pub fn format(expr: Expr, writer: *std.Io.Writer) std.Io.Writer.Error!void {
        return printer.expr(writer, expr, 0);
    }

    pub fn operands(expr: Expr) []const Term {
        return switch (expr.terms) {
            .call => |call| call[1..],
            else => &.{},
        };
    }
};

/// OPA's `Body.String()`: expressions joined by "; ".
pub fn formatBody(body: Body) std.fmt.Alt(Body, printer.bodyAlt) {
    return .{ .data = body };
}

pub const ExprTerms = union(enum) {
    /// A bare term: `x`, `input.allowed`, `{1}`.
    term: Term,
    /// A call: `[operator, args...]`; infix forms included (`x == 1`).
    call: []const Term,
    some: SomeDecl,
    every: *const Every,
    /// `not { ... }` / `not (a or b)`: only after `import future.keywords.not`.
    /// A plain `not x` is an expression with `negated` set.
    not: *const Not,
    /// Experimental `and` / `or` (conformance suite `experimental_keywords`).
    logical_and: *const Logical,
    logical_or: *const Logical,
};

pub const SomeDecl = struct {
    /// Vars for `some x, y`; a single `internal.member_2/3` call for
    /// `some x in xs` / `some k, v in xs`.
    symbols: []const Term,
    location: Location,
};

pub const Every = struct {
    key: ?Term,
    value: Term,
    domain: Term,
    body: Body,
    location: Location,
};

pub const Not = struct {
    body: Body,
    /// Written with braces: `not { ... }`.
    explicit_body: bool,
    location: Location,
};

pub const Logical = struct {
    lhs: Body,
    rhs: Body,
    explicit_lhs: bool,
    explicit_rhs: bool,
    location: Location,
};

pub const With = struct {
    target: Term,
    value: Term,
    location: Location,
};

pub const Package = struct {
    /// A ref starting with the var `data`: `package a.b` is `data.a.b`.
    path: []const Term,
    location: Location,
};

pub const Import = struct {
    /// A ref term (`data.x`, `input`, `future.keywords.in`, `rego.v1`).
    path: Term,
    alias: ?[]const u8,
    location: Location,
};

pub const Head = struct {
    /// Set for single-segment heads (`p`, `f(x)`) and for `p[x]`-style
    /// partial heads, as OPA does; empty otherwise.
    name: []const u8,
    /// The rule's ref: `[p]`, `[a, "b", x, "c"]` for `a.b[x].c`.
    ref: []const Term,
    /// Function arguments; null when the rule is not a function.
    args: ?[]const Term,
    /// The key of `p contains x` (multi-value) and `p[x] := y` (partial object).
    key: ?Term,
    /// Null only for multi-value rules.
    value: ?Term,
    /// Declared with `:=` rather than `=`.
    assign: bool,
    location: Location,
    has_if: bool,
    has_contains: bool,
    /// The value is the implicit `true` of `p if { ... }`.
    generated_value: bool,

    pub fn kind(head: Head) RuleKind {
        if (head.value != null) return .single_value;
        assert(head.key != null);
        return .multi_value;
    }

    pub fn isFunction(head: Head) bool {
        return head.args != null and head.args.?.len > 0;
    }
};

pub const RuleKind = enum { single_value, multi_value };

pub const Rule = struct {
    default: bool,
    head: Head,
    body: Body,
    /// The next `else` branch, if any.
    else_rule: ?*const Rule,
    location: Location,
    /// The body is the implicit `true` of `p := 1`.
    generated_body: bool,
};

pub const Module = struct {
    file: FileId,
    package: Package,
    imports: []const Import,
    rules: []const Rule,
};

/// OPA's text rendering of terms and expressions (term_appenders.go,
/// policy_appenders.go).
const printer = struct {
    const Writer = std.Io.Writer;
    /// Deeper structure prints as "..."; messages stay short and the
    /// recursion bounded.
    const max_depth = 64;

    fn bodyAlt(body: Body, w: *Writer) Writer.Error!void {
        return bodyText(w, body, 0);
    }

    fn bodyText(w: *Writer, body: Body, depth: u32) Writer.Error!void {
        for (body, 0..) |e, i| {
            if (i > 0) try w.writeAll("; ");
            try expr(w, e, depth + 1);
        }
    }

    fn expr(w: *Writer, e: Expr, depth: u32) Writer.Error!void {
        if (depth > max_depth) return w.writeAll("...");
        if (e.negated) try w.writeAll("not ");
        switch (e.terms) {
            .term => |t| try term(w, t, depth + 1),
            .call => |call| {
                if (e.isEquality() and call.len == 3) {
                    try term(w, call[1], depth + 1);
                    try w.writeAll(" = ");
                    try term(w, call[2], depth + 1);
                } else {
                    try callText(w, call, depth);
                }
            },
            .some => |some| {
                try w.writeAll("some ");
                if (some.symbols.len == 1 and some.symbols[0].value == .call) {
                    const call = some.symbols[0].value.call;
                    if (call.len >= 3) {
                        try term(w, call[1], depth + 1);
                        try w.writeAll(if (call.len == 3) " in " else ", ");
                        try term(w, call[2], depth + 1);
                        if (call.len == 4) {
                            try w.writeAll(" in ");
                            try term(w, call[3], depth + 1);
                        }
                    }
                } else {
                    try terms(w, some.symbols, ", ", depth);
                }
            },
            .every => |every| {
                try w.writeAll("every ");
                if (every.key) |key| {
                    try term(w, key, depth + 1);
                    try w.writeAll(", ");
                }
                try term(w, every.value, depth + 1);
                try w.writeAll(" in ");
                try term(w, every.domain, depth + 1);
                try w.writeAll(" { ");
                try bodyText(w, every.body, depth + 1);
                try w.writeAll(" }");
            },
            .not => |not| {
                if (!not.explicit_body and not.body.len == 1) {
                    try w.writeAll("not ");
                    try bodyText(w, not.body, depth + 1);
                } else {
                    try w.writeAll("not {");
                    try bodyText(w, not.body, depth + 1);
                    try w.writeAll("}");
                }
            },
            inline .logical_and, .logical_or => |logical, tag| {
                try operand(w, logical.lhs, logical.explicit_lhs, depth + 1);
                try w.writeAll(if (tag == .logical_and) " and " else " or ");
                try operand(w, logical.rhs, logical.explicit_rhs, depth + 1);
            },
        }
        for (e.with) |with| {
            try w.writeAll(" with ");
            try term(w, with.target, depth + 1);
            try w.writeAll(" as ");
            try term(w, with.value, depth + 1);
        }
    }

    fn operand(w: *Writer, body: Body, explicit: bool, depth: u32) Writer.Error!void {
        if (!explicit and body.len == 1) {
            const nested = body[0].terms == .logical_and or body[0].terms == .logical_or;
            if (nested) try w.writeAll("(");
            try bodyText(w, body, depth + 1);
            if (nested) try w.writeAll(")");
            return;
        }
        try w.writeAll("{ ");
        try bodyText(w, body, depth + 1);
        try w.writeAll(" }");
    }

    fn terms(w: *Writer, items: []const Term, separator: []const u8, depth: u32) Writer.Error!void {
        for (items, 0..) |item, i| {
            if (i > 0) try w.writeAll(separator);
            try term(w, item, depth + 1);
        }
    }

    fn callText(w: *Writer, call: []const Term, depth: u32) Writer.Error!void {
        if (call.len == 0) return;
        try term(w, call[0], depth + 1);
        try w.writeAll("(");
        try terms(w, call[1..], ", ", depth);
        try w.writeAll(")");
    }

    fn term(w: *Writer, t: Term, depth: u32) Writer.Error!void {
        if (depth > max_depth) return w.writeAll("...");
        switch (t.value) {
            .null => try w.writeAll("null"),
            .boolean => |b| try w.writeAll(if (b) "true" else "false"),
            .number => |n| try w.writeAll(n),
            .string => |s| try quoted(w, s),
            .variable => |v| try w.writeAll(if (std.mem.startsWith(u8, v, "$")) "_" else v),
            .ref => |ref| try refText(w, ref, depth),
            .array => |items| {
                try w.writeAll("[");
                try terms(w, items, ", ", depth);
                try w.writeAll("]");
            },
            .set => |items| {
                if (items.len == 0) return w.writeAll("set()");
                try w.writeAll("{");
                try terms(w, items, ", ", depth);
                try w.writeAll("}");
            },
            .object => |items| {
                try w.writeAll("{");
                for (items, 0..) |item, i| {
                    if (i > 0) try w.writeAll(", ");
                    try term(w, item.key, depth + 1);
                    try w.writeAll(": ");
                    try term(w, item.value, depth + 1);
                }
                try w.writeAll("}");
            },
            .call => |call| try callText(w, call, depth),
            .array_comprehension => |c| {
                try w.writeAll("[");
                try term(w, c.term, depth + 1);
                try w.writeAll(" | ");
                try bodyText(w, c.body, depth + 1);
                try w.writeAll("]");
            },
            .set_comprehension => |c| {
                try w.writeAll("{");
                try term(w, c.term, depth + 1);
                try w.writeAll(" | ");
                try bodyText(w, c.body, depth + 1);
                try w.writeAll("}");
            },
            .object_comprehension => |c| {
                try w.writeAll("{");
                try term(w, c.key, depth + 1);
                try w.writeAll(": ");
                try term(w, c.value, depth + 1);
                try w.writeAll(" | ");
                try bodyText(w, c.body, depth + 1);
                try w.writeAll("}");
            },
            .template_string => |template| {
                try w.writeAll("$\"");
                for (template.parts) |part| switch (part) {
                    .term => |pt| if (pt.value == .string) {
                        for (pt.value.string) |c| {
                            if (c == '{') try w.writeAll("\\{") else try quotedByte(w, c);
                        }
                    } else try term(w, pt, depth + 1),
                    .expr => |pe| {
                        try w.writeAll("{");
                        try expr(w, pe.*, depth + 1);
                        try w.writeAll("}");
                    },
                };
                try w.writeAll("\"");
            },
        }
    }

    fn refText(w: *Writer, ref: []const Term, depth: u32) Writer.Error!void {
        if (ref.len == 0) return;
        switch (ref[0].value) {
            .string => |s| try w.writeAll(s),
            else => try term(w, ref[0], depth + 1),
        }
        for (ref[1..]) |segment| {
            switch (segment.value) {
                .string => |s| if (isVarCompatible(s) and !isKeyword(s)) {
                    try w.print(".{s}", .{s});
                } else {
                    try w.writeAll("[");
                    try quoted(w, s);
                    try w.writeAll("]");
                },
                else => {
                    try w.writeAll("[");
                    try term(w, segment, depth + 1);
                    try w.writeAll("]");
                },
            }
        }
    }

    /// Go's `strconv.Quote`, for the characters policies contain.
    fn quoted(w: *Writer, s: []const u8) Writer.Error!void {
        try w.writeAll("\"");
        for (s) |c| try quotedByte(w, c);
        try w.writeAll("\"");
    }

    fn quotedByte(w: *Writer, c: u8) Writer.Error!void {
        switch (c) {
            '"' => try w.writeAll("\\\""),
            '\\' => try w.writeAll("\\\\"),
            '\n' => try w.writeAll("\\n"),
            '\r' => try w.writeAll("\\r"),
            '\t' => try w.writeAll("\\t"),
            0x07 => try w.writeAll("\\a"),
            0x08 => try w.writeAll("\\b"),
            0x0B => try w.writeAll("\\v"),
            0x0C => try w.writeAll("\\f"),
            0...6, 0x0E...0x1F, 0x7F => try w.print("\\x{x:0>2}", .{c}),
            else => try w.writeByte(c),
        }
    }

    fn isVarCompatible(s: []const u8) bool {
        if (s.len == 0) return false;
        for (s, 0..) |c, i| {
            const letter = (c >= 'a' and c <= 'z') or (c >= 'A' and c <= 'Z') or c == '_';
            if (!letter and !(i > 0 and c >= '0' and c <= '9')) return false;
        }
        return true;
    }
};

/// Rego v1 keywords (OPA's `KeywordsV1`).
pub fn isKeyword(name: []const u8) bool {
    const keywords = [_][]const u8{
        "not",  "package", "import", "as", "default",  "else", "with",  "null",
        "true", "false",   "some",   "if", "contains", "in",   "every",
    };
    for (keywords) |keyword| {
        if (std.mem.eql(u8, name, keyword)) return true;
    }
    return false;
}

// ---------------------------------------------------------------------------
// Tests

const testing = std.testing;

fn testTerm(value: TermValue) Term {
    return .{ .value = value, .location = .none };
}

test "ast: isRefNamed" {
    const member: TermValue = .{ .ref = &.{
        testTerm(.{ .variable = "internal" }),
        testTerm(.{ .string = "member_2" }),
    } };
    try testing.expect(member.isRefNamed("internal.member_2"));
    try testing.expect(!member.isRefNamed("internal.member_3"));
    try testing.expect(!member.isRefNamed("internal"));
    try testing.expect(!member.isRefNamed("internal.member_2.x"));
    const plus: TermValue = .{ .ref = &.{testTerm(.{ .variable = "plus" })} };
    try testing.expect(plus.isRefNamed("plus"));
    try testing.expect(!plus.isRefNamed("plu"));
}

test "ast: isGround" {
    const x = testTerm(.{ .variable = "x" });
    const one = testTerm(.{ .number = "1" });
    try testing.expect(!x.isGround());
    try testing.expect(one.isGround());
    try testing.expect(testTerm(.{ .array = &.{ one, one } }).isGround());
    try testing.expect(!testTerm(.{ .array = &.{ one, x } }).isGround());
    // A ref's head does not count.
    try testing.expect(testTerm(.{ .ref = &.{ x, testTerm(.{ .string = "a" }) } }).isGround());
    try testing.expect(!testTerm(.{ .ref = &.{ x, x } }).isGround());
}

test "ast: location text" {
    const source = "p := (1 + 2)";
    const location: Location = .{ .file = 0, .row = 1, .col = 7, .offset = 6, .text = .{ .start = 5, .end = 12 } };
    try testing.expectEqualStrings("(1 + 2)", location.textIn(source));
    try testing.expectEqualStrings("1 + 2", location.withText(6, 11).textIn(source));
    try testing.expect(Location.none.isNone());
}

test "ast: printing follows OPA" {
    const x = testTerm(.{ .variable = "x" });
    const ref: Term = testTerm(.{ .ref = &.{
        testTerm(.{ .variable = "data" }),
        testTerm(.{ .string = "a" }),
        testTerm(.{ .string = "b c" }),
        testTerm(.{ .string = "if" }),
        x,
    } });
    var buffer: [128]u8 = undefined;
    var w = std.Io.Writer.fixed(&buffer);
    try w.print("{f}", .{ref});
    try testing.expectEqualStrings("data.a[\"b c\"][\"if\"][x]", w.buffered());

    w = std.Io.Writer.fixed(&buffer);
    const plus = testTerm(.{ .ref = &.{testTerm(.{ .variable = "plus" })} });
    const call = testTerm(.{ .call = &.{ plus, x, testTerm(.{ .number = "1" }) } });
    try w.print("{f} {f}", .{ call, testTerm(.{ .set = &.{} }) });
    try testing.expectEqualStrings("plus(x, 1) set()", w.buffered());
}
