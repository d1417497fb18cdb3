// Site-wide behaviour. No inline scripts anywhere: the content security policy forbids them.
document.addEventListener("DOMContentLoaded", () => {
  // Confirmation prompts: <button data-confirm="确定？">
  document.body.addEventListener("click", (event) => {
    const el = event.target.closest("[data-confirm]");
    if (el && !window.confirm(el.dataset.confirm)) {
      event.preventDefault();
    }
  });
  // Menu groups (<details class="nav-group">) work without script; with it, one group is open at a time and a
  // click elsewhere or Escape closes it, as a drop-down menu does.
  const groups = Array.from(document.querySelectorAll(".nav-group"));
  groups.forEach((group) => {
    group.addEventListener("toggle", () => {
      if (group.open) groups.forEach((other) => { if (other !== group) other.open = false; });
    });
  });
  document.addEventListener("click", (event) => {
    if (!event.target.closest(".nav-group")) groups.forEach((group) => { group.open = false; });
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const open = groups.find((group) => group.open);
    if (open) { open.open = false; open.querySelector("summary").focus(); }
  });
  // Print buttons: <button data-print>
  document.querySelectorAll("[data-print]").forEach((btn) => {
    btn.addEventListener("click", () => window.print());
  });
});
