// Installation pages: show only the grant fields that apply, and copy buttons.
// Every form works without this script; it only hides what is not relevant.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector(".grant-form");
  if (form) {
    const checked = (name) => {
      const input = form.querySelector(`input[name="${name}"]:checked`);
      return input ? input.value : null;
    };
    const show = (id, visible) => {
      const element = document.getElementById(id);
      if (element) element.hidden = !visible;
    };
    const update = () => {
      const kind = checked("grantee_kind");
      if (kind !== null) {
        show("field-email", kind === "person");
        show("field-organisation", kind === "organisation");
      }
      show("field-expires_at", checked("expiry") === "custom");
    };
    form.addEventListener("change", update);
    update();
  }

  document.querySelectorAll("[data-copy]").forEach((button) => {
    button.addEventListener("click", async () => {
      const source = document.querySelector(button.getAttribute("data-copy"));
      if (!source) return;
      const label = button.textContent;
      try {
        await navigator.clipboard.writeText(source.textContent.trim());
        button.textContent = "Copied";
      } catch (error) {
        // Clipboard refused (e.g. plain HTTP): select the text for Ctrl+C instead.
        const range = document.createRange();
        range.selectNodeContents(source);
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        button.textContent = "Press Ctrl+C";
      }
      setTimeout(() => { button.textContent = label; }, 2000);
    });
  });
});
