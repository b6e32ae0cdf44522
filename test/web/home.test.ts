import { expect } from "chai";
import { expectAccessible, screenshot, startWebStack, type WebStack } from "./stack";

describe("web: the landing page", function () {
  this.timeout(240_000);
  let stack: WebStack;

  before(async function () {
    stack = await startWebStack();
  });
  after(async function () {
    await stack?.stop();
  });

  it("loads the served config and links each role to its page, with the treasury Safe filled in", async function () {
    const { page, context } = await stack.open("/", 5);
    await page.getByRole("link", { name: "Open the treasury" }).waitFor();
    expect(await page.locator(".chain-badge").textContent()).to.equal("Local chain");
    const treasury = await page.getByRole("link", { name: "Open the treasury" }).getAttribute("href");
    expect(treasury).to.equal(`./treasury.html?safe=${stack.local.first.manifest.treasurySafe!.address}`);
    await expectAccessible(page, "the landing page");
    await screenshot(page, "home");
    await context.close();
  });
});
