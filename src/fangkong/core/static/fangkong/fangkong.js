// Small behaviours that need no framework. Loaded on every page.
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit")) {
    target.form.submit();
  }
});
document.body.addEventListener("htmx:configRequest", (event) => {
  const token = document.querySelector("[name=csrfmiddlewaretoken]");
  if (token) event.detail.headers["X-CSRFToken"] = token.value;
});

// Forms filled at a roadside: Enter (typed by a handheld scanner after an ID number)
// moves to the next field instead of sending the form half-filled.
document.addEventListener("keydown", (event) => {
  const field = event.target;
  if (event.key !== "Enter" || !(field instanceof HTMLInputElement)) return;
  const form = field.closest("form[data-enter-next]");
  if (!form || field.type === "submit") return;
  event.preventDefault();
  const fields = [...form.querySelectorAll("input:not([type=hidden]):not([type=checkbox]):not([type=radio]), select")]
    .filter((f) => f.offsetParent !== null && !f.disabled);
  const next = fields[fields.indexOf(field) + 1];
  if (next) next.focus();
});

// The passage form: spare traveller blocks shown one at a time, the plate hidden on foot,
// the last vehicle's origin one tap away.
document.querySelectorAll(".passage-form").forEach((form) => {
  const add = form.querySelector(".add-traveller");
  const spares = () => [...form.querySelectorAll(".traveller.spare")];
  spares().forEach((block) => { block.hidden = true; });
  if (add && spares().length) {
    add.hidden = false;
    add.addEventListener("click", () => {
      const next = spares().find((block) => block.hidden);
      if (!next) return;
      next.hidden = false;
      next.querySelector("input").focus();
      if (!spares().some((block) => block.hidden)) add.hidden = true;
    });
  }
  const vehicle = form.querySelector("select[name=vehicle]");
  const plate = form.querySelector(".plate-row");
  const sync = () => { if (plate && vehicle) plate.hidden = vehicle.value === plate.dataset.hideOn; };
  if (vehicle) { vehicle.addEventListener("change", sync); sync(); }
  const same = form.querySelector(".same-origin");
  if (same) same.addEventListener("click", () => {
    const origin = form.querySelector("input[name=origin]");
    origin.value = same.dataset.origin;
    const next = form.querySelector("input[name=destination]");
    if (next) next.focus();
  });
});

document.addEventListener("click", (event) => {
  if (event.target instanceof Element && event.target.closest("[data-print]")) window.print();
});

// A unit field holds a code: the name of the unit picked is shown under it, so that
// "370102001001001" can be checked at a glance.
function showPickedUnit(input) {
  const out = document.getElementById(`${input.id}-picked`);
  if (!out || !input.list) return;
  const match = [...input.list.options].find((o) => o.value === input.value.trim());
  out.textContent = match ? match.textContent : "";
}
document.addEventListener("input", (event) => {
  if (event.target instanceof HTMLInputElement && event.target.list) showPickedUnit(event.target);
});
document.body.addEventListener("htmx:afterSwap", (event) => {
  const input = document.querySelector(`input[list="${event.target.id}"]`);
  if (input) showPickedUnit(input);
});
