/**
 * Checks the arguments of a GraphQL query before Ponder runs it, with the variables of this request: page sizes,
 * offsets, order directions and cursors, and every value compared with a hex column (single-row lookups and `where`
 * filters, literal or through variables). Ponder would otherwise read `limit: -1` as an empty page,
 * `orderDirection: "sideways"` as descending, a bad cursor as a raw JSON message, and a malformed address as a
 * filter that matches nothing.
 */
import {
  Kind,
  TypeInfo,
  getNamedType,
  isObjectType,
  valueFromASTUntyped,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type GraphQLObjectType,
  type GraphQLSchema,
} from "graphql";
import { hexProblem, type HexColumns, type HexKind } from "./hex-columns";

/** Ponder's most rows in one page, and its page size when `limit` is absent. */
export const MAX_PAGE_ROWS = 1_000;
export const DEFAULT_PAGE_ROWS = 50;

/** Filter suffixes that compare whole values, and those that match part of one (Ponder's `conditionSuffixes`). */
const WHOLE_SUFFIXES = ["", "_not", "_in", "_not_in", "_has", "_not_has", "_gt", "_lt", "_gte", "_lte"];
const PARTIAL_SUFFIXES = [
  "_contains",
  "_not_contains",
  "_starts_with",
  "_ends_with",
  "_not_starts_with",
  "_not_ends_with",
];

/**
 * The variables a query runs with: those sent, and the defaults its variable definitions declare for the others.
 */
export function effectiveVariables(document: DocumentNode, sent: Record<string, unknown>): Record<string, unknown> {
  const variables: Record<string, unknown> = { ...sent };
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const variable of definition.variableDefinitions ?? []) {
      const name = variable.variable.name.value;
      if (variables[name] === undefined && variable.defaultValue !== undefined) {
        variables[name] = valueFromASTUntyped(variable.defaultValue, {});
      }
    }
  }
  return variables;
}

/** Problems of one filter key of `table` (`payer`, `payer_in`, `actor_starts_with`…) with its value. */
function filterKeyProblems(columns: ReadonlyMap<string, HexKind>, key: string, value: unknown): string[] {
  for (const [column, kind] of columns) {
    if (!key.startsWith(column)) continue;
    const suffix = key.slice(column.length);
    const partial = PARTIAL_SUFFIXES.includes(suffix);
    if (!partial && !WHOLE_SUFFIXES.includes(suffix)) continue;
    const values = Array.isArray(value) ? value : [value];
    return values
      .map((item) => hexProblem(key, kind, item, partial))
      .filter((problem): problem is string => problem !== undefined);
  }
  return [];
}

/** Walks a `where` object, AND/OR lists included. */
function filterProblems(columns: ReadonlyMap<string, HexKind>, filter: unknown): string[] {
  if (Array.isArray(filter)) return filter.flatMap((item) => filterProblems(columns, item));
  if (typeof filter !== "object" || filter === null) return [];
  return Object.entries(filter).flatMap(([key, value]) =>
    key === "AND" || key === "OR" ? filterProblems(columns, value) : filterKeyProblems(columns, key, value),
  );
}

/** The columns a cursor of a page holds, with their GraphQL type names: the `orderBy` column, then the key. */
type CursorColumns = ReadonlyMap<string, string>;

/** A value of a cursor as Ponder encodes a column of this GraphQL type (superjson marks bigints in `meta`). */
function cursorValueFits(type: string | undefined, value: unknown, isBigint: boolean): boolean {
  if (value === null) return true;
  switch (type) {
    case "Int":
    case "Float":
      return typeof value === "number";
    case "BigInt":
      return isBigint && typeof value === "string" && /^-?\d+$/.test(value);
    case "Boolean":
      return typeof value === "boolean";
    default:
      return typeof value === "string";
  }
}

/**
 * Ponder's cursor: base64 of superjson (`{"json":{…},"meta":…}`) holding exactly the values of the ordered
 * columns. Ponder would read a cursor without them as "no rows" or fail with a JavaScript error.
 */
function cursorProblem(
  name: string,
  cursor: unknown,
  orderBy: unknown,
  columns: CursorColumns | undefined,
): string | undefined {
  if (cursor === null || cursor === undefined) return undefined;
  const refused = `"${name}" is not a cursor from this API: pass a pageInfo.${
    name === "after" ? "endCursor" : "startCursor"
  } of the same query, got ${JSON.stringify(cursor).slice(0, 80)}`;
  if (typeof cursor !== "string" || !/^[A-Za-z0-9+/]+={0,2}$/.test(cursor)) return refused;
  let decoded: { json?: unknown; meta?: { values?: Record<string, unknown> } } | null;
  try {
    decoded = JSON.parse(Buffer.from(cursor, "base64").toString("utf8")) as typeof decoded;
  } catch {
    return refused;
  }
  const values = decoded?.json;
  if (typeof values !== "object" || values === null || Array.isArray(values)) return refused;
  if (typeof orderBy === "string" && !(orderBy in values)) {
    return `"${name}" is a cursor of another ordering: it holds no "${orderBy}"; pass one from a query ordered the same`;
  }
  if (columns === undefined) return undefined;
  const held = Object.keys(values);
  if (held.length !== columns.size || held.some((column) => !columns.has(column))) return refused;
  const marks = decoded?.meta?.values ?? {};
  for (const [column, value] of Object.entries(values)) {
    const isBigint = JSON.stringify(marks[column]) === '["bigint"]';
    if (!cursorValueFits(columns.get(column), value, isBigint)) return refused;
  }
  return undefined;
}

