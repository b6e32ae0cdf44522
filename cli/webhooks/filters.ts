import { REVERTED_SUFFIX, type WebhookEvent } from "@coffer/sdk/webhooks";

/** The kinds of filter an endpoint may set; each names a field of the event's `data`. */
export const FILTER_KINDS = ["payee", "merchant", "safe", "split", "token"] as const;
/** One of {@link FILTER_KINDS}. */
export type FilterKind = (typeof FILTER_KINDS)[number];
/** An endpoint's filters: per kind, the lower-case addresses it wants. */
export type EndpointFilters = Partial<Record<FilterKind, readonly string[]>>;

/** What an endpoint selects: its event types ([] = all) and filters. */
export interface Selection {
  readonly eventTypes: readonly string[];
  readonly filters: EndpointFilters;
}

function fieldOf(event: Pick<WebhookEvent, "data">, kind: FilterKind): string | undefined {
  const value = kind === "token" ? event.data.token?.address : event.data[kind];
  return typeof value === "string" ? value.toLowerCase() : undefined;
}

/**
 * Whether an endpoint wants `event`:
 * - its event types, if it has any, include the event's type (`payment.captured` also selects
 *   `payment.captured.reverted`);
 * - for each filter kind it sets, the event's `data.payee` / `data.merchant` / `data.safe` / `data.split` /
 *   `data.token.address` is one of the listed addresses (kinds are ANDed, the values of one kind ORed, addresses
 *   compared case-insensitively); an event without that field does not match.
 */
export function selects(selection: Selection, event: Pick<WebhookEvent, "type" | "data">): boolean {
  if (selection.eventTypes.length > 0) {
    const base = event.type.endsWith(REVERTED_SUFFIX) ? event.type.slice(0, -REVERTED_SUFFIX.length) : event.type;
    if (!selection.eventTypes.includes(event.type) && !selection.eventTypes.includes(base)) return false;
  }
  for (const kind of FILTER_KINDS) {
    const wanted = selection.filters[kind];
    if (wanted === undefined || wanted.length === 0) continue;
    const value = fieldOf(event, kind);
    if (value === undefined || !wanted.some((address) => address.toLowerCase() === value)) return false;
  }
  return true;
}
