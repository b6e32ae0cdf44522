import { resolve } from "node:path";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/**
 * One HTML page per role, so that each page ships only its own code: the customer's checkout, the merchant's
 * dashboard and the treasury signers' queue. The pages read their settings from `config.json` beside them at
 * run time (see `src/shared/config.ts`), so one build serves any chain.
 */
export default defineConfig({
  plugins: [react()],
  base: "./",
  build: {
    target: "es2022",
    sourcemap: true,
    rollupOptions: {
      input: {
        index: resolve(import.meta.dirname, "index.html"),
        checkout: resolve(import.meta.dirname, "checkout.html"),
        dashboard: resolve(import.meta.dirname, "dashboard.html"),
        treasury: resolve(import.meta.dirname, "treasury.html"),
      },
    },
  },
});
