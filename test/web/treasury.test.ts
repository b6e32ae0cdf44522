import { expect } from "chai";
import { ethers } from "ethers";
import type { Page } from "playwright-core";
import { createCofferClient, type CofferClient } from "../../sdk/src";
import {
  buildSafeTransactionFile,
  executeSafeTransactionFile,
  mergeSignatures,
  proposeSafeCall,
  signSafeTransactionFile,
  SignatureServiceClient,
  type SafeCallInput,
} from "../../sdk/src/safe-tx";
import * as treasury from "../../sdk/src/treasury";
import { devPrivateKey, freePort } from "../../scripts/lib/local-chain";
import { startWebServer } from "../../scripts/lib/web-server";
import { MockERC20__factory, type MockERC20 } from "../../typechain-types";
import { injectWallet, TestWallet } from "../helpers/browser-wallet";
import { expectAccessible, screenshot, startWebStack, tabTo, type WebStack } from "./stack";

const UNIT = 1_000_000n; // tUSDC has 6 decimals
const DAY = 86_400;

describe("web: the treasury page (the Safe's queue, budgets and queued transfers)", function () {
  this.timeout(240_000);
  let stack: WebStack;
  let safe: string;
  let usdc: MockERC20;
  let usdcAddress: string;
  let service: SignatureServiceClient;
  let operator: CofferClient;
  let queued: treasury.QueuedTransfer & { id: string };
  let safeEthBefore: bigint;
  const address = (index: number) => new ethers.Wallet(devPrivateKey(index)).address;
  const safeNonce = async () =>
    Number(
      await new ethers.Contract(safe, ["function nonce() view returns (uint256)"], stack.provider).getFunction(
        "nonce",
      )(),
    );
  const transferCall = (to: string, amount: bigint): SafeCallInput => ({
    to: usdcAddress,
    data: usdc.interface.encodeFunctionData("transfer", [to, amount]),
  });
  /** Runs a call as the Safe in Node: owners 1 and 2 sign, account 0 pays the gas. */
  const asSafe = async (call: SafeCallInput) => {
    let file = await buildSafeTransactionFile({ runner: stack.provider, safeAddress: safe, call });
    for (const index of [1, 2])
      file = mergeSignatures(file, [await signSafeTransactionFile(stack.signer(index), file)]);
    await executeSafeTransactionFile(stack.signer(0), file);
  };
  /** Opens the page as dev account `index` and connects its wallet. */
  const openAs = async (index: number) => {
    const opened = await stack.open(`/treasury.html?safe=${safe}`, index);
    await opened.page.getByRole("button", { name: "Connect Coffer Test Wallet" }).click();
    await opened.page.getByTestId("account").waitFor();
    return opened;
  };
  const row = (page: Page, safeTxHash: string) => page.locator(`[data-safe-tx-hash="${safeTxHash}"]`);

  before(async function () {
    stack = await startWebStack();
    const manifest = stack.local.first.manifest;
    safe = manifest.treasurySafe!.address;
    usdcAddress = manifest.contracts["TestUSDC"]!.address;
    usdc = MockERC20__factory.connect(usdcAddress, stack.signer(0));
    await (await usdc.mint(safe, 100_000n * UNIT)).wait();
    // Plain ETH to the Safe: no Transfer event; the page shows it through the indexer's eth_getBalance read.
    safeEthBefore = await stack.provider.getBalance(safe);
    await (await stack.signer(0).sendTransaction({ to: safe, value: ethers.parseEther("1.25") })).wait();
    service = new SignatureServiceClient(stack.safeService.url);

    // The treasury policy, set through the Safe: operator 4 with a budget and a queue limit, a one-hour delay.
    const reader = await createCofferClient({ runner: stack.provider, manifest });
    const module = await reader.treasury.getAddress();
    const enabled = (await new ethers.Contract(
      safe,
      ["function isModuleEnabled(address) view returns (bool)"],
      stack.provider,
    ).getFunction("isModuleEnabled")(module)) as boolean;
    if (!enabled) await asSafe(await treasury.policy.enableModule(reader, safe));
    const op = address(4);
    for (const call of [
      await treasury.policy.setOperator(reader, op, true, false),
      await treasury.policy.setQueueDelay(reader, 3_600),
      await treasury.policy.setBudget(reader, op, usdcAddress, 500n * UNIT, DAY),
      await treasury.policy.setQueueLimit(reader, op, usdcAddress, 10_000n * UNIT, 30 * DAY),
    ]) {
      await asSafe(call);
    }
    operator = await createCofferClient({ runner: stack.signer(4), manifest });
    await treasury.budgetTransfer(operator, safe, usdcAddress, address(7), 25n * UNIT);
    const result = await treasury.queueTransfer(operator, safe, usdcAddress, address(8), 100n * UNIT);
    queued = { ...result.transfer, id: result.transferId };
    await stack.waitForIndexer();
  });
  after(async function () {
    await stack?.stop();
  });

  it("shows the Safe's ETH beside its token balances, as the indexer read them at its indexed block", async function () {
    expect(safeEthBefore, "a fresh deployment's Safe holds no ETH").to.equal(0n);
    const { page, context } = await openAs(1);
    const balances = page.getByTestId("safe-balances");
    const eth = balances.locator('[data-token="native"]');
    await eth.waitFor();
    expect(await eth.textContent()).to.equal("1.25 ETH");
    const tusdc = balances.locator(`[data-token="${usdcAddress.toLowerCase()}"]`);
    const held = await usdc.balanceOf(safe);
    expect(held).to.equal(99_975n * UNIT);
    expect(await tusdc.textContent()).to.equal("99,975.00 tUSDC");
    expect(await balances.textContent()).to.match(/As indexed at block \d+\./);
    await context.close();
  });

  it("co-signs and executes a Safe transaction with two owners", async function () {
    const recipient = ethers.Wallet.createRandom().address;
    const nonce = await safeNonce();
    // Owner 3 proposes a payout in Node, with its signature.
    const proposal = await proposeSafeCall(stack.signer(3), service, {
      safeAddress: safe,
      call: transferCall(recipient, 1_250n * UNIT),
    });

    // Owner 1 sees it in token units, signed by owner 3, and signs with the keyboard.
    const first = await openAs(1);
    const pending = row(first.page, proposal.safeTxHash);
    await pending.waitFor();
    expect(await pending.getByTestId("tx-title").textContent()).to.equal("Pay 1,250.00 tUSDC");
    expect(await pending.getByTestId("tx-lines").textContent()).to.equal(`Pay 1,250.00 tUSDC to ${recipient}`);
    expect(await pending.getByTestId("nonce").textContent()).to.equal(`Nonce ${nonce}`);
    expect(await pending.getByTestId("confirmations").textContent()).to.equal("1 of 2 confirmations");
    expect(
      await pending.locator("[data-signer]").evaluateAll((nodes) => nodes.map((n) => n.getAttribute("data-signer"))),
    ).to.deep.equal([address(3)]);
    expect(await pending.getByTestId("execute").count(), "no Execute before the threshold").to.equal(0);
    // Budgets and queued transfers from the indexer.
    const budget = first.page.getByTestId("budget");
    await budget.waitFor();
    expect(await budget.getByTestId("budget-spent").textContent()).to.equal("25.00 tUSDC");
    const queuedRow = first.page.locator(`[data-transfer-id="${queued.id}"]`);
    await queuedRow.waitFor();
    expect(await queuedRow.getByTestId("queued-status").getAttribute("data-status")).to.equal("queued");
    expect(await queuedRow.getByTestId("queued-status").textContent()).to.equal("Queued");
    expect(await queuedRow.textContent()).to.contain("100.00 tUSDC");
    expect(await queuedRow.getByTestId("executable-after").textContent()).to.match(/\d{4}/);
    await expectAccessible(first.page, "the treasury page with a pending transaction");
    await screenshot(first.page, "treasury");

    await tabTo(first.page, /^Sign transaction/);
    await first.page.keyboard.press("Enter");
    await pending.getByTestId("confirmations").filter({ hasText: "2 of 2" }).waitFor();
    expect(first.wallet.calls.filter((method) => method === "eth_signTypedData_v4")).to.have.length(1);
    expect(first.wallet.sent, "signing sends nothing").to.equal(0);
    const stored = await service.get(proposal.safeTxHash);
    expect(stored.signatures.map((signature) => signature.signer).sort()).to.deep.equal(
      [address(1), address(3)].sort(),
    );
    await first.context.close();

    // Owner 2 executes it: the threshold is met and it is the next nonce.
    const second = await openAs(2);
    const ready = row(second.page, proposal.safeTxHash);
    await ready.getByTestId("execute").waitFor();
    expect(await ready.getByTestId("sign").count(), "no Sign once the threshold is met").to.equal(0);
    await ready.getByTestId("execute").click();
    await second.page.getByTestId("executed").waitFor({ timeout: 30_000 });
    expect(await second.page.getByTestId("executed").textContent()).to.contain(
      `Executed nonce ${nonce}: Pay 1,250.00 tUSDC`,
    );
    await second.page.getByTestId("queue-empty").waitFor();
    expect(second.wallet.sent, "one execution sent").to.equal(1);
    expect(await usdc.balanceOf(recipient), "the recipient on chain").to.equal(1_250n * UNIT);
    expect(await safeNonce()).to.equal(nonce + 1);
    await second.context.close();
  });

  it("two owners approve a payout entirely in the browser: one proposes and signs it, the other signs and executes", async function () {
    const recipient = ethers.Wallet.createRandom().address;
    const nonce = await safeNonce();
    const first = await openAs(1);
    const form = first.page.getByTestId("payout");
    await form.getByLabel("Token").selectOption(usdcAddress);
    await form.getByLabel("Recipient").fill(recipient);
    // More than the Safe holds: refused on the page, nothing signed.
    await form.getByLabel("Amount (tUSDC)").fill("1000000");
    await form.getByTestId("propose-payout").click();
    expect(await form.getByTestId("problem").textContent()).to.contain("it cannot pay 1,000,000.00 tUSDC");
    expect(first.wallet.calls).to.not.include("eth_signTypedData_v4");
    await form.getByRole("button", { name: "Dismiss" }).click();

    await form.getByLabel("Amount (tUSDC)").fill("75.5");
    await form.getByLabel("Note for the other owners (optional)").fill("Roaster repair, invoice RR-12");
    await form.getByTestId("propose-payout").click();
    await form.getByTestId("payout-proposed").waitFor();
    expect(await form.getByTestId("payout-proposed").textContent()).to.contain(`Proposed as nonce ${nonce}`);
    expect(first.wallet.sent, "proposing sends nothing").to.equal(0);
    const [proposal] = await service.list(stack.local.first.manifest.chainId, safe, nonce);
    expect(proposal?.signatures.map((signature) => signature.signer)).to.deep.equal([address(1)]);
    expect(proposal?.note).to.equal("Roaster repair, invoice RR-12");
    await first.context.close();

    const second = await openAs(2);
    const pending = row(second.page, proposal!.safeTxHash);
    await pending.waitFor();
    expect(await pending.getByTestId("tx-title").textContent()).to.equal("Pay 75.50 tUSDC");
    expect(await pending.getByTestId("confirmations").textContent()).to.equal("1 of 2 confirmations");
    await pending.getByTestId("sign").click();
    await pending.getByTestId("confirmations").filter({ hasText: "2 of 2" }).waitFor();
    await pending.getByTestId("execute").click();
    await second.page.getByTestId("executed").waitFor({ timeout: 30_000 });
    expect(second.wallet.sent, "one execution sent").to.equal(1);
    expect(await usdc.balanceOf(recipient), "the recipient on chain").to.equal(75_500_000n);
    expect(await safeNonce()).to.equal(nonce + 1);
    await screenshot(second.page, "treasury-payout-executed");
    await second.context.close();
  });

  it("cancels a queued transfer: one owner proposes from the page, another signs and executes it", async function () {
    const first = await openAs(1);
    const queuedRow = first.page.locator(`[data-transfer-id="${queued.id}"]`);
    await queuedRow.getByTestId("cancel-queued").click();
    await queuedRow.getByTestId("cancel-proposed").waitFor();
    const pending = await service.list(stack.local.first.manifest.chainId, safe, await safeNonce());
    expect(pending).to.have.length(1);
    const proposal = pending[0]!;
    expect(proposal.signatures.map((signature) => signature.signer)).to.deep.equal([address(1)]);
    expect(proposal.transaction.data).to.equal(
      operator.treasury.interface.encodeFunctionData("cancelQueued", [queued]).toLowerCase(),
    );
    const inQueue = row(first.page, proposal.safeTxHash);
    await inQueue.waitFor();
    expect(await inQueue.getByTestId("tx-title").textContent()).to.equal("Cancel a queued transfer");
    expect(await inQueue.getByTestId("tx-lines").textContent()).to.contain(
      `Cancel the queued transfer of 100.00 tUSDC to ${address(8)}`,
    );
    await first.context.close();

    const second = await openAs(2);
    const toSign = row(second.page, proposal.safeTxHash);
    await toSign.getByTestId("sign").click();
    await toSign.getByTestId("execute").click();
    await second.page.getByTestId("executed").waitFor({ timeout: 30_000 });
    expect(await operator.treasury.getQueuedStatus(queued.id), "canceled on chain").to.equal(3n);
    const canceled = second.page
      .locator(`[data-transfer-id="${queued.id}"]`)
      .locator('[data-testid="queued-status"][data-status="canceled"]');
    await canceled.waitFor({ timeout: 30_000 });
    expect(await canceled.textContent()).to.equal("Canceled");
    await second.context.close();
  });

  it("shows a declined signature, and the service and the chain are unchanged", async function () {
    const proposal = await proposeSafeCall(stack.signer(3), service, {
      safeAddress: safe,
      // More than the Safe holds: the next test executes it and the simulation refuses it.
      call: transferCall(ethers.Wallet.createRandom().address, 1_000_000n * UNIT),
    });
    const nonce = await safeNonce();
    const first = await openAs(1);
    first.wallet.reject.add("eth_signTypedData_v4");
    const pending = row(first.page, proposal.safeTxHash);
    await pending.getByTestId("sign").click();
    const problem = pending.getByTestId("problem");
    await problem.waitFor();
    expect(await problem.textContent()).to.contain("You declined in your wallet");
    expect(await pending.getByTestId("confirmations").textContent()).to.equal("1 of 2 confirmations");
    expect(await pending.getByTestId("sign").isEnabled(), "the owner can try again").to.equal(true);
    expect((await service.get(proposal.safeTxHash)).signatures).to.have.length(1);
    expect(await safeNonce()).to.equal(nonce);
    expect(first.wallet.sent).to.equal(0);
    await first.context.close();
  });

  it("marks a transaction that spends more than the Safe holds as not executable, with the shortfall in token units", async function () {
    const [pending] = await service.list(stack.local.first.manifest.chainId, safe, await safeNonce());
    expect(pending, "the declined proposal is still pending").to.not.equal(undefined);
    // Owner 1 signs it after all (in Node): it has the threshold, but pays more than the Safe holds.
    await service.addSignature(pending!.safeTxHash, await signSafeTransactionFile(stack.signer(1), pending!));
    const nonce = await safeNonce();
    const held = await usdc.balanceOf(safe);
    expect(1_000_000n * UNIT - held, "the shortfall the page must show").to.equal(901_350_500_000n);
    const stranger = await openAs(5);
    const item = row(stranger.page, pending!.safeTxHash);
    await item.getByTestId("shortfall").waitFor();
    expect(await item.getByTestId("shortfall").textContent()).to.contain("Not executable: short by 901,350.50 tUSDC");
    expect(await item.getByTestId("execute").isDisabled(), "Execute is disabled while funds are short").to.equal(true);
    expect(await stranger.page.getByTestId("not-owner").textContent()).to.contain("is not an owner of this Safe");
    expect(await stranger.page.getByTestId("sign").count()).to.equal(0);

    // Once the Safe holds enough, the row says nothing more and a wallet that is not an owner can execute it.
    await (await usdc.mint(safe, 1_000_000n * UNIT)).wait();
    await item.getByTestId("shortfall").waitFor({ state: "detached", timeout: 30_000 });
    await item.getByTestId("execute").click();
    await stranger.page.getByTestId("executed").waitFor({ timeout: 30_000 });
    expect(stranger.wallet.sent, "one execution sent").to.equal(1);
    expect(await safeNonce()).to.equal(nonce + 1);
    await stranger.context.close();
  });

  it("says so when the approval service is unreachable", async function () {
    const web = await startWebServer({
      config: { chainId: 31337, chainName: "Local chain", manifest: stack.local.first.manifest, treasurySafe: safe },
      rpcUrl: stack.local.chain.url,
      indexerUrl: stack.indexer.url,
      safeServiceUrl: `http://127.0.0.1:${await freePort()}`,
    });
    const context = await stack.browser.newContext({ locale: "en-US" });
    try {
      await injectWallet(context, new TestWallet(stack.signer(1), stack.local.chain.url));
      const page = await context.newPage();
      await page.goto(`${web.url}/treasury.html`);
      const problem = page.getByTestId("queue").getByTestId("problem");
      await problem.waitFor({ timeout: 30_000 });
      expect(await problem.textContent()).to.contain("The Safe approval service is unreachable");
      expect(await page.getByTestId("safe-info").textContent()).to.contain("2 of 3 owners must sign");
    } finally {
      await context.close();
      await web.close();
    }
  });
});
