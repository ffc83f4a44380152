// Loaded as a module, so only browsers that GOV.UK Frontend supports run it. The class
// tells GOV.UK Frontend's CSS and components that their JavaScript is running; it is set
// here rather than in an inline script so the Content-Security-Policy can forbid those.
// Of MOJ Frontend, only the components the pages use are started (templates/moj/).
import { createAll, initAll } from "./govuk/govuk-frontend.min.js";
import { DatePicker, FilterToggleButton, SortableTable } from "./moj/moj-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
for (const Component of [DatePicker, FilterToggleButton, SortableTable]) {
  createAll(Component);
}
