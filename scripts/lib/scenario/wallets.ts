/** Day 1, 08:50: the customers top up their wallets with test tokens. */
import type { ScenarioContext } from "./context";
import { dai, label, usdc } from "./format";
import type { ScenarioRole } from "./model";

export async function fundCustomers(context: ScenarioContext): Promise<void> {
  const { accounts, tokens, show } = context;
  await context.clock(1, "08:50");
  const funding: [ScenarioRole, string, bigint][] = [
    ["customerDana", tokens.TestUSDC, usdc("1000")],
    ["customerEli", tokens.TestUSDC, usdc("500")],
    ["customerEli", tokens.TestDAI, dai("500")],
    ["customerFay", tokens.TestUSDC, usdc("300")],
  ];
  for (const [role, tokenAddress, amount] of funding) {
    await context.mined(context.token(tokenAddress, role).mint(accounts[role], amount));
    context.step(`${label(role)} tops up a wallet with ${show(tokenAddress, amount)} (test token minted)`);
  }
}
