//! Builtins of the regex family (see builtin.zig for the interface), with the
//! semantics of OPA's topdown/regex.go on top of the Go-compatible engine in
//! ../regex/. Compiled patterns come from the process-wide cache (../regex/cache.zig),
//! as OPA caches them. The matcher's scratch (and a pattern compiled for one call
//! when the cache does not keep it) lives on the stack (`Scratch`) unless it
//! outgrows it, so a builtin called in a loop does not grow the evaluation's arena;
//! results go to ctx.allocator, and matched strings are slices of the arguments.
const std = @import("std");
const Allocator = std.mem.Allocator;
const builtin = @import("builtin.zig");
const value_mod = @import("../value/mod.zig");
const regex = @import("../regex/regex.zig");
const globs = @import("../regex/globs.zig");
const goquote = @import("../regex/goquote.zig");
const regex_cache = @import("../regex/cache.zig");

const Context = builtin.Context;
const Error = builtin.Error;
const Value = value_mod.Value;
const Number = value_mod.Number;

pub const builtins: []const builtin.Builtin = &.{
    .{ .name = "regex.is_valid", .arity = 1, .func = isValid },
    .{ .name = "regex.match", .arity = 2, .func = match },
    .{ .name = "re_match", .arity = 2, .func = match }, // deprecated alias
    .{ .name = "regex.split", .arity = 2, .func = split },
    .{ .name = "regex.find_n", .arity = 3, .func = findN },
    .{ .name = "regex.find_all_string_submatch_n", .arity = 3, .func = findAllStringSubmatchN },
    .{ .name = "regex.replace", .arity = 3, .func = replace },
    .{ .name = "regex.template_match", .arity = 4, .func = templateMatch },
    .{ .name = "regex.globs_match", .arity = 2, .func = globsMatch },
};

// Operands (OPA's builtins.StringOperand and IntOperand).

fn stringOperand(ctx: *Context, args: []const Value, index: usize) Error![]const u8 {
    return switch (args[index]) {
        .string => |s| s,
        else => ctx.operandError(index + 1, "string", args[index]),
    };
}

/// OPA's IntOperand: a number whose literal text is an integer in i64 range
/// (so 1.0 and 1e3 are refused, as util.Atoi64 refuses them).
fn intOperand(ctx: *Context, args: []const Value, index: usize) Error!i64 {
    const n = switch (args[index]) {
        .number => |n| n,
        else => return ctx.operandError(index + 1, "number", args[index]),
    };
    const i: ?i64 = switch (n) {
        .int => |i| i,
        .big => |big| atoi64(big.text),
    };
    return i orelse ctx.typeError("operand {d} must be integer number but got floating-point number", .{index + 1});
}

fn atoi64(text: []const u8) ?i64 {
    var digits = text;
    var negative = false;
    if (digits.len > 0 and (digits[0] == '-' or digits[0] == '+')) {
        negative = digits[0] == '-';
        digits = digits[1..];
    }
    if (digits.len == 0 or digits.len > 19) return null;
    var magnitude: u64 = 0;
    for (digits) |c| {
        if (c < '0' or c > '9') return null;
        magnitude = magnitude * 10 + (c - '0'); // 19 digits fit u64
    }
    const signed: i128 = if (negative) -@as(i128, magnitude) else magnitude;
    return std.math.cast(i64, signed);
}

/// Stack memory for compiling and matching: typical patterns need 2-8 KB
/// (a \pL class alone 20 KB); beyond it the evaluation's arena is used.
const Scratch = std.heap.StackFallbackAllocator(16 << 10);

fn scratchFor(ctx: *Context) Scratch {
    return std.heap.stackFallback(16 << 10, ctx.allocator);
}

/// A compiled pattern: shared from the cache, or compiled for this call into scratch.
const Compiled = struct {
    re: regex.Regex,
    entry: ?*regex_cache.Entry,

    fn release(c: *const Compiled) void {
        if (c.entry) |e| regex_cache.release(e);
    }
};

