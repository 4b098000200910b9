"use client";

import { useState } from "react";

/** A secret the server hands out once (API token, temporary password, invite link), with a copy button. */
export function ShownOnce({ label, value, testId }: { label: string; value: string; testId: string }) {
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied("yes");
    } catch {
      // Clipboard access can be refused (permissions, plain HTTP): the value stays selectable.
      setCopied("failed");
    }
  }
  return (
    <div className="notice shown-once" role="status">
      <div>
        <strong>{label}</strong> It is shown only now: copy it before leaving this page.
      </div>
      <div className="toolbar" style={{ marginTop: 8, marginBottom: 0 }}>
        <code data-testid={testId} className="secret">
          {value}
        </code>
        <button type="button" className="btn" onClick={() => void copy()}>
          {copied === "yes" ? "Copied" : "Copy"}
        </button>
        {copied === "failed" && <span className="hint-text">The browser refused the clipboard: select the text instead.</span>}
      </div>
    </div>
  );
}
