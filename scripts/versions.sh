# Pinned toolchain versions, sourced by scripts/setup and scripts/zig. One place to bump.
ZIG_VERSION=0.15.2
OPA_VERSION=v1.19.0
# Tools live outside the repo so clean clones and CI reuse them.
SARK_TOOLS_DIR="${SARK_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sark-native}"
ZIG_DIR="$SARK_TOOLS_DIR/ziglang-$ZIG_VERSION"
OPA_BIN="$SARK_TOOLS_DIR/opa-$OPA_VERSION/opa"
