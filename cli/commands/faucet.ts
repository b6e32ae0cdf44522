import { Command } from "commander";
import { ethers } from "ethers";
import {
  formatAmount,
  parseAmount,
  print,
  rows,
  sendCommand,
  tokenInfo,
  withSession,
  type ChainOptions,
} from "../common";
import { parseAddress, UsageError, type CliIo } from "../io";

/** Chain ids of local development chains (Anvil, Hardhat, Ganache): the only ones the faucet works on. */
const LOCAL_CHAIN_IDS = new Set([31337, 1337]);

interface FaucetOptions extends ChainOptions {
  to?: string;
  token: string;
  amount: string;
  eth?: string;
}

/** `coffer faucet`: test tokens (and ETH) for an account on a local chain. */
export function faucetCommand(io: CliIo): Command {
  return sendCommand(
    new Command("coffer"),
    "faucet",
    "mint the deployment's test tokens (and ETH with --eth) to an account, on a local chain only",
  )
    .option("--to <address>", "who receives them (default: the signing key's account)")
    .option("--token <token>", "which test token: its symbol (tUSDC), its name (TestUSDC), or all", "all")
    .option("--amount <amount>", "how much of each token, in its units", "1000")
    .option("--eth <amount>", "also add this much ETH to the account's balance")
    .action(async (options: FaucetOptions) => {
      // On a local node without a key the node's first unlocked account sends the mints.
      const hasKey = options.keystore !== undefined || io.env.COFFER_PRIVATE_KEY !== undefined;
      await withSession(io, options, hasKey, async (session) => {
        if (!LOCAL_CHAIN_IDS.has(session.chainId)) {
          throw new UsageError(
            `coffer faucet mints test tokens on local chains only (chain ids ${[...LOCAL_CHAIN_IDS].join(", ")}); ` +
              `this node is chain ${session.chainId}`,
          );
        }
        const signer = session.signer ?? (await session.provider.getSigner(0));
        const to =
          options.to !== undefined ? parseAddress(options.to, "--to") : session.signer ? session.account : undefined;
        if (to === undefined) throw new UsageError("--to is required without a signing key (COFFER_PRIVATE_KEY)");

        const testTokens = await Promise.all(
          Object.entries(session.client.manifest.contracts)
            .filter(([name]) => name.startsWith("Test"))
            .map(async ([name, record]) => ({ name, info: await tokenInfo(session, record.address) })),
        );
        const wanted = options.token.toLowerCase();
        const chosen =
          wanted === "all"
            ? testTokens
            : testTokens.filter(
                ({ name, info }) => name.toLowerCase() === wanted || info.symbol.toLowerCase() === wanted,
              );
        if (chosen.length === 0) {
          const accepted = testTokens.map(({ name, info }) => `${info.symbol} (${name})`).join(", ");
          throw new UsageError(`--token ${options.token} is not a test token here: use ${accepted} or all`);
        }
        const minted: { token: string; symbol: string; amount: string; transactionHash: string }[] = [];
        for (const { info } of chosen) {
          const amount = parseAmount(options.amount, info);
          const token = new ethers.Contract(info.address, ["function mint(address to, uint256 amount)"], signer);
          session.progress(`Minting ${formatAmount(amount, info)} to ${to}…`);
          const receipt = await ((await token.getFunction("mint")(to, amount)) as ethers.TransactionResponse).wait();
          minted.push({
            token: info.address,
            symbol: info.symbol,
            amount: amount.toString(),
            transactionHash: receipt?.hash ?? "",
          });
        }
        let eth: bigint | undefined;
        if (options.eth !== undefined) {
          eth = parseAmount(options.eth, { address: ethers.ZeroAddress, symbol: "ETH", decimals: 18 }, "--eth");
          const balance = ethers.toQuantity((await session.provider.getBalance(to)) + eth);
          await session.provider
            .send("anvil_setBalance", [to, balance])
            .catch(() => session.provider.send("hardhat_setBalance", [to, balance]));
        }
        print(session, { to, minted, ...(eth === undefined ? {} : { eth: eth.toString() }) }, () => [
          `Sent to ${to}:`,
          ...rows([
            ...minted.map(
              (entry) =>
                [
                  entry.symbol,
                  `${ethers.formatUnits(entry.amount, chosen.find((c) => c.info.address === entry.token)?.info.decimals ?? 0)} (${entry.transactionHash})`,
                ] as [string, string],
            ),
            ...(eth === undefined ? [] : [["ETH", ethers.formatEther(eth)] as [string, string]]),
          ]),
        ]);
      });
    });
}
