import crypto from "node:crypto";
import { REVERTED_SUFFIX } from "@coffer/sdk/webhooks";

/** A new endpoint id: `ep_` and 24 random hex digits. */
export const newEndpointId = (): string => `ep_${crypto.randomBytes(12).toString("hex")}`;

/** A new delivery id: `dlv_` and 24 random hex digits. */
export const newDeliveryId = (): string => `dlv_${crypto.randomBytes(12).toString("hex")}`;

/** A new test event id (`evt_` and 32 random hex digits): samples are not chain events, so they are not derived. */
export const newSampleEventId = (): string => `evt_${crypto.randomBytes(16).toString("hex")}`;

/** A new signing secret in the Standard Webhooks format: `whsec_` and the base64 of 24 random bytes. */
export const newSecret = (): string => `whsec_${crypto.randomBytes(24).toString("base64")}`;

/**
 * The id of the `<type>.reverted` event that follows `eventId` when a reorg removed it: derived, so that every
 * ingester (and every retry) makes the same one. `evt_` + the first 32 hex digits of sha256(`<id>.reverted`).
 */
export const revertedEventId = (eventId: string): string =>
  `evt_${crypto
    .createHash("sha256")
    .update(eventId + REVERTED_SUFFIX)
    .digest("hex")
    .slice(0, 32)}`;
