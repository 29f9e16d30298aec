import { Router, type Request, type Response } from 'express';
import { requireAdmin, currentUser } from '../middleware/auth.js';
import { actorOf } from '../audit/audit.js';
import { formOf, toFormErrors, validate, type FormErrors } from '../middleware/validation.js';
import { HttpError } from '../lib/http-error.js';
import type { Organisation } from '../db/types.js';
import type { OrganisationsService } from './service.js';
import { organisationSchema } from './schema.js';
import { checkIdParams } from '../lib/ids.js';

const anchor = (field: string) =>
  field === 'active_from' || field === 'active_to'
    ? `${field}-month`
    : field === 'areas' || field === 'type'
      ? field
      : field;

/** Form values for the page: what the user typed, or the saved organisation. */
function valuesFrom(organisation: Organisation | undefined, body?: Record<string, unknown>) {
  if (body) return body;
  if (!organisation) return { areas: [] };
  const [fromYear, fromMonth] = organisation.active_from.split('-');
  const [toYear, toMonth] = (organisation.active_to ?? '').split('-');
  return {
    ...organisation,
    return_contacts: organisation.return_contacts.join('\n'),
    'active_from-month': String(Number(fromMonth)),
    'active_from-year': fromYear,
    'active_to-month': toMonth ? String(Number(toMonth)) : '',
    'active_to-year': toYear ?? '',
  };
}

export function organisationsRouter(organisations: OrganisationsService): Router {
  const router = Router();
  checkIdParams(router);
  router.use(requireAdmin);

  const renderForm = (
    res: Response,
    organisation: Organisation | undefined,
    values: Record<string, unknown>,
    errors?: FormErrors,
  ) =>
    res.render('organisations/form', {
      title: organisation ? `Change ${organisation.name}` : 'Add an organisation',
      organisation,
      values,
      errors,
      backLink: '/admin/organisations',
    });

  router.get('/', async (_req, res) => {
    res.render('organisations/list', {
      title: 'Organisations',
      organisations: await organisations.listWithLeads(),
    });
  });

  router.get('/new', (_req, res) => renderForm(res, undefined, valuesFrom(undefined)));

  const reRender = async (req: Request, res: Response, errors: FormErrors) => {
    const id = req.params.id ? Number(req.params.id) : undefined;
    const organisation = id ? await organisations.find(id) : undefined;
    renderForm(res, organisation, req.body as Record<string, unknown>, {
      ...errors,
      list: errors.list.map((e) => ({ ...e, href: `#${anchor(e.href.slice(1))}` })),
    });
  };

  router.post('/new', validate(organisationSchema, reRender), async (req, res) => {
    const result = await organisations.create(formOf(res, organisationSchema), actorOf(currentUser(req)));
    if (!result.ok)
      return renderForm(
        res.status(400),
        undefined,
        req.body as Record<string, unknown>,
        toFormErrors(result.errors),
      );
    // Straight on to its first user: until one is made its return lead, nobody can accept the
    // data-sharing agreement for it, and it cannot submit.
    req.session.flash = `${result.organisation.name} added. Invite its first user now, then make them its return lead on the Users page: a return lead accepts the data-sharing agreement for the organisation`;
    res.redirect(`/admin/users/invite?organisation=${result.organisation.id}`);
  });

  router.get('/:id', async (req, res) => {
    const organisation = await organisations.find(Number(req.params.id));
    if (!organisation) throw new HttpError(404);
    renderForm(res, organisation, valuesFrom(organisation));
  });

  router.post('/:id', validate(organisationSchema, reRender), async (req, res) => {
    const id = Number(req.params.id);
    const result = await organisations.update(id, formOf(res, organisationSchema), actorOf(currentUser(req)));
    if (!result) throw new HttpError(404);
    if (!result.ok)
      return renderForm(
        res.status(400),
        await organisations.find(id),
        req.body as Record<string, unknown>,
        toFormErrors(result.errors),
      );
    req.session.flash = `${result.organisation.name} saved`;
    res.redirect('/admin/organisations');
  });

  return router;
}
