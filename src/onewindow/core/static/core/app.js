// Site-wide behaviour. No inline scripts anywhere: the content security policy forbids them.
document.addEventListener("DOMContentLoaded", () => {
  // Confirmation prompts: <button data-confirm="确定？">
  document.body.addEventListener("click", (event) => {
    const el = event.target.closest("[data-confirm]");
    if (el && !window.confirm(el.dataset.confirm)) {
      event.preventDefault();
    }
  });
  // Print buttons: <button data-print>
  document.querySelectorAll("[data-print]").forEach((btn) => {
    btn.addEventListener("click", () => window.print());
  });
});
