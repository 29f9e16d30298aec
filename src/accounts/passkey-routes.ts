// Passkeys in the browser: signing in with one (the sign-in page, or the step after a password for an
// account whose only second factor is a passkey), and "Your account", where a user lists, creates,
// renames and removes theirs. The WebAuthn calls need JavaScript (assets/passkeys.js): the browser's
// answers come back as JSON in one form field, with the form token like any POST; every page still
// tells a user without JavaScript how to sign in with a password and code instead.
import { Router, type Request, type Response } from 'express';
import { actorOf } from '../audit/audit.js';
import { HttpError } from '../lib/http-error.js';
import { checkIdParams } from '../lib/ids.js';
import { currentUser, requireSignedIn } from '../middleware/auth.js';
import { formOf, validate, validateNoFields, type FormErrors } from '../middleware/validation.js';
import { deviceName } from './passkey-names.js';
import type { PasskeyService } from './passkeys.js';
import { newPasskeySchema, passkeySignInSchema, renamePasskeySchema } from './schemas.js';
import { homeFor, pendingUserId, safeReturnTo, signInAs } from './sign-in-session.js';
import type { TwoFactorService } from './two-factor.js';

/** One answer for every refusal, so nobody learns which credentials or accounts exist. */
export const PASSKEY_NOT_RECOGNISED =
  'That passkey was not recognised. Try again, or sign in with your email address and password';
const THROTTLED = 'Too many attempts to sign in from here. Wait 15 minutes and try again';
const NOT_CREATED =
  'The passkey was not created. Try again; if it keeps failing, this device may not support passkeys';

/** The passkey of the path; checkIdParams has already sent any :id that cannot be a row id to 404. */
const passkeyId = (req: Request): number => Number(req.params.id);

const jsonInvalid = (_req: Request, res: Response) => {
  res.status(400).json({ message: PASSKEY_NOT_RECOGNISED });
};

export function passkeyRouter(passkeys: PasskeyService, twoFactor: TwoFactorService): Router {
  const router = Router();
  checkIdParams(router);

  router.post('/sign-in/passkey/options', validateNoFields(), async (req, res) => {
    const options = await passkeys.signInOptions();
    // Bound to this browser's session as well as stored: an answer must sign the challenge given here.
    req.session.passkeyChallenge = options.challenge;
    res.json(options);
  });

  router.post('/sign-in/passkey', validate(passkeySignInSchema, jsonInvalid), async (req, res) => {
    const form = formOf(res, passkeySignInSchema);
    const issued = req.session.passkeyChallenge;
    delete req.session.passkeyChallenge;
    const result = await passkeys.signIn(form.response, issued, req.ip ?? 'unknown');
    if (!result.ok) {
      const throttled = result.reason === 'throttled';
      res.status(throttled ? 429 : 401).json({ message: throttled ? THROTTLED : PASSKEY_NOT_RECOGNISED });
      return;
    }
    const returnTo = req.session.pendingReturnTo ?? safeReturnTo(form.returnTo);
    await signInAs(req, result.user);
    res.json({ redirect: returnTo ?? homeFor(result.user) });
  });

  // The step after a password for an account whose only second factor is a passkey.
  router.get('/sign-in/use-passkey', async (req, res) => {
    const id = pendingUserId(req, twoFactor.now());
    const user = id === undefined ? undefined : await twoFactor.activeUser(id);
    if (!user) return res.redirect('/sign-in');
    res.render('accounts/use-passkey', { title: 'Use your passkey' });
  });

  async function renderAccount(req: Request, res: Response) {
    const user = currentUser(req);
    const [list, left, factors] = await Promise.all([
      passkeys.list(user),
      twoFactor.recoveryCodesLeft(user.id),
      twoFactor.factors(user),
    ]);
    res.render('accounts/account', {
      title: 'Your account',
      user,
      passkeys: list,
      app: factors.app,
      recoveryCodesLeft: left,
    });
  }

  router.get('/account', requireSignedIn, renderAccount);

  router.post('/account/passkeys/options', requireSignedIn, validateNoFields(), async (req, res) => {
    res.json(await passkeys.registrationOptions(currentUser(req)));
  });

  router.post(
    '/account/passkeys',
    requireSignedIn,
    validate(newPasskeySchema, (_req, res) => {
      res.status(400).json({ message: NOT_CREATED });
    }),
    async (req, res) => {
      const form = formOf(res, newPasskeySchema);
      const user = currentUser(req);
      const result = await passkeys.register(
        user,
        form.response,
        form.name ?? deviceName(req.get('user-agent')),
      );
      if (!result.ok) {
        res.status(400).json({ message: NOT_CREATED });
        return;
      }
      if (result.recoveryCodes) {
        // A first factor: its recovery codes, shown once on the page set-up uses, then back here.
        req.session.newRecoveryCodes = twoFactor.keys.encrypt(JSON.stringify(result.recoveryCodes));
        req.session.pendingReturnTo = '/account';
        res.json({ redirect: '/sign-in/recovery-codes' });
        return;
      }
      req.session.flash = `Passkey created: “${result.passkey.name}”`;
      res.json({ redirect: '/account' });
    },
  );

  async function renderRename(req: Request, res: Response, errors?: FormErrors) {
    const passkey = await passkeys.find(currentUser(req), passkeyId(req));
    if (!passkey) throw new HttpError(404);
    const typed = (req.body as Record<string, unknown> | undefined)?.name;
    res.render('accounts/passkey-rename', {
      title: 'Rename the passkey',
      passkey,
      value: errors && typeof typed === 'string' ? typed : passkey.name,
      errors,
    });
  }

  router.get('/account/passkeys/:id/rename', requireSignedIn, (req, res) => renderRename(req, res));

  router.post(
    '/account/passkeys/:id/rename',
    requireSignedIn,
    validate(renamePasskeySchema, renderRename),
    async (req, res) => {
      const name = formOf(res, renamePasskeySchema).name;
      if (!(await passkeys.rename(currentUser(req), passkeyId(req), name))) throw new HttpError(404);
      req.session.flash = `Passkey renamed: “${name}”`;
      res.redirect('/account');
    },
  );

  async function renderRemove(req: Request, res: Response, errors?: FormErrors) {
    const passkey = await passkeys.find(currentUser(req), passkeyId(req));
    if (!passkey) throw new HttpError(404);
    res.render('accounts/passkey-remove', { title: 'Remove the passkey', passkey, errors });
  }

  router.get('/account/passkeys/:id/remove', requireSignedIn, (req, res) => renderRemove(req, res));

  router.post('/account/passkeys/:id/remove', requireSignedIn, validateNoFields(), async (req, res) => {
    const user = currentUser(req);
    const outcome = await passkeys.remove(user, passkeyId(req), actorOf(user));
    if (outcome === 'not-found') throw new HttpError(404);
    if (outcome === 'last') {
      const text =
        'You cannot remove your only passkey: it is your only second factor. Create another passkey first, or ask the County Community Safety Unit to reset your second factor';
      res.status(409);
      return renderRemove(req, res, { list: [{ text, href: '#remove' }], byField: { remove: text } });
    }
    req.session.flash = 'Passkey removed';
    res.redirect('/account');
  });

  return router;
}
