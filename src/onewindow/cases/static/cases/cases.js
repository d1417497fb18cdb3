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
