import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";

const CLI = path.join(__dirname, "..", "..", "cli");
const PUBLIC_ENTRY_POINTS = new Set(["@coffer/sdk", "@coffer/sdk/safe", "@coffer/sdk/node", "@coffer/sdk/webhooks"]);

/** Every `.ts` file under `dir`. */
function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(file);
    return entry.name.endsWith(".ts") ? [file] : [];
  });
}

/** The module specifiers a file imports, requires or re-exports. */
function specifiers(file: string): string[] {
  const text = fs.readFileSync(file, "utf8");
  const pattern = /(?:from\s+|import\s*\(\s*|require\s*\(\s*|import\s+)["']([^"']+)["']/g;
  return [...text.matchAll(pattern)].map((match) => match[1]!);
}

/**
 * The CLI is the SDK's first user: it reaches Coffer only through the package's public entry points, never through
 * the SDK's source files or the repository's deployment code.
 */
describe("cli: built on the SDK's public exports only", function () {
  const files = sources(CLI);

  it("finds the CLI's sources", function () {
    expect(files.length).to.be.greaterThan(10);
  });

  it("imports Coffer only from @coffer/sdk, @coffer/sdk/safe, @coffer/sdk/node and @coffer/sdk/webhooks", function () {
    const offending: string[] = [];
    for (const file of files) {
      for (const specifier of specifiers(file)) {
        const relative = path.relative(CLI, file);
        if (specifier.startsWith(".")) {
          // Relative imports stay inside cli/ (package.json, read for the version, excepted).
          const target = path.resolve(path.dirname(file), specifier);
          const inside = target.startsWith(CLI + path.sep) || target === path.join(CLI, "..", "package.json");
          if (!inside) offending.push(`${relative}: ${specifier}`);
        } else if (specifier.startsWith("@coffer/") && !PUBLIC_ENTRY_POINTS.has(specifier)) {
          offending.push(`${relative}: ${specifier}`);
        }
      }
    }
    expect(offending).to.deep.equal([]);
  });
});
