//! Test root for the regex engine and the regex builtins:
//! `scripts/zig test zig/test_regex.zig` (test roots must live in zig/).
test {
    _ = @import("regex/regex.zig");
    _ = @import("regex/cache.zig");
    _ = @import("builtins/regex.zig");
}
