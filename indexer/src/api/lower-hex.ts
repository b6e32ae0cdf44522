/**
 * Ids and references in any letter case: the index stores hex lower-case, in hex columns (which Ponder lowers on
 * its own) and in text columns that hold hex (`activity.reference`). A query's 0x-hex strings, literal or in
 * variables, are lowered before Ponder runs it, so that `0xAB…` finds what `0xab…` does.
 */
import { Kind, print, visit, type DocumentNode } from "graphql";

/** A 0x-prefixed hex string with at least one upper-case digit. */
const UPPER_HEX = /^0x[0-9a-fA-F]*[A-F][0-9a-fA-F]*$/;

/** `value` with its 0x-hex strings lowered; `changed.any` set when one was. */
function lowerValue(value: unknown, changed: { any: boolean }): unknown {
  if (typeof value === "string") {
    if (!UPPER_HEX.test(value)) return value;
    changed.any = true;
    return value.toLowerCase();
  }
  if (Array.isArray(value)) return value.map((item) => lowerValue(item, changed));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[key] = lowerValue(inner, changed);
    return out;
  }
  return value;
}

/** Each document's text with its hex literals lowered, or null when it has none (a frontend repeats its queries). */
const loweredQueries = new WeakMap<DocumentNode, string | null>();

function loweredQuery(document: DocumentNode): string | null {
  const known = loweredQueries.get(document);
  if (known !== undefined) return known;
  let changed = false;
  const lowered = visit(document, {
    [Kind.STRING](node) {
      if (!UPPER_HEX.test(node.value)) return undefined;
      changed = true;
      return { ...node, value: node.value.toLowerCase() };
    },
  });
  const query = changed ? print(lowered) : null;
  loweredQueries.set(document, query);
  return query;
}

/** The query and variables with every 0x-hex string lower-cased; `changed` when anything was. */
export function lowerHex(
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
): { query: string; variables: Record<string, unknown> | undefined; changed: boolean } {
  const variablesChanged = { any: false };
  const loweredVariables =
    variables === undefined ? undefined : (lowerValue(variables, variablesChanged) as Record<string, unknown>);
  const query = loweredQuery(document);
  const changed = query !== null || variablesChanged.any;
  return { query: changed ? (query ?? print(document)) : "", variables: loweredVariables, changed };
}
