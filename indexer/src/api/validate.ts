/**
 * Checks a GraphQL query before Ponder runs it: its depth, and the addresses and hashes written in its arguments
 * and `where` filters (literal or through variables). Ponder compares hex columns as lower-case text, so a
 * malformed address would silently match nothing. A query that does not parse passes: Ponder reports that itself.
 */
import {
  Kind,
  parse,
  visit,
  type DocumentNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from "graphql";

/** Columns (and arguments) that hold a 20-byte address. */
const ADDRESS_FIELDS = new Set([
  "account",
  "address",
  "token",
  "payer",
  "payee",
  "operator",
  "merchant",
  "subscriber",
  "split",
  "recipient",
  "safe",
  "to",
  "cold",
  "distributor",
  "feeReceiver",
  "arbiter",
  "controller",
  "pendingController",
  "counterparty",
  "contract",
  "source",
  "sender",
  "executor",
]);

/** Columns that hold a 32-byte hash. */
const HASH_FIELDS = new Set(["paymentId", "referenceId", "configHash", "safeTxHash", "transactionHash"]);

const FILTER_SUFFIXES = ["_not_in", "_in", "_not", "_gt", "_lt", "_gte", "_lte", "_contains", "_not_contains"];
const PARTIAL_SUFFIXES = [
  "_starts_with",
  "_ends_with",
  "_not_starts_with",
  "_not_ends_with",
  "_contains",
  "_not_contains",
];

function baseName(name: string): { base: string; partial: boolean } {
  for (const suffix of PARTIAL_SUFFIXES) {
    if (name.endsWith(suffix)) return { base: name.slice(0, -suffix.length), partial: true };
  }
  for (const suffix of FILTER_SUFFIXES) {
    if (name.endsWith(suffix)) return { base: name.slice(0, -suffix.length), partial: false };
  }
  return { base: name, partial: false };
}

function check(name: string, value: unknown, problems: string[]): void {
  const { base, partial } = baseName(name);
  const digits = ADDRESS_FIELDS.has(base) ? 40 : HASH_FIELDS.has(base) ? 64 : undefined;
  if (digits === undefined) return;
  const values = Array.isArray(value) ? value : [value];
  for (const item of values) {
    if (item === null || item === undefined) continue;
    const ok =
      typeof item === "string" &&
      (partial ? /^(0x)?[0-9a-fA-F]*$/.test(item) : new RegExp(`^0x[0-9a-fA-F]{${digits}}$`).test(item));
    if (!ok) {
      const what = digits === 40 ? "a 0x-prefixed 20-byte hex address" : "a 0x-prefixed 32-byte hex value";
      problems.push(`"${name}" must be ${what}, got ${JSON.stringify(item)}`);
    }
  }
}

/** The value of a node, variables substituted. */
function valueOf(node: ValueNode, variables: Record<string, unknown>): unknown {
  switch (node.kind) {
    case Kind.VARIABLE:
      return variables[node.name.value];
    case Kind.STRING:
    case Kind.ENUM:
      return node.value;
    case Kind.LIST:
      return node.values.map((item) => valueOf(item, variables));
    case Kind.NULL:
      return null;
    default:
      return undefined;
  }
}

/** Walks a `where` object (literal or from a variable), AND/OR lists included. */
function walkFilter(filter: unknown, problems: string[]): void {
  if (Array.isArray(filter)) {
    for (const item of filter) walkFilter(item, problems);
    return;
  }
  if (typeof filter !== "object" || filter === null) return;
  for (const [key, value] of Object.entries(filter)) {
    if (key === "AND" || key === "OR") walkFilter(value, problems);
    else check(key, value, problems);
  }
}

function walkFilterNode(node: ValueNode, variables: Record<string, unknown>, problems: string[]): void {
  if (node.kind === Kind.VARIABLE) {
    walkFilter(variables[node.name.value], problems);
  } else if (node.kind === Kind.LIST) {
    for (const item of node.values) walkFilterNode(item, variables, problems);
  } else if (node.kind === Kind.OBJECT) {
    for (const field of node.fields) {
      if (field.name.value === "AND" || field.name.value === "OR") walkFilterNode(field.value, variables, problems);
      else check(field.name.value, valueOf(field.value, variables), problems);
    }
  }
}

/** Deepest nesting of fields in any operation (fragments expanded; a fragment cycle counts as too deep). */
function queryDepth(document: DocumentNode): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const depthOf = (set: SelectionSetNode | undefined, seen: ReadonlySet<string>): number => {
    if (set === undefined) return 0;
    let deepest = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        deepest = Math.max(deepest, selection.selectionSet ? 1 + depthOf(selection.selectionSet, seen) : 1);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        deepest = Math.max(deepest, depthOf(selection.selectionSet, seen));
      } else {
        const name = selection.name.value;
        if (seen.has(name)) return Number.POSITIVE_INFINITY;
        deepest = Math.max(deepest, depthOf(fragments.get(name)?.selectionSet, new Set([...seen, name])));
      }
    }
    return deepest;
  };
  let deepest = 0;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION) {
      deepest = Math.max(deepest, depthOf(definition.selectionSet, new Set()));
    }
  }
  return deepest;
}

/**
 * What is wrong with a query before it runs: too deep (more than `maxDepth` nested fields), or an address or
 * hash that is not well-formed hex.
 */
export function queryProblems(query: string, variables: Record<string, unknown>, maxDepth: number): string[] {
  const parsed = parsedQuery(query);
  if (parsed === undefined) return [];
  if (parsed.depth > maxDepth) {
    const depth = Number.isFinite(parsed.depth) ? parsed.depth : "(a fragment cycle)";
    return [`Query depth ${depth} exceeds the limit of ${maxDepth}`];
  }
  return invalidHexArguments(parsed.document, variables);
}

/** Parsed queries by their text: a frontend sends the same few queries over and over, with other variables. */
const parsedQueries = new Map<string, { document: DocumentNode; depth: number } | undefined>();
const PARSED_QUERIES_KEPT = 500;

/** The query parsed, with its depth; undefined when it does not parse. Remembers the last few hundred. */
function parsedQuery(query: string): { document: DocumentNode; depth: number } | undefined {
  if (parsedQueries.has(query)) return parsedQueries.get(query);
  let parsed: { document: DocumentNode; depth: number } | undefined;
  try {
    const document = parse(query);
    parsed = { document, depth: queryDepth(document) };
  } catch {
    parsed = undefined;
  }
  // Oldest first out: a Map iterates in insertion order.
  if (parsedQueries.size >= PARSED_QUERIES_KEPT) parsedQueries.delete(parsedQueries.keys().next().value as string);
  parsedQueries.set(query, parsed);
  return parsed;
}

function invalidHexArguments(document: DocumentNode, variables: Record<string, unknown>): string[] {
  const problems: string[] = [];
  visit(document, {
    Argument(node) {
      if (node.name.value === "where") walkFilterNode(node.value, variables, problems);
      else check(node.name.value, valueOf(node.value, variables), problems);
    },
  });
  return problems;
}
