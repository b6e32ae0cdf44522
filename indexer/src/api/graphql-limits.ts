/**
 * How big a GraphQL request may be, and the checks that keep it so: tokens (graphql-js's parser), depth and aliases
 * (GraphQL Armor's validation rules), the nesting of introspection lists, and graphql-js's own validation against
 * the served schema. Introspection (`__schema`/`__type` only) gets the depth that `getIntrospectionQuery()` needs;
 * every other query keeps the depth of an app's real queries.
 */
import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import {
  GraphQLError,
  Kind,
  parse,
  specifiedRules,
  validate,
  type ASTVisitor,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValidationContext,
} from "graphql";

/** Deepest nesting of fields in a query: enough for account → payments → steps, not for recursive abuse. */
export const MAX_GRAPHQL_DEPTH = 8;
/** Deepest nesting of an introspection query: what graphql-js's `getIntrospectionQuery()` needs (15). */
export const MAX_INTROSPECTION_DEPTH = 15;
/** Most tokens (names, punctuation, values) in a query. `getIntrospectionQuery()` has about 200. */
export const MAX_GRAPHQL_TOKENS = 2_000;
/** Most aliases in a query (rows are bounded by {@link MAX_GRAPHQL_ROWS} in `graphql-cost.ts`). */
export const MAX_GRAPHQL_ALIASES = 30;
/** Largest request body read, in bytes. */
export const MAX_GRAPHQL_BODY_BYTES = 256 * 1024;
/**
 * Lists of types nested in one introspection query (`types { fields { type { fields …`): graphql-js 16.9's
 * `MaxIntrospectionDepthRule` refuses 3, which the graphql 16.8 that Ponder pins does not have yet.
 */
const MAX_INTROSPECTION_LISTS = 3;
const INTROSPECTION_LISTS = new Set(["fields", "interfaces", "possibleTypes", "inputFields"]);
const INTROSPECTION_ROOTS = new Set(["__schema", "__type", "__typename"]);

/** A query parsed, or the parser's message (a syntax error or too many tokens). */
export type ParsedQuery = { document: DocumentNode } | { error: string };

/** Parsed queries by their text: a frontend sends the same few queries over and over, with other variables. */
const parsedQueries = new Map<string, ParsedQuery>();
const PARSED_QUERIES_KEPT = 500;
const CACHED_QUERY_CHARS = 16 * 1024;

/** The query parsed with the token limit; remembers the last few hundred. */
export function parseQuery(query: string): ParsedQuery {
  const known = parsedQueries.get(query);
  if (known !== undefined) return known;
  let parsed: ParsedQuery;
  try {
    parsed = { document: parse(query, { maxTokens: MAX_GRAPHQL_TOKENS }) };
  } catch (error) {
    const message = (error as Error).message;
    parsed = {
      error: /contains more that \d+ tokens/.test(message)
        ? `The query has more than ${MAX_GRAPHQL_TOKENS} tokens (names, punctuation, values): that is the limit`
        : message,
    };
  }
  // Long texts are not kept: 500 of them near the body limit would hold 128 MB.
  if (query.length > CACHED_QUERY_CHARS) return parsed;
  // Oldest first out: a Map iterates in insertion order.
  if (parsedQueries.size >= PARSED_QUERIES_KEPT) parsedQueries.delete(parsedQueries.keys().next().value as string);
  parsedQueries.set(query, parsed);
  return parsed;
}

/** True when every operation asks only for `__schema`, `__type` or `__typename` at its root. */
export function isIntrospection(document: DocumentNode): boolean {
  const operations = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  return (
    operations.length > 0 &&
    operations.every((operation) =>
      operation.selectionSet.selections.every(
        (selection) => selection.kind === Kind.FIELD && INTROSPECTION_ROOTS.has(selection.name.value),
      ),
    )
  );
}

/** Refuses introspection that nests lists of types {@link MAX_INTROSPECTION_LISTS} deep (its answer explodes). */
function introspectionListsRule(context: ValidationContext): ASTVisitor {
  const fragmentLists = new Map<string, number>();
  const listsIn = (set: SelectionSetNode | undefined, seen: ReadonlySet<string>): number => {
    if (set === undefined) return 0;
    let deepest = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const own = INTROSPECTION_LISTS.has(selection.name.value) ? 1 : 0;
        deepest = Math.max(deepest, own + listsIn(selection.selectionSet, seen));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        deepest = Math.max(deepest, listsIn(selection.selectionSet, seen));
      } else {
        const name = selection.name.value;
        // A cycle is NoFragmentCyclesRule's to report; each fragment is walked once.
        if (seen.has(name)) continue;
        let inner = fragmentLists.get(name);
        if (inner === undefined) {
          const fragment: FragmentDefinitionNode | null | undefined = context.getFragment(name);
          inner = listsIn(fragment?.selectionSet, new Set([...seen, name]));
          fragmentLists.set(name, inner);
        }
        deepest = Math.max(deepest, inner);
      }
    }
    return deepest;
  };
  return {
    Field(node) {
      if (node.name.value !== "__schema" && node.name.value !== "__type") return false;
      if (listsIn(node.selectionSet, new Set()) >= MAX_INTROSPECTION_LISTS) {
        const lists = "fields, interfaces, possibleTypes, inputFields";
        const message = `Introspection nests ${MAX_INTROSPECTION_LISTS} or more lists of types (${lists}) in one another`;
        context.reportError(new GraphQLError(message, { nodes: node }));
      }
      return false;
    },
  };
}

/**
 * Verdicts by schema and parsed query. {@link parseQuery} gives the same document for the same text, and a verdict
 * does not depend on the variables: a frontend's few queries are validated once each, not on every request.
 */
const verdicts = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, readonly string[]>>();

/**
 * What graphql-js's validation and the limits say of a parsed query, against the served schema: unknown fields,
 * wrong argument types, too deep, too many aliases. Empty when the query may run.
 */
export function limitProblems(schema: GraphQLSchema, document: DocumentNode): string[] {
  let bySchema = verdicts.get(schema);
  if (bySchema === undefined) {
    bySchema = new WeakMap();
    verdicts.set(schema, bySchema);
  }
  let verdict = bySchema.get(document);
  if (verdict === undefined) {
    verdict = validateLimits(schema, document);
    bySchema.set(document, verdict);
  }
  return [...verdict];
}

function validateLimits(schema: GraphQLSchema, document: DocumentNode): string[] {
  const problems: string[] = [];
  const collect = (_context: unknown, error: Error) => problems.push(error.message.replace(/^Syntax Error: /, ""));
  const depth = isIntrospection(document) ? MAX_INTROSPECTION_DEPTH : MAX_GRAPHQL_DEPTH;
  const rules = [
    ...specifiedRules,
    // Fragments spreads are not a level of their own: the depth is that of the answer's JSON.
    maxDepthRule({
      n: depth,
      ignoreIntrospection: false,
      flattenFragments: true,
      propagateOnRejection: false,
      onReject: [collect],
    }),
    maxAliasesRule({ n: MAX_GRAPHQL_ALIASES, allowList: [], propagateOnRejection: false, onReject: [collect] }),
    introspectionListsRule,
  ];
  for (const error of validate(schema, document, rules as typeof specifiedRules)) problems.push(error.message);
  return problems;
}
