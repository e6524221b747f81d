//! Recursive-descent parser for Rego v1, giving OPA v1.19.0's trees and errors.
//!
//! The structure follows OPA's parser (v1/ast/parser.go) production by
//! production, because OPA's accepted language is defined by that code rather
//! than by a grammar: statements are tried as package, import, rule, then
//! query, with backtracking; set/object/comprehension ambiguities are resolved
//! by speculative parses; error messages come from whichever alternative
//! failed last. Parser state is a small value (`State`) so backtracking is a
//! copy, and errors live in a persistent list so restoring a state also drops
//! the errors of the abandoned alternative, exactly as in OPA.
//!
//! The scanner is driven on demand and its state is part of `State`, as in
//! OPA: where a template-string expression ends is the parser's call.
//!
//! Differences from OPA's own structure, kept deliberate:
//! - left-associative operator chains are loops, not recursion, and recursive
//!   productions check a native stack budget (`Options.max_stack_bytes`) as
//!   well as OPA's count (`max_depth`), so hostile input gets an error;
//! - locations are values; the few places where OPA mutates a shared
//!   location after the fact are reproduced explicitly.
//!
//! Memory: pass an arena. The tree, a copy of the source (the tree points into
//! it) and error messages go into it; per-statement temporaries live in an
//! internal scratch arena on top of it. Nothing is freed piecemeal.
const std = @import("std");
const assert = std.debug.assert;
const Allocator = std.mem.Allocator;

const ast = @import("ast.zig");
const lexer = @import("lexer.zig");
const Kind = lexer.Kind;
const Term = ast.Term;
const TermValue = ast.TermValue;
const Expr = ast.Expr;
const Body = ast.Body;
const Location = ast.Location;

pub const Options = struct {
    file: ast.FileId = 0,
    /// Reported in diagnostics.
    file_name: []const u8 = "",
    /// Nesting budget, counted per recursive production as OPA counts it
    /// (a nested array costs a few, a nested comprehension about ten).
    max_depth: u32 = 100_000,
    /// Native stack the parser may use below its entry point. This is the
    /// limit deep input meets first; like `max_depth` it gives OPA's
    /// "max parsing recursion depth exceeded" error, never a crash. Release
    /// builds use about 0.5-1 KiB per nesting production, Debug builds five
    /// times more.
    max_stack_bytes: usize = 1 << 20,
    /// Allow `import future.keywords.and` / `.or` (the conformance suite's
    /// `experimental_keywords`).
    experimental_keywords: bool = false,
};

pub const Diagnostic = struct {
    code: []const u8 = "rego_parse_error",
    message: []const u8,
    file: []const u8,
    /// 1-based; 0 when OPA reports no position (e.g. "empty module").
    row: u32,
    /// Counted in runes; 0 when at the start of an empty line (EOF).
    col: u32,
    offset: u32,
};

pub const Error = error{ OutOfMemory, SourceTooLarge, ParseError };

/// Parses a policy module. On `error.ParseError` the reasons are appended to
/// `diagnostics` (allocated with `gpa`).
pub fn parseModule(
    gpa: Allocator,
    source: []const u8,
    options: Options,
    diagnostics: *std.ArrayList(Diagnostic),
) Error!ast.Module {
    var parser = try Parser.init(gpa, source, options);
    defer parser.scratch.deinit();
    const statements = try parser.parseStatements(false);
    if (parser.s.error_count > 0) return parser.report(diagnostics, parser.s.errors);
    return parser.buildModule(statements, diagnostics);
}

/// Parses an ad-hoc query such as `data.test.p = x` or `x := 1; y := x + 1`
/// (newlines separate expressions too). An empty query gives an empty body.
pub fn parseQuery(
    gpa: Allocator,
    source: []const u8,
    options: Options,
    diagnostics: *std.ArrayList(Diagnostic),
) Error!Body {
    return parseBody(gpa, source, options, diagnostics, "");
}

/// `prefix` starts the messages of OPA's plain (non-AST) errors.
fn parseBody(
    gpa: Allocator,
    source: []const u8,
    options: Options,
    diagnostics: *std.ArrayList(Diagnostic),
    comptime prefix: []const u8,
) Error!Body {
    var parser = try Parser.init(gpa, source, options);
    defer parser.scratch.deinit();
    const statements = try parser.parseStatements(true);
    if (parser.s.error_count > 0) return parser.report(diagnostics, parser.s.errors);
    var body: std.ArrayList(Expr) = .empty;
    for (statements) |statement| {
        switch (statement) {
            .body => |exprs| try body.appendSlice(gpa, exprs),
            // Plain errors in OPA, without a position.
            .package => return parser.reportOne(diagnostics, .none, prefix ++ "expected body but got *ast.Package", .{}),
            .import => return parser.reportOne(diagnostics, .none, prefix ++ "expected body but got *ast.Import", .{}),
            .rule => unreachable, // Query mode never attempts rules.
        }
    }
    for (body.items, 0..) |*expr, index| expr.index = @intCast(index);
    return body.toOwnedSlice(gpa);
}

/// Parses a single Rego term, e.g. the conformance suite's `input_term`
/// (`{"a": {1, 2}}`).
pub fn parseTerm(
    gpa: Allocator,
    source: []const u8,
    options: Options,
    diagnostics: *std.ArrayList(Diagnostic),
) Error!Term {
    const body = try parseBody(gpa, source, options, diagnostics, "failed to parse term: ");
    // Like OPA's ParseTerm, these report no position.
    if (body.len != 1) {
        return reportAt(gpa, diagnostics, options, .none, "expected exactly one term but got: {f}", .{ast.formatBody(body)});
    }
    return switch (body[0].terms) {
        .term => |term| term,
        // OPA prints the expression's terms with `%v`: a call as a Go slice.
        .call => |call| reportAt(gpa, diagnostics, options, .none, "expected term but got [{f}]", .{termList(call)}),
        else => reportAt(gpa, diagnostics, options, .none, "expected term but got {f}", .{body[0]}),
    };
}

fn termList(terms: []const Term) std.fmt.Alt([]const Term, formatTermList) {
    return .{ .data = terms };
}

fn formatTermList(terms: []const Term, writer: *std.Io.Writer) std.Io.Writer.Error!void {
    for (terms, 0..) |term, i| {
        if (i > 0) try writer.writeByte(' ');
        try writer.print("{f}", .{term});
    }
}

fn reportAt(
    gpa: Allocator,
    diagnostics: *std.ArrayList(Diagnostic),
    options: Options,
    location: Location,
    comptime fmt: []const u8,
    args: anytype,
) Error {
    const message = std.fmt.allocPrint(gpa, fmt, args) catch return error.OutOfMemory;
    diagnostics.append(gpa, .{
        .message = message,
        .file = options.file_name,
        .row = location.row,
        .col = location.col,
        .offset = location.offset,
    }) catch return error.OutOfMemory;
    return error.ParseError;
}

const Statement = union(enum) {
    package: ast.Package,
    import: ast.Import,
    rule: ast.Rule,
    body: Body,
};

/// Everything that backtracking must be able to undo, scanner included.
const State = struct {
    /// Positioned just after the current token.
    scanner: lexer.Scanner,
    /// Kind of the current token; productions may relabel a keyword as an
    /// identifier (`input.if`, `not.x`). Whitespace is a token when scanned
    /// without skipping (OPA tests adjacency that way).
    tok: Kind,
    /// The current token: position, text span, and OPA's literal span.
    row: u32,
    col: u32,
    start: u32,
    end: u32,
    lit_end: u32,
    /// End of the previous non-whitespace token: OPA's `lastEnd`, the end of
    /// most node texts.
    last_end: u32,
    /// A newline was skipped before the current token.
    skipped_nl: bool,
    /// Comments skipped so far.
    comments: u32,
    /// Counter for `_` → `$N`.
    wildcard: u32,
    errors: ?*const ErrorNode,
    error_count: u32,
    hints: ?*const HintNode,
};

const ErrorNode = struct {
    message: []const u8,
    location: Location,
    next: ?*const ErrorNode,
};

const HintNode = struct {
    text: []const u8,
    next: ?*const HintNode,
};

/// OPA memoizes `parseTerm` by position, so speculative parses that re-read a
/// term (e.g. `{a + 1}` tried as a set of a term, then of an expression) stay
/// linear. Like OPA's, the list keeps positions strictly decreasing from the
/// head: pushing an entry drops the ones at or after its position (we recycle
/// those; one is pushed per term, so they would dominate memory).
const CacheEntry = struct {
    /// Start offset of the term's first token.
    offset: u32,
    term: ?*Term,
    post: State,
    next: ?*CacheEntry,
};

