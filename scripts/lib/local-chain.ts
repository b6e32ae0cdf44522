import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { ethers } from "ethers";

/** The development mnemonic of Anvil and Hardhat: its accounts are funded on every local chain. */
export const DEV_MNEMONIC = "test test test test test test test test test test test junk";

/** Private key of the development account at `index` (never use these keys on a public network). */
export function devPrivateKey(index: number): string {
  return ethers.HDNodeWallet.fromPhrase(DEV_MNEMONIC, undefined, `m/44'/60'/0'/0/${index}`).privateKey;
}

/** A running local chain. */
export interface LocalChain {
  readonly url: string;
  readonly port: number;
  readonly kind: "anvil" | "hardhat";
  readonly provider: ethers.JsonRpcProvider;
  stop(): Promise<void>;
}

/** A TCP port that is free now on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject()));
    });
  });
}

const ROOT = path.join(__dirname, "..", "..");
const ANVIL = path.join(ROOT, "node_modules", "@foundry-rs", "anvil-linux-amd64", "bin", "anvil");

/** Anvil's arguments; under `npm run coverage` instrumented contracts exceed the 24 KiB code size limit. */
function anvilArgs(port: number, chainId: number): string[] {
  const args = ["--host", "127.0.0.1", "--port", String(port), "--chain-id", String(chainId), "--silent"];
  if (process.env.COFFER_COVERAGE === "true") args.push("--disable-code-size-limit");
  return args;
}

/**
 * Starts a local chain (chain id 31337 unless told otherwise, the development accounts funded) on `port`: Anvil when its npm
 * package is installed (it starts in a tenth of a second), else `hardhat node`. Resolves once it answers.
 */
export async function startLocalChain(options: { port?: number; chainId?: number } = {}): Promise<LocalChain> {
  const port = options.port ?? (await freePort());
  const chainId = options.chainId ?? 31337;
  const useAnvil = fs.existsSync(ANVIL);
  if (!useAnvil && chainId !== 31337) throw new Error("Another chain id than 31337 needs Anvil");
  const child: ChildProcess = useAnvil
    ? spawn(ANVIL, anvilArgs(port, chainId), { stdio: ["ignore", "pipe", "pipe"] })
    : spawn(
        process.execPath,
        [require.resolve("hardhat/internal/cli/bootstrap"), "node", "--hostname", "127.0.0.1", "--port", String(port)],
        {
          cwd: ROOT,
          stdio: ["ignore", "pipe", "pipe"],
          env: { ...process.env, HARDHAT_DISABLE_TELEMETRY_PROMPT: "true" },
        },
      );
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  let exited = false;
  child.on("exit", () => (exited = true));

  const url = `http://127.0.0.1:${port}`;
  const provider = new ethers.JsonRpcProvider(url, chainId, {
    staticNetwork: true,
    pollingInterval: 100,
    cacheTimeout: -1,
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`The local chain on port ${port} exited at start:\n${output}`);
    try {
      await provider.send("eth_chainId", []);
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        throw new Error(`The local chain on port ${port} did not answer within 60 s:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  const stop = async (): Promise<void> => {
    provider.destroy();
    if (exited) return;
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  };
  return { url, port, kind: useAnvil ? "anvil" : "hardhat", provider, stop };
}
