//! Builds the sark-native library two ways per target:
//!   sark_native.{so,dylib,dll}  a plain C ABI (zig/ffi.zig) for bun:ffi and Deno.dlopen
//!   sark_native.node            a Node-API addon over the same ABI (zig/napi.zig)
//!
//!   zig build        host libraries into zig-out/lib (ReleaseFast unless -Doptimize)
//!   zig build dist   ReleaseFast libraries for every shipped target into dist-libs/<target>/
//!   zig build test   the Zig unit tests (Debug, safety checks on)
//!   zig build cache-eviction -- <out.md>   hit ratios of the cache's eviction policies
const std = @import("std");
const zon = @import("build.zig.zon");

/// The targets the npm package ships, named as Node names platform-arch(-libc).
const dist_targets = [_]struct { name: []const u8, query: []const u8 }{
    .{ .name = "linux-x64-gnu", .query = "x86_64-linux-gnu" },
    .{ .name = "linux-arm64-gnu", .query = "aarch64-linux-gnu" },
    .{ .name = "linux-x64-musl", .query = "x86_64-linux-musl" },
    .{ .name = "linux-arm64-musl", .query = "aarch64-linux-musl" },
    .{ .name = "darwin-x64", .query = "x86_64-macos.11.0" },
    .{ .name = "darwin-arm64", .query = "aarch64-macos.11.0" },
    .{ .name = "win32-x64", .query = "x86_64-windows-gnu" },
};

pub fn build(b: *std.Build) void {
    const target = b.standardTargetOptions(.{});
    const optimize = b.option(std.builtin.OptimizeMode, "optimize", "Optimization mode (default ReleaseFast)") orelse .ReleaseFast;

    const strip = b.option(bool, "strip", "Strip symbols from the host libraries (default: unless Debug)");
    const options = b.addOptions();
    options.addOption([]const u8, "version", zon.version);

    // Host build: what tests and a checkout load.
    const host = addLibraries(b, target, optimize, options, strip);
    b.getInstallStep().dependOn(&b.addInstallArtifact(host.ffi, .{ .dest_sub_path = host.ffi_name }).step);
    b.getInstallStep().dependOn(&b.addInstallArtifact(host.napi, .{ .dest_sub_path = "sark_native.node" }).step);

    const dist = b.step("dist", "Cross-compile ReleaseFast libraries for every shipped target into dist-libs/");
    for (dist_targets) |t| {
        const query = std.Target.Query.parse(.{ .arch_os_abi = t.query }) catch @panic("bad target query");
        const libs = addLibraries(b, b.resolveTargetQuery(query), .ReleaseFast, options, true);
        const dir: std.Build.InstallDir = .{ .custom = b.fmt("../dist-libs/{s}", .{t.name}) };
        for ([_]struct { *std.Build.Step.Compile, []const u8 }{
            .{ libs.ffi, libs.ffi_name },
            .{ libs.napi, "sark_native.node" },
        }) |pair| {
            const install = b.addInstallArtifact(pair[0], .{
                .dest_dir = .{ .override = dir },
                .dest_sub_path = pair[1],
                .pdb_dir = .disabled,
                .implib_dir = .disabled,
                .h_dir = .disabled,
            });
            dist.dependOn(&install.step);
        }
    }

    const tests = b.addTest(.{ .root_module = b.createModule(.{
        .root_source_file = b.path("zig/root.zig"),
        .target = target,
        .optimize = .Debug,
        .imports = &.{.{ .name = "build_options", .module = options.createModule() }},
    }) });
    const test_step = b.step("test", "Run the Zig unit tests");
    test_step.dependOn(&b.addRunArtifact(tests).step);

    // Hit ratios of the cache's eviction policies: `zig build cache-eviction -- <out.md>`.
    const eviction = b.addExecutable(.{ .name = "cache-eviction", .root_module = b.createModule(.{
        .root_source_file = b.path("zig/cache/eviction_bench.zig"),
        .target = target,
        .optimize = .ReleaseFast,
    }) });
    const run_eviction = b.addRunArtifact(eviction);
    if (b.args) |args| run_eviction.addArgs(args);
    b.step("cache-eviction", "Measure the cache's eviction policies (writes a markdown table)").dependOn(&run_eviction.step);
}

const Libraries = struct {
    ffi: *std.Build.Step.Compile,
    ffi_name: []const u8,
    napi: *std.Build.Step.Compile,
};

fn addLibraries(
    b: *std.Build,
    target: std.Build.ResolvedTarget,
    optimize: std.builtin.OptimizeMode,
    options: *std.Build.Step.Options,
    strip: ?bool,
) Libraries {
    const os = target.result.os.tag;
    // No libc on Linux: one binary then runs on glibc and musl alike.
    const module_options: std.Build.Module.CreateOptions = .{
        .root_source_file = b.path("zig/ffi.zig"),
        .target = target,
        .optimize = optimize,
        .link_libc = if (os == .linux) false else null,
        .strip = strip orelse (optimize != .Debug),
        .imports = &.{.{ .name = "build_options", .module = options.createModule() }},
    };
    const ffi = b.addLibrary(.{ .name = "sark_native", .linkage = .dynamic, .root_module = b.createModule(module_options) });

    var napi_options = module_options;
    napi_options.root_source_file = b.path("zig/napi.zig");
    const napi = b.addLibrary(.{ .name = "sark_native_napi", .linkage = .dynamic, .root_module = b.createModule(napi_options) });
    if (os == .windows) {
        // napi_* live in node.exe; link them through an import library made from node-api-headers' .def.
        const dlltool = b.addSystemCommand(&.{ b.graph.zig_exe, "dlltool", "-m", "i386:x86-64", "-D", "node.exe", "-d" });
        dlltool.addFileArg(b.path("node_modules/node-api-headers/def/node_api.def"));
        dlltool.addArg("-l");
        napi.root_module.addObjectFile(dlltool.addOutputFileArg("node.lib"));
    } else {
        // napi_* are resolved from the host process (node) when the addon is loaded.
        napi.linker_allow_shlib_undefined = true;
    }

    const ffi_name = switch (os) {
        .windows => "sark_native.dll",
        .macos => "libsark_native.dylib",
        else => "libsark_native.so",
    };
    return .{ .ffi = ffi, .ffi_name = ffi_name, .napi = napi };
}
