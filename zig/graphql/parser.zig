//! The parser machinery of gqlparser (parser/parser.go): one token of
//! lookahead, comment groups attached to whatever is parsed next, and the
//! first error winning.
//!
//! gqlparser keeps going after an error (every step becomes a no-op); its
//! first error is final, so we stop at once instead: functions return
//! `error.Syntax` and `Parser.failure` holds gqlparser's error.
//! query.zig and schema_parser.zig hold the grammar.
const std = @import("std");
const Allocator = std.mem.Allocator;
const ast = @import("ast.zig");
const errors = @import("errors.zig");
const lexer_mod = @import("lexer.zig");

const Kind = lexer_mod.Kind;
const Token = lexer_mod.Token;

pub const ParseError = error{ OutOfMemory, Syntax };

/// Deepest nesting of selection sets, values and list types we parse. Go's
/// growable stacks have no such limit; ours must (hostile input).
pub const max_depth = 256;

pub const Parser = struct {
    allocator: Allocator,
    lexer: lexer_mod.Lexer,
    failure: ?errors.Error = null,

    peeked: bool = false,
    peek_token: Token = undefined,
    peek_error: ?[]const u8 = null,
    prev: Token = .{ .kind = .invalid, .value = "", .position = .{ .line = 0, .column = 0 } },

    /// The comments right before the peeked token.
    comment: ?*ast.CommentGroup = null,
    comment_consuming: bool = false,
    depth: u32 = 0,

    pub fn init(allocator: Allocator, input: []const u8) Parser {
        return .{ .allocator = allocator, .lexer = .init(allocator, input) };
    }

    pub fn peek(p: *Parser) Allocator.Error!Token {
        if (!p.peeked) {
            const result = try p.lexer.readToken();
            p.peek_token = result.token;
            p.peek_error = result.error_message;
            p.peeked = true;
            if (p.peek_token.kind == .comment) try p.consumeCommentGroup();
        }
        return p.peek_token;
    }

    pub fn peekPosition(p: *Parser) Allocator.Error!ast.Position {
        return (try p.peek()).position;
    }

    pub fn next(p: *Parser) ParseError!Token {
        if (p.peeked) {
            p.peeked = false;
            p.comment = null;
            p.prev = p.peek_token;
            if (p.peek_error) |message| return p.fail(p.prev.position, message);
        } else {
            const result = try p.lexer.readToken();
            p.prev = result.token;
            if (result.error_message) |message| return p.fail(p.prev.position, message);
            if (p.prev.kind == .comment) try p.consumeCommentGroup();
        }
        return p.prev;
    }

    /// Reads the comment tokens ahead into `comment`; runs from `peek`, so
    /// the peeked token afterwards is the first token after the comments.
    fn consumeCommentGroup(p: *Parser) Allocator.Error!void {
        if (p.comment_consuming) return;
        p.comment_consuming = true;
        defer p.comment_consuming = false;
        var comments: std.ArrayList(ast.Comment) = .empty;
        while (true) {
            const token = try p.peek();
            if (token.kind != .comment) break;
            // A comment token never carries a lexing error.
            p.peeked = false;
            p.comment = null;
            p.prev = token;
            try comments.append(p.allocator, .{ .value = token.value });
        }
        const group = try p.allocator.create(ast.CommentGroup);
        group.* = .{ .list = comments.items };
        p.comment = group;
    }

    /// Records gqlparser's error (the first one only) and stops parsing.
    pub fn fail(p: *Parser, position: ast.Position, message: []const u8) error{Syntax} {
        if (p.failure == null) p.failure = .{ .message = message, .location = position };
        return error.Syntax;
    }

    pub fn failf(p: *Parser, position: ast.Position, comptime fmt: []const u8, args: anytype) ParseError {
        return p.fail(position, try std.fmt.allocPrint(p.allocator, fmt, args));
    }

    pub fn unexpectedToken(p: *Parser, token: Token) ParseError {
        return p.failf(token.position, "Unexpected {f}", .{token});
    }

    pub fn unexpected(p: *Parser) ParseError {
        return p.unexpectedToken(try p.peek());
    }

    pub const Expected = struct { token: Token, comment: ?*ast.CommentGroup };

    pub fn expect(p: *Parser, kind: Kind) ParseError!Expected {
        const token = try p.peek();
        const comment = p.comment;
        if (token.kind != kind) {
            return p.failf(token.position, "Expected {s}, found {s}", .{ kind.text(), token.kind.text() });
        }
        return .{ .token = try p.next(), .comment = comment };
    }

    pub fn expectKeyword(p: *Parser, keyword: []const u8) ParseError!Expected {
        const token = try p.peek();
        const comment = p.comment;
        if (token.kind != .name or !std.mem.eql(u8, token.value, keyword)) {
            return p.failf(token.position, "Expected \"{s}\", found {f}", .{ keyword, token });
        }
        return .{ .token = try p.next(), .comment = comment };
    }

    pub fn skip(p: *Parser, kind: Kind) ParseError!bool {
        if ((try p.peek()).kind != kind) return false;
        _ = try p.next();
        return true;
    }

    pub fn parseName(p: *Parser) ParseError![]const u8 {
        return (try p.expect(.name)).token.value;
    }

    /// Whether the peeked token's value is `value`, whatever its kind (as
    /// gqlparser compares in several places: a string "on" passes for `on`).
    pub fn peekValueIs(p: *Parser, value: []const u8) Allocator.Error!bool {
        return std.mem.eql(u8, (try p.peek()).value, value);
    }

    /// The end of `some(...)`: fails when the list was empty, else consumes
    /// the closing token and returns the comments before it.
    pub fn endSome(p: *Parser, called: bool) ParseError!?*ast.CommentGroup {
        if (!called) {
            const token = try p.peek();
            return p.failf(token.position, "expected at least one definition, found {s}", .{token.kind.text()});
        }
        const comment = p.comment;
        _ = try p.next();
        return comment;
    }

    /// Bounds recursion; pair with `leave`.
    pub fn enter(p: *Parser) ParseError!void {
        if (p.depth >= max_depth) {
            const token = try p.peek();
            return p.failf(token.position, "exceeded the maximum nesting depth of {d}", .{max_depth});
        }
        p.depth += 1;
    }

    pub fn leave(p: *Parser) void {
        p.depth -= 1;
    }

    /// gqlerror text of the failure (see errors.zig).
    pub fn failureText(p: *const Parser) Allocator.Error![]const u8 {
        return errors.single(p.allocator, p.failure.?);
    }

    pub fn create(p: *Parser, comptime T: type, value: T) Allocator.Error!*T {
        const node = try p.allocator.create(T);
        node.* = value;
        return node;
    }
};

test "comments before a token are grouped and cleared by next" {
    var arena: std.heap.ArenaAllocator = .init(std.testing.allocator);
    defer arena.deinit();
    var p: Parser = .init(arena.allocator(), "# one\n# two\nname other");
    const token = try p.peek();
    try std.testing.expectEqualStrings("name", token.value);
    try std.testing.expectEqual(@as(usize, 2), p.comment.?.list.len);
    try std.testing.expectEqualStrings("# two", p.comment.?.list[1].value);
    _ = try p.next();
    try std.testing.expect(p.comment == null);
    try std.testing.expectError(error.Syntax, p.expect(.brace_l));
    try std.testing.expectEqualStrings("Expected {, found Name", p.failure.?.message);
}