const Parser = struct {
    gpa: Allocator,
    source: []const u8,
    options: Options,
    s: State,
    depth: u32,
    cache: ?*CacheEntry,
    cache_free: ?*CacheEntry,
    /// `import future.keywords.not`: `not { ... }` bodies.
    not_bodies: bool,
    /// `and` / `or` are keywords (experimental imports).
    keyword_and: bool,
    keyword_or: bool,
    /// While parsing an import path, future keywords are plain identifiers
    /// (`import future.keywords.in`).
    present: bool,
    interned: std.StringHashMapUnmanaged(void),
    /// Stack position at entry, for `Options.max_stack_bytes`.
    stack_base: usize,
    /// Term cells and cache entries of the statement being parsed; neither
    /// outlives it (the tree holds copies, and no alternative reaches back
    /// before the statement's start).
    scratch: std.heap.ArenaAllocator,

    fn init(gpa: Allocator, input: []const u8, options: Options) Error!Parser {
        // The tree points into the source; keep our own copy so the caller's
        // buffer (e.g. JS memory behind FFI) may go away.
        if (input.len > lexer.max_source_len) return error.SourceTooLarge;
        const source = try gpa.dupe(u8, input);
        var parser: Parser = .{
            .gpa = gpa,
            .source = source,
            .options = options,
            .s = .{
                .scanner = .init(source),
                .tok = .illegal,
                .row = 1,
                .col = 0,
                .start = 0,
                .end = 0,
                .lit_end = 0,
                .last_end = 0,
                .skipped_nl = false,
                .comments = 0,
                .wildcard = 0,
                .errors = null,
                .error_count = 0,
                .hints = null,
            },
            .depth = 0,
            .cache = null,
            .cache_free = null,
            .not_bodies = false,
            .keyword_and = false,
            .keyword_or = false,
            .present = false,
            .interned = .empty,
            .stack_base = @frameAddress(),
            .scratch = .init(gpa),
        };
        try parser.scan();
        return parser;
    }

    // -----------------------------------------------------------------------
    // Token stream

    /// Words are keywords or identifiers depending on imports (`and`, `or`)
    /// and on whether an import path is being read.
    fn classify(p: *const Parser, word: []const u8) Kind {
        if (lexer.keyword(word)) |kind| {
            return switch (kind) {
                .kw_in, .kw_every, .kw_contains, .kw_if, .kw_not => if (p.present) .ident else kind,
                else => kind,
            };
        }
        if (!p.present) {
            if (p.keyword_and and std.mem.eql(u8, word, "and")) return .logical_and;
            if (p.keyword_or and std.mem.eql(u8, word, "or")) return .logical_or;
        }
        return .ident;
    }

    /// OPA's `doScan`: advance to the next token, skipping comments, and
    /// whitespace too when `skip_ws`.
    fn doScan(p: *Parser, skip_ws: bool, mode: lexer.Mode) Error!void {
        if (p.s.tok != .whitespace) {
            p.s.last_end = p.s.end;
            p.s.skipped_nl = false;
        }
        while (true) {
            const raw = p.s.scanner.scan(p.source, mode);
            p.s.row = raw.row;
            p.s.col = raw.col;
            p.s.start = raw.start;
            p.s.end = raw.end;
            p.s.lit_end = raw.lit_end;
            p.s.tok = if (raw.kind == .ident) p.classify(p.source[raw.start..raw.lit_end]) else raw.kind;
            for (raw.scanErrors()) |e| try p.fail(p.loc(), "{s}", .{e.message()});
            if (raw.error_count > 0) p.s.tok = .illegal;
            if (p.s.tok == .whitespace) {
                if (p.source[raw.start] == '\n') p.s.skipped_nl = true;
                if (skip_ws) continue;
            }
            if (p.s.tok != .comment) break;
            p.s.comments += 1;
        }
    }

    fn scan(p: *Parser) Error!void {
        return p.doScan(true, .normal);
    }

    fn scanWS(p: *Parser) Error!void {
        return p.doScan(false, .normal);
    }

    /// The token after the current one follows it directly and is `.` or
    /// `[`: then a keyword in the current position starts a ref (`not.x`).
    fn nextIsAdjacentDotOrBrack(p: *const Parser) bool {
        var scanner = p.s.scanner;
        while (true) {
            const raw = scanner.scan(p.source, .normal);
            if (raw.error_count > 0) return false;
            switch (raw.kind) {
                .comment => continue,
                .dot, .lbrack => return true,
                else => return false,
            }
        }
    }

    /// OPA's `lit` for the current token (see `RawToken.lit_end`).
    fn lit(p: *const Parser) []const u8 {
        return p.source[p.s.start..p.s.lit_end];
    }

    fn lastEnd(p: *const Parser) u32 {
        return p.s.last_end;
    }

    /// End offset of the current token: OPA's `tokEnd`.
    fn tokEnd(p: *const Parser) u32 {
        return p.s.end;
    }

    fn loc(p: *const Parser) Location {
        return .{
            .file = p.options.file,
            .row = p.s.row,
            .col = p.s.col,
            .offset = p.s.start,
            .text = .{ .start = p.s.start, .end = p.s.end },
        };
    }

    fn save(p: *const Parser) State {
        return p.s;
    }

    fn restore(p: *Parser, state: State) void {
        p.s = state;
    }

    // -----------------------------------------------------------------------
    // Errors

    /// Out of line: error paths would otherwise inflate every recursive frame.
    noinline fn fail(p: *Parser, location: Location, comptime fmt: []const u8, args: anytype) Error!void {
        var message: std.ArrayList(u8) = .empty;
        try message.print(p.gpa, fmt, args);
        if (p.s.hints) |head| {
            var hints: std.ArrayList([]const u8) = .empty;
            var node: ?*const HintNode = head;
            while (node) |n| : (node = n.next) try hints.append(p.scratch.allocator(), n.text);
            std.mem.reverse([]const u8, hints.items);
            try message.appendSlice(p.gpa, if (hints.items.len == 1) " (hint: " else " (hints: ");
            for (hints.items, 0..) |text, i| {
                if (i > 0) try message.appendSlice(p.gpa, ", ");
                try message.appendSlice(p.gpa, text);
            }
            try message.append(p.gpa, ')');
            p.s.hints = null;
        }
        const node = try p.gpa.create(ErrorNode);
        node.* = .{ .message = message.items, .location = location, .next = p.s.errors };
        p.s.errors = node;
        p.s.error_count += 1;
    }

    fn hint(p: *Parser, text: []const u8) Error!void {
        const node = try p.gpa.create(HintNode);
        node.* = .{ .text = text, .next = p.s.hints };
        p.s.hints = node;
    }

    /// OPA's `illegal`: "unexpected <token> token[: note]".
    noinline fn illegal(p: *Parser, comptime note: []const u8, args: anytype) Error!void {
        if (p.s.tok == .illegal) return p.fail(p.loc(), "illegal token", .{});
        const what = if (p.s.tok.isKeyword()) "keyword" else "token";
        if (note.len == 0) return p.fail(p.loc(), "unexpected {s} {s}", .{ p.s.tok.name(), what });
        return p.fail(p.loc(), "unexpected {s} {s}: " ++ note, .{ p.s.tok.name(), what } ++ args);
    }

    fn illegalToken(p: *Parser) Error!void {
        return p.illegal("", .{});
    }

    /// Appends the error list (oldest first) to `diagnostics`.
    fn report(p: *Parser, diagnostics: *std.ArrayList(Diagnostic), errors: ?*const ErrorNode) Error {
        const start = diagnostics.items.len;
        var node = errors;
        while (node) |n| : (node = n.next) {
            diagnostics.append(p.gpa, .{
                .message = n.message,
                .file = p.options.file_name,
                .row = n.location.row,
                .col = n.location.col,
                .offset = n.location.offset,
            }) catch return error.OutOfMemory;
        }
        std.mem.reverse(Diagnostic, diagnostics.items[start..]);
        return error.ParseError;
    }

    fn reportOne(
        p: *Parser,
        diagnostics: *std.ArrayList(Diagnostic),
        location: Location,
        comptime fmt: []const u8,
        args: anytype,
    ) Error {
        return reportAt(p.gpa, diagnostics, p.options, location, fmt, args);
    }

    fn enter(p: *Parser) Error!bool {
        if (p.depth >= p.options.max_depth or p.stackExhausted()) {
            try p.fail(p.loc(), "max parsing recursion depth exceeded", .{});
            return false;
        }
        p.depth += 1;
        return true;
    }

    /// Stacks grow down on every target we build for; were one to grow up,
    /// the subtraction saturates and only `max_depth` applies.
    fn stackExhausted(p: *const Parser) bool {
        return p.stack_base -| @frameAddress() > p.options.max_stack_bytes;
    }

    fn leave(p: *Parser) void {
        assert(p.depth > 0);
        p.depth -= 1;
    }

    // -----------------------------------------------------------------------
    // Construction helpers

    fn intern(p: *Parser, text: []const u8) Error![]const u8 {
        const entry = try p.interned.getOrPut(p.gpa, text);
        return entry.key_ptr.*;
    }

    /// Productions pass terms around by pointer (OPA's cache and a few of its
    /// in-place fixes need identity); the tree stores copies. The pointers
    /// live in the per-statement scratch arena.
    fn newTerm(p: *Parser, value: TermValue, location: Location) Error!*Term {
        const term = try p.scratch.allocator().create(Term);
        term.* = .{ .value = value, .location = location };
        return term;
    }

    /// Like terms, expressions travel by pointer and are stored by value
    /// (template strings keep a copy of theirs).
    fn newExpr(p: *Parser, terms: ast.ExprTerms, location: Location) Error!*Expr {
        const expr = try p.scratch.allocator().create(Expr);
        expr.* = .{ .index = 0, .negated = false, .location = location, .with = &.{}, .terms = terms };
        return expr;
    }

    /// Moves a list built in scratch memory into the tree.
    fn keep(p: *Parser, comptime T: type, items: []const T) Error![]const T {
        return p.gpa.dupe(T, items);
    }

    fn dupeTerms(p: *Parser, terms: []const Term) Error![]const Term {
        return p.gpa.dupe(Term, terms);
    }

    /// A body of one expression (OPA's `NewBody(expr)`).
    fn singleBody(p: *Parser, expr: Expr) Error!Body {
        const body = try p.gpa.alloc(Expr, 1);
        body[0] = expr;
        body[0].index = 0;
        return body;
    }

    /// The implicit `true` body of generated rules.
    fn trueBody(p: *Parser, location: Location) Error!Body {
        const expr: Expr = .{
            .index = 0,
            .negated = false,
            .location = location,
            .with = &.{},
            .terms = .{ .term = .{ .value = .{ .boolean = true }, .location = location } },
        };
        return p.singleBody(expr);
    }

    fn variableTerm(p: *Parser, name: []const u8, location: Location) Error!Term {
        return .{ .value = .{ .variable = try p.intern(name) }, .location = location };
    }

    /// OPA's `parseVar`: the current token's text as a var; `_` becomes a
    /// fresh `$N`.
    fn parseVar(p: *Parser) Error!*Term {
        const text = p.lit();
        const name = if (std.mem.eql(u8, text, "_")) try p.genWildcard() else try p.intern(text);
        return p.newTerm(.{ .variable = name }, p.loc());
    }

    fn genWildcard(p: *Parser) Error![]const u8 {
        var buffer: [16]u8 = undefined;
        const name = std.fmt.bufPrint(&buffer, "${d}", .{p.s.wildcard}) catch unreachable;
        p.s.wildcard += 1;
        return p.intern(try p.gpa.dupe(u8, name));
    }

    fn isAllowedRefKeyword(p: *const Parser, kind: Kind) bool {
        return switch (kind) {
            .kw_package, .kw_import, .kw_as, .kw_default, .kw_else, .kw_not, .kw_some, .kw_with => true,
            .kw_null, .kw_true, .kw_false, .kw_if, .kw_contains, .kw_every, .kw_in => true,
            // OPA compares token *names*; `&` and `|` are named "and"/"or".
            .amp, .logical_and => p.keyword_and,
            .bar, .logical_or => p.keyword_or,
            else => false,
        };
    }

    fn isIdentOrAllowedRefKeyword(p: *Parser) bool {
        if (p.s.tok == .ident) return true;
        if (p.isAllowedRefKeyword(p.s.tok)) {
            p.s.tok = .ident;
            return true;
        }
        return false;
    }

    /// A keyword followed directly by `.` or `[` is the head of a ref.
    fn scanAheadRef(p: *Parser) bool {
        if (p.isAllowedRefKeyword(p.s.tok) and p.nextIsAdjacentDotOrBrack()) {
            p.s.tok = .ident;
            return true;
        }
        return false;
    }

    // -----------------------------------------------------------------------
    // Statements

    fn parseStatements(p: *Parser, skip_rules: bool) Error![]const Statement {
        var statements: std.ArrayList(Statement) = .empty;
        var progress: ?u32 = null;
        while (p.s.tok != .eof) {
            // Every statement consumes input; if one ever did not, stop
            // rather than loop.
            if (progress == p.s.start) {
                try p.illegalToken();
                break;
            }
            progress = p.s.start;
            p.cache = null;
            p.cache_free = null;
            _ = p.scratch.reset(.retain_capacity);
            const saved = p.save();
            if (try p.parsePackage()) |package| {
                try statements.append(p.gpa, .{ .package = package });
                continue;
            } else if (p.s.error_count > 0) break;
            p.restore(saved);

            if (try p.parseImport()) |import| {
                const root = refHeadName(import.path.value.ref).?;
                if (std.mem.eql(u8, root, "rego")) try p.regoV1Import(import);
                if (std.mem.eql(u8, root, "future")) try p.futureImport(import);
                try statements.append(p.gpa, .{ .import = import });
                continue;
            } else if (p.s.error_count > 0) break;
            p.restore(saved);

            if (!skip_rules) {
                if (try p.parseRules()) |rules| {
                    for (rules) |rule| try statements.append(p.gpa, .{ .rule = rule });
                    continue;
                } else if (p.s.error_count > 0) break;
                p.restore(saved);
            }

            if (try p.parseQueryBody(true, .eof)) |body| {
                try statements.append(p.gpa, .{ .body = body });
                continue;
            }
            break;
        }
        return statements.items;
    }

    fn parsePackage(p: *Parser) Error!?ast.Package {
        if (p.s.tok != .kw_package) return null;
        const location = p.loc();
        try p.scanWS();
        // `package.x` / `package[x]` is a ref whose head happens to be a keyword.
        if (p.s.tok == .dot or p.s.tok == .lbrack) return null;
        if (p.s.tok == .whitespace) try p.scan();
        if (!p.isIdentOrAllowedRefKeyword()) {
            try p.illegalToken();
            return null;
        }
        const term = (try p.parseTerm()) orelse {
            if (p.s.error_count == 0) try p.fail(p.loc(), "expected path", .{});
            return null;
        };
        var path: std.ArrayList(Term) = .empty;
        switch (term.value) {
            .variable => |name| {
                try path.append(p.scratch.allocator(), try p.variableTerm("data", term.location));
                try path.append(p.scratch.allocator(), .{ .value = .{ .string = name }, .location = term.location });
            },
            .ref => |ref| {
                const first = switch (ref[0].value) {
                    .variable => |name| name,
                    else => {
                        try p.fail(ref[0].location, "unexpected {s} token: expecting var", .{ref[0].value.name()});
                        return null;
                    },
                };
                try path.append(p.scratch.allocator(), try p.variableTerm("data", ref[0].location));
                try path.append(p.scratch.allocator(), .{ .value = .{ .string = first }, .location = ref[0].location });
                for (ref[1..]) |segment| {
                    if (segment.value != .string) {
                        try p.fail(segment.location, "unexpected {s} token: expecting string", .{segment.value.name()});
                        return null;
                    }
                    try path.append(p.scratch.allocator(), segment);
                }
            },
            else => {
                try p.illegalToken();
                return null;
            },
        }
        return .{ .path = try p.keep(Term, path.items), .location = location };
    }

    fn parseImport(p: *Parser) Error!?ast.Import {
        if (p.s.tok != .kw_import) return null;
        const location = p.loc();
        try p.scanWS();
        if (p.s.tok == .dot or p.s.tok == .lbrack) return null;
        if (p.s.tok == .whitespace) try p.scan();
        if (!p.isIdentOrAllowedRefKeyword()) {
            try p.illegalToken();
            return null;
        }

        // OPA parses the path with a fresh term cache and without the future
        // keywords, so `import future.keywords.in` reads `in` as a name.
        const before_path = p.save();
        const cache = p.cache;
        p.cache = null;
        p.present = true;
        const parsed = p.parseTerm();
        p.present = false;
        p.cache = cache;
        const term = try parsed;

        var path: ?Term = null;
        if (term) |t| switch (t.value) {
            .variable => path = .{ .value = .{ .ref = try p.dupeTerms(&.{t.*}) }, .location = t.location },
            .ref => |ref| {
                for (ref[1..]) |segment| {
                    if (segment.value != .string) {
                        // OPA reports this before adopting the state of its
                        // path parser, so any errors of that parse are lost.
                        p.restore(before_path);
                        try p.fail(segment.location, "unexpected {s} token: expecting string", .{segment.value.name()});
                        return null;
                    }
                }
                path = t.*;
            },
            else => {},
        };
        const import_path = path orelse {
            try p.fail(p.loc(), "expected path", .{});
            return null;
        };
        const ref = import_path.value.ref;
        const known_roots = [_][]const u8{ "data", "input", "future", "rego" };
        const root = refHeadName(ref) orelse "";
        for (known_roots) |known| {
            if (std.mem.eql(u8, root, known)) break;
        } else {
            try p.hint("if this is unexpected, try updating OPA");
            try p.fail(import_path.location, "unexpected import path, must begin with one of: {{data, future, input, rego}}, got: {f}", .{ref[0]});
            return null;
        }

        var import: ast.Import = .{ .path = import_path, .alias = null, .location = location };
        if (p.s.tok == .kw_as) {
            try p.scan();
            if (p.s.tok != .ident) {
                try p.illegal("expected var", .{});
                return null;
            }
            if (try p.parseTerm()) |alias| {
                if (alias.value == .variable) {
                    import.alias = alias.value.variable;
                    return import;
                }
            }
            try p.illegal("expected var", .{});
            return null;
        }

        // A path may not end in a keyword unless it is a future import.
        if (ref.len == 1) {
            if (isKeywordV1(root)) {
                try p.hint("import a different path or use an alias");
                try p.fail(ref[0].location, "unexpected import path, must not end with a keyword, got: {s}", .{root});
            }
        } else if (!std.mem.eql(u8, root, "future")) {
            const last = ref[ref.len - 1];
            if (isKeywordV1(last.value.string)) {
                try p.hint("import a different path or use an alias");
                try p.fail(last.location, "unexpected import path, must not end with a keyword, got: {s}", .{last.value.string});
            }
        }
        return import;
    }

    fn regoV1Import(p: *Parser, import: ast.Import) Error!void {
        const path = import.path.value.ref;
        const valid = path.len == 2 and path[1].value == .string and std.mem.eql(u8, path[1].value.string, "v1");
        if (!valid) {
            try p.fail(import.path.location, "invalid import `{f}`, must be `rego.v1`", .{refTerm(path)});
        }
        // In v1 the import is otherwise a no-op.
    }

    fn futureImport(p: *Parser, import: ast.Import) Error!void {
        const path = import.path.value.ref;
        if (path.len == 1 or path[1].value != .string or !std.mem.eql(u8, path[1].value.string, "keywords")) {
            return p.fail(import.path.location, "invalid import, must be `future.keywords`", .{});
        }
        if (import.alias != null) {
            return p.fail(import.path.location, "`future` imports cannot be aliased", .{});
        }
        if (path.len == 3) {
            const keyword = switch (path[2].value) {
                .string => |s| s,
                else => return p.fail(
                    import.path.location,
                    "invalid import, must be `future.keywords.x`, e.g. `import future.keywords.in`",
                    .{},
                ),
            };
            if (!p.isAllowedFutureKeyword(keyword)) {
                const allowed = if (p.options.experimental_keywords)
                    "[and contains every if in not or]"
                else
                    "[contains every if in not]";
                return p.fail(import.path.location, "unexpected keyword, must be one of {s}", .{allowed});
            }
            if (std.mem.eql(u8, keyword, "not")) p.not_bodies = true;
            if (std.mem.eql(u8, keyword, "and")) p.keyword_and = true;
            if (std.mem.eql(u8, keyword, "or")) p.keyword_or = true;
            return;
        }
        // `future.keywords` (and, as in OPA, any longer path) imports them all.
        if (p.options.experimental_keywords) {
            p.keyword_and = true;
            p.keyword_or = true;
        }
    }

    fn isAllowedFutureKeyword(p: *const Parser, keyword: []const u8) bool {
        const always = [_][]const u8{ "in", "every", "contains", "if", "not" };
        for (always) |k| {
            if (std.mem.eql(u8, keyword, k)) return true;
        }
        if (!p.options.experimental_keywords) return false;
        return std.mem.eql(u8, keyword, "and") or std.mem.eql(u8, keyword, "or");
    }

    // -----------------------------------------------------------------------
    // Rules

    fn parseRules(p: *Parser) Error!?[]const ast.Rule {
        var rule: ast.Rule = .{
            .default = false,
            .head = undefined,
            .body = &.{},
            .else_rule = null,
            .location = p.loc(),
            .generated_body = false,
        };
        _ = p.scanAheadRef();
        if (p.s.tok == .kw_default) {
            try p.scan();
            rule.default = true;
            _ = p.scanAheadRef();
        }
        if (p.s.tok != .ident) return null;

        var uses_contains = false;
        rule.head = (try p.parseHead(rule.default, &uses_contains)) orelse return null;
        const head = &rule.head;
        if (uses_contains) head.has_contains = true;

        if (rule.default) {
            if (!try p.validateDefaultRuleValue(&rule)) return null;
            if (head.args != null and head.args.?.len > 0) {
                if (!try p.validateDefaultRuleArgs(&rule)) return null;
            }
            rule.body = try p.trueBody(rule.location);
            return try p.gpa.dupe(ast.Rule, &.{rule});
        }

        const has_if = p.s.tok == .kw_if;

        // `p[x] if ...` is a single-value rule with a ref head.
        if (has_if and !uses_contains and head.ref.len == 2) {
            const second = head.ref[1];
            if ((!second.isGround() or second.value == .ref) and head.args == null) {
                head.key = second;
            }
            if (head.value == null) {
                head.generated_value = true;
                head.value = .{ .value = .{ .boolean = true }, .location = head.location };
            } else {
                if (head.ref[0].value != .variable) return null;
                head.name = head.ref[0].value.variable;
            }
        }

        // `p[x]` without `if`: the v0 partial set form (v1 rejects it later).
        if (!has_if and !uses_contains and head.args == null and head.ref.len == 2) {
            if (head.ref[0].value != .variable) return null;
            head.name = head.ref[0].value.variable;
            head.key = head.ref[1];
            if (head.value == null) head.ref = head.ref[0..1];
        }

        if (has_if) {
            head.has_if = true;
            try p.scan();
            const saved = p.save();
            if (try p.parseLiteral()) |expr| {
                // `p if { true }` must read the braces as a body, not as the
                // set literal `{true}` (sets are never false).
                const is_set = expr.terms == .term and expr.terms.term.value == .set;
                if (!is_set) {
                    rule.body = try p.singleBody(expr.*);
                }
            }
            if (rule.body.len == 0) {
                p.restore(saved);
                if (!try p.parseBracedRuleBody(&rule)) return null;
            }
        } else if (p.s.tok == .lbrace) {
            if (!try p.parseBracedRuleBody(&rule)) return null;
        } else if (uses_contains) {
            rule.body = try p.trueBody(rule.location);
            rule.generated_body = true;
            rule.location = head.location;
            return try p.gpa.dupe(ast.Rule, &.{rule});
        } else {
            return null;
        }

        if (p.s.tok == .kw_else) {
            // `else.x := 1` would be a new ref-head rule.
            if (!p.scanAheadRef()) {
                if (head.ref.len > 1 and !allGround(head.ref[1..])) {
                    try p.fail(p.loc(), "else keyword cannot be used on rules with variables in head", .{});
                    return null;
                }
                if (head.key != null) {
                    try p.fail(p.loc(), "else keyword cannot be used on multi-value rules", .{});
                    return null;
                }
                rule.else_rule = (try p.parseElse(head.*)) orelse return null;
            }
        }
        rule.location = rule.location.withText(rule.location.offset, p.lastEnd());

        var rules: std.ArrayList(ast.Rule) = .empty;
        try rules.append(p.scratch.allocator(), rule);
        // `p if { a } { b }`: each extra body is another rule with the same head.
        while (p.s.tok == .lbrace) {
            if (rule.else_rule != null) {
                try p.fail(p.loc(), "expected else keyword", .{});
                return null;
            }
            var location = p.loc();
            try p.scan();
            const body = (try p.parseBody(.rbrace)) orelse return null;
            try p.scan();
            location = location.withText(location.offset, p.lastEnd());
            var next_head = try p.copyHeadRegeneratingWildcards(rule.head);
            next_head = try p.relocateHead(next_head, location);
            try rules.append(p.scratch.allocator(), .{
                .default = false,
                .head = next_head,
                .body = body,
                .else_rule = null,
                .location = location,
                .generated_body = false,
            });
        }
        return rules.items;
    }

    /// `{ body }` after a rule head (OPA's fallthrough from `if`: the token
    /// is skipped whatever it is).
    fn parseBracedRuleBody(p: *Parser, rule: *ast.Rule) Error!bool {
        try p.scan();
        rule.body = (try p.parseBody(.rbrace)) orelse return false;
        try p.scan();
        return true;
    }

    fn parseElse(p: *Parser, head: ast.Head) Error!?*const ast.Rule {
        // OPA does not count else chains against the depth limit; we must,
        // as each link is a native stack frame.
        if (!try p.enter()) return null;
        defer p.leave();

        var rule: ast.Rule = .{
            .default = false,
            .head = try p.copyHeadRegeneratingWildcards(head),
            .body = &.{},
            .else_rule = null,
            .location = p.loc(),
            .generated_body = false,
        };
        rule.head.generated_value = false;
        rule.head.has_if = false;
        rule.head.has_contains = false;
        rule.head.location = p.loc();

        // OPA points the generated or single-literal body at the else rule's
        // location object, whose text is only final once the whole chain is
        // parsed; we relocate the body at the end instead.
        var relocate_body = false;

        try p.scan();
        switch (p.s.tok) {
            .lbrace, .kw_if => {
                rule.head.generated_value = true;
                rule.head.value = .{ .value = .{ .boolean = true }, .location = .none };
            },
            .assign, .unify => {
                rule.head.assign = p.s.tok == .assign;
                try p.scan();
                const value = (try p.parseTermInfixCall()) orelse return null;
                rule.head.value = value.*;
                rule.head.location = rule.head.location.withText(rule.head.location.offset, p.lastEnd());
            },
            else => {
                try p.illegal("expected else value term or rule body", .{});
                return null;
            },
        }

        const has_if = p.s.tok == .kw_if;
        const has_brace = p.s.tok == .lbrace;
        if (!has_if and !has_brace) {
            rule.body = try p.trueBody(rule.location);
            rule.generated_body = true;
            relocate_body = true;
        } else {
            if (has_if) {
                rule.head.has_if = true;
                try p.scan();
            }
            if (p.s.tok == .lbrace) {
                try p.scan();
                rule.body = (try p.parseBody(.rbrace)) orelse return null;
                try p.scan();
            } else if (p.s.tok != .eof) {
                const expr = (try p.parseLiteral()) orelse return null;
                rule.body = try p.singleBody(expr.*);
                relocate_body = true;
            } else {
                try p.illegal("rule body expected", .{});
                return null;
            }
            if (p.s.tok == .kw_else) {
                rule.else_rule = (try p.parseElse(head)) orelse return null;
            }
        }

        rule.location = rule.location.withText(rule.location.offset, p.lastEnd());
        if (relocate_body) rule.body = try p.relocateBody(rule.body, rule.location);
        const result = try p.gpa.create(ast.Rule);
        result.* = rule;
        return result;
    }

    fn parseHead(p: *Parser, default_rule: bool, uses_contains: *bool) Error!?ast.Head {
        const location = p.loc();
        var head = (try p.parseHeadInner(default_rule, uses_contains)) orelse return null;
        head.location = location.withText(location.offset, p.lastEnd());
        return head;
    }

    fn parseHeadInner(p: *Parser, default_rule: bool, uses_contains: *bool) Error!?ast.Head {
        const variable = try p.parseVar();
        const term = (try p.parseHeadFinish(variable)) orelse {
            try p.illegal("expected rule head name", .{});
            return null;
        };

        var head: ast.Head = .{
            .name = "",
            .ref = &.{},
            .args = null,
            .key = null,
            .value = null,
            .assign = false,
            .location = .none,
            .has_if = false,
            .has_contains = false,
            .generated_value = false,
        };
        switch (term.value) {
            .variable => |name| {
                head.ref = try p.dupeTerms(&.{term.*});
                head.name = name;
            },
            .ref => |ref| {
                head.ref = ref;
                if (ref.len < 2) head.name = refHeadName(ref) orelse return null;
            },
            .call => |call| {
                const op = call[0];
                const ref = switch (op.value) {
                    .variable => try p.dupeTerms(&.{op}),
                    .ref => |ref| ref,
                    else => return null,
                };
                if (ref[0].value != .variable) {
                    try p.illegal("rule head ref {f} invalid", .{refTerm(ref)});
                    return null;
                }
                head.ref = ref;
                if (ref.len < 2) head.name = ref[0].value.variable;
                head.args = call[1..];
            },
            else => return null,
        }

        const name = refTerm(head.ref);
        switch (p.s.tok) {
            .kw_contains => {
                if (head.args != null) {
                    try p.illegal("the contains keyword can only be used with multi-value rule definitions (e.g., {f} contains <VALUE> {{ ... }})", .{name});
                }
                try p.scan();
                if (try p.parseTermInfixCall()) |key| {
                    head.key = key.*;
                } else {
                    try p.illegal("expected rule key term (e.g., {f} contains <VALUE> {{ ... }})", .{name});
                }
                uses_contains.* = true;
                return head;
            },
            .unify => {
                try p.scan();
                if (try p.parseTermInfixCall()) |value| {
                    head.value = value.*;
                } else {
                    // OPA formats the (always nil) key here as "<nil>".
                    try p.illegal("expected rule value term (e.g., {f}[<nil>] = <VALUE> {{ ... }})", .{name});
                }
            },
            .assign => {
                try p.scan();
                head.assign = true;
                if (try p.parseTermInfixCall()) |value| {
                    head.value = value.*;
                } else if (head.args != null and head.args.?.len > 0) {
                    try p.illegal("expected function value term (e.g., {f}(...) := <VALUE> {{ ... }})", .{name});
                } else if (head.key != null) {
                    try p.illegal("expected partial rule value term (e.g., {f}[...] := <VALUE> {{ ... }})", .{name});
                } else if (default_rule) {
                    try p.illegal("expected default rule value term (e.g., default {f} := <VALUE>)", .{name});
                } else {
                    try p.illegal("expected rule value term (e.g., {f} := <VALUE> {{ ... }})", .{name});
                }
            },
            else => {},
        }

        if (head.value == null and head.key == null) {
            if (head.ref.len != 2 or (head.args != null and head.args.?.len > 0)) {
                head.generated_value = true;
                // OPA takes the head's location before it is set: none.
                head.value = .{ .value = .{ .boolean = true }, .location = .none };
            }
        }
        return head;
    }

    /// Like `parseTermFinish`, but whitespace may separate the name from
    /// `(`, `.` or `[` (OPA accepts `f (x) := 1`).
    fn parseHeadFinish(p: *Parser, head: *Term) Error!?*Term {
        const offset = p.loc().offset;
        try p.scanWS();
        switch (p.s.tok) {
            .add, .sub, .mul, .quo, .rem, .amp, .bar, .equal, .neq, .gt, .gte, .lt, .lte => try p.illegalToken(),
            .whitespace => try p.scan(),
            else => {},
        }
        switch (p.s.tok) {
            .lparen, .dot, .lbrack => return p.parseRef(head, offset),
            else => {},
        }
        return p.promoteRootDocument(head);
    }

    /// `data` and `input` alone are refs, not vars.
    fn promoteRootDocument(p: *Parser, head: *Term) Error!*Term {
        if (head.value == .variable and isRootDocument(head.value.variable)) {
            return p.newTerm(.{ .ref = try p.dupeTerms(&.{head.*}) }, head.location);
        }
        return head;
    }

    fn copyHeadRegeneratingWildcards(p: *Parser, head: ast.Head) Error!ast.Head {
        var copy = head;
        if (head.args) |args| {
            const new_args = try p.gpa.dupe(Term, args);
            for (new_args) |*arg| {
                if (arg.value == .variable and std.mem.startsWith(u8, arg.value.variable, "$")) {
                    arg.value = .{ .variable = try p.genWildcard() };
                }
            }
            copy.args = new_args;
        }
        return copy;
    }

    fn validateDefaultRuleValue(p: *Parser, rule: *const ast.Rule) Error!bool {
        const value = rule.head.value orelse {
            try p.fail(rule.location, "illegal default rule (must have a value)", .{});
            return false;
        };
        var valid = true;
        try p.checkDefaultValue(rule.location, value, &valid);
        return valid;
    }

    /// Reports every var, ref and call outside comprehensions, as OPA's
    /// visitor does.
    fn checkDefaultValue(p: *Parser, location: Location, term: Term, valid: *bool) Error!void {
        if (p.stackExhausted()) {
            try p.fail(location, "max parsing recursion depth exceeded", .{});
            valid.* = false;
            return;
        }
        switch (term.value) {
            .null, .boolean, .number, .string => {},
            .array_comprehension, .set_comprehension, .object_comprehension => {},
            .variable, .ref, .call => {
                const what = switch (term.value) {
                    .variable => "var",
                    .ref => "ref",
                    else => "call",
                };
                try p.fail(location, "illegal default rule (value cannot contain {s})", .{what});
                valid.* = false;
            },
            .array, .set => |items| for (items) |item| try p.checkDefaultValue(location, item, valid),
            .object => |items| for (items) |item| {
                try p.checkDefaultValue(location, item.key, valid);
                try p.checkDefaultValue(location, item.value, valid);
            },
            .template_string => |template| for (template.parts) |part| switch (part) {
                .term => |t| try p.checkDefaultValue(location, t, valid),
                .expr => |expr| try p.checkDefaultExpr(location, expr.*, valid),
            },
        }
    }

    fn checkDefaultExpr(p: *Parser, location: Location, expr: Expr, valid: *bool) Error!void {
        switch (expr.terms) {
            .term => |t| try p.checkDefaultValue(location, t, valid),
            .call => |terms| for (terms) |t| try p.checkDefaultValue(location, t, valid),
            else => {},
        }
    }

    fn validateDefaultRuleArgs(p: *Parser, rule: *const ast.Rule) Error!bool {
        var valid = true;
        var seen: std.StringHashMapUnmanaged(void) = .empty;
        for (rule.head.args.?) |arg| {
            switch (arg.value) {
                .variable => |name| {
                    const entry = try seen.getOrPut(p.gpa, name);
                    if (entry.found_existing) {
                        try p.fail(rule.location, "illegal default rule (arguments cannot be repeated {s})", .{name});
                        valid = false;
                    }
                },
                else => {
                    try p.fail(rule.location, "illegal default rule (arguments cannot contain {s})", .{arg.value.name()});
                    valid = false;
                },
            }
        }
        return valid;
    }

    // -----------------------------------------------------------------------
    // Bodies and expressions

    fn parseBody(p: *Parser, end: Kind) Error!?Body {
        if (!try p.enter()) return null;
        defer p.leave();
        return p.parseQueryBody(false, end);
    }

    /// OPA's `parseQuery`: expressions separated by `;` or newlines, up to
    /// `end`. At statement level (`require_semi`) one line is one statement.
    fn parseQueryBody(p: *Parser, require_semi: bool, end: Kind) Error!?Body {
        if (p.s.tok == end) {
            try p.fail(p.loc(), "found empty body", .{});
            return null;
        }
        var body: std.ArrayList(Expr) = .empty;
        while (true) {
            const expr = (try p.parseLiteral()) orelse return null;
            var item = expr.*;
            item.index = @intCast(body.items.len);
            try body.append(p.scratch.allocator(), item);

            if (p.s.tok == .semicolon) {
                try p.scan();
                continue;
            }
            if (p.s.tok == end or require_semi) return try p.keep(Expr, body.items);
            if (!p.s.skipped_nl) {
                if (p.s.error_count == 0) {
                    try p.illegal("expected \\n or ; or {s}", .{end.name()});
                }
                return null;
            }
        }
    }

    /// One body expression, with its location spanning the source text.
    fn parseLiteral(p: *Parser) Error!?*Expr {
        const location = p.loc();
        const expr = (try p.parseLiteralInner()) orelse return null;
        const spanned = location.withText(location.offset, p.lastEnd());
        expr.location = spanned;
        // OPA gives the wrapped expression of an implicit `not x` (with
        // `future.keywords.not`) the span of the whole `not x`.
        if (expr.terms == .not and !expr.terms.not.explicit_body) {
            for (mutableBody(expr.terms.not.body)) |*inner| inner.location = spanned;
        }
        return expr;
    }

    fn parseLiteralInner(p: *Parser) Error!?*Expr {
        const logical = p.logicalKeywordsActive();

        // `{ body } and/or ...`
        if (p.s.tok == .lbrace and logical) {
            const saved = p.save();
            const body_location = p.loc();
            try p.scan();
            if (try p.parseBody(.rbrace)) |body| {
                try p.scan();
                if (p.s.tok == .logical_and or p.s.tok == .logical_or) {
                    const outer = (try p.parseLogicalOrChain(body, true, body_location)) orelse return null;
                    return p.attachWith(outer);
                }
            }
            p.restore(saved);
        }

        // `(a or b)`, `(a or b) and c`, `({a}) and c`.
        if (p.s.tok == .lparen and logical) {
            const group = try p.parseLogicalGroup(false);
            if (group.committed) {
                const body = group.body orelse return null;
                return p.foldLogicalTail(body, group.explicit, group.location);
            }
        }

        if (p.isAllowedRefKeyword(p.s.tok) and p.nextIsAdjacentDotOrBrack()) {
            p.s.tok = .ident;
            return p.parseLiteralExpr(false, null);
        }

        const negated = p.isNegated();
        var not_location: ?Location = null;
        if (negated) {
            not_location = p.loc();
            try p.scan();
        }

        if (negated and p.not_bodies and p.s.tok == .lbrace) {
            const not_body = (try p.parseNotBody(not_location.?)) orelse return null;
            return p.attachWith(not_body);
        }

        switch (p.s.tok) {
            .kw_some => {
                if (negated) {
                    try p.illegal("illegal negation of 'some'", .{});
                    return null;
                }
                return p.parseSome();
            },
            .kw_every => {
                if (negated) {
                    try p.illegal("illegal negation of 'every'", .{});
                    return null;
                }
                return p.parseEvery();
            },
            else => return p.parseLiteralExpr(negated, not_location),
        }
    }

    fn isNegated(p: *const Parser) bool {
        return p.s.tok == .kw_not and !p.nextIsAdjacentDotOrBrack();
    }

    fn logicalKeywordsActive(p: *const Parser) bool {
        return p.keyword_and or p.keyword_or;
    }

    fn parseLiteralExpr(p: *Parser, negated: bool, not_location: ?Location) Error!?*Expr {
        const start = p.loc();

        // `not (a or b)`: the parentheses are an operand of `not`.
        if (negated and p.not_bodies and p.s.tok == .lparen and p.logicalKeywordsActive()) {
            const group = try p.parseLogicalGroup(true);
            if (group.committed) {
                const body = group.body orelse return null;
                const spanned = p.extendLoc(not_location.?);
                const not = try p.newNot(body, group.explicit, spanned);
                return p.foldLogicalTail(try p.singleBody(not.*), false, spanned);
            }
        }

        var expr = (try p.parseExpr()) orelse return null;
        var with_location: ?Location = null;
        if (p.s.tok == .kw_with) {
            with_location = p.loc();
            expr.with = (try p.parseWith()) orelse return null;
        }

        if (negated and p.not_bodies) {
            // The `with` modifiers belong to the outer `not`.
            const with = expr.with;
            expr.with = &.{};
            const spanned = if (not_location) |l| p.extendLoc(l) else Location.none;
            const not = try p.gpa.create(ast.Not);
            not.* = .{ .body = try p.singleBody(expr.*), .explicit_body = false, .location = spanned };
            expr = try p.newExpr(.{ .not = not }, spanned);
            expr.with = with;
        } else {
            expr.negated = negated;
        }

        if (p.s.tok == .logical_and or p.s.tok == .logical_or) {
            if (with_location) |l| {
                try p.errWithOnOperand(l, p.s.tok.name());
                return null;
            }
            if (expr.location.isNone()) expr.location = start.withText(start.offset, p.lastEnd());
            const outer = (try p.parseLogicalOrChain(try p.singleBody(expr.*), false, expr.location)) orelse return null;
            return p.attachWith(outer);
        }
        return expr;
    }

    fn newNot(p: *Parser, body: Body, explicit: bool, location: Location) Error!*Expr {
        const not = try p.gpa.create(ast.Not);
        not.* = .{ .body = body, .explicit_body = explicit, .location = location };
        return p.newExpr(.{ .not = not }, location);
    }

    fn extendLoc(p: *const Parser, start: Location) Location {
        return start.withText(start.offset, p.lastEnd());
    }

    fn parseWith(p: *Parser) Error!?[]const ast.With {
        var withs: std.ArrayList(ast.With) = .empty;
        while (true) {
            const location = p.loc();
            try p.scan();
            if (p.s.tok != .ident) {
                try p.illegal("expected ident", .{});
                return null;
            }
            const target = (try p.parseTerm()) orelse return null;
            switch (target.value) {
                .ref, .variable => {},
                else => try p.illegal("expected with target path", .{}),
            }
            if (p.s.tok != .kw_as) {
                try p.illegal("expected as keyword", .{});
                return null;
            }
            try p.scan();
            const value = (try p.parseTermInfixCall()) orelse return null;
            try withs.append(p.scratch.allocator(), .{
                .target = target.*,
                .value = value.*,
                .location = location.withText(location.offset, p.lastEnd()),
            });
            if (p.s.tok != .kw_with) break;
        }
        return try p.keep(ast.With, withs.items);
    }

    fn attachWith(p: *Parser, expr: *Expr) Error!?*Expr {
        if (p.s.tok == .kw_with) {
            expr.with = (try p.parseWith()) orelse return null;
        }
        return expr;
    }

    fn errWithOnOperand(p: *Parser, location: Location, keyword: []const u8) Error!void {
        try p.hint(try std.fmt.allocPrint(
            p.gpa,
            "Wrap the operand in `(...)` or `{{...}}` to scope, or move `with` after the `{s}` expression to apply it to the whole expression",
            .{keyword},
        ));
        try p.fail(location, "`with` modifier is not allowed on operand of `{s}`", .{keyword});
    }

    fn foldLogicalTail(p: *Parser, body: Body, explicit: bool, location: Location) Error!?*Expr {
        if (p.s.tok == .logical_and or p.s.tok == .logical_or) {
            const outer = (try p.parseLogicalOrChain(body, explicit, location)) orelse return null;
            return p.attachWith(outer);
        }
        const first = try p.scratch.allocator().create(Expr);
        first.* = body[0];
        return p.attachWith(first);
    }

    fn parseSome(p: *Parser) Error!?*Expr {
        const location = p.loc();

        // `some x in xs` / `some k, v in xs`
        const saved = p.save();
        try p.scan();
        if (try p.parseTermInfixCall()) |term| {
            if (term.value == .call) {
                const call = term.value.call;
                if (call[0].value.isRefNamed("internal.member_2")) {
                    if (call.len != 3) {
                        try p.illegal("illegal domain", .{});
                        return null;
                    }
                } else if (call[0].value.isRefNamed("internal.member_3")) {
                    if (call.len != 4) {
                        try p.illegal("illegal domain", .{});
                        return null;
                    }
                } else {
                    try p.illegal("expected `x in xs` or `x, y in xs` expression", .{});
                    return null;
                }
                const expr = try p.newExpr(.{ .some = .{
                    .symbols = try p.dupeTerms(&.{term.*}),
                    .location = location,
                } }, location);
                return p.attachWith(expr);
            }
        }
        p.restore(saved);

        // `some x, y`
        var symbols: std.ArrayList(Term) = .empty;
        while (true) {
            try p.scan();
            if (p.s.tok != .ident) {
                try p.illegal("expected var", .{});
                return null;
            }
            try symbols.append(p.scratch.allocator(), (try p.parseVar()).*);
            try p.scan();
            if (p.s.tok != .comma) break;
        }
        return p.newExpr(.{ .some = .{ .symbols = try p.keep(Term, symbols.items), .location = location } }, location);
    }

    fn parseNotBody(p: *Parser, not_location: Location) Error!?*Expr {
        try p.scan();
        const body = (try p.parseBody(.rbrace)) orelse return null;
        try p.scan();
        return p.newNot(body, true, p.extendLoc(not_location));
    }

    fn parseLogicalOrChain(p: *Parser, lhs_body_in: Body, lhs_explicit_in: bool, lhs_location_in: Location) Error!?*Expr {
        assert(p.s.tok == .logical_and or p.s.tok == .logical_or);
        if (!try p.enter()) return null;
        defer p.leave();

        var lhs_body = lhs_body_in;
        var lhs_explicit = lhs_explicit_in;
        var lhs_location = lhs_location_in;
        if (p.s.tok == .logical_and) {
            const and_expr = (try p.parseLogicalAndChain(lhs_body, lhs_explicit, lhs_location)) orelse return null;
            lhs_body = try p.singleBody(and_expr.*);
            lhs_explicit = false;
            lhs_location = and_expr.location;
        }
        while (p.s.tok == .logical_or) {
            try p.scan();
            const rhs = try p.parseLogicalOperand();
            var rhs_body = rhs.body orelse return null;
            var rhs_explicit = rhs.explicit;
            if (p.s.tok == .logical_and) {
                const and_expr = (try p.parseLogicalAndChain(rhs_body, rhs_explicit, rhs.location)) orelse return null;
                rhs_body = try p.singleBody(and_expr.*);
                rhs_explicit = false;
            }
            const location = p.extendLoc(lhs_location);
            const node = try p.gpa.create(ast.Logical);
            node.* = .{
                .lhs = lhs_body,
                .rhs = rhs_body,
                .explicit_lhs = lhs_explicit,
                .explicit_rhs = rhs_explicit,
                .location = location,
            };
            const wrapper = try p.newExpr(.{ .logical_or = node }, location);
            lhs_body = try p.singleBody(wrapper.*);
            lhs_explicit = false;
            lhs_location = location;
        }
        const result = try p.scratch.allocator().create(Expr);
        result.* = lhs_body[0];
        return result;
    }

    fn parseLogicalAndChain(p: *Parser, lhs_body_in: Body, lhs_explicit_in: bool, lhs_location_in: Location) Error!?*Expr {
        assert(p.s.tok == .logical_and);
        if (!try p.enter()) return null;
        defer p.leave();

        var lhs_body = lhs_body_in;
        var lhs_explicit = lhs_explicit_in;
        var lhs_location = lhs_location_in;
        while (p.s.tok == .logical_and) {
            try p.scan();
            const rhs = try p.parseLogicalOperand();
            const rhs_body = rhs.body orelse return null;
            const location = p.extendLoc(lhs_location);
            const node = try p.gpa.create(ast.Logical);
            node.* = .{
                .lhs = lhs_body,
                .rhs = rhs_body,
                .explicit_lhs = lhs_explicit,
                .explicit_rhs = rhs.explicit,
                .location = location,
            };
            const wrapper = try p.newExpr(.{ .logical_and = node }, location);
            lhs_body = try p.singleBody(wrapper.*);
            lhs_explicit = false;
            lhs_location = location;
        }
        const result = try p.scratch.allocator().create(Expr);
        result.* = lhs_body[0];
        return result;
    }

    const Operand = struct {
        body: ?Body,
        explicit: bool = false,
        location: Location = .none,
    };

    /// One operand of `and` / `or`: `{ body }`, `not ...`, `( group )` or an
    /// expression.
    fn parseLogicalOperand(p: *Parser) Error!Operand {
        if (p.s.tok == .lbrace) {
            const location = p.loc();
            try p.scan();
            const body = (try p.parseBody(.rbrace)) orelse return .{ .body = null };
            try p.scan();
            return .{ .body = body, .explicit = true, .location = location };
        }

        const negated = p.isNegated();
        var not_location: Location = .none;
        if (negated) {
            not_location = p.loc();
            try p.scan();
        }
        if (negated and p.not_bodies and p.s.tok == .lbrace) {
            const not_body = (try p.parseNotBody(not_location)) orelse return .{ .body = null };
            return .{ .body = try p.singleBody(not_body.*), .location = not_body.location };
        }
        if (p.s.tok == .lparen and p.logicalKeywordsActive() and (!negated or p.not_bodies)) {
            const group = try p.parseLogicalGroup(true);
            if (group.committed) {
                const body = group.body orelse return .{ .body = null };
                if (negated) {
                    const spanned = p.extendLoc(not_location);
                    const not = try p.newNot(body, group.explicit, spanned);
                    return .{ .body = try p.singleBody(not.*), .location = spanned };
                }
                return .{ .body = body, .explicit = group.explicit, .location = group.location };
            }
        }

        const start = p.loc();
        var expr = (try p.parseExpr()) orelse return .{ .body = null };
        if (expr.location.isNone()) expr.location = start.withText(start.offset, p.lastEnd());
        if (negated and p.not_bodies) {
            const spanned = p.extendLoc(not_location);
            expr = try p.newNot(try p.singleBody(expr.*), false, spanned);
        } else if (negated) {
            expr.negated = true;
        }
        return .{ .body = try p.singleBody(expr.*), .location = expr.location };
    }

    const Group = struct {
        body: ?Body = null,
        explicit: bool = false,
        location: Location = .none,
        /// The parentheses were taken as a logical group (possibly with an
        /// error); otherwise the caller reparses them as a term.
        committed: bool,
    };

    fn parseLogicalGroup(p: *Parser, operand_context: bool) Error!Group {
        if (!try p.enter()) return .{ .committed = true };
        defer p.leave();

        const saved = p.save();
        const open = p.loc();
        try p.scan();
        if (p.s.tok == .rparen) {
            if (operand_context) {
                try p.fail(open, "empty parenthesized group", .{});
                return .{ .committed = true };
            }
            p.restore(saved);
            return .{ .committed = false };
        }

        // A leading `{` is a body only in an operand context; otherwise it is
        // an object or set literal.
        const brace_lead = p.s.tok == .lbrace;
        const lhs = try p.parseLogicalOperand();
        const lhs_body = lhs.body orelse {
            if (operand_context and brace_lead) return .{ .committed = true };
            p.restore(saved);
            return .{ .committed = false };
        };

        if (p.s.tok == .logical_and or p.s.tok == .logical_or) {
            var expr = (try p.parseLogicalOrChain(lhs_body, lhs.explicit, lhs.location)) orelse return .{ .committed = true };
            expr = (try p.attachWith(expr)) orelse return .{ .committed = true };
            if (!try p.expectRParen()) return .{ .committed = true };
            return .{ .body = try p.singleBody(expr.*), .location = p.extendLoc(open), .committed = true };
        }
        if (p.s.tok == .kw_with and !lhs.explicit and lhs_body.len == 1) {
            // `(a with x)`: the `with` binds to the sole operand.
            const with_location = p.loc();
            const operand = &mutableBody(lhs_body)[0];
            if ((try p.attachWith(operand)) == null) return .{ .committed = true };
            if (p.s.tok == .logical_and or p.s.tok == .logical_or) {
                try p.errWithOnOperand(with_location, p.s.tok.name());
                return .{ .committed = true };
            }
            if (!try p.expectRParen()) return .{ .committed = true };
            if (operand_context or p.s.tok == .logical_and or p.s.tok == .logical_or) {
                return .{ .body = lhs_body, .location = p.extendLoc(open), .committed = true };
            }
            p.restore(saved);
            return .{ .committed = false };
        }
        if (lhs.explicit) {
            // `({ body })`
            if (!try p.expectRParen()) return .{ .committed = true };
            if (operand_context or p.s.tok == .logical_and or p.s.tok == .logical_or) {
                return .{ .body = lhs_body, .explicit = true, .location = p.extendLoc(open), .committed = true };
            }
            p.restore(saved);
            return .{ .committed = false };
        }
        if (isLogicalBody(lhs_body) or isNegatedOperand(lhs_body)) {
            if (!try p.expectRParen()) return .{ .committed = true };
            return .{ .body = lhs_body, .location = p.extendLoc(open), .committed = true };
        }
        // `(a == b)`: a parenthesized term, not a group.
        p.restore(saved);
        return .{ .committed = false };
    }

    fn expectRParen(p: *Parser) Error!bool {
        if (p.s.tok != .rparen) {
            try p.fail(p.loc(), "expected ) to close parenthesized group", .{});
            return false;
        }
        try p.scan();
        return true;
    }

    fn parseEvery(p: *Parser) Error!?*Expr {
        const location = p.loc();
        try p.scan();
        const term = (try p.parseTermInfixCall()) orelse return null;
        if (term.value != .call) {
            try p.illegal("expected `x[, y] in xs {{ ... }}` expression", .{});
            return null;
        }
        const call = term.value.call;
        var every: ast.Every = undefined;
        every.location = location;
        every.body = &.{};
        if (call[0].value.isRefNamed("internal.member_2")) {
            if (call.len != 3) {
                try p.illegal("illegal domain", .{});
                return null;
            }
            every.key = null;
            every.value = call[1];
            every.domain = call[2];
        } else if (call[0].value.isRefNamed("internal.member_3")) {
            if (call.len != 4) {
                try p.illegal("illegal domain", .{});
                return null;
            }
            every.key = call[1];
            every.value = call[2];
            every.domain = call[3];
            if (call[1].value != .variable) {
                try p.illegal("expected key to be a variable", .{});
                return null;
            }
        } else {
            try p.illegal("expected `x[, y] in xs {{ ... }}` expression", .{});
            return null;
        }
        if (every.value.value != .variable) {
            try p.illegal("expected value to be a variable", .{});
            return null;
        }
        if (p.s.tok != .lbrace) {
            try p.illegal("missing body", .{});
            return null;
        }
        try p.scan();
        every.body = (try p.parseBody(.rbrace)) orelse return null;
        try p.scan();
        const node = try p.gpa.create(ast.Every);
        node.* = every;
        const expr = try p.newExpr(.{ .every = node }, location);
        return p.attachWith(expr);
    }

    fn parseExpr(p: *Parser) Error!?*Expr {
        const lhs = (try p.parseTermInfixCall()) orelse return null;
        if (try p.parseTermOp(&.{ .assign, .unify })) |op| {
            const rhs = (try p.parseTermInfixCall()) orelse return null;
            return p.newExpr(.{ .call = try p.dupeTerms(&.{ op.*, lhs.*, rhs.* }) }, .none);
        }
        // A top-level call is the expression itself (the evaluator has no
        // call terms at the top).
        if (lhs.value == .call) return p.newExpr(.{ .call = lhs.value.call }, .none);
        return p.newExpr(.{ .term = lhs.* }, .none);
    }

    // -----------------------------------------------------------------------
    // Terms and operators, lowest precedence first:
    // `in` < relations < `|` < `&` < `+ -` < `* / %` < terms.

    fn parseTermInfixCall(p: *Parser) Error!?*Term {
        if (!try p.enter()) return null;
        defer p.leave();
        return p.parseTermIn(true, p.loc().offset);
    }

    fn parseTermInfixCallInList(p: *Parser) Error!?*Term {
        if (!try p.enter()) return null;
        defer p.leave();
        return p.parseTermIn(false, p.loc().offset);
    }

    /// `x in xs`, and with `key_value` also `k, v in xs`.
    fn parseTermIn(p: *Parser, key_value: bool, offset: u32) Error!?*Term {
        if (!try p.enter()) return null;
        defer p.leave();

        var lhs = (try p.parseTermRelation(offset)) orelse return null;
        if (key_value and p.s.tok == .comma) {
            const saved = p.save();
            try p.scan();
            const member3 = blk: {
                const mhs = (try p.parseTermRelation(offset)) orelse break :blk null;
                const op = (try p.parseTermOpName(.member_3)) orelse break :blk null;
                const rhs = (try p.parseTermRelation(p.loc().offset)) orelse break :blk null;
                break :blk try p.newTerm(
                    .{ .call = try p.dupeTerms(&.{ op.*, lhs.*, mhs.*, rhs.* }) },
                    lhs.location.withText(offset, p.lastEnd()),
                );
            };
            if (member3) |call| {
                if (p.s.tok != .kw_in) return call;
                lhs = call;
            } else {
                p.restore(saved);
            }
        }
        while (true) {
            _ = p.scanAheadRef();
            const op = (try p.parseTermOpName(.member_2)) orelse return lhs;
            const rhs = (try p.parseTermRelation(p.loc().offset)) orelse return lhs;
            lhs = try p.newTerm(
                .{ .call = try p.dupeTerms(&.{ op.*, lhs.*, rhs.* }) },
                lhs.location.withText(offset, p.lastEnd()),
            );
            if (p.s.tok != .kw_in) return lhs;
        }
    }

    const Level = enum { relation, bit_or, bit_and, arith, factor };

    fn operatorsOf(level: Level) []const Kind {
        return switch (level) {
            .relation => &.{ .equal, .neq, .lt, .gt, .lte, .gte },
            .bit_or => &.{.bar},
            .bit_and => &.{.amp},
            .arith => &.{ .add, .sub },
            .factor => &.{ .mul, .quo, .rem },
        };
    }

    fn parseTermRelation(p: *Parser, offset: u32) Error!?*Term {
        return p.parseBinary(.relation, offset);
    }

    /// One left-associative precedence level. OPA recurses per operator; a
    /// loop builds the same tree without using the stack.
    fn parseBinary(p: *Parser, comptime level: Level, offset: u32) Error!?*Term {
        if (!try p.enter()) return null;
        defer p.leave();

        var lhs = (try p.parseOperand(level, offset)) orelse return null;
        while (true) {
            const op = (try p.parseTermOp(operatorsOf(level))) orelse return lhs;
            const rhs = (try p.parseOperand(level, p.loc().offset)) orelse return lhs;
            lhs = try p.newTerm(
                .{ .call = try p.dupeTerms(&.{ op.*, lhs.*, rhs.* }) },
                lhs.location.withText(offset, p.lastEnd()),
            );
            if (!isOneOf(p.s.tok, operatorsOf(level))) return lhs;
        }
    }

    fn parseOperand(p: *Parser, comptime level: Level, offset: u32) Error!?*Term {
        return switch (level) {
            .relation => p.parseBinary(.bit_or, offset),
            .bit_or => p.parseBinary(.bit_and, offset),
            .bit_and => p.parseBinary(.arith, offset),
            .arith => p.parseBinary(.factor, offset),
            .factor => p.parseTerm(),
        };
    }

    fn parseTermOp(p: *Parser, kinds: []const Kind) Error!?*Term {
        if (!isOneOf(p.s.tok, kinds)) return null;
        const location = p.loc();
        const name = try p.intern(p.s.tok.name());
        const op = try p.dupeTerms(&.{.{ .value = .{ .variable = name }, .location = location }});
        try p.scan();
        return p.newTerm(.{ .ref = op }, location);
    }

    const Member = enum { member_2, member_3 };

    fn parseTermOpName(p: *Parser, member: Member) Error!?*Term {
        if (p.s.tok != .kw_in) return null;
        const location = p.loc();
        const name = switch (member) {
            .member_2 => "member_2",
            .member_3 => "member_3",
        };
        const ref = try p.dupeTerms(&.{
            .{ .value = .{ .variable = try p.intern("internal") }, .location = location },
            .{ .value = .{ .string = name }, .location = location },
        });
        try p.scan();
        return p.newTerm(.{ .ref = ref }, location);
    }

    fn parseTerm(p: *Parser) Error!?*Term {
        if (!try p.enter()) return null;
        defer p.leave();

        var entry = p.cache;
        while (entry) |e| : (entry = e.next) {
            if (e.offset < p.s.start) break;
            if (e.offset == p.s.start) {
                p.restore(e.post);
                return e.term;
            }
        }
        const before = p.save();
        const term = try p.parseTermUncached();
        try p.cachePush(term, before);
        return term;
    }

    fn cachePush(p: *Parser, term: ?*Term, before: State) Error!void {
        var next = p.cache;
        while (next) |e| {
            if (e.offset < before.start) break;
            next = e.next;
            e.next = p.cache_free;
            p.cache_free = e;
        }
        const entry = if (p.cache_free) |free| blk: {
            p.cache_free = free.next;
            break :blk free;
        } else try p.scratch.allocator().create(CacheEntry);
        entry.* = .{ .offset = before.start, .term = term, .post = p.s, .next = next };
        p.cache = entry;
    }

    fn parseTermUncached(p: *Parser) Error!?*Term {
        var term: ?*Term = null;
        var unary_minus: ?Location = null;
        switch (p.s.tok) {
            .kw_null => term = try p.newTerm(.null, p.loc()),
            .kw_true => term = try p.newTerm(.{ .boolean = true }, p.loc()),
            .kw_false => term = try p.newTerm(.{ .boolean = false }, p.loc()),
            .sub => {
                const location = p.loc();
                const saved = p.save();
                try p.scan();
                if (p.s.tok == .ident or p.s.tok == .kw_contains) {
                    // `-input.x` is `minus(0, input.x)`.
                    unary_minus = location;
                    term = try p.parseVar();
                } else {
                    p.restore(saved);
                    term = try p.parseNumber();
                }
            },
            .dot, .number => term = try p.parseNumber(),
            .string => term = try p.parseString(),
            .template_part, .template_end => term = try p.parseTemplateString(false),
            .raw_template_part, .raw_template_end => term = try p.parseTemplateString(true),
            // `contains` is only special in rule heads.
            .ident, .kw_contains => term = try p.parseVar(),
            .lbrack => term = try p.parseArray(),
            .lbrace => term = try p.parseSetOrObject(),
            .lparen => {
                const offset = p.loc().offset;
                try p.scan();
                if (try p.parseTermInfixCall()) |inner| {
                    if (p.s.tok == .rparen) {
                        p.setParenthesizedText(inner, offset, p.tokEnd());
                        term = inner;
                    } else {
                        try p.fail(p.loc(), "non-terminated expression", .{});
                    }
                }
            },
            else => try p.illegalToken(),
        }

        term = try p.parseTermFinish(term);
        if (unary_minus) |location| {
            if (term) |operand| {
                const zero: Term = .{ .value = .{ .number = "0" }, .location = location };
                const op: Term = .{
                    .value = .{ .ref = try p.dupeTerms(&.{.{ .value = .{ .variable = try p.intern("minus") }, .location = .none }}) },
                    .location = .none,
                };
                term = try p.newTerm(
                    .{ .call = try p.dupeTerms(&.{ op, zero, operand.* }) },
                    location.withText(location.offset, p.lastEnd()),
                );
            }
        }
        return term;
    }

    /// OPA overwrites the text of a parenthesized term's location in place.
    /// A promoted root document (`(input)`) shares that location object
    /// with its head var, so both change.
    fn setParenthesizedText(p: *Parser, term: *Term, start: u32, end: u32) void {
        _ = p;
        term.location = term.location.withText(start, end);
        if (term.value == .ref and term.value.ref.len == 1) {
            const head = &@constCast(term.value.ref)[0];
            if (head.location.offset == term.location.offset and head.value == .variable and
                isRootDocument(head.value.variable))
            {
                head.location = term.location;
            }
        }
    }

    /// After a term: `(`, `.` or `[` directly attached make it a call or ref.
    fn parseTermFinish(p: *Parser, head_or_null: ?*Term) Error!?*Term {
        const head = head_or_null orelse return null;
        const offset = p.loc().offset;
        try p.scanWS();
        switch (p.s.tok) {
            .lparen, .dot, .lbrack => return p.parseRef(head, offset),
            .whitespace => try p.scan(),
            else => {},
        }
        return p.promoteRootDocument(head);
    }

    fn parseNumber(p: *Parser) Error!?*Term {
        const location = p.loc();
        var prefix: []const u8 = "";
        if (p.s.tok == .sub) {
            prefix = "-";
            try p.scan();
            if (p.s.tok != .number and p.s.tok != .dot) {
                try p.illegal("expected number", .{});
                return null;
            }
        }
        if (p.s.tok == .dot) {
            prefix = if (prefix.len == 0) "." else "-.";
            try p.scan();
            if (p.s.tok != .number) {
                try p.illegal("expected number", .{});
                return null;
            }
        }
        const digits = p.lit();
        const decimal_prefix = prefix.len > 0 and prefix[prefix.len - 1] == '.';
        if (!decimal_prefix and digits.len > 1 and digits[0] == '0') {
            const decimal = digits[1] == '.';
            const scientific = digits.len > 2 and (digits[1] == 'e' or digits[1] == 'E');
            if (!decimal and !scientific) {
                try p.illegal("expected number without leading zero", .{});
                return null;
            }
        }
        const text = if (prefix.len == 0) digits else try std.mem.concat(p.gpa, u8, &.{ prefix, digits });
        switch (checkNumber(text)) {
            .ok => {},
            .invalid => {
                try p.illegal("invalid float", .{});
                return null;
            },
            .too_big => {
                try p.fail(p.loc(), "number too big", .{});
                return null;
            },
        }
        return p.newTerm(.{ .number = text }, location);
    }

    fn parseString(p: *Parser) Error!?*Term {
        const text = p.lit();
        assert(text.len > 0);
        if (text[0] == '"') {
            assert(text.len >= 2);
            const inner = text[1 .. text.len - 1];
            if (std.mem.indexOfScalar(u8, inner, '\\') == null) {
                return p.newTerm(.{ .string = inner }, p.loc());
            }
            const unquoted = (try unquoteJson(p.gpa, inner)) orelse {
                try p.fail(p.loc(), "illegal string literal: {s}", .{text});
                return null;
            };
            return p.newTerm(.{ .string = unquoted }, p.loc());
        }
        if (text.len < 2) return null;
        return p.newTerm(.{ .string = text[1 .. text.len - 1] }, p.loc());
    }

    fn parseTemplateString(p: *Parser, multi_line: bool) Error!?*Term {
        const start = p.loc();
        var parts: std.ArrayList(ast.TemplatePart) = .empty;
        var first = true;
        while (true) : (first = false) {
            const piece = (try p.templatePiece(first)) orelse return null;
            if (piece.len > 0) {
                try parts.append(p.scratch.allocator(), .{ .term = .{ .value = .{ .string = piece }, .location = p.loc() } });
            }
            if (p.s.tok == .template_end or p.s.tok == .raw_template_end) break;

            // OPA keeps an embedded scalar as a plain term unless a comment
            // sits between `{` and the expression.
            const comments = p.s.comments;
            try p.scan();
            const comment = p.s.comments != comments;
            const expr = (try p.parseLiteral()) orelse {
                try p.fail(p.loc(), "invalid template-string expression", .{});
                return null;
            };
            if (expr.negated) {
                try p.fail(expr.location, "unexpected negation ('not') in template-string expression", .{});
                return null;
            }
            if (expr.isEquality()) {
                try p.fail(expr.location, "unexpected unification ('=') in template-string expression", .{});
                return null;
            }
            if (expr.isAssignment()) {
                try p.fail(expr.location, "unexpected assignment (':=') in template-string expression", .{});
                return null;
            }
            if (expr.terms == .every) {
                try p.fail(expr.location, "unexpected 'every' in template-string expression", .{});
                return null;
            }
            if (expr.terms == .some) {
                try p.fail(expr.location, "unexpected 'some' in template-string expression", .{});
                return null;
            }
            if (expr.terms == .term and !comment and expr.terms.term.value.isScalar()) {
                try parts.append(p.scratch.allocator(), .{ .term = expr.terms.term });
            } else {
                const kept = try p.gpa.create(Expr);
                kept.* = expr.*;
                try parts.append(p.scratch.allocator(), .{ .expr = kept });
            }
            if (p.s.tok != .rbrace) {
                try p.fail(p.loc(), "expected }} to end template string expression", .{});
                return null;
            }
            try p.doScan(false, if (multi_line) .raw_template else .template);
        }
        const template = try p.gpa.create(ast.TemplateString);
        template.* = .{ .multi_line = multi_line, .parts = try p.keep(ast.TemplatePart, parts.items) };
        return p.newTerm(.{ .template_string = template }, start.withText(start.offset, p.tokEnd()));
    }

    /// The literal text of the current template piece, unescaped.
    fn templatePiece(p: *Parser, first: bool) Error!?[]const u8 {
        const raw = switch (p.s.tok) {
            .template_part, .template_end => false,
            .raw_template_part, .raw_template_end => true,
            else => {
                try p.fail(p.loc(), "expected template-string part", .{});
                return null;
            },
        };
        const text = p.lit();
        // The first piece starts with `$"` (or `` $` ``); every piece ends
        // with `{` or the closing delimiter (OPA drops the last byte of its
        // literal, which is the delimiter unless a stray byte follows it).
        const begin: usize = if (first and text.len >= 2 and text[0] == '$') 2 else 0;
        if (text.len < begin + 1) {
            try p.fail(p.loc(), "expected template-string part", .{});
            return null;
        }
        const content = text[begin .. text.len - 1];

        // `\{` is a literal brace in both forms.
        var unbraced: std.ArrayList(u8) = .empty;
        var i: usize = 0;
        while (i < content.len) {
            if (content[i] == '\\' and i + 1 < content.len) {
                if (content[i + 1] == '{') {
                    try unbraced.append(p.scratch.allocator(), '{');
                    i += 2;
                    continue;
                }
                if (!raw) {
                    // Keep the escape pair for the JSON pass below.
                    try unbraced.appendSlice(p.scratch.allocator(), content[i .. i + 2]);
                    i += 2;
                    continue;
                }
            }
            try unbraced.append(p.scratch.allocator(), content[i]);
            i += 1;
        }
        if (raw or std.mem.indexOfScalar(u8, unbraced.items, '\\') == null) return try p.keep(u8, unbraced.items);
        return (try unquoteJson(p.gpa, unbraced.items)) orelse {
            const opener: []const u8 = if (first) "\"" else "}";
            try p.fail(p.loc(), "illegal template-string part: {s}{s}{s}", .{ opener, unbraced.items, text[text.len - 1 ..] });
            return null;
        };
    }

    fn parseCall(p: *Parser, operator: *Term, offset: u32) Error!?*Term {
        if (!try p.enter()) return null;
        defer p.leave();

        const base = operator.location;
        try p.scan(); // (
        if (p.s.tok == .rparen) {
            const end = p.tokEnd();
            try p.scanWS();
            // `set()` is the empty set, not a call.
            const is_set = operator.value == .ref and operator.value.ref.len == 1 and
                operator.value.ref[0].value == .variable and
                std.mem.eql(u8, operator.value.ref[0].value.variable, "set");
            const value: TermValue = if (is_set) .{ .set = &.{} } else .{ .call = try p.dupeTerms(&.{operator.*}) };
            return try p.newTerm(value, base.withText(offset, end));
        }
        const terms = (try p.parseTermList(.rparen, operator.*)) orelse return null;
        const end = p.tokEnd();
        try p.scanWS();
        return try p.newTerm(.{ .call = terms }, base.withText(offset, end));
    }

    fn parseRef(p: *Parser, head: *Term, offset: u32) Error!?*Term {
        if (!try p.enter()) return null;
        defer p.leave();

        const base = head.location;
        switch (head.value) {
            .variable, .array, .object, .set, .array_comprehension, .object_comprehension, .set_comprehension, .call => {},
            else => try p.fail(base, "illegal ref (head cannot be {s})", .{head.value.name()}),
        }
        var ref: std.ArrayList(Term) = .empty;
        try ref.append(p.scratch.allocator(), head.*);
        while (true) {
            switch (p.s.tok) {
                .dot => {
                    try p.scanWS();
                    if (p.s.tok != .ident and !p.isAllowedRefKeyword(p.s.tok)) {
                        try p.illegal("expected identifier", .{});
                        return null;
                    }
                    try ref.append(p.scratch.allocator(), .{ .value = .{ .string = p.lit() }, .location = p.loc() });
                    try p.scanWS();
                },
                .lparen => {
                    const operator = try p.newTerm(.{ .ref = try p.keep(Term, ref.items) }, base.withText(offset, p.loc().offset));
                    var term = (try p.parseCall(operator, offset)) orelse return null;
                    switch (p.s.tok) {
                        .whitespace => try p.scan(),
                        .dot, .lbrack => term = (try p.parseRef(term, offset)) orelse return null,
                        else => {},
                    }
                    term.location = base.withText(offset, p.lastEnd());
                    return term;
                },
                .lbrack => {
                    try p.scan();
                    const key = (try p.parseTermInfixCall()) orelse return null;
                    if (p.s.tok != .rbrack) {
                        // OPA names the wrong bracket here.
                        try p.illegal("expected [", .{});
                        return null;
                    }
                    try ref.append(p.scratch.allocator(), key.*);
                    try p.scanWS();
                },
                .whitespace => {
                    const end = p.lastEnd();
                    try p.scan();
                    return try p.newTerm(.{ .ref = try p.keep(Term, ref.items) }, base.withText(offset, end));
                },
                else => return try p.newTerm(.{ .ref = try p.keep(Term, ref.items) }, base.withText(offset, p.lastEnd())),
            }
        }
    }

    fn parseArray(p: *Parser) Error!?*Term {
        if (!try p.enter()) return null;
        defer p.leave();

        const base = p.loc();
        const value = (try p.parseArrayValue()) orelse return null;
        return try p.newTerm(value, base.withText(base.offset, p.tokEnd()));
    }

    fn parseArrayValue(p: *Parser) Error!?TermValue {
        try p.scan();
        if (p.s.tok == .rbrack) return .{ .array = &.{} };

        // `[, x]` is accepted for backwards compatibility, but is never a
        // comprehension.
        var maybe_comprehension = true;
        if (p.s.tok == .comma) {
            maybe_comprehension = false;
            try p.scan();
        }
        const saved = p.save();

        // A term first, so `[x | ...]` is a comprehension rather than `x | ...`.
        const head = (try p.parseTerm()) orelse return null;
        switch (p.s.tok) {
            .rbrack => return .{ .array = try p.dupeTerms(&.{head.*}) },
            .comma => {
                try p.scan();
                const terms = (try p.parseTermList(.rbrack, head.*)) orelse return null;
                return .{ .array = terms };
            },
            .bar => if (maybe_comprehension) {
                try p.scan();
                if (try p.parseBody(.rbrack)) |body| {
                    const comprehension = try p.gpa.create(ast.Comprehension);
                    comprehension.* = .{ .term = head.*, .body = body };
                    return .{ .array_comprehension = comprehension };
                }
                if (p.s.tok != .comma) return null;
            },
            else => {},
        }
        p.restore(saved);
        const terms = (try p.parseTermList(.rbrack, null)) orelse return null;
        return .{ .array = terms };
    }

    fn parseSetOrObject(p: *Parser) Error!?*Term {
        if (!try p.enter()) return null;
        defer p.leave();

        const base = p.loc();
        const value = (try p.parseSetOrObjectValue()) orelse return null;
        return try p.newTerm(value, base.withText(base.offset, p.tokEnd()));
    }

    fn parseSetOrObjectValue(p: *Parser) Error!?TermValue {
        try p.scan();
        if (p.s.tok == .rbrace) return .{ .object = &.{} };

        var maybe_comprehension = true;
        if (p.s.tok == .comma) {
            maybe_comprehension = false;
            try p.scan();
        }
        const saved = p.save();

        // A single term first, so `{a | b}` is a set comprehension rather
        // than a set holding `a | b`.
        var head = (try p.parseTerm()) orelse return null;
        switch (p.s.tok) {
            .bar => if (maybe_comprehension) return p.parseSet(saved, head, maybe_comprehension),
            .rbrace, .comma => return p.parseSet(saved, head, maybe_comprehension),
            .colon => return p.parseObject(head, maybe_comprehension),
            else => {},
        }
        p.restore(saved);

        head = (try p.parseTermInfixCallInList()) orelse return null;
        switch (p.s.tok) {
            .rbrace, .comma => return p.parseSet(saved, head, false),
            // Still possibly `{a + 1: b | ...}`.
            .colon => return p.parseObject(head, maybe_comprehension),
            else => {},
        }
        try p.illegal("non-terminated set", .{});
        return null;
    }

    fn parseSet(p: *Parser, saved: State, head: *Term, maybe_comprehension: bool) Error!?TermValue {
        if (!try p.enter()) return null;
        defer p.leave();

        switch (p.s.tok) {
            .rbrace => return .{ .set = try p.dupeTerms(&.{head.*}) },
            .comma => {
                try p.scan();
                const terms = (try p.parseTermList(.rbrace, head.*)) orelse return null;
                return .{ .set = terms };
            },
            .bar => {
                if (maybe_comprehension) {
                    try p.scan();
                    if (try p.parseBody(.rbrace)) |body| {
                        const comprehension = try p.gpa.create(ast.Comprehension);
                        comprehension.* = .{ .term = head.*, .body = body };
                        return .{ .set_comprehension = comprehension };
                    }
                    if (p.s.tok != .comma) return null;
                }
                p.restore(saved);
                const terms = (try p.parseTermList(.rbrace, null)) orelse return null;
                return .{ .set = terms };
            },
            else => return null,
        }
    }

    fn parseObject(p: *Parser, key: *Term, maybe_comprehension: bool) Error!?TermValue {
        if (!try p.enter()) return null;
        defer p.leave();

        assert(p.s.tok == .colon);
        try p.scan();
        const saved = p.save();

        // A term first, to see whether `{k: v | ...}` is a comprehension.
        const value = (try p.parseTerm()) orelse return null;
        var maybe_relation = true;
        if (maybe_comprehension) {
            switch (p.s.tok) {
                .rbrace, .comma, .bar => {
                    if (p.s.tok != .bar) maybe_relation = false;
                    if (try p.parseObjectFinish(key, value, true)) |result| return result;
                },
                else => {},
            }
        }
        p.restore(saved);

        if (maybe_relation) {
            const relation = (try p.parseTermInfixCallInList()) orelse return null;
            switch (p.s.tok) {
                .rbrace, .comma => return p.parseObjectFinish(key, relation, false),
                else => {},
            }
        }
        try p.illegal("non-terminated object", .{});
        return null;
    }

    fn parseObjectFinish(p: *Parser, key: *Term, value: *Term, maybe_comprehension: bool) Error!?TermValue {
        if (!try p.enter()) return null;
        defer p.leave();

        switch (p.s.tok) {
            .rbrace => {
                const items = try p.gpa.alloc(ast.ObjectItem, 1);
                items[0] = .{ .key = key.*, .value = value.* };
                return .{ .object = items };
            },
            .bar => {
                if (maybe_comprehension) {
                    try p.scan();
                    if (try p.parseBody(.rbrace)) |body| {
                        const comprehension = try p.gpa.create(ast.ObjectComprehension);
                        comprehension.* = .{ .key = key.*, .value = value.*, .body = body };
                        return .{ .object_comprehension = comprehension };
                    }
                } else {
                    try p.illegal("non-terminated object", .{});
                }
                return null;
            },
            .comma => {
                try p.scan();
                const items = (try p.parseTermPairList(.rbrace, .{ .key = key.*, .value = value.* })) orelse return null;
                return .{ .object = items };
            },
            else => return null,
        }
    }

    /// Comma-separated terms up to `end` (a trailing comma is allowed).
    /// Null on error, and, as in OPA, when there is no first item and the
    /// list is empty.
    fn parseTermList(p: *Parser, end: Kind, first: ?Term) Error!?[]const Term {
        var terms: std.ArrayList(Term) = .empty;
        if (first) |term| try terms.append(p.scratch.allocator(), term);
        if (p.s.tok == end) return if (first == null) null else try p.keep(Term, terms.items);
        while (true) {
            const term = (try p.parseTermInfixCallInList()) orelse return null;
            try terms.append(p.scratch.allocator(), term.*);
            switch (p.s.tok) {
                .comma => {
                    try p.scan();
                    if (p.s.tok == end) return try p.keep(Term, terms.items);
                },
                else => {
                    if (p.s.tok == end) return try p.keep(Term, terms.items);
                    try p.illegal("expected \",\" or \"{s}\"", .{end.name()});
                    return null;
                },
            }
        }
    }

    fn parseTermPairList(p: *Parser, end: Kind, first: ast.ObjectItem) Error!?[]const ast.ObjectItem {
        var items: std.ArrayList(ast.ObjectItem) = .empty;
        try items.append(p.scratch.allocator(), first);
        if (p.s.tok == end) return try p.keep(ast.ObjectItem, items.items);
        while (true) {
            const key = (try p.parseTermInfixCallInList()) orelse return null;
            if (p.s.tok != .colon) {
                try p.illegal("expected \":\"", .{});
                return null;
            }
            try p.scan();
            const value = (try p.parseTermInfixCallInList()) orelse return null;
            try items.append(p.scratch.allocator(), .{ .key = key.*, .value = value.* });
            switch (p.s.tok) {
                .comma => {
                    try p.scan();
                    if (p.s.tok == end) return try p.keep(ast.ObjectItem, items.items);
                },
                else => {
                    if (p.s.tok == end) return try p.keep(ast.ObjectItem, items.items);
                    try p.illegal("expected \",\" or \"{s}\"", .{end.name()});
                    return null;
                },
            }
        }
    }

    // -----------------------------------------------------------------------
    // Relocation (OPA's setLocRecursive)

    /// Copies `head` with every node except the ref moved to `location`
    /// (OPA's visitor skips the ref of a head).
    fn relocateHead(p: *Parser, head: ast.Head, location: Location) Error!ast.Head {
        var result = head;
        result.location = location;
        if (head.args) |args| result.args = try p.relocateTerms(args, location);
        if (head.key) |key| result.key = try p.relocateTerm(key, location);
        if (head.value) |value| result.value = try p.relocateTerm(value, location);
        return result;
    }

    fn relocateBody(p: *Parser, body: Body, location: Location) Error!Body {
        const result = try p.gpa.alloc(Expr, body.len);
        for (body, result) |expr, *out| out.* = try p.relocateExpr(expr, location);
        return result;
    }

    fn relocateExpr(p: *Parser, expr: Expr, location: Location) Error!Expr {
        var result = expr;
        result.location = location;
        result.terms = switch (expr.terms) {
            .term => |term| .{ .term = try p.relocateTerm(term, location) },
            .call => |terms| .{ .call = try p.relocateTerms(terms, location) },
            .some => |some| .{ .some = .{ .symbols = try p.relocateTerms(some.symbols, location), .location = location } },
            .every => |every| blk: {
                const node = try p.gpa.create(ast.Every);
                node.* = .{
                    .key = if (every.key) |key| try p.relocateTerm(key, location) else null,
                    .value = try p.relocateTerm(every.value, location),
                    .domain = try p.relocateTerm(every.domain, location),
                    .body = try p.relocateBody(every.body, location),
                    .location = location,
                };
                break :blk .{ .every = node };
            },
            .not => |not| blk: {
                const node = try p.gpa.create(ast.Not);
                node.* = .{ .body = try p.relocateBody(not.body, location), .explicit_body = not.explicit_body, .location = location };
                break :blk .{ .not = node };
            },
            inline .logical_and, .logical_or => |logical, tag| blk: {
                const node = try p.gpa.create(ast.Logical);
                node.* = logical.*;
                node.lhs = try p.relocateBody(logical.lhs, location);
                node.rhs = try p.relocateBody(logical.rhs, location);
                node.location = location;
                break :blk @unionInit(ast.ExprTerms, @tagName(tag), node);
            },
        };
        const withs = try p.gpa.alloc(ast.With, expr.with.len);
        for (expr.with, withs) |with, *out| {
            out.* = .{
                .target = try p.relocateTerm(with.target, location),
                .value = try p.relocateTerm(with.value, location),
                .location = location,
            };
        }
        result.with = withs;
        return result;
    }

    fn relocateTerms(p: *Parser, terms: []const Term, location: Location) Error![]const Term {
        const result = try p.gpa.alloc(Term, terms.len);
        for (terms, result) |term, *out| out.* = try p.relocateTerm(term, location);
        return result;
    }

    fn relocateTerm(p: *Parser, term: Term, location: Location) Error!Term {
        // Relocation walks the whole term; it may only be as deep as the
        // parse that built it, but guard the stack all the same.
        if (p.stackExhausted()) {
            try p.fail(location, "max parsing recursion depth exceeded", .{});
            return term;
        }
        const value: TermValue = switch (term.value) {
            .null, .boolean, .number, .string, .variable => term.value,
            .ref => |terms| .{ .ref = try p.relocateTerms(terms, location) },
            .array => |terms| .{ .array = try p.relocateTerms(terms, location) },
            .set => |terms| .{ .set = try p.relocateTerms(terms, location) },
            .call => |terms| .{ .call = try p.relocateTerms(terms, location) },
            .object => |items| blk: {
                const result = try p.gpa.alloc(ast.ObjectItem, items.len);
                for (items, result) |item, *out| {
                    out.* = .{ .key = try p.relocateTerm(item.key, location), .value = try p.relocateTerm(item.value, location) };
                }
                break :blk .{ .object = result };
            },
            inline .array_comprehension, .set_comprehension => |comprehension, tag| blk: {
                const node = try p.gpa.create(ast.Comprehension);
                node.* = .{ .term = try p.relocateTerm(comprehension.term, location), .body = try p.relocateBody(comprehension.body, location) };
                break :blk @unionInit(TermValue, @tagName(tag), node);
            },
            .object_comprehension => |comprehension| blk: {
                const node = try p.gpa.create(ast.ObjectComprehension);
                node.* = .{
                    .key = try p.relocateTerm(comprehension.key, location),
                    .value = try p.relocateTerm(comprehension.value, location),
                    .body = try p.relocateBody(comprehension.body, location),
                };
                break :blk .{ .object_comprehension = node };
            },
            .template_string => |template| blk: {
                const parts = try p.gpa.alloc(ast.TemplatePart, template.parts.len);
                for (template.parts, parts) |part, *out| {
                    out.* = switch (part) {
                        .term => |t| .{ .term = try p.relocateTerm(t, location) },
                        .expr => |e| inner: {
                            const node = try p.gpa.create(Expr);
                            node.* = try p.relocateExpr(e.*, location);
                            break :inner .{ .expr = node };
                        },
                    };
                }
                const node = try p.gpa.create(ast.TemplateString);
                node.* = .{ .multi_line = template.multi_line, .parts = parts };
                break :blk .{ .template_string = node };
            },
        };
        return .{ .value = value, .location = location };
    }

    // -----------------------------------------------------------------------
    // Module assembly (OPA's parseModule and the v1 rule checks)

    fn buildModule(p: *Parser, statements: []const Statement, diagnostics: *std.ArrayList(Diagnostic)) Error!ast.Module {
        var errors: ?*const ErrorNode = null;
        var error_count: u32 = 0;
        // Reuse `fail` for formatting and ordering; it appends to `p.s.errors`.
        p.s.errors = null;
        p.s.error_count = 0;
        p.s.hints = null;

        if (statements.len == 0) {
            try p.fail(.{ .file = p.options.file, .row = 0, .col = 0, .offset = 0, .text = .{ .start = 0, .end = 0 } }, "empty module", .{});
            return p.report(diagnostics, p.s.errors);
        }

        var package: ast.Package = undefined;
        switch (statements[0]) {
            .package => |pkg| package = pkg,
            else => {
                try p.fail(statementLocation(statements[0]), "package expected", .{});
                package = .{ .path = &.{}, .location = .none };
            },
        }

        var imports: std.ArrayList(ast.Import) = .empty;
        var rules: std.ArrayList(ast.Rule) = .empty;
        for (statements[1..]) |statement| {
            switch (statement) {
                .import => |import| try imports.append(p.gpa, import),
                .rule => |rule| try rules.append(p.gpa, rule),
                .body => |body| {
                    if (try p.ruleFromBody(body)) |rule| {
                        var generated = rule;
                        generated.generated_body = true;
                        try rules.append(p.gpa, generated);
                    }
                },
                .package => |pkg| try p.fail(pkg.location, "unexpected package", .{}),
            }
        }

        for (rules.items) |*rule| {
            var link: ?*const ast.Rule = rule;
            while (link) |r| : (link = r.else_rule) try p.checkRegoV1(r);
        }

        errors = p.s.errors;
        error_count = p.s.error_count;
        if (error_count > 0) return p.report(diagnostics, errors);
        return .{
            .file = p.options.file,
            .package = package,
            .imports = imports.items,
            .rules = rules.items,
        };
    }

    fn checkRegoV1(p: *Parser, rule: *const ast.Rule) Error!void {
        const what = if (rule.head.isFunction()) "function" else "rule";
        if (rule.head.ref.len < 2 and isKeywordV1(rule.head.name)) {
            try p.fail(rule.location, "{s} keyword cannot be used for rule name", .{rule.head.name});
        }
        if (rule.generated_body and rule.head.generated_value) {
            try p.fail(rule.location, "{s} must have value assignment and/or body declaration", .{what});
        }
        if (!rule.generated_body and !rule.head.has_if and !rule.default) {
            try p.fail(rule.location, "`if` keyword is required before {s} body", .{what});
        }
        if (rule.head.value == null and !rule.head.has_contains) {
            try p.fail(rule.location, "`contains` keyword is required for partial set rules", .{});
        }
    }

    /// A body statement at module level is read as a rule: `p := 1`,
    /// `f(x) := y`, `a.b.c := 1`, `p[x]` (OPA's ParseRuleFromBody). Failures
    /// are recorded and give null.
    fn ruleFromBody(p: *Parser, body: Body) Error!?ast.Rule {
        assert(body.len > 0);
        if (body.len != 1) {
            try p.fail(body[0].location, "multiple expressions cannot be used for rule head", .{});
            return null;
        }
        const expr = body[0];
        const location = expr.location;
        if (expr.with.len > 0) {
            try p.fail(location, "expressions using with keyword cannot be used for rule head", .{});
            return null;
        }
        if (expr.negated) {
            try p.fail(location, "negated expressions cannot be used for rule head", .{});
            return null;
        }
        switch (expr.terms) {
            .some => {
                try p.fail(location, "'some' declarations cannot be used for rule head", .{});
                return null;
            },
            .term => |term| {
                if (term.value != .ref) {
                    try p.fail(location, "{s} cannot be used for rule name", .{term.value.name()});
                    return null;
                }
                return p.ruleFromRefTerm(term, location);
            },
            .call => |call| {
                if (expr.isEquality() or expr.isAssignment()) {
                    const operands = call[1..];
                    if (operands.len < 2) {
                        try p.fail(location, "assignment requires two operands", .{});
                        return null;
                    }
                    var rule = (try p.ruleFromEquality(operands[0], operands[1], location)) orelse return null;
                    rule.location = location;
                    rule.head.location = location;
                    if (expr.isAssignment()) rule.head.assign = true;
                    return rule;
                }
                if (isBuiltin(call[0])) {
                    try p.fail(location, "rule name conflicts with built-in function", .{});
                    return null;
                }
                return p.ruleFromCall(call, location);
            },
            else => {
                try p.fail(location, "expression cannot be used for rule head", .{});
                return null;
            },
        }
    }

    fn emptyHead(ref: []const Term) ast.Head {
        return .{
            .name = if (ref.len < 2 and ref[0].value == .variable) ref[0].value.variable else "",
            .ref = ref,
            .args = null,
            .key = null,
            .value = null,
            .assign = false,
            .location = .none,
            .has_if = false,
            .has_contains = false,
            .generated_value = false,
        };
    }

    fn generatedRule(p: *Parser, head: ast.Head, body_location: Location, location: Location) Error!ast.Rule {
        return .{
            .default = false,
            .head = head,
            .body = try p.trueBody(body_location),
            .else_rule = null,
            .location = location,
            .generated_body = true,
        };
    }

    /// `a.b.c` (value true) or `p[x]` (v0 partial set).
    fn ruleFromRefTerm(p: *Parser, term: Term, error_location: Location) Error!?ast.Rule {
        const ref = term.value.ref;
        if (ref[0].value != .variable) {
            try p.fail(error_location, "invalid rule head: {f}", .{refTerm(ref)});
            return null;
        }
        if (ref.len > 2) {
            var head = emptyHead(ref);
            head.value = .{ .value = .{ .boolean = true }, .location = term.location };
            head.generated_value = true;
            head.location = term.location;
            return try p.generatedRule(head, term.location, term.location);
        }
        if (ref.len == 1) {
            try p.fail(error_location, "refs cannot be used for rule head", .{});
            return null;
        }
        var head = emptyHead(try p.dupeTerms(&.{.{ .value = ref[0].value, .location = ref[0].location }}));
        head.key = ref[1];
        head.location = term.location;
        return try p.generatedRule(head, term.location, term.location);
    }

    fn ruleFromEquality(p: *Parser, lhs: Term, rhs: Term, error_location: Location) Error!?ast.Rule {
        // `f(x) = y`
        if (lhs.value == .call) {
            const call = lhs.value.call;
            if (call[0].value == .ref and call[0].value.ref[0].value == .variable) {
                var head = emptyHead(call[0].value.ref);
                head.value = rhs;
                head.args = call[1..];
                head.location = lhs.location;
                return try p.generatedRule(head, rhs.location, lhs.location);
            }
        }
        // `a.b[x] = y`: a partial object for two-segment refs.
        if (lhs.value == .ref and lhs.value.ref[0].value == .variable) {
            const ref = lhs.value.ref;
            var head = emptyHead(ref);
            head.value = rhs;
            if (ref.len == 2) {
                head.name = ref[0].value.variable;
                head.key = ref[1];
            }
            head.location = rhs.location;
            return try p.generatedRule(head, rhs.location, rhs.location);
        }
        // `p = 1`
        var head: ast.Head = undefined;
        switch (lhs.value) {
            .variable => head = emptyHead(try p.dupeTerms(&.{lhs})),
            .ref => |ref| {
                if (ref[0].value != .variable) {
                    try p.fail(error_location, "invalid rule head: {f}", .{refTerm(ref)});
                    return null;
                }
                head = emptyHead(ref);
                if (ref.len > 1 and !ref[ref.len - 1].isGround()) {
                    try p.fail(error_location, "ref not ground", .{});
                    return null;
                }
            },
            else => {
                try p.fail(error_location, "{s} cannot be used for rule name", .{lhs.value.name()});
                return null;
            },
        }
        head.value = rhs;
        head.location = lhs.location;
        return try p.generatedRule(head, rhs.location, lhs.location);
    }

    /// `f(x)`: a function returning true.
    fn ruleFromCall(p: *Parser, call: []const Term, error_location: Location) Error!?ast.Rule {
        if (call.len <= 1) {
            try p.fail(error_location, "rule argument list must take at least one argument", .{});
            return null;
        }
        const location = call[0].location;
        const ref = switch (call[0].value) {
            .ref => |ref| ref,
            else => {
                try p.fail(error_location, "expression cannot be used for rule head", .{});
                return null;
            },
        };
        if (ref[0].value != .variable) {
            try p.fail(error_location, "invalid rule head: {f}", .{refTerm(ref)});
            return null;
        }
        var head = emptyHead(ref);
        head.value = .{ .value = .{ .boolean = true }, .location = location };
        head.args = call[1..];
        head.location = location;
        return try p.generatedRule(head, location, location);
    }
};

