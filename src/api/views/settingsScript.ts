/**
 * The Settings page's small script: the template preview follows the wording as staff type (the
 * server renders it, so the words and the segment count are the saved message's), and each reminder
 * row shows only the field its choice needs. Without JavaScript the forms still work and the preview
 * shows the saved wording.
 */

/** Browser JavaScript for the Settings page (a constant; it reads its URLs from `data-` attributes). */
export const SETTINGS_SCRIPT = `
(() => {
  const form = document.getElementById('template-form');
  const preview = document.getElementById('template-preview');
  if (form && preview) {
    const body = form.elements.namedItem('body');
    let timer;
    let asked = 0;
    const refresh = async () => {
      const mine = ++asked;
      const fields = new URLSearchParams({ kind: form.elements.namedItem('kind').value, language: form.elements.namedItem('language').value, body: body.value });
      try {
        const response = await fetch(preview.dataset.previewUrl, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html' },
          body: fields,
          credentials: 'same-origin',
        });
        // An older answer that arrives late must not replace a newer one.
        if (response.ok && mine === asked) preview.innerHTML = await response.text();
      } catch {
        // Offline for a moment: the preview catches up with the next keystroke, and saving still checks.
      }
    };
    body.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(refresh, 150);
    });
  }

  for (const rule of document.querySelectorAll('[data-rule]')) {
    const kind = rule.querySelector('[data-rule-kind]');
    const show = () => {
      for (const field of rule.querySelectorAll('[data-rule-field]')) field.hidden = field.dataset.ruleField !== kind.value;
    };
    kind.addEventListener('change', show);
    show();
  }
})();
`;
