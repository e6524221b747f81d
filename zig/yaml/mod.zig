//! YAML as OPA v1.19.0's yaml.* builtins see it: sigs.k8s.io/yaml over
//! go-yaml v2 (YAML 1.1 typing, first document only, go-yaml's messages).
//! `scripts/zig test zig/test_yaml.zig` runs the tests.
const std = @import("std");

pub const errors = @import("errors.zig");
pub const scanner = @import("scanner.zig");
pub const parser = @import("parser.zig");
pub const resolve = @import("resolve.zig");
pub const gofmt = @import("../misc/gofloat.zig");
pub const decode_mod = @import("decode.zig");
pub const emit = @import("emit.zig");

pub const Diagnostic = errors.Diagnostic;
pub const Error = errors.Error;
pub const decode = decode_mod.decode;
pub const encode = emit.encode;

test {
    std.testing.refAllDecls(@This());
}
