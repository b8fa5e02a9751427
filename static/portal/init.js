// Starts GOV.UK Frontend's JavaScript components. Loaded at the end of <body> as
//   <script type="module" src="{% static 'portal/init.js' %}"></script>
// so no inline script is needed (the Content Security Policy allows none).
//
// It does what the GOV.UK page template's inline snippet does, then initialises
// every component with a data-module attribute. Only browsers that run ES
// modules get here, so 'govuk-frontend-supported' is always right to add; if
// this module (or its import) fails to load, neither class is added and the
// page keeps its no-JavaScript styles.
import { initAll } from "./govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");

initAll();

// A report's charts are fetched when their details are first opened, so its page stays small.
// Without JavaScript, or if the fetch fails, the link in their place opens the chart's own page.
for (const placeholder of document.querySelectorAll("[data-chart-placeholder]")) {
  const details = placeholder.closest("details");
  details?.addEventListener("toggle", async () => {
    if (!details.open || !placeholder.isConnected) return;
    try {
      const response = await fetch(placeholder.querySelector("a").href, { credentials: "same-origin" });
      if (!response.ok) return;
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const figure = page.querySelector("figure.app-chart");
      if (figure && placeholder.isConnected) placeholder.replaceWith(document.importNode(figure, true));
    } catch {
      // The link stays in place.
    }
  });
}
