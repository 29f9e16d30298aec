import { Router, type Request, type Response } from 'express';
import type { AccountsService } from './service.js';
import type { SignInService } from './sign-in.js';
import { formOf, validate, type FormErrors, validateNoFields } from '../middleware/validation.js';
import { forgotPasswordSchema, setPasswordSchema, setupSchema, signInSchema } from './schemas.js';
import { afterPassword, homeFor, safeReturnTo } from './sign-in-session.js';
import type { TwoFactorService } from './two-factor.js';

/** A used, expired or unknown link gets a page that says which, and what to do: never an error. */
function linkProblem(res: Response, state: string) {
  const title =
    state === 'setup' ? 'This set-up link is no longer valid' : 'This link has expired or was already used';
  res.status(410).render('accounts/link-problem', { title, state });
}

/** The set-password page of an invitation or reset link, or the link problem when it no longer works. */
async function renderSetPassword(
  accounts: AccountsService,
  req: Request,
  res: Response,
  errors?: FormErrors,
  purpose: 'invite' | 'reset' = 'invite',
) {
  const check = await accounts.checkLinkToken(String(req.params.token), purpose);
  if (check.state !== 'valid') return linkProblem(res, check.state);
  res.render('accounts/set-password', {
    title: purpose === 'reset' ? 'Choose a new password' : 'Set your password',
    email: check.email,
    action: req.originalUrl,
    errors,
  });
}

export function accountsRouter(
  accounts: AccountsService,
  signIn: SignInService,
  twoFactor: TwoFactorService,
): Router {
  const router = Router();
  router.get('/', (req, res) => {
    res.redirect(req.user ? homeFor(req.user) : '/sign-in');
  });

  router.get('/sign-in', (req, res) => {
    if (req.user) return res.redirect(homeFor(req.user));
    res.render('accounts/sign-in', {
      title: 'Sign in',
      values: {},
      returnTo: safeReturnTo(req.query.returnTo),
    });
  });

  const renderSignIn = (req: Request, res: Response, errors: unknown) =>
    res.render('accounts/sign-in', {
      title: 'Sign in',
      errors,
      values: { email: (req.body as Record<string, string>)?.email ?? '' },
      returnTo: safeReturnTo((req.body as Record<string, string>)?.returnTo),
    });

  // Throttling lives in the service, counted in PostgreSQL by account and by source (accounts/throttle.ts).
  router.post('/sign-in', validate(signInSchema, renderSignIn), async (req, res) => {
    const form = formOf(res, signInSchema);
    const result = await signIn.signIn(form.email, form.password, req.ip ?? 'unknown');
    if (!result.ok) {
      const message =
        result.reason === 'throttled'
          ? 'Too many attempts to sign in from here. Wait 15 minutes and try again, or reset your password'
          : 'Enter a correct email address and password';
      res.status(result.reason === 'throttled' ? 429 : 401);
      return renderSignIn(req, res, {
        list: [{ text: message, href: '#email' }],
        byField: { email: message },
      });
    }
    const returnTo = safeReturnTo((req.body as Record<string, string>).returnTo);
    res.redirect(await afterPassword(req, result.user, twoFactor, returnTo));
  });

  router.post('/sign-out', validateNoFields(), async (req, res) => {
    if (req.user) await signIn.signedOut(req.user);
    await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
    res.clearCookie('drd.sid');
    res.redirect('/signed-out');
  });

  router.get('/signed-out', (_req, res) =>
    res.render('accounts/signed-out', { title: 'You have signed out' }),
  );

  // Invitation links: set a password, once.
  router.get('/invitations/:token', (req, res) => renderSetPassword(accounts, req, res));

  router.post(
    '/invitations/:token',
    validate(setPasswordSchema, (req, res, errors) => renderSetPassword(accounts, req, res, errors)),
    async (req, res) => {
      const form = formOf(res, setPasswordSchema);
      const result = await accounts.acceptInvitation(req.params.token as string, form.password);
      if (typeof result === 'string') return linkProblem(res, result);
      // A new account's next step is its second factor (when required), like any sign-in.
      res.redirect(await afterPassword(req, result, twoFactor, undefined));
    },
  );

  // Forgotten passwords: a single-use link by email; the page never says whether an account exists.
  router.get('/forgot-password', (_req, res) =>
    res.render('accounts/forgot-password', { title: 'Reset your password', values: {} }),
  );

  router.post(
    '/forgot-password',
    validate(forgotPasswordSchema, (req, res, errors) =>
      res.render('accounts/forgot-password', {
        title: 'Reset your password',
        values: req.body as Record<string, unknown>,
        errors,
      }),
    ),
    async (req, res) => {
      await accounts.requestPasswordReset(formOf(res, forgotPasswordSchema).email, req.ip ?? 'unknown');
      res.render('accounts/forgot-password-sent', { title: 'Check your email' });
    },
  );

  router.get('/reset-password/:token', (req, res) =>
    renderSetPassword(accounts, req, res, undefined, 'reset'),
  );

  router.post(
    '/reset-password/:token',
    validate(setPasswordSchema, (req, res, errors) => renderSetPassword(accounts, req, res, errors, 'reset')),
    async (req, res) => {
      const result = await accounts.resetPassword(
        req.params.token as string,
        formOf(res, setPasswordSchema).password,
      );
      if (typeof result === 'string') return linkProblem(res, result);
      // A reset link proves the email address, not the phone: the second factor is still asked for.
      const next = await afterPassword(req, result, twoFactor, undefined);
      if (next === homeFor(result))
        req.session.flash = 'Your password has been changed and you are signed in';
      res.redirect(next);
    },
  );

  // First run: the one-time set-up link printed to the console creates the first CCSU administrator.
  router.get('/setup/:token', async (req, res) => {
    if (!(await accounts.setupTokenValid(req.params.token))) return linkProblem(res, 'setup');
    res.render('accounts/setup', {
      title: 'Create the first administrator',
      values: {},
      action: req.originalUrl,
    });
  });

  router.post(
    '/setup/:token',
    validate(setupSchema, (req, res, errors) =>
      res.render('accounts/setup', {
        title: 'Create the first administrator',
        values: { email: (req.body as Record<string, string>).email },
        action: req.originalUrl,
        errors,
      }),
    ),
    async (req, res) => {
      const form = formOf(res, setupSchema);
      const user = await accounts.completeSetup(req.params.token as string, form.email, form.password);
      if (!user) return linkProblem(res, 'setup');
      res.redirect(await afterPassword(req, user, twoFactor, '/admin/organisations'));
    },
  );

  return router;
}
