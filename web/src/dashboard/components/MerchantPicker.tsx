import { ethers } from "ethers";
import { useEffect, useId, useState } from "react";

/** The merchant whose dashboard this is: an address field, checked before it is used. */
export function MerchantPicker(props: { merchant: string | undefined; onPick: (address: string) => void }) {
  const id = useId();
  const [text, setText] = useState(props.merchant ?? "");
  const [problem, setProblem] = useState<string>();
  useEffect(() => setText(props.merchant ?? ""), [props.merchant]);
  return (
    <form
      className="merchant-picker"
      aria-label="Merchant"
      onSubmit={(event) => {
        event.preventDefault();
        const value = text.trim();
        if (!ethers.isAddress(value)) {
          setProblem("Enter the merchant's address: 0x followed by 40 hexadecimal characters.");
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
