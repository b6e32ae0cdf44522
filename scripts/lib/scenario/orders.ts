/** Day 1, 10:05–11:00: five escrowed orders, one of them a checkout relayed by the shop. */
import { checkout, type Order } from "./checkout";
import type { ScenarioContext } from "./context";
import { dai, eth, usdc } from "./format";

const ORDERS: readonly Order[] = [
  {
    hhmm: "10:05",
    reference: "ORDER-2001",
    payer: "customerEli",
    token: "TestDAI",
    amount: dai("80"),
    salt: 2001n,
    what: "a 5 kg sack of beans",
    story: "captured",
  },
  {
    hhmm: "10:20",
    reference: "ORDER-2002",
    payer: "customerDana",
    token: "TestUSDC",
    amount: usdc("150"),
    salt: 2002n,
    what: "a grinder and two mugs",
    story: "captured, then 30 tUSDC refunded",
    relayed: true,
  },
  {
    hhmm: "10:35",
    reference: "ORDER-2003",
    payer: "customerFay",
    token: "TestUSDC",
    amount: usdc("60"),
    salt: 2003n,
    what: "a tasting box",
    story: "disputed, then resolved 40/20",
  },
  {
    hhmm: "10:50",
    reference: "ORDER-2004",
    payer: "customerEli",
    token: "ETH",
    amount: eth("0.25"),
    salt: 2004n,
    what: "a limited-edition kettle",
    story: "voided (out of stock)",
  },
  {
    hhmm: "11:00",
    reference: "ORDER-2005",
    payer: "customerDana",
    token: "ETH",
    amount: eth("0.1"),
    salt: 2005n,
    what: "a barista course",
    story: "captured",
  },
];

export async function placeOrders(context: ScenarioContext, splitAddress: string): Promise<void> {
  for (const order of ORDERS) await checkout(context, splitAddress, order);
}
