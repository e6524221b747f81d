//! Status codes returned by every C ABI call (i32). Zero is success, one is
//! "your buffer was too small" (not a failure), negatives are errors whose
//! detail is readable with `sark_error`.
const std = @import("std");

pub const Status = enum(i32) {
    ok = 0,
    /// The result did not fit the caller's buffer: `*out_len` holds the size needed and the
    /// result is kept on the context until `sark_result_take` (or the next call) consumes it.
    buffer_too_small = 1,

    invalid_argument = -1,
    invalid_handle = -2,
    out_of_memory = -3,
    invalid_json = -4,
    too_many_handles = -5,
    no_pending_result = -6,
    not_found = -7,
    /// A cache entry (key + value) larger than the cache's maxBytes.
    too_large = -8,
    /// A named cache opened again with a config that differs from the one it was created with.
    config_mismatch = -9,
    rego_parse_error = -10,
    rego_compile_error = -11,
    eval_error = -12,
    internal = -99,

    pub fn code(status: Status) i32 {
        return @intFromEnum(status);
    }

    /// The stable name used in error details and by the TypeScript error classes.
    pub fn name(status: Status) []const u8 {
        return switch (status) {
            .ok => "ok",
            .buffer_too_small => "buffer_too_small",
            .invalid_argument => "invalid_argument",
            .invalid_handle => "invalid_handle",
            .out_of_memory => "out_of_memory",
            .invalid_json => "invalid_json",
            .too_many_handles => "too_many_handles",
            .no_pending_result => "no_pending_result",
            .not_found => "not_found",
            .too_large => "too_large",
            .config_mismatch => "config_mismatch",
            .rego_parse_error => "rego_parse_error",
            .rego_compile_error => "rego_compile_error",
            .eval_error => "eval_error",
            .internal => "internal",
        };
    }
};

test "status codes are stable" {
    try std.testing.expectEqual(@as(i32, 0), Status.ok.code());
    try std.testing.expectEqual(@as(i32, -4), Status.invalid_json.code());
    try std.testing.expectEqualStrings("invalid_json", Status.invalid_json.name());
}
