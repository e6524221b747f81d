//! Test root for the builtins alone: `scripts/zig test zig/test_builtins.zig`
//! (relative imports may not leave a test root's directory, so roots live in zig/).
test {
    _ = @import("builtins/registry.zig");
    _ = @import("builtins/builtin.zig");
}
