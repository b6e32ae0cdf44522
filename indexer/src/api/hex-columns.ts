/**
 * The hex columns of the Ponder schema, found in the schema itself (every column built with `t.hex()`), so that a
 * column added later is checked without anyone updating a list. Ponder compares hex columns as lower-case text:
 * a malformed address or hash would silently match nothing, so the API refuses it.
 */

/** What a hex column holds: a 20-byte address, a 32-byte hash or id, or bytes of any length. */
export type HexKind = "address" | "hash" | "bytes";

/** Hex columns per table (its name in the schema, as Ponder's GraphQL types are named), by column name. */
export type HexColumns = ReadonlyMap<string, ReadonlyMap<string, HexKind>>;

// Drizzle marks its tables and keeps their columns under these registered symbols.
const IS_TABLE = Symbol.for("drizzle:IsDrizzleTable");
const COLUMNS = Symbol.for("drizzle:Columns");

/** Hex columns that hold calldata, signatures or revert data: any even number of hex digits. */
const BYTES_COLUMNS = new Set(["data", "signatures", "revertData"]);

/**
 * The width of a hex column, by Coffer's naming: ids (`id`, `paymentId`, `referenceId`) and hashes
 * (`transactionHash`, `configHash`) are 32 bytes, calldata-like columns any length, every other hex column is an
 * address.
 */
export function hexKindOf(column: string): HexKind {
  if (BYTES_COLUMNS.has(column)) return "bytes";
  if (column === "id" || column.endsWith("Id") || column.endsWith("Hash")) return "hash";
  return "address";
}

/** Every table's hex columns, read from the module that `ponder:schema` exports. */
export function hexColumnsOf(schema: Record<string, unknown>): HexColumns {
  const tables = new Map<string, Map<string, HexKind>>();
  for (const [tableName, table] of Object.entries(schema)) {
    if (typeof table !== "object" || table === null || !(table as Record<symbol, unknown>)[IS_TABLE]) continue;
    const columns = (table as Record<symbol, Record<string, { columnType?: string }> | undefined>)[COLUMNS] ?? {};
    const hex = new Map<string, HexKind>();
    for (const [columnName, column] of Object.entries(columns)) {
      if (column.columnType === "PgHex") hex.set(columnName, hexKindOf(columnName));
    }
    tables.set(tableName, hex);
  }
  return tables;
}

const WHAT: Record<HexKind, string> = {
  address: "a 0x-prefixed 20-byte hex address",
  hash: "a 0x-prefixed 32-byte hex value",
  bytes: "0x-prefixed hex bytes",
};

const PATTERN: Record<HexKind, RegExp> = {
  address: /^0x[0-9a-fA-F]{40}$/,
  hash: /^0x[0-9a-fA-F]{64}$/,
  bytes: /^0x(?:[0-9a-fA-F]{2})*$/,
};

/**
 * What is wrong with `value` for a hex column of `kind`, named `name` in the message; undefined when it is fine.
 * `partial` (filters such as `_starts_with`) takes any run of hex digits, with or without `0x`.
 */
export function hexProblem(name: string, kind: HexKind, value: unknown, partial: boolean): string | undefined {
  if (value === null || value === undefined) return undefined;
  const ok = typeof value === "string" && (partial ? /^(0x)?[0-9a-fA-F]*$/.test(value) : PATTERN[kind].test(value));
  return ok ? undefined : `"${name}" must be ${partial ? "hex digits" : WHAT[kind]}, got ${JSON.stringify(value)}`;
}
