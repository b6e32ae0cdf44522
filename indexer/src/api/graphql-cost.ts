/**
 * The cost of a GraphQL query in rows: each list (a Ponder page, such as `payments` or an account's `balances`)
 * counts its `limit` (50 when absent), times the limits of the lists around it. Aliases, fragments and nesting
 * all multiply rows, so this, not the alias count alone, is what bounds the work of one request.
 */
import {
  Kind,
  getNamedType,
  isInterfaceType,
  isObjectType,
  valueFromASTUntyped,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionSetNode,
} from "graphql";
import { DEFAULT_PAGE_ROWS, MAX_PAGE_ROWS } from "./validate";

/** Most rows one query may ask for: a dashboard's lists and payments with their steps fit; 30 × 1,000 do not. */
export const MAX_GRAPHQL_ROWS = 5_000;

function isPage(type: GraphQLNamedType): boolean {
  return isObjectType(type) && "items" in type.getFields() && "pageInfo" in type.getFields();
}

/**
 * The rows the operation named `operationName` (or, without a name, the costliest one) asks for, with these
 * variables. The query must have passed validation (no fragment cycles, known fields).
 */
export function queryRows(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
  operationName?: string,
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  // Rows are linear in the rows around them, so each fragment is counted once, for one row around it.
  const fragmentRows = new Map<string, number>();

  const rowsIn = (set: SelectionSetNode | undefined, parent: GraphQLNamedType | undefined): number => {
    if (set === undefined || parent === undefined) return 0;
    let rows = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (!isObjectType(parent) && !isInterfaceType(parent)) continue;
        const field = parent.getFields()[selection.name.value];
        if (field === undefined) continue;
        const type = getNamedType(field.type);
        if (isPage(type)) {
          const argument = selection.arguments?.find((arg) => arg.name.value === "limit");
          const value = argument === undefined ? undefined : valueFromASTUntyped(argument.value, variables);
          const limit = typeof value === "number" ? Math.min(Math.max(value, 0), MAX_PAGE_ROWS) : DEFAULT_PAGE_ROWS;
          rows += limit * (1 + rowsIn(selection.selectionSet, type));
        } else {
          rows += rowsIn(selection.selectionSet, type);
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        rows += rowsIn(selection.selectionSet, condition ?? undefined);
      } else {
        const name = selection.name.value;
        let inner = fragmentRows.get(name);
        if (inner === undefined) {
          const fragment = fragments.get(name);
          const condition = fragment ? schema.getType(fragment.typeCondition.name.value) : undefined;
          inner = rowsIn(fragment?.selectionSet, condition ?? undefined);
          fragmentRows.set(name, inner);
        }
        rows += inner;
      }
    }
    return rows;
  };

  let costliest = 0;
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    if (operationName !== undefined && definition.name?.value !== operationName) continue;
    const root =
      definition.operation === "query"
        ? schema.getQueryType()
        : definition.operation === "mutation"
          ? schema.getMutationType()
          : schema.getSubscriptionType();
    costliest = Math.max(costliest, rowsIn(definition.selectionSet, root ?? undefined));
  }
  return costliest;
}

/** The refusal of a query that asks for more than {@link MAX_GRAPHQL_ROWS} rows; undefined when it does not. */
export function costProblem(rows: number): string | undefined {
  if (rows <= MAX_GRAPHQL_ROWS) return undefined;
  return (
    `Query cost of ${rows} rows exceeds the limit of ${MAX_GRAPHQL_ROWS} ` +
    `(each list counts its "limit", ${DEFAULT_PAGE_ROWS} when absent, times the limits of the lists around it)`
  );
}
