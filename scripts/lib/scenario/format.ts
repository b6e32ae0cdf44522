/** Amounts, references and names as the story writes them. */
import { ethers } from "ethers";
import type { ScenarioRole } from "./model";

export const usdc = (amount: string): bigint => ethers.parseUnits(amount, 6);
export const dai = (amount: string): bigint => ethers.parseUnits(amount, 18);
export const eth = (amount: string): bigint => ethers.parseEther(amount);
export const ref = (text: string): string => ethers.encodeBytes32String(text);

/** A hash shortened for a log line. */
export function short(hash: string): string {
  return `${hash.slice(0, 10)}…`;
}

/** A role as a log line names it: customers by first name. */
export function label(role: ScenarioRole): string {
  return role.startsWith("customer") ? role.slice("customer".length) : role;
}
