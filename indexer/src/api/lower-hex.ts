/**
 * Ids and references in any letter case: the index stores hex lower-case, in hex columns (which Ponder lowers on
 * its own) and in text columns that hold hex (`activity.reference`). A query's 0x-hex strings, literal or in
 * variables, are lowered before Ponder runs it, so that `0xAB…` finds what `0xab…` does.
 */
import { Kind, print, visit, type DocumentNode } from "graphql";

/** A 0x-prefixed hex string with at least one upper-case digit. */
const UPPER_HEX = /^0x[0-9a-fA-F]*[A-F][0-9a-fA-F]*$/;

function lowerValue(value: unknown): unknown {
  if (typeof value === "string") return UPPER_HEX.test(value) ? value.toLowerCase() : value;
  if (Array.isArray(value)) return value.map(lowerValue);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, lowerValue(inner)]));
  }
  return value;
}

/** The query and variables with every 0x-hex string lower-cased; `changed` when anything was. */
export function lowerHex(
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
): { query: string; variables: Record<string, unknown> | undefined; changed: boolean } {
  let changed = false;
  const lowered = visit(document, {
    [Kind.STRING](node) {
      if (!UPPER_HEX.test(node.value)) return undefined;
      changed = true;
      return { ...node, value: node.value.toLowerCase() };
    },
  });
  const loweredVariables = variables === undefined ? undefined : (lowerValue(variables) as Record<string, unknown>);
  if (JSON.stringify(loweredVariables) !== JSON.stringify(variables)) changed = true;
  return { query: changed ? print(lowered) : "", variables: loweredVariables, changed };
}
