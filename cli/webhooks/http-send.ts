import { webhookHeaders, USER_AGENT } from "./signing";

/** How much of a response is read (the rest is discarded unread) and how much of it is kept in the log. */
export const MAX_RESPONSE_READ_BYTES = 64 * 1024;
export const MAX_RESPONSE_EXCERPT_BYTES = 1024;

/** One webhook to send. */
export interface OutgoingWebhook {
  readonly url: string;
  readonly messageId: string;
  /** The body, byte for byte as stored. */
  readonly body: string;
  /** The current secret first, then the previous one while a rotation overlaps. */
  readonly secrets: readonly string[];
  readonly timeoutMs: number;
  readonly userAgent?: string;
}

/** What one attempt came to. */
export interface AttemptOutcome {
  /** Any 2xx. */
  readonly ok: boolean;
  /** The HTTP status, or null when no answer came (refused, DNS, timeout). */
  readonly statusCode: number | null;
  readonly responseMs: number;
  /** Why it failed, readably; null on success. */
  readonly error: string | null;
  /** The start of the response body (at most 1 KiB), or null. */
  readonly responseBody: string | null;
}

/** Reads at most `limit` bytes of the body, then cancels the rest (a receiver answering 10 MB holds nothing). */
async function readCapped(response: Response, limit: number): Promise<Buffer> {
  if (response.body === null) return Buffer.alloc(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, limit);
}

/** A fetch failure as one readable line. */
export function describeNetworkError(error: unknown, url: string, timeoutMs: number, timedOut: boolean): string {
  if (timedOut) return `timed out after ${timeoutMs} ms`;
  const cause = (error as { cause?: { code?: string; message?: string; hostname?: string } }).cause;
  const { host } = new URL(url);
  switch (cause?.code) {
    case "ECONNREFUSED":
      return `connection refused by ${host}`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `DNS: the host ${new URL(url).hostname} was not found`;
    case "ECONNRESET":
    case "UND_ERR_SOCKET":
      return `the connection to ${host} was closed before an answer`;
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return `${host} is unreachable`;
    default:
      return `request to ${host} failed: ${cause?.message ?? (error instanceof Error ? error.message : String(error))}`;
  }
}

/**
 * Sends one webhook: POST, Standard Webhooks headers signed now, redirects not followed (a 3xx is a failure), the
 * whole attempt (headers and body) bounded by `timeoutMs`, at most 64 KiB of the answer read.
 */
export async function sendWebhook(webhook: OutgoingWebhook): Promise<AttemptOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, webhook.timeoutMs);
  try {
    const response = await fetch(webhook.url, {
      method: "POST",
      headers: webhookHeaders(webhook.secrets, webhook.messageId, webhook.body, webhook.userAgent ?? USER_AGENT),
      body: webhook.body,
      redirect: "manual",
      signal: controller.signal,
    });
    let bytes: Buffer;
    try {
      bytes = await readCapped(response, MAX_RESPONSE_READ_BYTES);
    } catch (error) {
      if (!timedOut) throw error;
      return {
        ok: false,
        statusCode: null,
        responseMs: elapsed(),
        error: `timed out after ${webhook.timeoutMs} ms while reading the answer`,
        responseBody: null,
      };
    }
    const responseBody = bytes.subarray(0, MAX_RESPONSE_EXCERPT_BYTES).toString("utf8");
    const status = response.status;
    const ok = status >= 200 && status < 300;
    let error: string | null = null;
    if (status >= 300 && status < 400) {
      const location = response.headers.get("location");
      error = `redirects are not followed: answered ${status}${location === null ? "" : ` to ${location}`}`;
    } else if (!ok) {
      error = `answered HTTP ${status}`;
    }
    return { ok, statusCode: status, responseMs: elapsed(), error, responseBody };
  } catch (error) {
    return {
      ok: false,
      statusCode: null,
      responseMs: elapsed(),
      error: describeNetworkError(error, webhook.url, webhook.timeoutMs, timedOut),
      responseBody: null,
    };
  } finally {
    clearTimeout(timer);
  }
}
