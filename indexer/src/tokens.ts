/**
 * Tokens: the configured tokens' `Transfer` events (token balances), and the `token` table: each token's symbol,
 * name and decimals, read from the token once, when Coffer first sees it.
 * A token that does not answer (or answers a `bytes32` symbol, as some old tokens do) is recorded with what could
 * be read; the reads go through Ponder's client, so a re-index reads them from its cache, not from the node.
 */
import { ponder, type Context } from "ponder:registry";
import { token as tokenTable } from "ponder:schema";
import { hexToString, parseAbi } from "viem";
import {
  type Hex,
  isTracked,
  lc,
  moveTokenBalance,
  recordTransfer,
  tokenSeenInTransaction,
  type EventMeta,
} from "./ledger";

const ZERO: Hex = "0x0000000000000000000000000000000000000000";
/** Native token symbols where they are not ETH. */
const NATIVE: Readonly<Record<number, { symbol: string; name: string }>> = {
  137: { symbol: "POL", name: "Polygon Ecosystem Token" },
  80002: { symbol: "POL", name: "Polygon Ecosystem Token" },
};

const metadataAbi = parseAbi([
  "function symbol() view returns (string)",
  "function name() view returns (string)",
  "function decimals() view returns (uint8)",
]);
const bytes32Abi = parseAbi(["function symbol() view returns (bytes32)", "function name() view returns (bytes32)"]);

async function readText(context: Context, address: Hex, functionName: "symbol" | "name"): Promise<string | null> {
  try {
    return await context.client.readContract({ address, abi: metadataAbi, functionName });
  } catch {
    try {
      const raw = await context.client.readContract({ address, abi: bytes32Abi, functionName });
      const text = hexToString(raw, { size: 32 }).replace(/\0+$/, "");
      return text === "" ? null : text;
    } catch {
      return null;
    }
  }
}

/**
 * Records `address` in the `token` table the first time it is seen on this chain (looked up once per transaction:
 * a batch of payments names the same token many times). `firstCallOfLog`: see {@link tokenSeenInTransaction}.
 */
export async function seeToken(
  context: Context,
  event: EventMeta,
  address: Hex,
  firstCallOfLog = false,
): Promise<void> {
  if (tokenSeenInTransaction(context, event, address, firstCallOfLog)) return;
  const chainId = context.chain.id;
  const block = event.block.number;
  if ((await context.db.find(tokenTable, { chainId, address })) !== null) return;
  let metadata: { symbol: string | null; name: string | null; decimals: number | null };
  if (address === ZERO) {
    metadata = { ...(NATIVE[chainId] ?? { symbol: "ETH", name: "Ether" }), decimals: 18 };
  } else {
    const [symbol, name, decimals] = await Promise.all([
      readText(context, address, "symbol"),
      readText(context, address, "name"),
      context.client.readContract({ address, abi: metadataAbi, functionName: "decimals" }).catch(() => null),
    ]);
    metadata = { symbol, name, decimals };
  }
  await context.db
    .insert(tokenTable)
    .values({ chainId, address, ...metadata, firstSeenBlock: block })
    .onConflictDoNothing();
}

interface TransferEvent extends EventMeta {
  readonly args: { readonly from: Hex; readonly to: Hex; readonly value: bigint };
}

async function onTransfer(event: TransferEvent, context: Context): Promise<void> {
  const token = lc(event.log.address);
  const from = lc(event.args.from);
  const to = lc(event.args.to);
  const { value } = event.args;
  // The handler's first look at the transaction: a log index at or before the last seen is a retried batch.
  await seeToken(context, event, token, true);
  await moveTokenBalance(context, token, from, to, value, event.block.number);
  await recordTransfer(context, event, { token, from, to, value });
}

ponder.on("Token:Transfer", async ({ event, context }) => onTransfer(event, context));

ponder.on("TrackedTokenFrom:Transfer", async ({ event, context }) => onTransfer(event, context));

ponder.on("TrackedTokenTo:Transfer", async ({ event, context }) => {
  // From a tracked account too: `TrackedTokenFrom` has it.
  if (isTracked(context.chain.id, lc(event.args.from))) return;
  await onTransfer(event, context);
});