/// Compiles a pattern (or finds it compiled), turning a syntax error into OPA's builtin
/// error ("error parsing regexp: ..."). Release the result.
fn compilePattern(ctx: *Context, scratch: Allocator, pattern: []const u8) Error!Compiled {
    if (regex_cache.acquire(pattern)) |e| return .{ .re = e.re, .entry = e };
    var diagnostic: regex.Diagnostic = .{};
    if (regex_cache.insert(pattern, &diagnostic)) |cached| {
        if (cached) |e| return .{ .re = e.re, .entry = e };
    } else |err| switch (err) {
        error.Syntax => return ctx.builtinError("{f}", .{diagnostic}),
        error.OutOfMemory => {}, // the cache's heap is exhausted: try this call's scratch
    }
    const re = regex.compileDiagnostic(scratch, pattern, &diagnostic) catch |err| switch (err) {
        error.Syntax => return ctx.builtinError("{f}", .{diagnostic}),
        error.OutOfMemory => return error.OutOfMemory,
    };
    return .{ .re = re, .entry = null };
}

fn stringArray(allocator: Allocator, parts: []const []const u8) Error!Value {
    const items = try allocator.alloc(Value, parts.len);
    for (parts, items) |part, *item| item.* = .{ .string = part };
    return .{ .array = items };
}

// The builtins.

/// regex.is_valid(pattern): whether Go's parser accepts it; false for non-strings.
fn isValid(ctx: *Context, args: []const Value) Error!Value {
    const pattern = switch (args[0]) {
        .string => |s| s,
        else => return Value.false,
    };
    var diagnostic: regex.Diagnostic = .{};
    var scratch_state = scratchFor(ctx);
    return .{ .boolean = try regex.isValid(scratch_state.get(), pattern, &diagnostic) };
}

/// regex.match(pattern, value) and the deprecated re_match.
fn match(ctx: *Context, args: []const Value) Error!Value {
    const pattern = try stringOperand(ctx, args, 0);
    const input = try stringOperand(ctx, args, 1);
    var scratch_state = scratchFor(ctx);
    const scratch = scratch_state.get();
    const compiled = try compilePattern(ctx, scratch, pattern);
    defer compiled.release();
    const re = compiled.re;
    return .{ .boolean = try re.isMatch(scratch, input) };
}

/// regex.split(pattern, value): Go's Regexp.Split(value, -1).
fn split(ctx: *Context, args: []const Value) Error!Value {
    const pattern = try stringOperand(ctx, args, 0);
    const input = try stringOperand(ctx, args, 1);
    var scratch_state = scratchFor(ctx);
    const scratch = scratch_state.get();
    const compiled = try compilePattern(ctx, scratch, pattern);
    defer compiled.release();
    const re = compiled.re;
    return stringArray(ctx.allocator, try re.split(scratch, input, -1));
}

/// regex.find_n(pattern, value, n): Go's FindAllString(value, n).
fn findN(ctx: *Context, args: []const Value) Error!Value {
    const pattern = try stringOperand(ctx, args, 0);
    const input = try stringOperand(ctx, args, 1);
    const n = try intOperand(ctx, args, 2);
    var scratch_state = scratchFor(ctx);
    const scratch = scratch_state.get();
    const compiled = try compilePattern(ctx, scratch, pattern);
    defer compiled.release();
    const re = compiled.re;
    const spans = try re.findAll(scratch, input, n);
    const items = try ctx.allocator.alloc(Value, spans.len);
    for (spans, items) |span, *item| item.* = .{ .string = span.slice(input) };
    return .{ .array = items };
}

/// regex.find_all_string_submatch_n(pattern, value, n): Go's
/// FindAllStringSubmatch; groups that did not participate are "".
fn findAllStringSubmatchN(ctx: *Context, args: []const Value) Error!Value {
    const pattern = try stringOperand(ctx, args, 0);
    const input = try stringOperand(ctx, args, 1);
    const n = try intOperand(ctx, args, 2);
    var scratch_state = scratchFor(ctx);
    const scratch = scratch_state.get();
    const compiled = try compilePattern(ctx, scratch, pattern);
    defer compiled.release();
    const re = compiled.re;
    const matches = try re.findAllSubmatch(scratch, input, n);
    const outer = try ctx.allocator.alloc(Value, matches.len);
    for (matches, outer) |groups, *o| {
        const inner = try ctx.allocator.alloc(Value, groups.len);
        for (groups, inner) |span, *i| i.* = .{ .string = if (span) |s| s.slice(input) else "" };
        o.* = .{ .array = inner };
    }
    return .{ .array = outer };
}

