// Finance signs the payments it ticked, one after another (issue 14: "pay selected items").
// Each row's own form is submitted as if its button were pressed, so each payment is its own
// signed envelope with its own receipt, and a refusal stops nothing but its own row.
(() => {
  "use strict";
  const button = document.getElementById("pay-selected");
  if (!button) return;
  const status = document.getElementById("pay-selected-status");
  const all = document.getElementById("pick-all");
  const picks = () => [...document.querySelectorAll("#due-items input[data-pick]")];
  const DONE = ["recorded", "refused", "bad-input"];

  function settled(box) {
    return new Promise((resolve) => {
      const check = () => (DONE.includes(box.dataset.state) ? resolve(box.dataset.state) : setTimeout(check, 50));
      check();
    });
  }

  if (all) all.addEventListener("change", () => picks().forEach((pick) => { pick.checked = all.checked; }));

  button.addEventListener("click", async () => {
    const rows = picks().filter((pick) => pick.checked).map((pick) => pick.closest("tr"));
    if (!rows.length) {
      status.textContent = t("Tick the payments to sign first.");
      return;
    }
    button.disabled = true;
    const counts = { recorded: 0, refused: 0, "bad-input": 0 };
    for (const [done, row] of rows.entries()) {
      const form = row.querySelector("form.act");
      const box = form.querySelector(".receipt");
      delete box.dataset.state;
      form.requestSubmit();
      counts[await settled(box)] += 1;
      status.textContent = t("{done} of {count} signed: {recorded} recorded, {refused} not recorded (see each row).",
        { done: done + 1, count: rows.length, recorded: counts.recorded, refused: counts.refused + counts["bad-input"] });
    }
    status.dataset.state = "done";
    button.disabled = false;
  });
})();