fn refHeadName(ref: []const Term) ?[]const u8 {
    if (ref.len == 0) return null;
    return switch (ref[0].value) {
        .variable => |name| name,
        else => null,
    };
}

fn statementLocation(statement: Statement) Location {
    return switch (statement) {
        .package => |pkg| pkg.location,
        .import => |import| import.location,
        .rule => |rule| rule.location,
        .body => |body| body[0].location,
    };
}

/// The parser owns its allocations until it returns; a few OPA behaviours
/// adjust an already-built body in place.
fn mutableBody(body: Body) []Expr {
    return @constCast(body);
}

fn isOneOf(kind: Kind, kinds: []const Kind) bool {
    for (kinds) |k| {
        if (k == kind) return true;
    }
    return false;
}

fn allGround(terms: []const Term) bool {
    for (terms) |term| {
        if (!term.isGround()) return false;
    }
    return true;
}

fn isRootDocument(name: []const u8) bool {
    return std.mem.eql(u8, name, "data") or std.mem.eql(u8, name, "input");
}

fn isLogicalBody(body: Body) bool {
    return body.len == 1 and (body[0].terms == .logical_and or body[0].terms == .logical_or);
}

fn isNegatedOperand(body: Body) bool {
    return body.len == 1 and (body[0].negated or body[0].terms == .not);
}

