import { indexer } from "@coffer/sdk";
import type { Command } from "commander";
import { ethers } from "ethers";
import { deploymentsDirOf, findManifest, rows, table } from "../../../common";
import { parseCount, ReportedFailure, toJson, type CliIo } from "../../../io";
import { indexerCommand, indexerUrlFrom, manifestTokens, type IndexerOptions, type IndexerSession } from "../shared";

/** `coffer report reconcile`: the indexed balances against the chain; exit 1 on any difference. */
export function addReconcileCommand(report: Command, io: CliIo): void {
  indexerCommand(
    report,
    "reconcile",
    "compare the indexed token balances with balanceOf on the chain at the indexed block; exit 1 on any difference",
  ).action(async (options: IndexerOptions) => {
    const url = indexerUrlFrom(options.indexer, io.env);
    const chainId = options.chainId === undefined ? undefined : parseCount(options.chainId, "--chain-id");
    const client = indexer.createIndexerClient({ url });
    const result = await client.reconciliation(chainId);
    const differences = result.chains.flatMap((chain) => chain.differences);
    if (options.json === true) io.stdout(`${toJson(result)}\n`);
    else {
      const manifests = new Map<number, IndexerSession["amount"]>();
      for (const chain of result.chains) {
        const tokens = manifestTokens(findManifest(deploymentsDirOf(options.deploymentsDir, io.env), chain.chainId));
        manifests.set(chain.chainId, (value, token) => {
          const known = token === null ? undefined : tokens.get(ethers.getAddress(token));
          return known?.decimals === undefined
            ? `${value} units`
            : `${ethers.formatUnits(value, known.decimals)} ${known.symbol}`;
        });
      }
      const lines = [
        result.ok
          ? "Reconciliation: the indexer equals the chain"
          : `Reconciliation: DIFFERENCES found: ${differences.length} indexed balance(s) do not match the chain`,
        ...rows(
          result.chains.map((chain) => [
            `chain ${chain.chainId}`,
            `block ${chain.block}, ${chain.checked} balances checked, ${chain.differences.length} differ`,
          ]),
        ),
      ];
      if (differences.length > 0) {
        lines.push(
          ...table(
            ["chain", "check", "account", "token", "indexed", "on chain", "difference"],
            differences.map((row) => {
              const money = manifests.get(row.chainId) ?? ((value: bigint) => `${value} units`);
              return [
                String(row.chainId),
                row.check,
                row.account,
                row.token,
                money(row.indexed, row.token),
                money(row.onChain, row.token),
                money(row.difference, row.token),
              ];
            }),
          ),
          "difference = indexed - on chain: negative when the chain holds more than the indexer shows.",
          "check: balance = an account's token balance; escrow = the escrow's holdings against what it owes.",
          "The chain is authoritative: do not use the indexer's figures for these balances until they match again.",
        );
      }
      io.stdout(`${lines.join("\n")}\n`);
    }
    if (!result.ok || differences.length > 0) {
      throw new ReportedFailure(
        `the indexer differs from the chain in ${differences.length} balance(s); the on-chain figures are authoritative`,
      );
    }
  });
}
