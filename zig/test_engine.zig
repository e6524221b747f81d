//! Test root for the compiler, evaluator and engine: `scripts/zig test zig/test_engine.zig`.
test {
    _ = @import("engine.zig");
    _ = @import("compile/compiler.zig");
    _ = @import("eval/eval.zig");
}