fn isKeywordV1(name: []const u8) bool {
    return ast.isKeyword(name);
}

/// OPA rejects a module-level call statement that names a builtin
/// (`count(x)` on its own line).
fn isBuiltin(operator: Term) bool {
    const ref = switch (operator.value) {
        .ref => |ref| ref,
        else => return false,
    };
    var buffer: [128]u8 = undefined;
    var writer = std.Io.Writer.fixed(&buffer);
    for (ref, 0..) |term, i| {
        const part = switch (term.value) {
            .variable => |v| if (i == 0) v else return false,
            .string => |s| if (i > 0) s else return false,
            else => return false,
        };
        if (i > 0) writer.writeByte('.') catch return false;
        writer.writeAll(part) catch return false;
    }
    return builtin_names.has(writer.buffered());
}

/// Builtins of OPA v1.19.0 (`opa capabilities --current`).
const builtin_names = blk: {
    @setEvalBranchQuota(100_000);
    const names = [_][]const u8{
        "abs",                                       "all",                                                    "and",                                   "any",
        "array.concat",                              "array.flatten",                                          "array.reverse",                         "array.slice",
        "assign",                                    "base64.decode",                                          "base64.encode",                         "base64.is_valid",
        "base64url.decode",                          "base64url.encode",                                       "base64url.encode_no_pad",               "bits.and",
        "bits.lsh",                                  "bits.negate",                                            "bits.or",                               "bits.rsh",
        "bits.xor",                                  "cast_array",                                             "cast_boolean",                          "cast_null",
        "cast_object",                               "cast_set",                                               "cast_string",                           "ceil",
        "concat",                                    "contains",                                               "count",                                 "crypto.hmac.equal",
        "crypto.hmac.md5",                           "crypto.hmac.sha1",                                       "crypto.hmac.sha256",                    "crypto.hmac.sha512",
        "crypto.md5",                                "crypto.parse_private_keys",                              "crypto.sha1",                           "crypto.sha256",
        "crypto.x509.parse_and_verify_certificates", "crypto.x509.parse_and_verify_certificates_with_options", "crypto.x509.parse_certificate_request", "crypto.x509.parse_certificates",
        "crypto.x509.parse_keypair",                 "crypto.x509.parse_rsa_private_key",                      "div",                                   "endswith",
        "eq",                                        "equal",                                                  "floor",                                 "format_int",
        "glob.match",                                "glob.quote_meta",                                        "graph.reachable",                       "graph.reachable_paths",
        "graphql.is_valid",                          "graphql.parse",                                          "graphql.parse_and_verify",              "graphql.parse_query",
        "graphql.parse_schema",                      "graphql.schema_is_valid",                                "gt",                                    "gte",
        "hex.decode",                                "hex.encode",                                             "http.send",                             "indexof",
        "indexof_n",                                 "internal.member_2",                                      "internal.member_3",                     "internal.print",
        "internal.template_string",                  "internal.test_case",                                     "intersection",                          "io.jwt.decode",
        "io.jwt.decode_verify",                      "io.jwt.encode_sign",                                     "io.jwt.encode_sign_raw",                "io.jwt.verify_eddsa",
        "io.jwt.verify_es256",                       "io.jwt.verify_es384",                                    "io.jwt.verify_es512",                   "io.jwt.verify_hs256",
        "io.jwt.verify_hs384",                       "io.jwt.verify_hs512",                                    "io.jwt.verify_ps256",                   "io.jwt.verify_ps384",
        "io.jwt.verify_ps512",                       "io.jwt.verify_rs256",                                    "io.jwt.verify_rs384",                   "io.jwt.verify_rs512",
        "is_array",                                  "is_boolean",                                             "is_null",                               "is_number",
        "is_object",                                 "is_set",                                                 "is_string",                             "json.filter",
        "json.is_valid",                             "json.marshal",                                           "json.marshal_with_options",             "json.match_schema",
        "json.patch",                                "json.remove",                                            "json.unmarshal",                        "json.verify_schema",
        "lower",                                     "lt",                                                     "lte",                                   "max",
        "min",                                       "minus",                                                  "mul",                                   "neq",
        "net.cidr_contains",                         "net.cidr_contains_matches",                              "net.cidr_expand",                       "net.cidr_intersects",
        "net.cidr_is_valid",                         "net.cidr_merge",                                         "net.cidr_overlap",                      "net.lookup_ip_addr",
        "numbers.range",                             "numbers.range_step",                                     "object.filter",                         "object.get",
        "object.keys",                               "object.remove",                                          "object.subset",                         "object.union",
        "object.union_n",                            "opa.runtime",                                            "or",                                    "plus",
        "print",                                     "product",                                                "providers.aws.sign_req",                "rand.intn",
        "re_match",                                  "regex.find_all_string_submatch_n",                       "regex.find_n",                          "regex.globs_match",
        "regex.is_valid",                            "regex.match",                                            "regex.replace",                         "regex.split",
        "regex.template_match",                      "rego.metadata.chain",                                    "rego.metadata.rule",                    "rego.parse_module",
        "rem",                                       "replace",                                                "round",                                 "semver.compare",
        "semver.is_valid",                           "set_diff",                                               "sort",                                  "split",
        "sprintf",                                   "startswith",                                             "strings.any_prefix_match",              "strings.any_suffix_match",
        "strings.count",                             "strings.render_template",                                "strings.replace_n",                     "strings.reverse",
        "strings.split_n",                           "substring",                                              "sum",                                   "time.add_date",
        "time.clock",                                "time.date",                                              "time.diff",                             "time.format",
        "time.now_ns",                               "time.parse_duration_ns",                                 "time.parse_ns",                         "time.parse_rfc3339_ns",
        "time.weekday",                              "to_number",                                              "trace",                                 "trim",
        "trim_left",                                 "trim_prefix",                                            "trim_right",                            "trim_space",
        "trim_suffix",                               "type_name",                                              "union",                                 "units.parse",
        "units.parse_bytes",                         "upper",                                                  "uri.is_valid",                          "uri.parse",
        "urlquery.decode",                           "urlquery.decode_object",                                 "urlquery.encode",                       "urlquery.encode_object",
        "uuid.parse",                                "uuid.rfc4122",                                           "walk",                                  "yaml.is_valid",
        "yaml.marshal",                              "yaml.unmarshal",
    };
    var entries: [names.len]struct { []const u8 } = undefined;
    for (names, 0..) |name, i| entries[i] = .{name};
    break :blk std.StaticStringMap(void).initComptime(entries);
};

