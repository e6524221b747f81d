//! Test root for the jsonschema family: `scripts/zig test zig/test_jsonschema.zig`
//! (relative imports may not leave a test root's directory, so roots live in zig/).
test {
    _ = @import("builtins/jsonschema.zig");
}
