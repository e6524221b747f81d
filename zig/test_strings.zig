//! Test root for the strings family: `scripts/zig test zig/test_strings.zig`
//! (relative imports may not leave a test root's directory, so roots live in zig/).
test {
    _ = @import("builtins/strings.zig");
    _ = @import("builtins/sprintf.zig");
}