/// A ref as a term, to print it the way OPA does in messages.
fn refTerm(ref: []const Term) Term {
    return .{ .value = .{ .ref = ref }, .location = .none };
}

// ---------------------------------------------------------------------------
// Literals

const NumberCheck = enum { ok, invalid, too_big };

/// Go's `big.Float.SetString` acceptance and OPA's size limit: the binary
/// exponent of the value must be within ±100000. Exact near the limits only
/// up to rounding of a logarithm, which no real policy approaches.
fn checkNumber(text: []const u8) NumberCheck {
    var i: usize = 0;
    if (i < text.len and (text[i] == '-' or text[i] == '+')) i += 1;
    var digits: usize = 0;
    var fraction_digits: i64 = 0;
    var seen_dot = false;
    // Leading significant digits, for the magnitude estimate.
    var first_nonzero: ?usize = null; // index among all digits
    var leading: f64 = 0;
    var leading_count: u32 = 0;
    while (i < text.len) : (i += 1) {
        const c = text[i];
        if (c == '.') {
            if (seen_dot) return .invalid;
            seen_dot = true;
            continue;
        }
        if (c < '0' or c > '9') break;
        if (first_nonzero == null and c != '0') first_nonzero = digits;
        if (first_nonzero != null and leading_count < 17) {
            leading = leading * 10 + @as(f64, @floatFromInt(c - '0'));
            leading_count += 1;
        }
        digits += 1;
        if (seen_dot) fraction_digits += 1;
    }
    if (digits == 0) return .invalid;
    var exponent: i64 = 0;
    if (i < text.len) {
        if (text[i] != 'e' and text[i] != 'E') return .invalid;
        i += 1;
        var negative = false;
        if (i < text.len and (text[i] == '+' or text[i] == '-')) {
            negative = text[i] == '-';
            i += 1;
        }
        if (i == text.len) return .invalid;
        while (i < text.len) : (i += 1) {
            const c = text[i];
            if (c < '0' or c > '9') return .invalid;
            exponent = std.math.mul(i64, exponent, 10) catch return .invalid;
            exponent = std.math.add(i64, exponent, c - '0') catch return .invalid;
        }
        if (negative) exponent = -exponent;
    }
    const nonzero = first_nonzero orelse return .ok; // Zero is always fine.

    // log2 of the value: integer mantissa M (all digits) times 10^(exp - frac).
    const significant: f64 = @floatFromInt(digits - nonzero); // digits of M
    const log10_m = @log10(leading) + (significant - @as(f64, @floatFromInt(leading_count)));
    const log2_10 = 3.321928094887362;
    const log2_m = log10_m * log2_10;
    // big.Float first places the decimal exponent in its binary exponent.
    const exp2_raw = @floor(log2_m) + 1 - @as(f64, @floatFromInt(fraction_digits)) + @as(f64, @floatFromInt(exponent));
    const min_int32: f64 = -2147483648.0;
    const max_int32: f64 = 2147483647.0;
    if (exp2_raw < min_int32 or exp2_raw > max_int32) return .invalid;

    const log2_value = log2_m + (@as(f64, @floatFromInt(exponent)) - @as(f64, @floatFromInt(fraction_digits))) * log2_10;
    const binary_exponent = @floor(log2_value) + 1;
    if (binary_exponent > max_int32) return .too_big; // Overflows to infinity.
    if (binary_exponent < min_int32) return .ok; // Underflows to zero.
    if (binary_exponent > 100_000 or binary_exponent < -100_000) return .too_big;
    return .ok;
}

