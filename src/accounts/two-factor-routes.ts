// The second step of signing in: a code from the authenticator app (or a recovery code), or setting an
// app up the first time; then the recovery codes, shown once. All plain forms: no JavaScript needed.
import { Router, type Request, type Response } from 'express';
import type { Config } from '../config.js';
import type { User } from '../db/types.js';
import { formOf, validate, validateNoFields, type FormErrors } from '../middleware/validation.js';
import { currentUser, requireSignedIn } from '../middleware/auth.js';
import { recoveryCodeSchema, securityCodeSchema } from './schemas.js';
import { completeSignIn, homeFor, pendingUserId, rememberThisBrowser } from './sign-in-session.js';
import { rememberDays, type TwoFactorService } from './two-factor.js';
import { TotpKeys, enrolmentQr, groupedKey } from './totp.js';

const THROTTLED =
  'Too many wrong codes. Wait 15 minutes and try again, or ask the County Community Safety Unit to reset your second factor';

function fieldError(field: string, text: string): FormErrors {
  return { list: [{ text, href: `#${field}` }], byField: { [field]: text } };
}

export function twoFactorRouter(config: Config, twoFactor: TwoFactorService): Router {
  const router = Router();
  const secure = config.publicUrl.startsWith('https://');

  /** The user who passed the password step in this session; else back to the start. */
  async function pending(req: Request, res: Response): Promise<User | undefined> {
    const id = pendingUserId(req, twoFactor.now());
    const user = id === undefined ? undefined : await twoFactor.activeUser(id);
    if (!user) {
      // More than ten minutes since the password, or no password step at all: start again.
      res.redirect('/sign-in');
      return undefined;
    }
    return user;
  }

  async function renderCode(req: Request, res: Response, user: User, errors?: FormErrors) {
    res.render('accounts/two-factor-code', {
      title: 'Enter the code from your authenticator app',
      errors,
      rememberDays: rememberDays(user, await twoFactor.settings()),
    });
  }

  router.get('/sign-in/code', async (req, res) => {
    const user = await pending(req, res);
    if (user) await renderCode(req, res, user);
  });

  router.post(
    '/sign-in/code',
    validate(securityCodeSchema, async (req, res, errors) => {
      const user = await pending(req, res);
      if (user) await renderCode(req, res, user, errors);
    }),
    async (req, res) => {
      const user = await pending(req, res);
      if (!user) return;
      const form = formOf(res, securityCodeSchema);
      const result = await twoFactor.checkCode(user, form.code);
      if (result !== 'ok') {
        res.status(result === 'throttled' ? 429 : 400);
        const message =
          result === 'throttled' ? THROTTLED : 'Enter the current code from your authenticator app';
        return renderCode(req, res, user, fieldError('code', message));
      }
      const days = rememberDays(user, await twoFactor.settings());
      if (form.remember && days > 0) {
        const token = await twoFactor.rememberBrowser(user, days);
        rememberThisBrowser(res, token, days, secure);
      }
      res.redirect(await completeSignIn(req, user));
    },
  );

  const renderRecovery = (res: Response, errors?: FormErrors) =>
    res.render('accounts/two-factor-recovery', { title: 'Use a recovery code', errors });

  router.get('/sign-in/recovery-code', async (req, res) => {
    if (await pending(req, res)) renderRecovery(res);
  });

  router.post(
    '/sign-in/recovery-code',
    validate(recoveryCodeSchema, async (req, res, errors) => {
      if (await pending(req, res)) renderRecovery(res, errors);
    }),
    async (req, res) => {
      const user = await pending(req, res);
      if (!user) return;
      const result = await twoFactor.useRecoveryCode(user, formOf(res, recoveryCodeSchema).code);
      if (result !== 'ok') {
        res.status(result === 'throttled' ? 429 : 400);
        const message = result === 'throttled' ? THROTTLED : 'Enter a recovery code you have not used before';
        return renderRecovery(res, fieldError('code', message));
      }
      const next = await completeSignIn(req, user);
      const left = await twoFactor.recoveryCodesLeft(user.id);
      req.session.flash = `You used a recovery code: ${left} left. If you have lost your phone, ask the County Community Safety Unit to reset your second factor`;
      res.redirect(next);
    },
  );

  /**
   * The user who passed the password step and has no second factor yet. Anyone else — above all an
   * account that already has one — is sent to the code page: set-up must never let a password alone
   * replace an existing factor.
   */
  async function pendingSetUp(req: Request, res: Response): Promise<User | undefined> {
    const user = await pending(req, res);
    if (!user) return undefined;
    if (!(await twoFactor.needsSetUp(user.id))) {
      delete req.session.enrolmentKey;
      res.redirect(user.totp_enabled_at ? '/sign-in/code' : '/sign-in/use-passkey');
      return undefined;
    }
    return user;
  }

  // The key being set up waits in the session encrypted (like the stored keys), so the session table
  // never holds a usable key; the same for the recovery codes between set-up and the page showing them.
  const sealed = (text: string) => twoFactor.keys.encrypt(text);
  const opened = (text: string | undefined) => {
    if (!text) return undefined;
    try {
      return twoFactor.keys.decrypt(text);
    } catch {
      return undefined; // a key sealed under another secret, or tampered with: set up afresh
    }
  };

  async function renderSetUp(req: Request, res: Response, user: User, errors?: FormErrors) {
    let key = opened(req.session.enrolmentKey);
    if (!key) {
      key = TotpKeys.newKey();
      req.session.enrolmentKey = sealed(key);
    }
    const { svg, uri } = await enrolmentQr(key, user.email);
    res.render('accounts/two-factor-set-up', {
      title: 'Set up your authenticator app',
      qrSvg: svg,
      otpauthUri: uri,
      key: groupedKey(key),
      errors,
    });
  }

  router.get('/sign-in/set-up', async (req, res) => {
    const user = await pendingSetUp(req, res);
    if (user) await renderSetUp(req, res, user);
  });

  router.post(
    '/sign-in/set-up',
    validate(securityCodeSchema, async (req, res, errors) => {
      const user = await pendingSetUp(req, res);
      if (user) await renderSetUp(req, res, user, errors);
    }),
    async (req, res) => {
      const user = await pendingSetUp(req, res);
      if (!user) return;
      const key = opened(req.session.enrolmentKey);
      const result = key ? await twoFactor.enrol(user, key, formOf(res, securityCodeSchema).code) : 'wrong';
      if (result === 'enrolled') {
        delete req.session.enrolmentKey;
        return res.redirect('/sign-in/code');
      }
      if (!Array.isArray(result)) {
        res.status(result === 'throttled' ? 429 : 400);
        const message =
          result === 'throttled'
            ? THROTTLED
            : 'Enter the 6-digit code your authenticator app shows for drd-return';
        return renderSetUp(req, res, user, fieldError('code', message));
      }
      const next = await completeSignIn(req, user);
      req.session.newRecoveryCodes = sealed(JSON.stringify(result));
      req.session.pendingReturnTo = next;
      res.redirect('/sign-in/recovery-codes');
    },
  );

  // Shown once, straight after set-up: the codes leave the session when the user continues.
  router.get('/sign-in/recovery-codes', requireSignedIn, (req, res) => {
    const codes = opened(req.session.newRecoveryCodes);
    if (!codes) return res.redirect(homeFor(currentUser(req)));
    res.render('accounts/recovery-codes', {
      title: 'Save your recovery codes',
      codes: JSON.parse(codes) as string[],
    });
  });

  router.post('/sign-in/recovery-codes', requireSignedIn, validateNoFields(), (req, res) => {
    const next = req.session.pendingReturnTo ?? homeFor(currentUser(req));
    delete req.session.newRecoveryCodes;
    delete req.session.pendingReturnTo;
    req.session.flash = 'Your second factor is set up';
    res.redirect(next);
  });

  return router;
}
