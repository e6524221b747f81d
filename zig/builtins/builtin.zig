//! The interface every builtin function implements, and the context it gets.
//!
//! A builtin is a pure function of its argument values: it allocates its result
//! in `ctx.allocator` (the evaluation's arena: never free it) and reports failure
//! as one of `Error`. The evaluator turns failures into OPA's errors, prefixing
//! the builtin's name as OPA's topdown does:
//!   error.TypeError    -> eval_type_error    "<name>: <message>"   (OPA: builtins.ErrOperand)
//!   error.BuiltinError -> eval_builtin_error "<name>: <message>"   (any other builtin error)
//!   error.Undefined    -> the call has no value (the expression is undefined, no error)
//! In non-strict mode (OPA's default) TypeError and BuiltinError also make the
//! expression undefined; with strict builtin errors they abort the evaluation.
const std = @import("std");
const value_mod = @import("../value/mod.zig");

pub const Value = value_mod.Value;

pub const Error = error{ OutOfMemory, TypeError, BuiltinError, Undefined };

pub const Fn = *const fn (ctx: *Context, args: []const Value) Error!Value;

pub const Builtin = struct {
    /// OPA's name, e.g. "count", "object.get", "plus" (operators use OPA's internal names).
    name: []const u8,
    /// Number of arguments, as declared in OPA's capabilities (the output is not counted).
    arity: u8,
    func: Fn,
    /// True for builtins whose value may differ between calls with the same arguments
    /// (time.now_ns, rand.intn, ...): the evaluator caches them per evaluation.
    nondeterministic: bool = false,
};

pub const Context = struct {
    allocator: std.mem.Allocator,
    /// Message of the last TypeError/BuiltinError, without the builtin's name.
    message: std.ArrayList(u8) = .empty,
    /// Wall-clock time of this evaluation (ns since the Unix epoch): one value per evaluation, as OPA.
    now_ns: i64 = 0,

    /// Records an operand type error: "operand <n> must be <expected> but got <type>".
    pub fn operandError(ctx: *Context, position: usize, expected: []const u8, got: Value) Error {
        ctx.setMessage("operand {d} must be {s} but got {s}", .{ position, expected, typeName(got) });
        return error.TypeError;
    }

    /// Records a TypeError with a custom message.
    pub fn typeError(ctx: *Context, comptime fmt: []const u8, args: anytype) Error {
        ctx.setMessage(fmt, args);
        return error.TypeError;
    }

    /// Records a BuiltinError (eval_builtin_error).
    pub fn builtinError(ctx: *Context, comptime fmt: []const u8, args: anytype) Error {
        ctx.setMessage(fmt, args);
        return error.BuiltinError;
    }

    fn setMessage(ctx: *Context, comptime fmt: []const u8, args: anytype) void {
        ctx.message.clearRetainingCapacity();
        ctx.message.print(ctx.allocator, fmt, args) catch ctx.message.clearRetainingCapacity();
    }
};

/// OPA's name for a value's type, as used in error messages and by `type_name`.
pub fn typeName(v: Value) []const u8 {
    return switch (v) {
        .null => "null",
        .boolean => "boolean",
        .number => "number",
        .string => "string",
        .array => "array",
        .object => "object",
        .set => "set",
    };
}

test "operand errors read like OPA's" {
    var arena: std.heap.ArenaAllocator = .init(std.testing.allocator);
    defer arena.deinit();
    var ctx: Context = .{ .allocator = arena.allocator() };
    try std.testing.expectError(error.TypeError, @as(Error!Value, ctx.operandError(1, "string", .{ .boolean = true })));
    try std.testing.expectEqualStrings("operand 1 must be string but got boolean", ctx.message.items);
}