/// Decodes the inside of a JSON string literal as Go's encoding/json does:
/// null if it is not valid JSON (control characters, bad escapes); lone
/// surrogates become U+FFFD.
pub fn unquoteJson(gpa: Allocator, inner: []const u8) Allocator.Error!?[]const u8 {
    var out: std.ArrayList(u8) = .empty;
    try out.ensureTotalCapacity(gpa, inner.len);
    var i: usize = 0;
    while (i < inner.len) {
        const c = inner[i];
        if (c < 0x20 or c == '"') return null;
        if (c != '\\') {
            out.appendAssumeCapacity(c);
            i += 1;
            continue;
        }
        if (i + 1 >= inner.len) return null;
        const escape = inner[i + 1];
        i += 2;
        const simple: ?u8 = switch (escape) {
            '"' => '"',
            '\\' => '\\',
            '/' => '/',
            'b' => 0x08,
            'f' => 0x0C,
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'u' => null,
            else => return null,
        };
        if (simple) |byte| {
            try out.append(gpa, byte);
            continue;
        }
        var rune = parseHex4(inner[i..]) orelse return null;
        i += 4;
        if (rune >= 0xD800 and rune < 0xE000) {
            // A valid pair is a high surrogate followed by `\u` low.
            const low: ?u21 = if (i + 6 <= inner.len and inner[i] == '\\' and inner[i + 1] == 'u') parseHex4(inner[i + 2 ..]) else null;
            if (rune < 0xDC00 and low != null and low.? >= 0xDC00 and low.? < 0xE000) {
                rune = 0x10000 + ((rune - 0xD800) << 10) + (low.? - 0xDC00);
                i += 6;
            } else {
                rune = 0xFFFD;
            }
        }
        var buffer: [4]u8 = undefined;
        const len = std.unicode.utf8Encode(rune, &buffer) catch unreachable;
        try out.appendSlice(gpa, buffer[0..len]);
    }
    return out.items;
}

