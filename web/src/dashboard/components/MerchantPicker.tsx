import { ethers } from "ethers";
import { useEffect, useId, useState } from "react";

const NOT_AN_ADDRESS = "Enter the merchant's address: 0x followed by 40 hexadecimal characters.";

/**
 * The merchant whose dashboard this is: an address field, checked before it is used. `invalid` is a value from
 * the page's address that is not an address, shown for the reader to correct.
 */
export function MerchantPicker(props: {
  merchant: string | undefined;
  invalid?: string;
  onPick: (address: string) => void;
}) {
  const id = useId();
  const [text, setText] = useState(props.invalid ?? props.merchant ?? "");
  const [problem, setProblem] = useState<string | undefined>(props.invalid === undefined ? undefined : NOT_AN_ADDRESS);
  // Follow the merchant shown (e.g. the wallet's account once connected), unless the reader has text to correct.
  const { merchant, invalid } = props;
  useEffect(() => {
    if (merchant !== undefined && invalid === undefined) setText(merchant);
  }, [merchant, invalid]);
  return (
    <form
      className="merchant-picker"
      aria-label="Merchant"
      onSubmit={(event) => {
        event.preventDefault();
        const value = text.trim();
        if (!ethers.isAddress(value)) {
          setProblem(NOT_AN_ADDRESS);
          return;
        }
        setProblem(undefined);
        props.onPick(ethers.getAddress(value));
      }}
    >
      <label htmlFor={`${id}-merchant`}>Merchant address</label>
      <div className="inline">
        <input
          id={`${id}-merchant`}
          name="merchant"
          value={text}
          size={44}
          spellCheck={false}
          autoComplete="off"
          placeholder="0x…"
          aria-invalid={problem !== undefined}
          aria-describedby={problem ? `${id}-problem` : undefined}
          onChange={(event) => setText(event.target.value)}
          data-testid="merchant-input"
        />
        <button type="submit">Show</button>
      </div>
      {problem && (
        <p id={`${id}-problem`} className="field-error" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}
