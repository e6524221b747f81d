/** Some tests check the build itself (files, the npm tarball): they run once, under Node, not in every runtime. */
import { runtimeName } from "../../src/native/runtime.ts";

export const onlyOnce: { skip: string | false } = {
  skip: runtimeName() === "node" ? false : "checks the build itself; runs once, under node",
};
