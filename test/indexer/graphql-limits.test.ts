import { expect } from "chai";
import { buildSchema } from "graphql";
import { limitProblems, MAX_GRAPHQL_DEPTH, parseQuery } from "../../indexer/src/api/graphql-limits";

/** A document of `query`, which must parse. */
function documentOf(query: string) {
  const parsed = parseQuery(query);
  if ("error" in parsed) throw new Error(parsed.error);
  return parsed.document;
}

describe("indexer API: the GraphQL limits' verdicts", function () {
  const withBalance = buildSchema(
    "type Query { account(id: String!): Account } type Account { id: String, balance: String, next: Account }",
  );
  const withoutBalance = buildSchema(
    "type Query { account(id: String!): Account } type Account { id: String, next: Account }",
  );

  it("gives the same verdict each time a query comes back, whatever its variables", function () {
    const query = "query ($id: String!) { account(id: $id) { id balance } }";
    expect(documentOf(query)).to.equal(documentOf(query));
    for (let i = 0; i < 3; i += 1) expect(limitProblems(withBalance, documentOf(query))).to.deep.equal([]);
    const unknown = 'query { account(id: "a") { id owner } }';
    const first = limitProblems(withBalance, documentOf(unknown));
    expect(first).to.have.length(1);
    expect(first[0]).to.match(/Cannot query field "owner" on type "Account"/);
    expect(limitProblems(withBalance, documentOf(unknown))).to.deep.equal(first);
  });

  it("judges a query against each schema it is asked about", function () {
    const document = documentOf('{ account(id: "a") { balance } }');
    expect(limitProblems(withBalance, document)).to.deep.equal([]);
    expect(limitProblems(withoutBalance, document).join()).to.match(/Cannot query field "balance"/);
    expect(limitProblems(withBalance, document)).to.deep.equal([]);
  });

  it("refuses a query deeper than the limit, every time", function () {
    const deep = `{ account(id: "a") { ${"next { ".repeat(MAX_GRAPHQL_DEPTH)}id${" }".repeat(MAX_GRAPHQL_DEPTH)} } }`;
    const verdict = limitProblems(withBalance, documentOf(deep));
    expect(verdict.join()).to.match(/depth/i);
    // A caller changing the list it got does not change the next verdict.
    verdict.length = 0;
    expect(limitProblems(withBalance, documentOf(deep)).join()).to.match(/depth/i);
  });
});
