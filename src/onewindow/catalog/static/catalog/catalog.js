// Service guide: the print button (no inline script allowed), and open FAQ answers before printing.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-print]");
  if (button) { window.print(); }
});
window.addEventListener("beforeprint", () => {
  document.querySelectorAll("details.faq").forEach((d) => { d.open = true; });
});
