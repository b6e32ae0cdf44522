import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

const FIXTURE = path.join(__dirname, "fixtures", "paid-server.ts");

/** One line the paid server printed. */
export interface ServerEvent {
  event: string;
  [key: string]: unknown;
}

/** A channel as the server's store held it when the server started. */
export interface RecoveredChannel {
  channelId: string;
  accepted: bigint;
  redeemed: bigint;
}

/** The paid API fixture (`fixtures/paid-server.ts`) running as a child process. */
export interface PaidServerProcess {
  readonly child: ChildProcess;
  readonly events: ServerEvent[];
  /** The open channels its store held when it started, before its redeemer ran. */
  readonly recovered: RecoveredChannel[];
  /** Resolves with the first event named `name` (already printed or to come). */
  next(name: string, timeoutMs?: number): Promise<ServerEvent>;
  /** SIGKILL: no cleanup, as a crash; resolves once the process is gone. */
  kill(): Promise<void>;
  /** What it printed on stderr. */
  log(): string;
}

/** Starts the paid server with `env` (see the fixture's settings) and resolves once it answers. */
export async function startPaidServer(env: Record<string, string>): Promise<PaidServerProcess> {
  // `--require tsx/cjs` keeps the server in this one process (the tsx command would start a second one), so
  // that SIGKILL reaches the server itself.
  const child = spawn(process.execPath, ["--require", "tsx/cjs", FIXTURE], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const events: ServerEvent[] = [];
  const waiters: Array<() => void> = [];
  let stderr = "";
  let buffered = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on("data", (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) if (line.trim() !== "") events.push(JSON.parse(line) as ServerEvent);
    for (const wake of waiters.splice(0)) wake();
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let gone = false;
  void exited.then(() => {
    gone = true;
    for (const wake of waiters.splice(0)) wake();
  });
  const next = (name: string, timeoutMs = 30_000) =>
    new Promise<ServerEvent>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "${name}" from the paid server:\n${stderr}`)), timeoutMs);
      const check = () => {
        const found = events.find((event) => event.event === name);
        if (found !== undefined) {
          clearTimeout(timer);
          resolve(found);
        } else if (gone) {
          clearTimeout(timer);
          reject(new Error(`the paid server exited before "${name}":\n${stderr}`));
        } else waiters.push(check);
      };
      check();
    });
  const server: PaidServerProcess = {
    child,
    events,
    recovered: [],
    next,
    kill: async () => {
      if (!gone) child.kill("SIGKILL");
      await exited;
    },
    log: () => stderr,
  };
  try {
    const listening = await next("listening", 60_000);
    for (const channel of listening["channels"] as Array<Record<string, string>>) {
      server.recovered.push({
        channelId: channel["channelId"]!,
        accepted: BigInt(channel["accepted"]!),
        redeemed: BigInt(channel["redeemed"]!),
      });
    }
  } catch (error) {
    await server.kill();
    throw error;
  }
  return server;
}