/// regex.replace(base, pattern, value): Go's ReplaceAllString, with $1 and
/// ${name} in `value` expanded.
fn replace(ctx: *Context, args: []const Value) Error!Value {
    const base = try stringOperand(ctx, args, 0);
    const pattern = try stringOperand(ctx, args, 1);
    const template = try stringOperand(ctx, args, 2);
    var scratch_state = scratchFor(ctx);
    const scratch = scratch_state.get();
    const compiled = try compilePattern(ctx, scratch, pattern);
    defer compiled.release();
    const re = compiled.re;
    const replaced = try re.replaceAll(scratch, base, template);
    if (std.mem.eql(u8, replaced, base)) return args[0];
    return .{ .string = try ctx.allocator.dupe(u8, replaced) };
}

/// regex.template_match(template, value, delimiter_start, delimiter_end):
/// matches `value` against `template`, whose delimited parts are regexes
/// and the rest literal text (OPA's fork of gorilla/mux's template regexes).
fn templateMatch(ctx: *Context, args: []const Value) Error!Value {
    const template = try stringOperand(ctx, args, 0);
    const input = try stringOperand(ctx, args, 1);
    const start = try stringOperand(ctx, args, 2);
    const end = try stringOperand(ctx, args, 3);
    if (start.len != 1) return ctx.builtinError("start delimiter has to be exactly one character long but is {d} long", .{start.len});
    // OPA reports the start delimiter's length here too.
    if (end.len != 1) return ctx.builtinError("end delimiter has to be exactly one character long but is {d} long", .{start.len});
    var scratch_state = scratchFor(ctx);
    const scratch = scratch_state.get();
    const compiled = try compileTemplate(ctx, scratch, template, start[0], end[0]);
    defer compiled.release();
    const re = compiled.re;
    return .{ .boolean = try re.isMatch(scratch, input) };
}

/// The regex of a template: ^, then each literal part quoted and each
/// delimited part as a group, then $. Each part must also compile alone as ^part$.
fn compileTemplate(ctx: *Context, scratch: Allocator, template: []const u8, delimiter_start: u8, delimiter_end: u8) Error!Compiled {
    const allocator = scratch;
    // Positions of the outermost delimited parts: [start, end) pairs.
    var bounds: std.ArrayList(usize) = .empty;
    var level: i64 = 0;
    var open: usize = 0;
    for (template, 0..) |c, i| {
        if (c == delimiter_start) {
            level += 1;
            if (level == 1) open = i;
        } else if (c == delimiter_end) {
            level -= 1;
            if (level == 0) {
                try bounds.appendSlice(allocator, &.{ open, i + 1 });
            } else if (level < 0) {
                return unbalanced(ctx, template);
            }
        }
    }
    if (level != 0) return unbalanced(ctx, template);

    var pattern: std.ArrayList(u8) = .empty;
    try pattern.append(allocator, '^');
    var last: usize = 0;
    var i: usize = 0;
    while (i < bounds.items.len) : (i += 2) {
        const raw = template[last..bounds.items[i]];
        last = bounds.items[i + 1];
        const part = template[bounds.items[i] + 1 .. last - 1];
        try pattern.appendSlice(allocator, try regex.quoteMeta(allocator, raw));
        try pattern.append(allocator, '(');
        try pattern.appendSlice(allocator, part);
        try pattern.append(allocator, ')');
        const alone = try std.mem.concat(allocator, u8, &.{ "^", part, "$" });
        (try compilePattern(ctx, scratch, alone)).release();
    }
    try pattern.appendSlice(allocator, try regex.quoteMeta(allocator, template[last..]));
    try pattern.append(allocator, '$');
    return compilePattern(ctx, scratch, pattern.items);
}