fn parseHex4(text: []const u8) ?u21 {
    if (text.len < 4) return null;
    var value: u21 = 0;
    for (text[0..4]) |c| {
        const digit: u21 = switch (c) {
            '0'...'9' => c - '0',
            'a'...'f' => c - 'a' + 10,
            'A'...'F' => c - 'A' + 10,
            else => return null,
        };
        value = value * 16 + digit;
    }
    return value;
}

// ---------------------------------------------------------------------------
// Tests. Expected messages and positions are OPA v1.19.0's (checked against
// its parser); the corpus and differential checks live in parse_corpus.zig.

const testing = std.testing;

const TestArena = struct {
    state: std.heap.ArenaAllocator,

    fn init() TestArena {
        return .{ .state = .init(testing.allocator) };
    }

    fn deinit(arena: *TestArena) void {
        arena.state.deinit();
    }

    fn allocator(arena: *TestArena) Allocator {
        return arena.state.allocator();
    }
};

fn expectModule(arena: Allocator, source: []const u8) !ast.Module {
    var diagnostics: std.ArrayList(Diagnostic) = .empty;
    return parseModule(arena, source, .{}, &diagnostics) catch |err| {
        for (diagnostics.items) |d| std.debug.print("{d}:{d}: {s}\n", .{ d.row, d.col, d.message });
        return err;
    };
}

/// Parses a query and compares OPA's text rendering of it.
fn expectQuery(source: []const u8, expected: []const u8) !void {
    var arena = TestArena.init();
    defer arena.deinit();
    var diagnostics: std.ArrayList(Diagnostic) = .empty;
    const body = parseQuery(arena.allocator(), source, .{}, &diagnostics) catch |err| {
        for (diagnostics.items) |d| std.debug.print("{d}:{d}: {s}\n", .{ d.row, d.col, d.message });
        return err;
    };
    const printed = try std.fmt.allocPrint(arena.allocator(), "{f}", .{ast.formatBody(body)});
    try testing.expectEqualStrings(expected, printed);
}

const ExpectedError = struct { message: []const u8, row: u32, col: u32 };

fn expectModuleErrors(source: []const u8, options: Options, expected: []const ExpectedError) !void {
    var arena = TestArena.init();
    defer arena.deinit();
    var diagnostics: std.ArrayList(Diagnostic) = .empty;
    const result = parseModule(arena.allocator(), source, options, &diagnostics);
    try testing.expectError(error.ParseError, result);
    errdefer for (diagnostics.items) |d| std.debug.print("got {d}:{d}: {s}\n", .{ d.row, d.col, d.message });
    try testing.expectEqual(expected.len, diagnostics.items.len);
    for (expected, diagnostics.items) |want, got| {
        try testing.expectEqualStrings(want.message, got.message);
        try testing.expectEqual(want.row, got.row);
        try testing.expectEqual(want.col, got.col);
        try testing.expectEqualStrings("rego_parse_error", got.code);
    }
}

test "parser: infix operators are builtin calls with OPA's precedence" {
    try expectQuery("x := 1 + 2 * 3", "assign(x, plus(1, mul(2, 3)))");
    try expectQuery("a - b - c", "minus(minus(a, b), c)");
    try expectQuery("10 % 3 / 2", "div(rem(10, 3), 2)");
    try expectQuery("x == y + 1", "equal(x, plus(y, 1))");
    try expectQuery("a < b == c", "equal(lt(a, b), c)");
    try expectQuery("a | b & c", "or(a, and(b, c))");
    try expectQuery("x != 1; y <= 2\nz >= 3; w > 4", "neq(x, 1); lte(y, 2); gte(z, 3); gt(w, 4)");
    try expectQuery("x in xs", "internal.member_2(x, xs)");
    try expectQuery("k, v in xs", "internal.member_3(k, v, xs)");
    try expectQuery("1 in [1] in {true}", "internal.member_2(internal.member_2(1, [1]), {true})");
    try expectQuery("x = y", "x = y");
    try expectQuery("x = y + 1 == 2", "x = equal(plus(y, 1), 2)");
    try expectQuery("-x", "minus(0, x)");
    try expectQuery("-input.x.y", "minus(0, input.x.y)");
    try expectQuery("y := -1", "assign(y, -1)");
    try expectQuery("(1 + 2) * 3", "mul(plus(1, 2), 3)");
}

test "parser: refs, calls and composite terms" {
    try expectQuery("input.a.b[0][x]", "input.a.b[0][x]");
    try expectQuery("data.x[\"a b\"].if", "data.x[\"a b\"][\"if\"]");
    try expectQuery("f(x).y", "f(x).y");
    try expectQuery("count([1, 2]) > 1", "gt(count([1, 2]), 1)");
    try expectQuery("x := set()", "assign(x, set())");
    try expectQuery("x := {}", "assign(x, {})");
    try expectQuery("x := {1, 2}", "assign(x, {1, 2})");
    try expectQuery("x := {\"a\": [1, {2: 3}]}", "assign(x, {\"a\": [1, {2: 3}]})");
    try expectQuery("[x | x := 1]", "[x | assign(x, 1)]");
    try expectQuery("{x | x := 1}", "{x | assign(x, 1)}");
    try expectQuery("{k: v | k := 1; v := 2}", "{k: v | assign(k, 1); assign(v, 2)}");
    // A bar that cannot start a comprehension body is bitwise or.
    try expectQuery("[1 | 2, 3]", "[or(1, 2), 3]");
    try expectQuery("[, 1, 2,]", "[1, 2]");
    try expectQuery("x[_] = y[_]", "x[_] = y[_]");
    // Root documents alone are refs.
    try expectQuery("input", "input");
}

test "parser: some, every, with and not" {
    try expectQuery("some x", "some x");
    try expectQuery("some x, y", "some x, y");
    try expectQuery("some x in xs", "some x in xs");
    try expectQuery("some k, v in xs", "some k, v in xs");
    try expectQuery("every x in xs { x > 1 }", "every x in xs { gt(x, 1) }");
    try expectQuery("every k, v in xs { k < v }", "every k, v in xs { lt(k, v) }");
    try expectQuery("not x", "not x");
    try expectQuery("x with input as 1 with data.y as {2}", "x with input as 1 with data.y as {2}");
    try expectQuery("not.x", "not.x");
    try expectQuery("input.if.in", "input[\"if\"][\"in\"]");
}

test "parser: wildcards become distinct vars" {
    var arena = TestArena.init();
    defer arena.deinit();
    var diagnostics: std.ArrayList(Diagnostic) = .empty;
    const body = try parseQuery(arena.allocator(), "x[_] = y[_]", .{}, &diagnostics);
    const call = body[0].terms.call;
    try testing.expectEqualStrings("$0", call[1].value.ref[1].value.variable);
    try testing.expectEqualStrings("$1", call[2].value.ref[1].value.variable);
    // Vars are interned.
    const again = try parseQuery(arena.allocator(), "x = x", .{}, &diagnostics);
    try testing.expectEqual(again[0].terms.call[1].value.variable.ptr, again[0].terms.call[2].value.variable.ptr);
}

