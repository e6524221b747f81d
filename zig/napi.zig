//! The Node-API addon: the same C ABI (`ffi.zig`), exposed to Node as functions.
//!
//! Every `pub export fn sark_*` of ffi.zig becomes a property of the module's
//! exports with the same name and the same arguments: numbers for i32/u32, and
//! TypedArrays for pointers (Uint8Array for bytes, Uint32Array / Int32Array of
//! length >= 1 for `u32 *` / `i32 *` out-parameters, null for a null pointer).
//! The wrappers are generated at compile time from ffi.zig, so the ABI is spelled
//! once. A wrong argument type throws a TypeError in JS; it never reaches Zig.
//!
//! The napi_* functions are resolved from the host process at load time; they
//! are declared here by hand (C ABI, Node-API version 1), so no C header is translated.
const std = @import("std");
const ffi = @import("ffi.zig");

comptime {
    // Keep the plain C symbols in the addon too: one library, one ABI.
    _ = ffi;
}

const Env = ?*opaque {};
const Value = ?*opaque {};
const CallbackInfo = ?*opaque {};
const NapiStatus = c_int;
const napi_ok: NapiStatus = 0;
const Callback = *const fn (Env, CallbackInfo) callconv(.c) Value;

const ValueType = enum(c_int) { undefined = 0, null = 1, _ };
const TypedArrayType = enum(c_int) { uint8 = 1, int32 = 5, uint32 = 6, _ };

extern fn napi_get_cb_info(env: Env, info: CallbackInfo, argc: *usize, argv: [*]Value, this: ?*Value, data: ?*?*anyopaque) NapiStatus;
extern fn napi_get_value_uint32(env: Env, value: Value, result: *u32) NapiStatus;
extern fn napi_get_value_int32(env: Env, value: Value, result: *i32) NapiStatus;
extern fn napi_typeof(env: Env, value: Value, result: *ValueType) NapiStatus;
extern fn napi_get_typedarray_info(env: Env, value: Value, kind: *TypedArrayType, length: *usize, data: *?*anyopaque, arraybuffer: ?*Value, byte_offset: ?*usize) NapiStatus;
extern fn napi_create_int32(env: Env, value: i32, result: *Value) NapiStatus;
extern fn napi_create_function(env: Env, name: [*]const u8, name_len: usize, callback: Callback, data: ?*anyopaque, result: *Value) NapiStatus;
extern fn napi_set_named_property(env: Env, object: Value, name: [*:0]const u8, value: Value) NapiStatus;
extern fn napi_throw_type_error(env: Env, code: ?[*:0]const u8, message: [*:0]const u8) NapiStatus;

pub export fn napi_register_module_v1(env: Env, exports: Value) callconv(.c) Value {
    inline for (@typeInfo(ffi).@"struct".decls) |decl| {
        if (comptime !std.mem.startsWith(u8, decl.name, "sark_")) continue;
        const callback = wrap(@field(ffi, decl.name));
        var function: Value = null;
        if (napi_create_function(env, decl.name.ptr, decl.name.len, callback, null, &function) != napi_ok) return null;
        if (napi_set_named_property(env, exports, decl.name, function) != napi_ok) return null;
    }
    return exports;
}

fn wrap(comptime function: anytype) Callback {
    const info = @typeInfo(@TypeOf(function)).@"fn";
    return struct {
        fn call(env: Env, callback_info: CallbackInfo) callconv(.c) Value {
            var argv: [info.params.len + 1]Value = undefined;
            var argc: usize = info.params.len;
            if (napi_get_cb_info(env, callback_info, &argc, &argv, null, null) != napi_ok) {
                return throwTypeError(env, "sark: cannot read arguments");
            }
            if (argc < info.params.len) return throwTypeError(env, "sark: too few arguments");
            var args: std.meta.ArgsTuple(@TypeOf(function)) = undefined;
            inline for (info.params, 0..) |param, i| {
                args[i] = convert(param.type.?, env, argv[i]) catch
                    return throwTypeError(env, "sark: argument " ++ std.fmt.comptimePrint("{d}", .{i}) ++ " has the wrong type");
            }
            const status: i32 = @call(.auto, function, args);
            var result: Value = null;
            _ = napi_create_int32(env, status, &result);
            return result;
        }
    }.call;
}

fn convert(comptime T: type, env: Env, value: Value) error{WrongType}!T {
    switch (T) {
        u32 => {
            var out: u32 = 0;
            return if (napi_get_value_uint32(env, value, &out) == napi_ok) out else error.WrongType;
        },
        i32 => {
            var out: i32 = 0;
            return if (napi_get_value_int32(env, value, &out) == napi_ok) out else error.WrongType;
        },
        ?[*]u8, ?[*]const u8 => {
            const view = typedArray(env, value) orelse return error.WrongType;
            if (view.kind != .uint8) return error.WrongType;
            return @ptrCast(view.data);
        },
        ?*u32, ?*i32 => {
            const view = typedArray(env, value) orelse return error.WrongType;
            const want: TypedArrayType = if (T == ?*u32) .uint32 else .int32;
            if (view.kind != want or view.length == 0) return error.WrongType;
            return @ptrCast(@alignCast(view.data));
        },
        else => @compileError("napi: no conversion for " ++ @typeName(T)),
    }
}

const View = struct { kind: TypedArrayType, length: usize, data: ?*anyopaque };

/// A TypedArray's element pointer, or a null-pointer view for JS null/undefined.
fn typedArray(env: Env, value: Value) ?View {
    var value_type: ValueType = .undefined;
    if (napi_typeof(env, value, &value_type) != napi_ok) return null;
    if (value_type == .null or value_type == .undefined) return .{ .kind = .uint8, .length = 0, .data = null };
    var view: View = .{ .kind = .uint8, .length = 0, .data = null };
    if (napi_get_typedarray_info(env, value, &view.kind, &view.length, &view.data, null, null) != napi_ok) return null;
    return view;
}

fn throwTypeError(env: Env, comptime message: [:0]const u8) Value {
    _ = napi_throw_type_error(env, null, message);
    return null;
}