fn unbalanced(ctx: *Context, template: []const u8) Error {
    var quoted: std.Io.Writer.Allocating = .init(ctx.allocator);
    goquote.quote(&quoted.writer, template) catch return error.OutOfMemory;
    return ctx.builtinError("unbalanced braces in {s}", .{quoted.written()});
}

/// regex.globs_match(glob1, glob2): whether some non-empty string matches
/// both globs (OPA uses github.com/yashtewari/glob-intersection).
fn globsMatch(ctx: *Context, args: []const Value) Error!Value {
    const glob1 = try stringOperand(ctx, args, 0);
    const glob2 = try stringOperand(ctx, args, 1);
    var scratch_state = scratchFor(ctx);
    const scratch = scratch_state.get();
    var message: std.ArrayList(u8) = .empty;
    const result = globs.nonEmpty(scratch, glob1, glob2, &message) catch |err| switch (err) {
        error.InvalidGlob => return ctx.builtinError("{s}", .{message.items}),
        error.OutOfMemory => return error.OutOfMemory,
    };
    return .{ .boolean = result };
}

// Tests: OPA's conformance cases for these builtins, plus error paths
// checked against OPA v1.19.0.

const testing = std.testing;

test {
    // The engine's own tests, so that any test root reaching the builtins runs them.
    _ = regex;
}

fn call(ctx: *Context, name: []const u8, args: []const Value) Error!Value {
    for (builtins) |b| {
        if (std.mem.eql(u8, b.name, name) and b.arity == args.len) return b.func(ctx, args);
    }
    std.debug.print("no builtin {s}/{d}\n", .{ name, args.len });
    return error.Undefined;
}

fn str(s: []const u8) Value {
    return .{ .string = s };
}

fn int(i: i64) Value {
    return .{ .number = Number.fromInt(i) };
}

fn expectJson(arena: Allocator, want: []const u8, got: Value) !void {
    const text = try value_mod.json.serializeAlloc(arena, got);
    try testing.expectEqualStrings(want, text);
}

const Case = struct { name: []const u8, args: []const Value, want: []const u8 };

