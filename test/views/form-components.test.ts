// The form partials (views/partials/govuk/) take govuk-frontend's macro parameters and give the Design
// System's markup: labels tied to their control, hints and errors named by aria-describedby, the first
// choice's id the one the error summary links to, and follow-up questions revealed under their choice.
import { describe, expect, it } from '@jest/globals';
import ejs from 'ejs';
import path from 'node:path';
import * as cheerio from 'cheerio';

const views = path.resolve('views');

function render(partial: string, locals: Record<string, unknown>) {
  // The partial is included with exactly these locals, as a view includes it.
  const html = ejs.render(`<%- include('/partials/${partial}', data) %>`, { data: locals }, {
    root: views,
    views: [views],
    filename: path.join(views, 'test.ejs'),
  });
  return cheerio.load(html);
}
const component = (name: string, params: Record<string, unknown>) => render(`govuk/${name}`, { params });

describe('GOV.UK form partials', () => {
  it('when an input has a hint and an error then both describe it and the value is escaped', () => {
    const $ = component('input', {
      name: 'period',
      value: '"><script>',
      label: { text: 'Month' },
      hint: { text: 'For example, 2026-01' },
      errorMessage: { text: 'Enter a month' },
      classes: 'govuk-input--width-5',
    });
    const input = $('input');
    expect($('label').attr('for')).toBe('period');
    expect(input.attr('id')).toBe('period');
    expect(input.attr('aria-describedby')).toBe('period-hint period-error');
    expect(input.attr('class')).toBe('govuk-input govuk-input--width-5 govuk-input--error');
    expect(input.val()).toBe('"><script>');
    expect($('script').length).toBe(0);
    expect($('#period-hint').text()).toBe('For example, 2026-01');
    expect($('#period-error').text()).toBe('Error: Enter a month');
    expect($('.govuk-form-group').hasClass('govuk-form-group--error')).toBe(true);
  });

  it('when radios are given a value then that item is checked, and the first item has the bare name as its id', () => {
    const $ = component('radios', {
      name: 'any_deaths',
      value: 'no',
      fieldset: { legend: { text: 'Any deaths?', classes: 'govuk-fieldset__legend--m' } },
      errorMessage: { text: 'Select yes or no' },
      items: [
        { value: 'yes', text: 'Yes' },
        { value: 'no', text: 'No' },
      ],
    });
    expect($('input').map((_, el) => $(el).attr('id')).get()).toEqual(['any_deaths', 'any_deaths-2']);
    expect($('input:checked').val()).toBe('no');
    expect($('fieldset').attr('aria-describedby')).toBe('any_deaths-error');
    expect($('legend').text()).toBe('Any deaths?');
    expect($('label[for="any_deaths-2"]').text()).toBe('No');
  });

  it('when a choice has a follow-up then it is revealed under that choice, hidden until the choice is made', () => {
    const $ = component('checkboxes', {
      name: 'substances',
      values: ['opioid'],
      items: [
        { value: 'opioid', text: 'Opioid', conditional: { html: '<p id="shown">Which opioid</p>' } },
        { value: 'alcohol', text: 'Alcohol', conditional: { html: '<p id="hidden">How much</p>' } },
      ],
    });
    expect($('#substances').attr('data-aria-controls')).toBe('conditional-substances');
    expect($('#conditional-substances').hasClass('govuk-checkboxes__conditional--hidden')).toBe(false);
    expect($('#conditional-substances-2').hasClass('govuk-checkboxes__conditional--hidden')).toBe(true);
    expect($('#conditional-substances-2 #hidden').length).toBe(1);
    expect($('input:checked').map((_, el) => $(el).val()).get()).toEqual(['opioid']);
  });

  it('when a select is given a value then that option is selected', () => {
    const $ = component('select', {
      name: 'year',
      value: 2025,
      label: { text: 'Year' },
      items: [2024, 2025, 2026].map((y) => ({ value: y, text: y })),
    });
    expect($('option[selected]').text()).toBe('2025');
    expect($('select').attr('aria-describedby')).toBeUndefined();
  });

  it('when a date input is given a name prefix then its inputs are named and labelled day, month and year', () => {
    const $ = component('date-input', {
      id: 'extracted_on',
      namePrefix: 'extracted_on',
      fieldset: { legend: { text: 'Date extracted' } },
      hint: { text: 'For example, 3 11 2026' },
      items: [{ name: 'day', value: '3', classes: 'govuk-input--width-2' }, { name: 'month' }, { name: 'year' }],
    });
    expect($('input').map((_, el) => $(el).attr('name')).get()).toEqual([
      'extracted_on-day',
      'extracted_on-month',
      'extracted_on-year',
    ]);
    expect($('label[for="extracted_on-year"]').text()).toBe('Year');
    expect($('#extracted_on-day').val()).toBe('3');
    expect($('#extracted_on-day').attr('inputmode')).toBe('numeric');
    expect($('fieldset').attr('role')).toBe('group');
    expect($('fieldset').attr('aria-describedby')).toBe('extracted_on-hint');
  });

  it('when a textarea is given a value then it holds it escaped, and a file upload takes its accept list as an attribute', () => {
    const textarea = component('textarea', { name: 'notes', value: '</textarea><b>x</b>', label: { text: 'Notes' } });
    expect(textarea('textarea').val()).toBe('</textarea><b>x</b>');
    expect(textarea('b').length).toBe(0);
    const upload = component('file-upload', { name: 'file', label: { text: 'File' }, attributes: { accept: '.csv' } });
    expect([upload('input').attr('type'), upload('input').attr('accept')]).toEqual(['file', '.csv']);
  });

  it('when the error summary is given errors then each links to its field', () => {
    const $ = component('error-summary', { errorList: [{ text: 'Enter a month', href: '#period' }] });
    expect($('.govuk-error-summary__title').text()).toBe('There is a problem');
    expect($('.govuk-error-summary__list a').attr('href')).toBe('#period');
    expect($('[role="alert"]').length).toBe(1);
  });
});

