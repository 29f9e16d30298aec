import { Router, type Request, type Response } from 'express';
import { requireAdmin, currentUser } from '../middleware/auth.js';
import { actorOf } from '../audit/audit.js';
import {
  formOf,
  toFormErrors,
  validate,
  type FormErrors,
  validateNoFields,
} from '../middleware/validation.js';
import { HttpError } from '../lib/http-error.js';
import type { OrganisationsService } from '../organisations/service.js';
import type { AccountsService } from './service.js';
import { inviteUserSchema } from './schemas.js';
import { checkIdParams, rowId } from '../lib/ids.js';
import type { SignInService } from './sign-in.js';
import type { TwoFactorService } from './two-factor.js';
import type { TeamService } from './team.js';
import { z } from 'zod';

export function usersRouter(
  accounts: AccountsService,
  signIn: SignInService,
  twoFactor: TwoFactorService,
  team: TeamService,
  organisations: OrganisationsService,
  options: { showInvitationLinks: boolean },
): Router {
  const router = Router();
  checkIdParams(router);
  router.use(requireAdmin);

  const renderInvite = async (
    _req: Request,
    res: Response,
    values: Record<string, unknown>,
    errors?: FormErrors,
  ) =>
    res.render('accounts/invite', {
      title: 'Invite a user',
      values,
      errors,
      organisations: await organisations.list(),
      backLink: '/admin/users',
    });

  /**
   * The users page after an invitation went out. With email, the link goes only to the invitee; without
   * an SMTP server the admin is shown it once, here, to pass on — it is kept nowhere (not in the session,
   * not readable in the outbox).
   */
  const renderInvited = async (res: Response, message: string, link: string) => {
    res.locals.flash = message;
    res.render('accounts/users', {
      title: 'Users',
      users: await accounts.listUsers(),
      invitedLink: options.showInvitationLinks ? link : undefined,
    });
  };

  // ?organisation=<id>: that organisation's users only (where "Nominate a return lead" leads).
  router.get('/', async (req, res) => {
    const organisationId = rowId().optional().catch(undefined).parse(req.query.organisation);
    const organisation = organisationId ? await organisations.find(organisationId) : undefined;
    const users = await accounts.listUsers();
    res.render('accounts/users', {
      title: 'Users',
      users: organisation ? users.filter((u) => u.organisation_id === organisation.id) : users,
      organisation,
    });
  });

  // Deactivating a user and resetting a second factor ask first: each signs the person out at once.
  const confirmations = {
    deactivate: {
      title: 'Deactivate this user?',
      explain: 'They are signed out at once and cannot sign in until an administrator reactivates them.',
      button: 'Deactivate',
    },
    'reset-two-factor': {
      title: 'Reset this user’s second factor?',
      explain:
        'Their authenticator app, passkeys and recovery codes stop working, they are signed out everywhere, and they set up a new second factor the next time they sign in. They are told by email. Do this when they have lost their phone or device.',
      button: 'Reset second factor',
    },
  } as const;
  for (const [action, words] of Object.entries(confirmations))
    router.get(`/:id/${action}`, async (req, res) => {
      const target = await accounts.findUser(Number(req.params.id));
      if (!target || (action === 'reset-two-factor' && !(await twoFactor.hasSecondFactor(target))))
        throw new HttpError(404);
      res.render('accounts/confirm-user-action', {
        title: words.title,
        target,
        action,
        words,
        backLink: '/admin/users',
      });
    });

  router.get('/invite', (req, res) =>
    renderInvite(req, res, { organisation_id: req.query.organisation ?? '' }),
  );

  router.post(
    '/invite',
    validate(inviteUserSchema, (req, res, errors) =>
      renderInvite(req, res, req.body as Record<string, unknown>, errors),
    ),
    async (req, res) => {
      const form = formOf(res, inviteUserSchema);
      const organisation = form.organisation_id ? await organisations.find(form.organisation_id) : undefined;
      if (form.role === 'partner' && !organisation) throw new HttpError(400);
      const actor = actorOf(currentUser(req));
      const result = await accounts.invite(
        {
          email: form.email,
          role: form.role,
          organisationId: organisation?.id ?? null,
          organisationName: organisation?.name,
        },
        actor,
      );
      if (!result.ok)
        return renderInvite(
          req,
          res.status(400),
          req.body as Record<string, unknown>,
          toFormErrors([{ field: 'email', message: 'A user with this email address already exists' }]),
        );
      await renderInvited(
        res,
        options.showInvitationLinks
          ? `Invitation made for ${form.email}. No email server is set up, so nothing was sent: give them the link below`
          : `Invitation sent to ${form.email}`,
        result.link,
      );
    },
  );

  router.post('/:id/deactivate', validateNoFields(), async (req, res) => {
    const id = Number(req.params.id);
    if (id === currentUser(req).id)
      throw new HttpError(400, 'deactivating oneself', 'You cannot deactivate yourself');
    const user = await accounts.setUserActive(id, false, actorOf(currentUser(req)));
    if (!user || user === 'ccsu_only') throw new HttpError(404);
    req.session.flash = `${user.email} is deactivated and signed out`;
    res.redirect('/admin/users');
  });

  // Lifts the sign-in throttling of an account, for a user who is stuck after someone else's attempts.
  router.post('/:id/unlock', validateNoFields(), async (req, res) => {
    const user = await signIn.unlock(Number(req.params.id), actorOf(currentUser(req)));
    if (!user) throw new HttpError(404);
    req.session.flash = `${user.email} can sign in again from anywhere`;
    res.redirect('/admin/users');
  });

  // A lost phone: the user sets up a new authenticator app at their next sign-in, and is told by email.
  router.post('/:id/reset-two-factor', validateNoFields(), async (req, res) => {
    const user = await twoFactor.activeUser(Number(req.params.id));
    if (!user) throw new HttpError(404);
    await twoFactor.reset(user, actorOf(currentUser(req)));
    req.session.flash = `${user.email} will set up a new second factor at their next sign-in`;
    res.redirect('/admin/users');
  });

  // A partner organisation's return lead manages its colleagues and accepts its agreement.
  const returnLeadSchema = z.object({ return_lead: z.enum(['yes', 'no']) });
  router.post(
    '/:id/return-lead',
    validate(returnLeadSchema, () => {
      throw new HttpError(400);
    }),
    async (req, res) => {
      const lead = formOf(res, returnLeadSchema).return_lead === 'yes';
      const user = await team.setReturnLead(Number(req.params.id), lead, actorOf(currentUser(req)));
      if (!user) throw new HttpError(404);
      req.session.flash = lead
        ? `${user.email} is now a return lead for their organisation`
        : `${user.email} is no longer a return lead`;
      res.redirect('/admin/users');
    },
  );

  router.post('/:id/reactivate', validateNoFields(), async (req, res) => {
    const user = await accounts.setUserActive(Number(req.params.id), true, actorOf(currentUser(req)));
    if (!user || user === 'ccsu_only') throw new HttpError(404); // 'ccsu_only' is never CCSU's answer
    if (!user.invitationLink) {
      req.session.flash = `${user.email} is active again`;
      return res.redirect('/admin/users');
    }
    // They never set a password: a new invitation has gone.
    await renderInvited(
      res,
      `${user.email} is active again and has been sent a new invitation to set a password`,
      user.invitationLink,
    );
  });

  return router;
}