test "conformance cases" {
    var arena_state: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    var ctx: Context = .{ .allocator = arena };
    const cases = [_]Case{
        .{ .name = "regex.find_n", .args = &.{ str("a."), str("paranormal"), int(-1) }, .want = "[\"ar\",\"an\",\"al\"]" },
        .{ .name = "regex.find_n", .args = &.{ str("a."), str("paranormal"), int(2) }, .want = "[\"ar\",\"an\"]" },
        .{ .name = "regex.find_n", .args = &.{ str("a."), str("paranormal"), int(0) }, .want = "[]" },
        .{ .name = "regex.find_n", .args = &.{ str("^a."), str("abacadaeaf"), int(-1) }, .want = "[\"ab\"]" },
        .{ .name = "regex.find_n", .args = &.{ str(".$"), str("abacadaeaf"), int(-1) }, .want = "[\"f\"]" },
        .{ .name = "regex.find_n", .args = &.{ str("[abcdef]{2}"), str("abacadaeaf"), int(-1) }, .want = "[\"ab\",\"ac\",\"ad\",\"ae\",\"af\"]" },
        .{ .name = "regex.find_n", .args = &.{ str("bork"), str("paranormal"), int(-1) }, .want = "[]" },
        .{ .name = "regex.find_all_string_submatch_n", .args = &.{ str("a(x*)b"), str("-"), int(-1) }, .want = "[]" },
        .{ .name = "regex.find_all_string_submatch_n", .args = &.{ str("a(x*)b"), str("-ab-"), int(-1) }, .want = "[[\"ab\",\"\"]]" },
        .{ .name = "regex.find_all_string_submatch_n", .args = &.{ str("a(x*)b"), str("-axxb-"), int(-1) }, .want = "[[\"axxb\",\"xx\"]]" },
        .{ .name = "regex.find_all_string_submatch_n", .args = &.{ str("a(x*)b"), str("-ab-axb-"), int(-1) }, .want = "[[\"ab\",\"\"],[\"axb\",\"x\"]]" },
        .{ .name = "regex.find_all_string_submatch_n", .args = &.{ str("[^aouiye]([aouiye])([^aouiye])?"), str("somestri"), int(-1) }, .want = "[[\"som\",\"o\",\"m\"],[\"ri\",\"i\",\"\"]]" },
        .{ .name = "regex.find_all_string_submatch_n", .args = &.{ str("[^aouiye]([aouiye])([^aouiye])?"), str("somestri"), int(1) }, .want = "[[\"som\",\"o\",\"m\"]]" },
        .{ .name = "regex.is_valid", .args = &.{int(10)}, .want = "false" },
        .{ .name = "regex.is_valid", .args = &.{str("++")}, .want = "false" },
        .{ .name = "regex.is_valid", .args = &.{str(".+")}, .want = "true" },
        .{ .name = "regex.match", .args = &.{ str("^[a-z]+\\[[0-9]+\\]$"), str("foo[1]") }, .want = "true" },
        .{ .name = "regex.match", .args = &.{ str("^$"), str("") }, .want = "true" },
        .{ .name = "regex.match", .args = &.{ str(""), str("") }, .want = "true" },
        .{ .name = "regex.match", .args = &.{ str(""), str("x") }, .want = "true" },
        .{ .name = "regex.match", .args = &.{ str("^$"), str("something") }, .want = "false" },
        .{ .name = "re_match", .args = &.{ str("^a+$"), str("aaa") }, .want = "true" },
        .{ .name = "regex.template_match", .args = &.{ str("urn:foo:{.*}"), str("urn:foo:bar:baz"), str("{"), str("}") }, .want = "true" },
        .{ .name = "regex.template_match", .args = &.{ str("urn:foo:<.*>"), str("urn:foo:bar:baz"), str("<"), str(">") }, .want = "true" },
        .{ .name = "regex.template_match", .args = &.{ str("urn:foo.{[0-9]+}"), str("urn:fooX12"), str("{"), str("}") }, .want = "false" },
        .{ .name = "regex.replace", .args = &.{ str("-wy-wxxy-"), str("w(x*)y"), str("0") }, .want = "\"-0-0-\"" },
        .{ .name = "regex.replace", .args = &.{ str("foo"), str("(foo)"), str("$1$1") }, .want = "\"foofoo\"" },
        .{ .name = "regex.replace", .args = &.{ str("foo"), str("^[a-z]"), str("F") }, .want = "\"Foo\"" },
        .{ .name = "regex.replace", .args = &.{ str("foo"), str("^[a-z]$"), str("F") }, .want = "\"foo\"" },
        .{ .name = "regex.replace", .args = &.{ str("foo"), str("^[a-z]+$"), str("M") }, .want = "\"M\"" },
        .{ .name = "regex.replace", .args = &.{ str("foo"), str("[a-z]$"), str("F") }, .want = "\"foF\"" },
        .{ .name = "regex.replace", .args = &.{ str("foo"), str("x[a-z]$"), str("F") }, .want = "\"foo\"" },
        .{ .name = "regex.replace", .args = &.{ str("foo bar"), str("[a-z]"), str("_") }, .want = "\"___ ___\"" },
        .{ .name = "regex.replace", .args = &.{ str("foo barx"), str("[a-z]{3}"), str("_") }, .want = "\"_ _x\"" },
        .{ .name = "regex.replace", .args = &.{ str("foo barx"), str("[a-z]{2}"), str("_") }, .want = "\"_o __\"" },
        .{ .name = "regex.split", .args = &.{ str("^[a-z]+\\[[0-9]+\\]$"), str("") }, .want = "[\"\"]" },
        .{ .name = "regex.split", .args = &.{ str("^[a-z]+"), str("foobar baz") }, .want = "[\"\",\" baz\"]" },
        .{ .name = "regex.split", .args = &.{ str("[a-z]+$"), str("foobar baz") }, .want = "[\"foobar \",\"\"]" },
        .{ .name = "regex.split", .args = &.{ str("^[a-z]+$"), str("foobar baz") }, .want = "[\"foobar baz\"]" },
        .{ .name = "regex.split", .args = &.{ str("^[a-z ]+$"), str("foobar baz") }, .want = "[\"\",\"\"]" },
        .{ .name = "regex.split", .args = &.{ str("a"), str("banana") }, .want = "[\"b\",\"n\",\"n\",\"\"]" },
        .{ .name = "regex.split", .args = &.{ str("z+"), str("pizza") }, .want = "[\"pi\",\"a\"]" },
        .{ .name = "regex.split", .args = &.{ str(""), str("") }, .want = "[]" },
        .{ .name = "regex.globs_match", .args = &.{ str("a.a.[0-9]+z"), str(".b.b2359825792*594823z") }, .want = "true" },
        .{ .name = "regex.globs_match", .args = &.{ str("[a-z]+"), str("[0-9]*") }, .want = "false" },
        .{ .name = "regex.globs_match", .args = &.{ str("b.*"), str("bar") }, .want = "true" },
        .{ .name = "regex.globs_match", .args = &.{ str("[a-z]+\\[[0-9]+\\]"), str("foo\\[1\\]") }, .want = "true" },
        .{ .name = "regex.globs_match", .args = &.{ str("[a-z]+\\[[0-9]+\\]"), str("foo[\"bar\"]") }, .want = "false" },
    };
    for (cases) |c| {
        const got = call(&ctx, c.name, c.args) catch |err| {
            std.debug.print("{s}: {s} ({s})\n", .{ c.name, @errorName(err), ctx.message.items });
            return err;
        };
        expectJson(arena, c.want, got) catch |err| {
            std.debug.print("case {s} {s}\n", .{ c.name, c.want });
            return err;
        };
    }
}

