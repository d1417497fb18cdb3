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

// Counter pad: after the thanks page, go back to the pad's waiting screen by itself.
document.addEventListener("DOMContentLoaded", () => {
  const back = document.querySelector("[data-return-after]");
  if (!back) return;
  window.setTimeout(() => { window.location.href = back.href; }, Number(back.dataset.returnAfter) * 1000);
});
