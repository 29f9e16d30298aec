// Progressive enhancement only: every page works without JavaScript.
import { initAll } from '/assets/govuk/govuk-frontend.min.js';

document.body.classList.add('js-enabled', 'govuk-frontend-supported');
initAll();

// The briefing's print button: shown only where JavaScript can open the print dialogue.
for (const button of document.querySelectorAll('[data-print]')) {
  button.hidden = false;
  button.addEventListener('click', () => window.print());
}
