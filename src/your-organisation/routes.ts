// "Your organisation" for partners: the data-sharing agreement, the return contacts and the people who
// make the returns. Everyone in the organisation can read it; its return lead can change it, so CCSU
// does not manage every partner account by hand. Nothing here reaches another organisation.
import { safeReturnTo } from '../accounts/sign-in-session.js';
import { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AgreementsService } from '../agreements/service.js';
import { acceptAgreementSchema } from '../agreements/schemas.js';
import { INVITES_AN_HOUR, type TeamService } from '../accounts/team.js';
import { actorOf } from '../audit/audit.js';
import { HttpError } from '../lib/http-error.js';
import { can } from '../domain/permissions.js';
import { checkIdParams } from '../lib/ids.js';
import { currentUser, requirePartner, partnerOrganisationOf } from '../middleware/auth.js';
import {
  formOf,
  toFormErrors,
  validate,
  validateNoFields,
  type FormErrors,
} from '../middleware/validation.js';
import { contactsSchema } from '../organisations/schema.js';
import type { OrganisationsService } from '../organisations/service.js';

const inviteColleagueSchema = z.object({
  email: z
    .string({ error: 'Enter an email address' })
    .trim()
    .toLowerCase()
    .min(1, 'Enter an email address')
    .pipe(z.email('Enter an email address in the correct format, like name@example.org')),
});

/** Changes are for the organisation's return lead only. */
function requireReturnLead(req: Request, _res: Response, next: NextFunction) {
  if (!can(currentUser(req), 'manage_own_organisation')) throw new HttpError(403);
  next();
}

export function partnerOrganisationRouter(
  organisations: OrganisationsService,
  team: TeamService,
  agreements: AgreementsService,
): Router {
  const router = Router();
  checkIdParams(router);
  router.use(requirePartner);

  const renderYours = async (req: Request, res: Response) => {
    const organisation = partnerOrganisationOf(req);
    res.render('organisations/yours', {
      title: organisation.name,
      organisation,
      agreement: await agreements.statusFor(organisation),
      members: await team.members(organisation.id),
    });
  };

  router.get('/', (req, res) => renderYours(req, res));

  const renderAgreement = async (req: Request, res: Response, errors?: FormErrors) =>
    res.render('organisations/agreement', {
      title: 'Data-sharing agreement',
      status: await agreements.statusFor(partnerOrganisationOf(req)),
      values: errors ? (req.body as Record<string, unknown>) : {},
      errors,
      returnTo: safeReturnTo(
        req.query.return_to ?? (req.body as { return_to?: unknown } | undefined)?.return_to,
      ),
      backLink: '/organisation',
    });

  router.get('/agreement', (req, res) => renderAgreement(req, res));

  router.post(
    '/agreement',
    requireReturnLead,
    validate(acceptAgreementSchema, (req, res, errors) => renderAgreement(req, res, errors)),
    async (req, res) => {
      const result = await agreements.accept(
        partnerOrganisationOf(req),
        currentUser(req),
        formOf(res, acceptAgreementSchema),
      );
      if (result === 'not_return_lead') throw new HttpError(403);
      req.session.flash =
        result === 'no_agreement'
          ? 'There is no agreement to accept at the moment'
          : `${partnerOrganisationOf(req).name} has accepted the data-sharing agreement`;
      res.redirect(safeReturnTo(formOf(res, acceptAgreementSchema).return_to) ?? '/organisation');
    },
  );

  // No return lead to accept the agreement: the partner asks CCSU to nominate one, and comes back.
  const askSchema = z.object({ return_to: z.string().optional() });
  router.post(
    '/ask-for-return-lead',
    validate(askSchema, () => {
      throw new HttpError(400);
    }),
    async (req, res) => {
      const result = await organisations.askForReturnLead(partnerOrganisationOf(req), currentUser(req));
      req.session.flash =
        result === 'no_recipients'
          ? 'There is no one at the County Community Safety Unit to ask yet: email them yourself'
          : 'The County Community Safety Unit has been asked to nominate a return lead for your organisation. You can go on saving deaths meanwhile';
      res.redirect(safeReturnTo(formOf(res, askSchema).return_to) ?? '/organisation');
    },
  );

  const renderContacts = (
    req: Request,
    res: Response,
    values: Record<string, unknown>,
    errors?: FormErrors,
  ) =>
    res.render('organisations/contacts', {
      title: 'Return contacts',
      values,
      errors,
      backLink: '/organisation',
    });

  router.get('/contacts', requireReturnLead, (req, res) => {
    const organisation = partnerOrganisationOf(req);
    renderContacts(req, res, {
      return_contacts: organisation.return_contacts.join('\n'),
      escalation_contact: organisation.escalation_contact,
    });
  });

  router.post(
    '/contacts',
    requireReturnLead,
    validate(contactsSchema, (req, res, errors) =>
      renderContacts(req, res, req.body as Record<string, unknown>, errors),
    ),
    async (req, res) => {
      await organisations.updateContacts(
        partnerOrganisationOf(req).id,
        formOf(res, contactsSchema),
        actorOf(currentUser(req)),
      );
      req.session.flash = 'Return contacts saved';
      res.redirect('/organisation');
    },
  );

  const renderInvite = (req: Request, res: Response, values: Record<string, unknown>, errors?: FormErrors) =>
    res.render('organisations/invite-colleague', {
      title: 'Invite a colleague',
      organisation: partnerOrganisationOf(req),
      values,
      errors,
      backLink: '/organisation',
    });

  router.get('/invite', requireReturnLead, (req, res) => renderInvite(req, res, {}));

  router.post(
    '/invite',
    requireReturnLead,
    validate(inviteColleagueSchema, (req, res, errors) =>
      renderInvite(req, res, req.body as Record<string, unknown>, errors),
    ),
    async (req, res) => {
      const { email } = formOf(res, inviteColleagueSchema);
      const result = await team.invite(currentUser(req), partnerOrganisationOf(req), email);
      if (result === 'too_many')
        return renderInvite(
          req,
          res.status(429),
          { email },
          toFormErrors([
            {
              field: 'email',
              message: `You have sent ${INVITES_AN_HOUR} invitations in the last hour. Try again in an hour, or ask the County Community Safety Unit`,
            },
          ]),
        );
      // The same answer whether or not the address already has an account; the link goes only by email
      // (a lead is never shown it, so the page cannot tell the two apart).
      res.locals.flash = `Invitation sent to ${email}. If they do not receive it, ask the County Community Safety Unit`;
      await renderYours(req, res);
    },
  );

  for (const [action, active] of [
    ['deactivate', false],
    ['reactivate', true],
  ] as const)
    router.post(`/users/:id/${action}`, requireReturnLead, validateNoFields(), async (req, res) => {
      const result = await team.setActive(
        currentUser(req),
        partnerOrganisationOf(req),
        Number(req.params.id),
        active,
      );
      if (result === 'not_found') throw new HttpError(404);
      if (result === 'yourself')
        throw new HttpError(400, 'deactivating oneself', 'You cannot deactivate yourself');
      if (result === 'ccsu_only')
        throw new HttpError(
          403,
          'reactivating a user CCSU deactivated',
          'The County Community Safety Unit deactivated this account: only they can reactivate it',
        );
      req.session.flash = active ? 'Colleague reactivated' : 'Colleague deactivated and signed out';
      res.redirect('/organisation');
    });

  return router;
}
