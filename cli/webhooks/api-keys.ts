import crypto from "node:crypto";

/** The API keys the service accepts, each belonging to an owner (the owner sees only its endpoints). */
export interface ApiKeys {
  /** The owner of `key`, or undefined. */
  ownerOf(key: string): string | undefined;
}

const digest = (key: string) => crypto.createHash("sha256").update(key).digest("hex");

/**
 * Parses `owner:key,owner:key` (`COFFER_WEBHOOKS_API_KEYS`). Keys are kept as hashes and looked up by hash, so
 * a guess is never compared byte by byte against a key.
 * @throws Error naming the malformed entry (never the key)
 */
export function parseApiKeys(value: string): ApiKeys {
  const owners = new Map<string, string>();
  value
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "")
    .forEach((entry, index) => {
      const colon = entry.indexOf(":");
      const owner = entry.slice(0, colon);
      const key = entry.slice(colon + 1);
      if (colon <= 0 || key.length < 16) {
        throw new Error(
          `COFFER_WEBHOOKS_API_KEYS entry ${index + 1} is not owner:key with a key of 16 characters or more`,
        );
      }
      owners.set(digest(key), owner);
    });
  if (owners.size === 0) throw new Error("COFFER_WEBHOOKS_API_KEYS names no key");
  return { ownerOf: (key) => owners.get(digest(key)) };
}

/** A new random API key (`cwk_` and 32 hex digits), for local mode. */
export const newApiKey = (): string => `cwk_${crypto.randomBytes(16).toString("hex")}`;
