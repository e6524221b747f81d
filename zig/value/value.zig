//! The value model shared by the JSON codec, the evaluator and the builtins.
//!
//! Values are immutable once built and never own their memory: whoever builds
//! them passes an allocator (an arena per evaluation, or the engine's store for
//! base data). Composites are kept in OPA's canonical order so that equality,
//! comparison and serialization are linear scans and lookups are binary searches.
const std = @import("std");
const number = @import("number.zig");

pub const Number = number.Number;

pub const Tag = enum(u8) {
    // Declaration order is OPA's sort order across types (ast.Compare):
    // null < boolean < number < string < array < object < set.
    null,
    boolean,
    number,
    string,
    array,
    object,
    set,
};

pub const Value = union(Tag) {
    null,
    boolean: bool,
    number: Number,
    /// UTF-8 text, already unescaped.
    string: []const u8,
    array: []const Value,
    object: *const Object,
    set: *const Set,

    pub const @"true": Value = .{ .boolean = true };
    pub const @"false": Value = .{ .boolean = false };
};

/// Keys unique and sorted by `order.compare`; `values[i]` belongs to `keys[i]`.
pub const Object = struct {
    keys: []const Value,
    values: []const Value,

    pub const empty: Object = .{ .keys = &.{}, .values = &.{} };
};

/// Items unique and sorted by `order.compare`.
pub const Set = struct {
    items: []const Value,

    pub const empty: Set = .{ .items = &.{} };
};