/** Problems of the page arguments of one plural field; `columns` are those its cursors hold, when known. */
function pageProblems(args: Record<string, unknown>, columns: CursorColumns | undefined): string[] {
  const problems: string[] = [];
  const { limit, offset, orderDirection } = args;
  if (limit !== undefined && limit !== null) {
    if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 0 || limit > MAX_PAGE_ROWS) {
      problems.push(`"limit" must be an integer from 0 to ${MAX_PAGE_ROWS}, got ${JSON.stringify(limit)}`);
    }
  }
  if (offset !== undefined && offset !== null) {
    if (typeof offset !== "number" || !Number.isInteger(offset) || offset < 0) {
      problems.push(`"offset" must be a non-negative integer, got ${JSON.stringify(offset)}`);
    }
  }
  if (
    orderDirection !== undefined &&
    orderDirection !== null &&
    orderDirection !== "asc" &&
    orderDirection !== "desc"
  ) {
    problems.push(`"orderDirection" must be "asc" or "desc", got ${JSON.stringify(orderDirection)}`);
  }
  for (const name of ["after", "before"]) {
    const problem = cursorProblem(name, args[name], args["orderBy"], columns);
    if (problem !== undefined) problems.push(problem);
  }
  return problems;
}

/**
 * The columns a page's cursors hold, with their GraphQL types: `orderBy`, then the table's primary key (the
 * arguments of Ponder's single-row lookup of the same table). Undefined when `orderBy` is no column.
 */
function cursorColumns(schema: GraphQLSchema, page: GraphQLObjectType, orderBy: unknown): CursorColumns | undefined {
  const entity = getNamedType(page.getFields()["items"]?.type ?? page);
  if (!isObjectType(entity)) return undefined;
  const fields = entity.getFields();
  const lookup = schema.getQueryType()?.getFields()[entity.name.charAt(0).toLowerCase() + entity.name.slice(1)];
  if (lookup === undefined) return undefined;
  const names = [...(typeof orderBy === "string" ? [orderBy] : []), ...lookup.args.map((arg) => arg.name)];
  const columns = new Map<string, string>();
  for (const column of names) {
    const field = fields[column];
    if (field === undefined) return undefined;
    columns.set(column, getNamedType(field.type).name);
  }
  return columns;
}

/** A field of a query that takes arguments, and what they are checked against. */
interface ArgumentSite {
  readonly node: FieldNode;
  /** A plural field's page type (its cursors' columns depend on `orderBy`); undefined for a single-row lookup. */
  readonly page?: GraphQLObjectType;
  /** The hex columns its `where` (a page) or its arguments (a lookup) compare with. */
  readonly hexColumns?: ReadonlyMap<string, HexKind>;
}

/** The argument sites of each document already walked, per schema and hex columns (a frontend repeats its queries). */
const sitesOf = new WeakMap<GraphQLSchema, WeakMap<HexColumns, WeakMap<DocumentNode, readonly ArgumentSite[]>>>();

/** The fields of `document` whose arguments are checked: walked with the schema's types once per document. */
function argumentSites(schema: GraphQLSchema, document: DocumentNode, hexColumns: HexColumns): readonly ArgumentSite[] {
  let byColumns = sitesOf.get(schema);
  if (byColumns === undefined) sitesOf.set(schema, (byColumns = new WeakMap()));
  let byDocument = byColumns.get(hexColumns);
  if (byDocument === undefined) byColumns.set(hexColumns, (byDocument = new WeakMap()));
  const known = byDocument.get(document);
  if (known !== undefined) return known;
  const sites: ArgumentSite[] = [];
  const typeInfo = new TypeInfo(schema);
  const queryType = schema.getQueryType();
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const field = typeInfo.getFieldDef();
        if (field === null || field === undefined || (node.arguments ?? []).length === 0) return;
        const returned = getNamedType(field.type);
        const isPage = isObjectType(returned) && "items" in returned.getFields() && "pageInfo" in returned.getFields();
        if (isPage) {
          const whereType = field.args.find((arg) => arg.name === "where");
          const table = whereType ? getNamedType(whereType.type).name.replace(/Filter$/, "") : undefined;
          sites.push({ node, page: returned, hexColumns: table === undefined ? undefined : hexColumns.get(table) });
        } else if (typeInfo.getParentType() === queryType) {
          // A single-row lookup: its arguments are the table's primary key columns.
          sites.push({ node, hexColumns: hexColumns.get(returned.name) });
        }
      },
    }),
  );
  byDocument.set(document, sites);
  return sites;
}

/**
 * What is wrong with the arguments of a query that passed validation, given its variables: page sizes, offsets,
 * order directions, cursors, and values of hex columns in lookups and filters. Empty when all are well-formed.
 */
export function argumentProblems(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
  hexColumns: HexColumns,
): string[] {
  const problems: string[] = [];
  for (const site of argumentSites(schema, document, hexColumns)) {
    const args: Record<string, unknown> = {};
    for (const argument of site.node.arguments ?? []) {
      args[argument.name.value] = valueFromASTUntyped(argument.value, variables);
    }
    if (site.page !== undefined) {
      problems.push(...pageProblems(args, cursorColumns(schema, site.page, args["orderBy"])));
      if (site.hexColumns !== undefined) problems.push(...filterProblems(site.hexColumns, args["where"]));
    } else if (site.hexColumns !== undefined) {
      problems.push(...filterProblems(site.hexColumns, args));
    }
  }
  return problems;
}
