//! Test root: `zig build test` runs every test reachable from here.
const std = @import("std");

test {
    _ = @import("status.zig");
    _ = @import("handles.zig");
    _ = @import("context.zig");
    _ = @import("engine.zig");
    _ = @import("cache/cache.zig");
    _ = @import("cache/registry.zig");
    _ = @import("cache/packing.zig");
    _ = @import("value/mod.zig");
    _ = @import("ffi.zig");
    _ = @import("compile/compiler.zig");
    _ = @import("compile/front.zig");
    _ = @import("eval/eval.zig");
    _ = @import("builtins/registry.zig");
    _ = @import("yaml/mod.zig");
}
