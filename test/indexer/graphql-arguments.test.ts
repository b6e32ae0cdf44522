/**
 * The GraphQL guard's argument checks and hex lowering walk a query once per text and keep what they found: a
 * query that comes back with other variables must still be judged, and lowered, by those variables.
 */
import { expect } from "chai";
import { buildSchema } from "graphql";
import { parseQuery } from "../../indexer/src/api/graphql-limits";
import type { HexColumns } from "../../indexer/src/api/hex-columns";
import { lowerHex } from "../../indexer/src/api/lower-hex";
import { argumentProblems } from "../../indexer/src/api/validate";

function documentOf(query: string) {
  const parsed = parseQuery(query);
  if ("error" in parsed) throw new Error(parsed.error);
  return parsed.document;
}

const schema = buildSchema(`
  type Query {
    activity(id: String!): activity
    activitys(where: activityFilter, orderBy: String, orderDirection: String, limit: Int, after: String): activityPage!
  }
  type activity { id: String! account: String! amount: String }
  type activityPage { items: [activity!]! pageInfo: PageInfo! }
  type PageInfo { hasNextPage: Boolean! endCursor: String }
  input activityFilter { account: String account_in: [String] AND: [activityFilter] }
`);
const hexColumns: HexColumns = new Map([["activity", new Map([["account", "address" as const]])]]);
const ACCOUNT = "0x" + "ab".repeat(20);

describe("indexer API: the guard's argument checks and hex lowering, per request", function () {
  const page =
    "query ($account: String, $limit: Int) { activitys(where: { account: $account }, limit: $limit) { items { id } } }";

  it("judges a page's limit and filter by each request's variables, the same query every time", function () {
    const document = documentOf(page);
    expect(argumentProblems(schema, document, { account: ACCOUNT, limit: 20 }, hexColumns)).to.deep.equal([]);
    expect(argumentProblems(schema, document, { account: ACCOUNT, limit: -1 }, hexColumns)).to.deep.equal([
      '"limit" must be an integer from 0 to 1000, got -1',
    ]);
    expect(argumentProblems(schema, document, { account: "0x12", limit: 5 }, hexColumns).join()).to.match(
      /"account" must be a 0x-prefixed 20-byte hex address, got "0x12"/,
    );
    expect(argumentProblems(schema, document, { account: ACCOUNT, limit: 1000 }, hexColumns)).to.deep.equal([]);
  });

  it("checks a single-row lookup's key, and filters inside AND lists, literal or not", function () {
    const lookup = documentOf('{ activity(id: "0xnothex") { id } }');
    expect(
      argumentProblems(schema, lookup, {}, new Map([["activity", new Map([["id", "hash" as const]])]])),
    ).to.have.length(1);
    const nested = documentOf("query ($a: String) { activitys(where: { AND: [{ account: $a }] }) { items { id } } }");
    expect(argumentProblems(schema, nested, { a: ACCOUNT }, hexColumns)).to.deep.equal([]);
    expect(argumentProblems(schema, nested, { a: "nope" }, hexColumns)).to.have.length(1);
  });

  it("lowers a query's hex literals and each request's hex variables", function () {
    const upper = "0x" + "AB".repeat(20);
    const literal = documentOf(`{ activitys(where: { account: "${upper}" }) { items { id } } }`);
    for (let i = 0; i < 2; i += 1) {
      const lowered = lowerHex(literal, undefined);
      expect(lowered.changed).to.equal(true);
      expect(lowered.query).to.include(ACCOUNT).and.not.include(upper);
    }
    const document = documentOf(page);
    const plain = lowerHex(document, { account: ACCOUNT, limit: 1 });
    expect(plain.changed).to.equal(false);
    const mixed = lowerHex(document, { account: upper, limit: 1 });
    expect(mixed.changed).to.equal(true);
    expect(mixed.variables).to.deep.equal({ account: ACCOUNT, limit: 1 });
    expect(documentOf(mixed.query)).to.not.equal(undefined);
    expect(lowerHex(document, { account: [upper], limit: 1 }).variables).to.deep.equal({
      account: [ACCOUNT],
      limit: 1,
    });
    expect(lowerHex(document, { account: ACCOUNT, limit: 1 }).changed).to.equal(false);
  });
});