describe('GOV.UK page partials', () => {
  it('when a success banner is shown then it is an alert titled Success, and a plain one a region titled Important', () => {
    const success = component('notification-banner', { type: 'success', titleId: 'flash-title', text: 'Return <b>sent</b>' });
    const banner = success('.govuk-notification-banner');
    expect([banner.attr('role'), banner.attr('aria-labelledby')]).toEqual(['alert', 'flash-title']);
    expect(banner.hasClass('govuk-notification-banner--success')).toBe(true);
    expect(success('#flash-title').text()).toBe('Success');
    expect(success('.govuk-notification-banner__heading').text()).toBe('Return <b>sent</b>');
    const plain = component('notification-banner', { html: '<p id="own">Read this</p>' });
    expect(plain('.govuk-notification-banner').attr('role')).toBe('region');
    expect(plain('#govuk-notification-banner-title').text()).toBe('Important');
    expect(plain('#own').text()).toBe('Read this');
  });

  it('when a tag and a back link are drawn then they carry the given colour and destination', () => {
    expect(component('tag', { text: 'Overdue', classes: 'govuk-tag--red' })('strong').attr('class')).toBe(
      'govuk-tag govuk-tag--red',
    );
    const back = component('back-link', { href: '/dashboard' })('a');
    expect([back.attr('href'), back.attr('class'), back.text()]).toEqual(['/dashboard', 'govuk-back-link', 'Back']);
  });

  it('when a long list is on page 5 of 1000 then the first, the neighbours and the last are linked, with gaps between', () => {
    const $ = render('pagination', { page: 5, pages: 1000, label: 'Pages of deaths' });
    const items = $('.govuk-pagination__item')
      .map((_, el) => $(el).text().trim())
      .get();
    expect(items).toEqual(['1', '⋯', '4', '5', '6', '⋯', '1000']);
    expect($('[aria-current="page"]').attr('href')).toBe('?page=5');
    expect([$('a[rel="prev"]').attr('href'), $('a[rel="next"]').attr('href')]).toEqual(['?page=4', '?page=6']);
    expect($('nav').attr('aria-label')).toBe('Pages of deaths');
    expect(render('pagination', { page: 1, pages: 1, label: 'x' })('nav').length).toBe(0);
  });

  it('when a table is drawn then rows are headed, numbers aligned, text escaped and each cell named by its column', () => {
    const $ = component('table', {
      caption: 'Returns',
      firstCellIsHeader: true,
      head: [{ text: 'Organisation' }, { text: 'Deaths', format: 'numeric' }],
      rows: [[{ text: 'A & <B>' }, { text: 3, format: 'numeric' }], { attributes: { id: 'row-2' }, cells: [{ text: 'C' }, { text: 0, format: 'numeric' }] }],
      foot: [{ text: 'Total' }, { text: 3, format: 'numeric' }],
    });
    expect($('caption').text()).toBe('Returns');
    expect($('tbody th[scope="row"]').first().text()).toBe('A & <B>');
    expect($('tbody td').first().attr('class')).toBe('govuk-table__cell govuk-table__cell--numeric');
    expect($('tbody td').first().attr('data-label')).toBe('Deaths');
    expect($('#row-2 td').text()).toBe('0');
    expect($('tfoot td').text()).toBe('3');
    expect($('thead th').eq(1).hasClass('govuk-table__header--numeric')).toBe(true);
  });

  it('when months are paged then it is block pagination with each month named under its link', () => {
    const $ = component('pagination', {
      landmarkLabel: 'Months',
      previous: { href: '/ccsu?period=2026-02', text: 'Previous month', labelText: 'February 2026' },
    });
    expect($('nav').hasClass('govuk-pagination--block')).toBe(true);
    expect($('a[rel="prev"] .govuk-pagination__link-label').text()).toBe('February 2026');
    expect($('a[rel="next"]').length).toBe(0);
  });
});

describe('a field of the field table', () => {
  it('when a code field has follow-up questions then they are rendered inside the choice they follow', () => {
    const $ = render('field', {
      field: { name: 'place', label: 'Place of death', kind: 'code', options: [['home', 'Home'], ['other', 'Somewhere else']] },
      value: 'other',
      error: undefined,
      children: { other: [{ name: 'place_other', label: 'Where', kind: 'text' }] },
      values: { place_other: 'Park' },
      errors: { byField: { place_other: 'Say where, in a few words' } },
    });
    expect($('#conditional-place-2 input#place_other').val()).toBe('Park');
    expect($('#conditional-place-2 #place_other-error').text()).toBe('Error: Say where, in a few words');
    expect($('#place-2').is(':checked')).toBe(true);
    expect($('.govuk-radios').hasClass('govuk-radios--inline')).toBe(false);
  });

  it('when a month field has an error then it has month and year inputs only, marked in error', () => {
    const $ = render('field', { field: { name: 'death_month', label: 'Month of death', kind: 'month' }, value: { month: '3' }, error: 'Enter a month' });
    expect($('input').map((_, el) => $(el).attr('name')).get()).toEqual(['death_month-month', 'death_month-year']);
    expect($('#death_month-month').val()).toBe('3');
    expect($('#death_month-month').hasClass('govuk-input--error')).toBe(true);
    expect($('legend').text()).toBe('Month of death');
  });
});
