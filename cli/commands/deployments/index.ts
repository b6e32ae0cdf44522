import { Command } from "commander";
import { print, readCommand, rows, withSession, type ChainOptions } from "../../common";
import type { CliIo } from "../../io";

/** `coffer deployments`: Coffer's addresses on the node's chain. */
export function deploymentsCommand(io: CliIo): Command {
  return readCommand(
    new Command("coffer"),
    "deployments",
    "Coffer's contract addresses on the chain of --rpc-url",
  ).action(async (options: ChainOptions) => {
    await withSession(io, options, false, async (session) => {
      const manifest = session.client.manifest;
      const contracts = Object.fromEntries(
        Object.entries(manifest.contracts).map(([name, record]) => [name, record.address]),
      );
      const codes = await Promise.all(
        Object.values(contracts).map(async (value) => (await session.provider.getCode(value)) !== "0x"),
      );
      const missing = Object.keys(contracts).filter((_, index) => !codes[index]);
      print(
        session,
        {
          chainId: session.chainId,
          network: manifest.network,
          contracts,
          treasurySafe: manifest.treasurySafe?.address,
          missing,
        },
        () => [
          `Coffer on chain ${session.chainId} (${manifest.network})`,
          ...rows([
            ...Object.entries(contracts).map(
              ([name, value], index) => [name, `${value}${codes[index] ? "" : "  (NO CODE)"}`] as [string, string],
            ),
            ...(manifest.treasurySafe === undefined
              ? []
              : [["treasury Safe", manifest.treasurySafe.address] as [string, string]]),
          ]),
        ],
      );
    });
  });
}
