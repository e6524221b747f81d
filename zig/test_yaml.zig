//! Test root for the yaml family: `scripts/zig test zig/test_yaml.zig`
//! (relative imports may not leave a test root's directory, so roots live in zig/).
test {
    _ = @import("builtins/yaml.zig");
    _ = @import("yaml/mod.zig");
}
