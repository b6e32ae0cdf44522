import { defineConfig } from "tsup";

// ESM and CommonJS builds with declarations for both. `index`, `safe`, `safe-tx`, `webhooks` and `x402` are platform-neutral (they run in
// browsers); `node` alone may use Node's built-ins. Dependencies stay external: apps bring their own ethers.
export default defineConfig({
  entry: {
    index: "src/index.ts",
    "safe/index": "src/safe/index.ts",
    "safe-tx/index": "src/safe-tx/index.ts",
    "node/index": "src/node/index.ts",
    "webhooks/index": "src/webhooks/index.ts",
    "x402/index": "src/x402/index.ts",
  },
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "es2022",
  platform: "neutral",
  splitting: true,
  treeshake: true,
  external: [/^node:/, "ethers", "zod", /^@safe-global\//],
  tsconfig: "tsconfig.json",
});
