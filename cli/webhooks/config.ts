/**
 * The service's tunables with their defaults: confirmations per chain, the retry schedule, when an endpoint is
 * disabled. Everything here can be overridden (tests use milliseconds).
 */

/** Confirmations before an event is delivered, per chain id; any other chain: {@link DEFAULT_CONFIRMATIONS}. */
export const CONFIRMATIONS_BY_CHAIN: Readonly<Record<number, number>> = {
  31337: 0, // Hardhat / Anvil
  1337: 0, // local chains
  1: 12, // Ethereum
  10: 10, // OP Mainnet
  8453: 10, // Base
  42161: 20, // Arbitrum One
  137: 64, // Polygon PoS
};
/** Confirmations on a chain not in {@link CONFIRMATIONS_BY_CHAIN}. */
export const DEFAULT_CONFIRMATIONS = 12;

/**
 * The confirmations for `chainId`: `overrides` (from `--confirmations <chainId>=<n>`), else the environment
 * variable `COFFER_WEBHOOK_CONFIRMATIONS_<chainId>`, else the defaults above.
 */
export function confirmationsFor(
  chainId: number,
  env: NodeJS.ProcessEnv,
  overrides: ReadonlyMap<number, number> = new Map(),
): number {
  const override = overrides.get(chainId);
  if (override !== undefined) return override;
  const fromEnv = env[`COFFER_WEBHOOK_CONFIRMATIONS_${chainId}`];
  if (fromEnv !== undefined && fromEnv !== "") {
    if (!/^(0|[1-9][0-9]*)$/.test(fromEnv)) {
      throw new Error(`COFFER_WEBHOOK_CONFIRMATIONS_${chainId}=${fromEnv} is not a non-negative integer`);
    }
    return Number(fromEnv);
  }
  return CONFIRMATIONS_BY_CHAIN[chainId] ?? DEFAULT_CONFIRMATIONS;
}

/** The reorg watch window for `confirmations`: max(2N, 64) blocks. */
export const defaultReorgWindow = (confirmations: number): number => Math.max(2 * confirmations, 64);

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** When failed deliveries are tried again, and when the service gives up. */
export interface RetrySchedule {
  /** The wait after the 1st, 2nd… failed attempt (ms); the last one repeats. */
  readonly delaysMs: readonly number[];
  /** A delivery is `failed` once this long has passed since its first attempt (ms). */
  readonly maxAgeMs: number;
  /** ± this fraction of randomness on each wait (0.1 = ±10 %), so that retries of many deliveries spread out. */
  readonly jitter: number;
}

/**
 * The default schedule, the one Svix and Standard Webhooks describe: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h,
 * 24 h… (±10 %), with one last attempt exactly three days after the first; then the delivery is `failed`.
 */
export const DEFAULT_RETRY_SCHEDULE: RetrySchedule = {
  delaysMs: [5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 14 * HOUR, 20 * HOUR, 24 * HOUR],
  maxAgeMs: 3 * DAY,
  jitter: 0.1,
};

/** The wait after the `failedAttempts`-th failed attempt (1-based), with jitter. */
export function retryDelayMs(schedule: RetrySchedule, failedAttempts: number, random = Math.random): number {
  const base = schedule.delaysMs[Math.min(failedAttempts, schedule.delaysMs.length) - 1] ?? 0;
  return Math.max(0, Math.round(base * (1 + schedule.jitter * (2 * random() - 1))));
}

/** When an endpoint that keeps failing is disabled. */
export interface DisablePolicy {
  /** It has failed, with no success in between, for this long (ms)… */
  readonly failingForMs: number;
  /** …and at least this many attempts in a row failed. */
  readonly minConsecutiveFailures: number;
}

/** Disabled after three days of failures without a success (and at least 5 failed attempts in a row). */
export const DEFAULT_DISABLE_POLICY: DisablePolicy = { failingForMs: 3 * DAY, minConsecutiveFailures: 5 };

/** How long the previous secret keeps signing beside the new one after a rotation: 24 hours. */
export const DEFAULT_SECRET_OVERLAP_MS = DAY;

/** How long one HTTP attempt may take, headers and body: 10 seconds. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10 * SECOND;

/** How many endpoints one dispatcher serves at once. */
export const DEFAULT_CONCURRENCY = 20;
