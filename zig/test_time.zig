//! Test root for the time family: `scripts/zig test zig/test_time.zig`
//! (relative imports may not leave a test root's directory, so roots live in zig/).
//! The modules are also exported, for differential drivers built on this root.
pub const time = @import("time/mod.zig");
pub const builtins = @import("builtins/time.zig");
pub const builtin = @import("builtins/builtin.zig");
pub const value = @import("value/mod.zig");

test {
    _ = time;
    _ = builtins;
}
