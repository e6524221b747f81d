//! A policy engine: the modules, base data and prepared queries that
//! evaluations share. Several threads may use one engine at once.
//! (This version holds no policies yet: the evaluator lands in a later change.)
const std = @import("std");

pub const Engine = struct {
    gpa: std.mem.Allocator,
    /// Guards the engine's mutable state (modules, data) against concurrent writers.
    lock: std.Thread.RwLock = .{},

    pub fn create(gpa: std.mem.Allocator) error{OutOfMemory}!*Engine {
        const engine = try gpa.create(Engine);
        engine.* = .{ .gpa = gpa };
        return engine;
    }

    pub fn destroy(engine: *Engine) void {
        const gpa = engine.gpa;
        engine.* = undefined;
        gpa.destroy(engine);
    }
};

test "an engine is created and destroyed without leaks" {
    const engine = try Engine.create(std.testing.allocator);
    engine.destroy();
}
