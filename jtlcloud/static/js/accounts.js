// Account pages: print or copy the recovery codes (buttons appear only with JavaScript).
document.addEventListener("DOMContentLoaded", () => {
  const codes = document.getElementById("recovery-codes");
  const tools = document.getElementById("recovery-tools");
  if (!codes || !tools) {
    return;
  }
  tools.hidden = false;
  const status = document.getElementById("recovery-status");
  document.getElementById("recovery-print").addEventListener("click", () => window.print());
  document.getElementById("recovery-copy").addEventListener("click", async () => {
    const text = [...codes.querySelectorAll("code")].map((c) => c.textContent).join("\n");
    try {
      await navigator.clipboard.writeText(text + "\n");
      status.textContent = "Copied. Paste them into your password manager.";
    } catch {
      status.textContent = "Your browser did not allow copying: select the codes and copy them.";
    }
  });
});
