// GOV.UK components are written once, as partials with govuk-frontend's macro parameters
// (views/partials/govuk/): no view hand-writes a button or a CSRF field, and the partials render the
// Design System's markup.
import { describe, expect, it } from '@jest/globals';
import ejs from 'ejs';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import * as cheerio from 'cheerio';

const views = path.resolve('views');
const partials = path.join(views, 'partials', 'govuk');

function templates(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? templates(file) : file.endsWith('.ejs') ? [file] : [];
  });
}

// The bench's bare page is the baseline an Express + EJS page is measured against: plain markup on purpose.
const bench = path.join(views, 'bench');
const outsidePartials = templates(views).filter(
  (file) => !file.startsWith(partials + path.sep) && !file.startsWith(bench + path.sep),
);

const render = (params: Record<string, unknown>) =>
  ejs.render(
    "<%- include('/partials/govuk/button', { params }) %>",
    { params, csrfToken: 'token-1' },
    { root: views, views: [views], filename: path.join(views, 'test.ejs') },
  );

describe('GOV.UK components', () => {
  it('when any view is read then none hand-writes a component that has a partial, or a _csrf input', () => {
    // A component's own class on an element (class="govuk-select…"), not its parts (govuk-radios__item) or
    // modifiers, which the partials take as `classes`.
    const components = [
      'button', 'input', 'select', 'textarea', 'radios', 'checkboxes', 'date-input', 'file-upload', 'fieldset',
      'label', 'hint', 'error-message', 'error-summary', 'form-group', 'tag', 'back-link', 'notification-banner', 'pagination', 'summary-list', 'summary-card', 'table',
    ];
    const handWritten = outsidePartials.flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      const found = components.filter((name) => new RegExp(`class="govuk-${name}[ "]`).test(text));
      if (/name="_csrf"/.test(text)) found.push('_csrf input');
      return found.map((what) => `${path.relative(views, file)}: ${what}`);
    });
    expect(outsidePartials.length).toBeGreaterThan(50);
    expect(handWritten).toEqual([]);
  });

  it('when a button is given text, classes and a name then it is a submit button that escapes the text', () => {
    const $ = cheerio.load(render({ text: 'Save <b>it</b>', classes: 'govuk-button--secondary', name: 'same', value: 'yes' }));
    const button = $('button');
    expect(button.attr('type')).toBe('submit');
    expect(button.attr('class')).toBe('govuk-button govuk-button--secondary');
    expect(button.attr('data-module')).toBe('govuk-button');
    expect([button.attr('name'), button.attr('value')]).toEqual(['same', 'yes']);
    expect(button.text()).toBe('Save <b>it</b>');
  });

  it('when a button has an href then it is a link with the role of a button', () => {
    const $ = cheerio.load(render({ text: 'Add an organisation', href: '/admin/organisations/new' }));
    expect($('button').length).toBe(0);
    const link = $('a');
    expect([link.attr('href'), link.attr('role'), link.attr('draggable')]).toEqual([
      '/admin/organisations/new',
      'button',
      'false',
    ]);
    expect(link.text()).toBe('Add an organisation');
  });

  it('when a button asks for it then double clicks are prevented and extra attributes are bare or valued', () => {
    const $ = cheerio.load(
      render({ text: 'Copy', type: 'button', preventDoubleClick: true, attributes: { 'data-copy': 'rag', hidden: '' } }),
    );
    const button = $('button');
    expect(button.attr('type')).toBe('button');
    expect(button.attr('data-prevent-double-click')).toBe('true');
    expect(button.attr('data-copy')).toBe('rag');
    expect(button.is('[hidden]')).toBe(true);
  });

  it('when the CSRF partial is included then the form carries the page’s token', () => {
    const html = ejs.render("<%- include('/partials/govuk/csrf') %>", { csrfToken: 'token-1' }, {
      root: views,
      views: [views],
      filename: path.join(views, 'test.ejs'),
    });
    expect(cheerio.load(html)('input[name="_csrf"]').attr('value')).toBe('token-1');
  });
});
