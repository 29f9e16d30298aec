// Progressive enhancement only: every page works without JavaScript.
import { initAll } from '/assets/govuk/govuk-frontend.min.js';

document.body.classList.add('js-enabled', 'govuk-frontend-supported');
initAll();

// The briefing's print button: shown only where JavaScript can open the print dialogue.
for (const button of document.querySelectorAll('[data-print]')) {
  button.hidden = false;
  button.addEventListener('click', () => window.print());
}

// "Copy the section": copies a section as formatted HTML (with plain text beside it), so a pasted
// paragraph and table keep their shape in Word or Outlook. Shown only where the browser can copy.
for (const button of document.querySelectorAll('[data-copy]')) {
  if (!navigator.clipboard || typeof ClipboardItem === 'undefined') continue;
  const section = document.getElementById(button.dataset.copy);
  const status = document.querySelector(`[data-copy-status="${button.dataset.copy}"]`);
  if (!section) continue;
  button.hidden = false;
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.write([
        new ClipboardItem({
          'text/html': new Blob([section.outerHTML], { type: 'text/html' }),
          'text/plain': new Blob([section.innerText], { type: 'text/plain' }),
        }),
      ]);
      if (status) status.textContent = 'Copied. Paste it into the update.';
    } catch {
      if (status) status.textContent = 'Your browser did not allow copying: select the section and copy it.';
    }
  });
}
