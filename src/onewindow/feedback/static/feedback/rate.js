// Rating page: when the level changes, clear the reasons ticked under another level.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector(".rate-form");
  if (!form) return;
  form.addEventListener("change", (event) => {
    if (event.target.name !== "level") return;
    const level = event.target.value;
    form.querySelectorAll("fieldset.reasons").forEach((fs) => {
      if (fs.dataset.level !== level) fs.querySelectorAll("input[type=checkbox]").forEach((cb) => { cb.checked = false; });
    });
  });
});
