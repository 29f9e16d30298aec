import { Router, type Response } from 'express';
import { z } from 'zod';
import { actorOf } from '../audit/audit.js';
import { currentUser, requireAdmin } from '../middleware/auth.js';
import { formOf, validate, type FormErrors } from '../middleware/validation.js';
import { reminderKinds, reminderLabels } from '../domain/reminders.js';
import { concernOptions } from '../domain/early-warning.js';
import { sensitivities } from '../domain/exceedance.js';
import type { Settings } from './settings.js';
import { emailListField } from '../lib/form-fields.js';
import type { SettingsService } from './service.js';

const whole = (label: string, min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^-?\d+$/, `${label} must be a whole number`)
    .transform(Number)
    .pipe(
      z.number().min(min, `${label} must be ${min} or more`).max(max, `${label} must be ${max} or fewer`),
    );

/** Below these, counts a partner sees could identify a death; going lower needs a configuration flag. */
const SAFE_THRESHOLD = 3;
const SAFE_BASE = 5;

const settingsFormFor = (allowBelowMinimum: boolean) =>
  z.object({
    deadlineWorkingDays: whole('Deadline', 1, 30),
    return_open: whole('Return open', 1, 20),
    due_soon: whole('Due soon', -20, 30),
    due_today: whole('Due today', -20, 30),
    overdue: whole('Overdue', -20, 30),
    escalation: whole('Escalation', -20, 30),
    ccsuDistributionList: emailListField(
      'Each address in the CCSU distribution list must be an email address',
    ).pipe(z.array(z.string()).max(50)),
    threshold: whole('Suppression threshold', allowBelowMinimum ? 0 : SAFE_THRESHOLD, 50),
    base: whole('Rounding base', allowBelowMinimum ? 1 : SAFE_BASE, 100),
    minCases: whole('Deaths in a window', 2, 50),
    windowDays: whole('Days in a window', 1, 90),
    // Older forms without it keep the standard sensitivity.
    sensitivity: z
      .enum(['high', 'standard', 'low'], 'Choose how sensitive early warning is')
      .default('standard'),
    concerns: z
      .union([z.string(), z.array(z.string())])
      .default([])
      .transform((v) => (Array.isArray(v) ? v : [v]))
      .pipe(
        z
          .array(z.enum(concernOptions.map(([code]) => code) as [string, ...string[]]))
          .min(1, 'Choose at least one substance of concern'),
      ),
    // Older forms (and scripts) without these keep the safe defaults: partners need a second factor.
    partnersTwoFactor: z.enum(['yes', 'no'], 'Choose whether partners need a second factor').default('yes'),
    rememberBrowserDays: z
      .string()
      .default('30')
      .pipe(whole('Days a browser is remembered', 0, 30)),
  });

function formValues(settings: Settings): Record<string, string | string[]> {
  return {
    deadlineWorkingDays: String(settings.deadlineWorkingDays),
    ...Object.fromEntries(reminderKinds.map((k) => [k, String(settings.reminderSchedule[k])])),
    ccsuDistributionList: settings.ccsuDistributionList.join('\n'),
    threshold: String(settings.disclosure.threshold),
    base: String(settings.disclosure.base),
    minCases: String(settings.earlyWarning.minCases),
    windowDays: String(settings.earlyWarning.windowDays),
    sensitivity: settings.earlyWarning.sensitivity,
    concerns: settings.earlyWarning.concerns,
    partnersTwoFactor: settings.twoFactor.partnersRequired ? 'yes' : 'no',
    rememberBrowserDays: String(settings.twoFactor.rememberBrowserDays),
  };
}

/** Admin settings: deadline, reminder schedule, CCSU distribution list, disclosure control. */
export function settingsRouter(settings: SettingsService, options: { allowBelowMinimum: boolean }): Router {
  const router = Router();
  const settingsForm = settingsFormFor(options.allowBelowMinimum);
  router.use(requireAdmin);
  const render = (res: Response, values: Record<string, unknown>, errors?: FormErrors) =>
    res.render('settings/settings', {
      title: 'Settings',
      values,
      errors,
      reminderKinds,
      reminderLabels,
      concernOptions,
      sensitivityOptions: sensitivities.map(([code, label]) => [code, label]),
    });

  router.get('/', async (_req, res) => render(res, formValues(await settings.get())));

  router.post(
    '/',
    validate(settingsForm, (req, res, errors) => render(res, req.body as Record<string, unknown>, errors)),
    async (req, res) => {
      const form = formOf(res, settingsForm);
      const next: Settings = {
        deadlineWorkingDays: form.deadlineWorkingDays,
        reminderSchedule: {
          return_open: form.return_open,
          due_soon: form.due_soon,
          due_today: form.due_today,
          overdue: form.overdue,
          escalation: form.escalation,
        },
        ccsuDistributionList: form.ccsuDistributionList,
        disclosure: { threshold: form.threshold, base: form.base },
        earlyWarning: {
          minCases: form.minCases,
          windowDays: form.windowDays,
          sensitivity: form.sensitivity,
          concerns: form.concerns,
        },
        twoFactor: {
          partnersRequired: form.partnersTwoFactor === 'yes',
          rememberBrowserDays: form.rememberBrowserDays,
        },
      };
      await settings.save(next, actorOf(currentUser(req)));
      req.session.flash = 'Settings saved';
      res.redirect('/admin/settings');
    },
  );
  return router;
}
