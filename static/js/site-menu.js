/* Narrow screens fold the header's links behind the menu button; without JavaScript they stay in view. */
(function () {
  var header = document.querySelector(".site-header"), toggle = header.querySelector(".nav-toggle");
  function open(state) {
    toggle.setAttribute("aria-expanded", String(state));
    header.classList.toggle("is-open", state);
  }
  header.classList.add("has-menu");
  toggle.addEventListener("click", function () { open(toggle.getAttribute("aria-expanded") !== "true"); });
  header.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && header.classList.contains("is-open")) { open(false); toggle.focus(); }
  });
})();
