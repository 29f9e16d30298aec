// Passkeys in the browser (issue #25): the WebAuthn calls, through @simplewebauthn/browser's bundle
// (served by the app, loaded just before this file as the global SimpleWebAuthnBrowser). The server's
// answers are JSON; what the browser's authenticator answers goes back as JSON in one form field, with
// the page's form token. Buttons stay hidden unless this browser can use passkeys, and the paragraph
// beside them says what to do instead.
(() => {
  const webauthn = window.SimpleWebAuthnBrowser;
  const supported = Boolean(webauthn && webauthn.browserSupportsWebAuthn());
  const CANCELLED =
    'The passkey was not used: it was cancelled or took too long. Try again, or sign in with your email address and password.';

  async function post(url, fields) {
    const response = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams(fields),
    });
    let body = {};
    try {
      body = await response.json();
    } catch {
      // an error page rather than JSON: the generic message below is shown
    }
    return { ok: response.ok, body };
  }

  function wire(box, { unsupported, start }) {
    const message = box.querySelector('[data-passkey-message]');
    const error = box.querySelector('[data-passkey-error]');
    const button = box.querySelector('[data-passkey-button]');
    if (!supported) {
      message.textContent = unsupported;
      return undefined;
    }
    message.textContent = message.dataset.supportedText;
    button.hidden = false;
    const fail = (text) => {
      error.textContent = text;
      error.hidden = false;
    };
    const run = (autofill) =>
      start(autofill).then(
        (result) => {
          if (result.ok && result.body.redirect) window.location.assign(result.body.redirect);
          else fail(result.body.message || CANCELLED);
        },
        (problem) => {
          // A ceremony replaced by another (the autofill one, when the button is pressed) says nothing.
          if (problem && problem.name === 'AbortError') return;
          if (!autofill)
            fail(
              problem && problem.name === 'InvalidStateError'
                ? box.dataset.existsText || CANCELLED
                : CANCELLED,
            );
        },
      );
    button.addEventListener('click', () => {
      error.hidden = true;
      run(false);
    });
    return run;
  }

  for (const box of document.querySelectorAll('[data-passkey-sign-in]')) {
    const csrf = box.dataset.csrf;
    const run = wire(box, {
      unsupported: 'This browser cannot use passkeys. Sign in with your email address and password.',
      start: async (autofill) => {
        const options = await post('/sign-in/passkey/options', { _csrf: csrf });
        if (!options.ok) return options;
        const answer = await webauthn.startAuthentication({
          optionsJSON: options.body,
          useBrowserAutofill: autofill,
        });
        return post('/sign-in/passkey', {
          _csrf: csrf,
          response: JSON.stringify(answer),
          returnTo: box.dataset.returnTo,
        });
      },
    });
    // Where the browser offers passkeys in the email field's suggestions, a pending request waits there.
    if (run && box.dataset.autofill === 'true')
      webauthn.browserSupportsWebAuthnAutofill().then(
        (ok) => ok && run(true),
        () => {},
      );
  }

  for (const box of document.querySelectorAll('[data-passkey-create]')) {
    const csrf = box.dataset.csrf;
    box.dataset.existsText = 'This device already has a passkey for your account: you can sign in with it.';
    wire(box, {
      unsupported:
        'This browser cannot create passkeys. Try a recent version of Edge, Chrome, Safari or Firefox.',
      start: async () => {
        const options = await post('/account/passkeys/options', { _csrf: csrf });
        if (!options.ok) return options;
        const answer = await webauthn.startRegistration({ optionsJSON: options.body });
        return post('/account/passkeys', { _csrf: csrf, response: JSON.stringify(answer) });
      },
    });
  }
})();