const ErrorCase = struct { name: []const u8, args: []const Value, err: Error, message: []const u8 };

test "errors read like OPA's" {
    var arena_state: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    var ctx: Context = .{ .allocator = arena };
    const big: Number = try Number.parseLiteral(arena, "1.0");
    const cases = [_]ErrorCase{
        .{ .name = "regex.match", .args = &.{ str("$^[[["), str("something") }, .err = error.BuiltinError, .message = "error parsing regexp: missing closing ]: `[[[`" },
        .{ .name = "regex.match", .args = &.{ int(1), str("x") }, .err = error.TypeError, .message = "operand 1 must be string but got number" },
        .{ .name = "regex.match", .args = &.{ str("x"), Value.true }, .err = error.TypeError, .message = "operand 2 must be string but got boolean" },
        .{ .name = "regex.replace", .args = &.{ str("foo"), str("["), str("$1") }, .err = error.BuiltinError, .message = "error parsing regexp: missing closing ]: `[`" },
        .{ .name = "regex.find_n", .args = &.{ str("["), str("x"), .{ .number = big } }, .err = error.TypeError, .message = "operand 3 must be integer number but got floating-point number" },
        .{ .name = "regex.find_n", .args = &.{ str("a"), str("x"), str("1") }, .err = error.TypeError, .message = "operand 3 must be number but got string" },
        .{ .name = "regex.template_match", .args = &.{ str("a"), str("a"), str("{{"), str("}") }, .err = error.BuiltinError, .message = "start delimiter has to be exactly one character long but is 2 long" },
        .{ .name = "regex.template_match", .args = &.{ str("a"), str("a"), str("{"), str("}}}") }, .err = error.BuiltinError, .message = "end delimiter has to be exactly one character long but is 1 long" },
        .{ .name = "regex.template_match", .args = &.{ str("a{b\t\u{e9}"), str("a"), str("{"), str("}") }, .err = error.BuiltinError, .message = "unbalanced braces in \"a{b\\t\u{e9}\"" },
        .{ .name = "regex.template_match", .args = &.{ str("a{(}"), str("a"), str("{"), str("}") }, .err = error.BuiltinError, .message = "error parsing regexp: missing closing ): `^($`" },
        .{ .name = "regex.globs_match", .args = &.{ str("pqrs]"), str("[a-b]+") }, .err = error.BuiltinError, .message = "input:pqrs], pos:5, set-close ']' with no preceding '[': the input provided is invalid" },
    };
    for (cases) |c| {
        try testing.expectError(c.err, call(&ctx, c.name, c.args));
        try testing.expectEqualStrings(c.message, ctx.message.items);
    }
}
