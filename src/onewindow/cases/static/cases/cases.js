// Cases pages: show the applicant fields for the chosen kind (person / enterprise). No inline script (CSP).
document.addEventListener("DOMContentLoaded", () => {
  const radios = document.querySelectorAll("input[name='applicant.kind']");
  const sync = () => {
    const chosen = document.querySelector("input[name='applicant.kind']:checked");
    const kind = chosen ? chosen.value : "person";
    document.querySelectorAll("[data-applicant-kind]").forEach((el) => {
      el.hidden = el.dataset.applicantKind !== kind;
    });
  };
  radios.forEach((r) => r.addEventListener("change", sync));
  if (radios.length) sync();
  // Decision forms: a select that reveals the fields for one delivery method
  document.querySelectorAll("select[data-reveal]").forEach((sel) => {
    const update = () => {
      document.querySelectorAll(sel.dataset.reveal).forEach((el) => {
        el.hidden = el.dataset.when !== sel.value;
      });
    };
    sel.addEventListener("change", update);
    update();
  });
});
// Window acceptance: one box ticks (or clears) every "paper verified" box; it follows them when ticked one by one
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input[data-check-all]").forEach((all) => {
    const boxes = () => Array.from(all.form ? all.form.querySelectorAll(`input[name='${all.dataset.checkAll}']`) : []);
    const follow = () => {
      const list = boxes();
      all.checked = list.length > 0 && list.every((b) => b.checked);
      all.indeterminate = !all.checked && list.some((b) => b.checked);
    };
    all.addEventListener("change", () => boxes().forEach((b) => { b.checked = all.checked; }));
    boxes().forEach((b) => b.addEventListener("change", follow));
    follow();
  });
});
