import { test } from "node:test";
import assert from "node:assert/strict";
import { CacheEntryTooLargeError, InvalidCacheArgumentError, NativeCache, nativeInfo } from "../src/mod.ts";
import { cacheContract } from "./helpers/cache-contract.ts";

cacheContract("native", (options) => new NativeCache(options), { bounded: true });

test("native: the library loads (the cache is not silently unavailable)", () => {
  assert.equal(nativeInfo().available, true, nativeInfo().error);
});