test "parser: rule kinds in OPA's normalised form" {
    var arena = TestArena.init();
    defer arena.deinit();
    const module = try expectModule(arena.allocator(),
        \\package a.b
        \\import data.x as y
        \\import rego.v1
        \\import future.keywords.in
        \\p := 1
        \\q if { true }
        \\r contains x if { x := 1 }
        \\s[k] := v if { k := 1; v := 2 }
        \\a.b[x].c := 1 if { x := 2 }
        \\f(x) := y if { y := x }
        \\g(_, 1) if true
        \\default d := false
        \\e := 1 if false else := 2 if true else := 3
        \\h if { true } { false }
        \\
    );
    try testing.expectEqual(@as(usize, 3), module.package.path.len);
    try testing.expectEqualStrings("data", module.package.path[0].value.variable);
    try testing.expectEqualStrings("b", module.package.path[2].value.string);
    try testing.expectEqual(@as(usize, 3), module.imports.len);
    try testing.expectEqualStrings("y", module.imports[0].alias.?);

    const rules = module.rules;
    try testing.expectEqual(@as(usize, 11), rules.len);
    // p := 1
    try testing.expect(rules[0].head.assign and rules[0].generated_body);
    try testing.expectEqualStrings("1", rules[0].head.value.?.value.number);
    // q if { true }: value true, generated
    try testing.expect(rules[1].head.generated_value and rules[1].head.has_if);
    try testing.expectEqual(ast.RuleKind.single_value, rules[1].head.kind());
    // r contains x: multi-value
    try testing.expectEqual(ast.RuleKind.multi_value, rules[2].head.kind());
    try testing.expect(rules[2].head.has_contains);
    // s[k] := v: partial object, ref head of two terms
    try testing.expectEqualStrings("s", rules[3].head.name);
    try testing.expectEqualStrings("k", rules[3].head.key.?.value.variable);
    try testing.expectEqual(@as(usize, 2), rules[3].head.ref.len);
    // a.b[x].c := 1: general ref head
    try testing.expectEqual(@as(usize, 4), rules[4].head.ref.len);
    try testing.expectEqualStrings("", rules[4].head.name);
    try testing.expect(rules[4].head.key == null);
    // f(x) := y
    try testing.expect(rules[5].head.isFunction());
    try testing.expectEqual(@as(usize, 1), rules[5].head.args.?.len);
    // g(_, 1) if true: value true, body of one literal
    try testing.expectEqualStrings("$0", rules[6].head.args.?[0].value.variable);
    try testing.expectEqual(true, rules[6].head.value.?.value.boolean);
    try testing.expectEqual(true, rules[6].body[0].terms.term.value.boolean);
    // default d := false
    try testing.expect(rules[7].default);
    // e := 1 if false else := 2 if true else := 3
    const e = rules[8];
    try testing.expectEqualStrings("2", e.else_rule.?.head.value.?.value.number);
    try testing.expectEqualStrings("3", e.else_rule.?.else_rule.?.head.value.?.value.number);
    try testing.expect(e.else_rule.?.else_rule.?.generated_body);
    // h if { true } { false }: two rules with the same head
    try testing.expectEqualStrings("h", rules[9].head.name);
    try testing.expectEqualStrings("h", rules[10].head.name);
    try testing.expectEqual(false, rules[10].body[0].terms.term.value.boolean);
}

test "parser: literals keep OPA's number text and decode strings" {
    var arena = TestArena.init();
    defer arena.deinit();
    var diagnostics: std.ArrayList(Diagnostic) = .empty;
    const numbers = try parseTerm(arena.allocator(), "[1.0, 1e3, -1, .5, -.5, 0.25, 1E-2]", .{}, &diagnostics);
    const expected_numbers = [_][]const u8{ "1.0", "1e3", "-1", ".5", "-.5", "0.25", "1E-2" };
    for (expected_numbers, numbers.value.array) |want, got| try testing.expectEqualStrings(want, got.value.number);

    const strings = try parseTerm(
        arena.allocator(),
        "[\"a\\nb\\u00e9\\ud83d\\ude00\\/\", `raw\\n`, \"\\ud800x\", \"tab\tkept\"]",
        .{},
        &diagnostics,
    );
    const items = strings.value.array;
    try testing.expectEqualStrings("a\nbé😀/", items[0].value.string);
    try testing.expectEqualStrings("raw\\n", items[1].value.string);
    try testing.expectEqualStrings("\u{FFFD}x", items[2].value.string);
    try testing.expectEqualStrings("tab\tkept", items[3].value.string);

    const template = try parseTerm(arena.allocator(), "$\"a{1}b{x}\\{c}\"", .{}, &diagnostics);
    const parts = template.value.template_string.parts;
    try testing.expect(!template.value.template_string.multi_line);
    try testing.expectEqual(@as(usize, 5), parts.len);
    try testing.expectEqualStrings("a", parts[0].term.value.string);
    try testing.expectEqualStrings("1", parts[1].term.value.number); // scalars stay terms
    try testing.expectEqualStrings("x", parts[3].expr.terms.term.value.variable);
    try testing.expectEqualStrings("{c}", parts[4].term.value.string);

    const raw = try parseTerm(arena.allocator(), "$`a\\n{$\"{x}\"}`", .{}, &diagnostics);
    try testing.expect(raw.value.template_string.multi_line);
    try testing.expectEqualStrings("a\\n", raw.value.template_string.parts[0].term.value.string);
    try testing.expect(raw.value.template_string.parts[1].expr.terms.term.value == .template_string);
}

test "parser: locations are OPA's, text spans included" {
    var arena = TestArena.init();
    defer arena.deinit();
    const source = "package a\n\np if {\n\tx := \"é\"; y = 1.0\n\tz := [1,2][0]\n\tw := (1 + 2)\n}";
    const module = try expectModule(arena.allocator(), source);
    const rule = module.rules[0];
    try testing.expectEqualStrings(source[11..], rule.location.textIn(source));
    const body = rule.body;
    // A tab is one column, and so is "é".
    try testing.expectEqual(@as(u32, 4), body[0].location.row);
    try testing.expectEqual(@as(u32, 2), body[0].location.col);
    try testing.expectEqualStrings("x := \"é\"", body[0].location.textIn(source));
    try testing.expectEqual(@as(u32, 12), body[1].location.col);
    // The operator term of `:=` is located at the operator.
    try testing.expectEqualStrings(":=", body[0].terms.call[0].location.textIn(source));
    // OPA's ref text starts at the last token of its head.
    try testing.expectEqualStrings("][0]", body[2].terms.call[2].location.textIn(source));
    // A parenthesized call sits at its first operand but spans the parens.
    const sum = body[3].terms.call[2];
    try testing.expectEqualStrings("(1 + 2)", sum.location.textIn(source));
    try testing.expectEqual(@as(u32, 8), sum.location.col);
    // Nodes OPA leaves without a location.
    try testing.expect(rule.head.value.?.location.isNone());
}

test "parser: errors match OPA's messages and positions" {
    const cases = [_]struct { []const u8, []const ExpectedError }{
        .{ "package a\np if {", &.{.{ .message = "unexpected eof token", .row = 2, .col = 6 }} },
        .{ "package a\np if {\n", &.{.{ .message = "unexpected eof token", .row = 3, .col = 0 }} },
        .{ "package a\np if { x }}", &.{.{ .message = "unexpected } token", .row = 2, .col = 11 }} },
        .{ "package a\nx", &.{.{ .message = "var cannot be used for rule name", .row = 2, .col = 1 }} },
        .{ "package a\np {\n  true\n}", &.{.{ .message = "`if` keyword is required before rule body", .row = 2, .col = 1 }} },
        .{ "package a\np[x] { x := 1 }", &.{
            .{ .message = "`if` keyword is required before rule body", .row = 2, .col = 1 },
            .{ .message = "`contains` keyword is required for partial set rules", .row = 2, .col = 1 },
        } },
        .{ "package a\np := \"\\q\"", &.{
            .{ .message = "illegal escape sequence", .row = 2, .col = 6 },
            .{ .message = "illegal token", .row = 2, .col = 6 },
            .{ .message = "illegal token", .row = 2, .col = 6 },
        } },
        .{ "package a\np := 01", &.{
            .{ .message = "unexpected number token: expected number without leading zero", .row = 2, .col = 6 },
            .{ .message = "unexpected number token: expected rule value term (e.g., p := <VALUE> { ... })", .row = 2, .col = 6 },
        } },
        .{ "package a\nimport foo.bar", &.{.{ .message = "unexpected import path, must begin with one of: {data, future, input, rego}, got: foo (hint: if this is unexpected, try updating OPA)", .row = 2, .col = 8 }} },
        .{ "package a\nf(x) contains 1 if true", &.{.{ .message = "unexpected contains keyword: the contains keyword can only be used with multi-value rule definitions (e.g., f contains <VALUE> { ... })", .row = 2, .col = 6 }} },
        .{ "package a\np := 1 +", &.{.{ .message = "unexpected eof token", .row = 2, .col = 8 }} },
        .{ "package a\np if { 1 in[1] }", &.{.{ .message = "unexpected identifier token: expected \\n or ; or }", .row = 2, .col = 10 }} },
        .{ "package a\np := {\"a\": 1, \"b\" 2}", &.{
            .{ .message = "unexpected number token: non-terminated object", .row = 2, .col = 12 },
            .{ .message = "unexpected number token: expected rule value term (e.g., p := <VALUE> { ... })", .row = 2, .col = 12 },
        } },
        .{ "package a\ndefault p := x", &.{.{ .message = "illegal default rule (value cannot contain var)", .row = 2, .col = 1 }} },
        .{ "package a\np contains x if { some x in [1] } else := 2", &.{.{ .message = "else keyword cannot be used on multi-value rules", .row = 2, .col = 35 }} },
        .{ "package a\np if { every x in xs }", &.{.{ .message = "unexpected } token: missing body", .row = 2, .col = 22 }} },
        .{ "package a\nimport data.x.if", &.{.{ .message = "unexpected import path, must not end with a keyword, got: if (hint: import a different path or use an alias)", .row = 2, .col = 15 }} },
        .{ "package a\np := $\"{x := 1}\"", &.{
            .{ .message = "unexpected assignment (':=') in template-string expression", .row = 2, .col = 9 },
            .{ .message = "unexpected } token: expected rule value term (e.g., p := <VALUE> { ... })", .row = 2, .col = 15 },
        } },
        .{ "package a\nq := [x | x := 1", &.{
            .{ .message = "unexpected eof token: expected \\n or ; or ]", .row = 2, .col = 16 },
            .{ .message = "unexpected eof token: expected rule value term (e.g., q := <VALUE> { ... })", .row = 2, .col = 16 },
        } },
        .{ "package a\ncount(x)", &.{.{ .message = "rule name conflicts with built-in function", .row = 2, .col = 1 }} },
        .{ "package a\np if { not some x }", &.{.{ .message = "unexpected some keyword: illegal negation of 'some'", .row = 2, .col = 12 }} },
        .{ "package a\nimport future.keywords.and", &.{.{ .message = "unexpected keyword, must be one of [contains every if in not]", .row = 2, .col = 8 }} },
        .{ "package a\nimport rego.v2", &.{.{ .message = "invalid import `rego.v2`, must be `rego.v1`", .row = 2, .col = 8 }} },
        .{ "package a\np := \"abc", &.{
            .{ .message = "non-terminated string", .row = 2, .col = 6 },
            .{ .message = "illegal token", .row = 2, .col = 6 },
            .{ .message = "illegal token", .row = 2, .col = 6 },
        } },
        .{ "p := 1", &.{.{ .message = "package expected", .row = 1, .col = 1 }} },
        .{ "# only a comment\n", &.{.{ .message = "empty module", .row = 0, .col = 0 }} },
    };
    for (cases) |case| {
        expectModuleErrors(case[0], .{}, case[1]) catch |err| {
            std.debug.print("source: {s}\n", .{case[0]});
            return err;
        };
    }
}

test "parser: query and term entry points" {
    try expectQuery("x := data.a.b[_]; y := x + 1", "assign(x, data.a.b[_]); assign(y, plus(x, 1))");
    try expectQuery("data.test.p = x\n\ny = 2 # comment", "data.test.p = x; y = 2");
    try expectQuery("", "");

    var arena = TestArena.init();
    defer arena.deinit();
    var diagnostics: std.ArrayList(Diagnostic) = .empty;
    const term = try parseTerm(arena.allocator(), "{\"a\": {1, 2}}", .{}, &diagnostics);
    try testing.expectEqual(@as(usize, 2), term.value.object[0].value.value.set.len);

    // At top level each line (or `;`-free run) is its own statement.
    try testing.expectError(error.ParseError, parseTerm(arena.allocator(), "x y", .{}, &diagnostics));
    try testing.expectEqualStrings("expected exactly one term but got: x; y", diagnostics.items[0].message);
    diagnostics.clearRetainingCapacity();
    try testing.expectError(error.ParseError, parseQuery(arena.allocator(), "import data.x", .{}, &diagnostics));
    try testing.expectEqualStrings("expected body but got *ast.Import", diagnostics.items[0].message);
}

test "parser: experimental and/or and future not bodies" {
    const source =
        \\package test
        \\import future.keywords.and
        \\import future.keywords.or
        \\import future.keywords.not
        \\p if { input.a and (input.b or not { input.c }) }
    ;
    var arena = TestArena.init();
    defer arena.deinit();
    var diagnostics: std.ArrayList(Diagnostic) = .empty;
    const module = try parseModule(arena.allocator(), source, .{ .experimental_keywords = true }, &diagnostics);
    const expr = module.rules[0].body[0];
    try testing.expect(expr.terms == .logical_and);
    const rhs = expr.terms.logical_and.rhs[0];
    try testing.expect(rhs.terms == .logical_or);
    try testing.expect(rhs.terms.logical_or.rhs[0].terms == .not);
    try testing.expect(rhs.terms.logical_or.rhs[0].terms.not.explicit_body);

    try expectModuleErrors(source, .{}, &.{.{ .message = "unexpected keyword, must be one of [contains every if in not]", .row = 2, .col = 8 }});
}

test "parser: deep nesting is an error, not a stack overflow" {
    var arena = TestArena.init();
    defer arena.deinit();
    const depth = 200_000;
    const source = try arena.allocator().alloc(u8, 2 * depth + 1);
    @memset(source[0..depth], '[');
    source[depth] = '1';
    @memset(source[depth + 1 ..], ']');
    var diagnostics: std.ArrayList(Diagnostic) = .empty;
    try testing.expectError(error.ParseError, parseQuery(arena.allocator(), source, .{}, &diagnostics));
    try testing.expectEqualStrings("max parsing recursion depth exceeded", diagnostics.items[diagnostics.items.len - 1].message);

    // The count limit applies too, for callers who want OPA's determinism.
    diagnostics.clearRetainingCapacity();
    try testing.expectError(error.ParseError, parseQuery(arena.allocator(), "[[[[[[1]]]]]]", .{ .max_depth = 8 }, &diagnostics));
    try testing.expectEqualStrings("max parsing recursion depth exceeded", diagnostics.items[0].message);
    try expectQuery("[[[[[[1]]]]]]", "[[[[[[1]]]]]]");
}

test "parser: deep nesting in a thread with a small stack" {
    const Run = struct {
        fn run(source: []const u8, failed: *bool) void {
            var arena = std.heap.ArenaAllocator.init(std.heap.page_allocator);
            defer arena.deinit();
            var diagnostics: std.ArrayList(Diagnostic) = .empty;
            const options: Options = .{ .max_stack_bytes = 256 << 10 };
            _ = parseModule(arena.allocator(), source, options, &diagnostics) catch {
                failed.* = true;
            };
        }
    };
    var arena = TestArena.init();
    defer arena.deinit();
    var source: std.ArrayList(u8) = .empty;
    try source.appendSlice(arena.allocator(), "package a\np if { ");
    for (0..20_000) |_| try source.appendSlice(arena.allocator(), "every x in [");
    var failed = false;
    const thread = try std.Thread.spawn(.{ .stack_size = 2 << 20 }, Run.run, .{ source.items, &failed });
    thread.join();
    try testing.expect(failed);
}

test "parser: allocation failure is reported, never a crash" {
    const Parse = struct {
        fn parse(allocator: Allocator) !void {
            var arena = std.heap.ArenaAllocator.init(allocator);
            defer arena.deinit();
            var diagnostics: std.ArrayList(Diagnostic) = .empty;
            _ = parseModule(arena.allocator(),
                \\package a
                \\import data.x
                \\p contains {"k": v} if { some v in [1, 2]; v > $"{x}" }
                \\f(x) := y if { y := [z | z := x[_]] } else := 0
                \\q := 1 if { not r } { true }
            , .{}, &diagnostics) catch |err| switch (err) {
                error.ParseError => return error.Unexpected,
                else => return err,
            };
        }
    };
    try testing.checkAllAllocationFailures(testing.allocator, Parse.parse, .{});
}

test "parser: hostile input never crashes" {
    const snippets = [_][]const u8{
        "{",          "}",      "[",       "]",     "(",      ")",                            ":=",         "=",        "==",       ".",
        ",",          ";",      ":",       "|",     "&",      "+",                            "-",          "*",        " if ",     " else ",
        " contains ", " some ", " every ", " not ", " with ", " as ",                         " in ",       "default ", "package ", "import ",
        "\"x\"",      "`r`",    "1",       "01",    "1.",     ".5",                           "$",          "!",        "\n",       " ",
        "_",          "x",      "data",    "input", "$\"a{",  "}\"",                          "#c\n",       "\"\\q\"",  "\x00",     "\xff",
        "é",         "set()",  "f(x)",    "$`",    "\\{",    "import future.keywords.not\n", "1e99999999",
    };
    var prng = std.Random.DefaultPrng.init(0x5EED);
    const random = prng.random();
    var arena = TestArena.init();
    defer arena.deinit();
    for (0..3000) |_| {
        _ = arena.state.reset(.retain_capacity);
        var source: std.ArrayList(u8) = .empty;
        if (random.boolean()) try source.appendSlice(arena.allocator(), "package p\n");
        for (0..random.uintLessThan(usize, 40)) |_| {
            try source.appendSlice(arena.allocator(), snippets[random.uintLessThan(usize, snippets.len)]);
        }
        var diagnostics: std.ArrayList(Diagnostic) = .empty;
        const options: Options = .{ .experimental_keywords = random.boolean() };
        if (parseModule(arena.allocator(), source.items, options, &diagnostics)) |_| {} else |err| {
            try testing.expectEqual(error.ParseError, err);
            try testing.expect(diagnostics.items.len > 0);
        }
        if (parseQuery(arena.allocator(), source.items, options, &diagnostics)) |_| {} else |err| {
            try testing.expectEqual(error.ParseError, err);
        }
    }
}
