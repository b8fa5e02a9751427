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
