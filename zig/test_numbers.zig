//! Test root for the numbers job's builtins: `scripts/zig test zig/test_numbers.zig`
//! (relative imports may not leave a test root's directory, so roots live in zig/).
//! The families are also exported, for differential drivers built on this root.
pub const numbers = @import("builtins/numbers.zig");
pub const aggregates = @import("builtins/aggregates.zig");
pub const comparison = @import("builtins/comparison.zig");
pub const builtin = @import("builtins/builtin.zig");
pub const value = @import("value/mod.zig");

test {
    _ = numbers;
    _ = aggregates;
    _ = comparison;
    _ = builtin;
}
