#!/usr/bin/env node
// The `sark` command of the published package: the compiled CLI in dist/ (run by Node, Bun or Deno).
import "../dist/cli/main.js";
