// Page assertions that name the element they mean: `within(page, '.govuk-error-summary')` is the text
// of that element alone, so a test of "Overdue" cannot pass because the word is in the navigation.
import * as cheerio from 'cheerio';

const collapse = (text: string) => text.replace(/\s+/g, ' ').trim();

/**
 * The text (whitespace collapsed, entities decoded) of every element `selector` matches in an HTML
 * page or response, joined by a space. Throws, naming the page, when nothing matches: a test whose
 * element has gone should fail for that reason, not for a missing word.
 */
export function within(page: { text: string } | string, selector: string): string {
  const html = typeof page === 'string' ? page : page.text;
  const $ = cheerio.load(html);
  const found = $(selector);
  if (found.length === 0) {
    const title = collapse($('title').text()) || collapse(html.slice(0, 80));
    throw new Error(`No element matches ${selector} on the page “${title}”`);
  }
  return found
    .toArray()
    .map((element) => collapse($(element).text()))
    .join(' ');
}

/** The value of the form control `selector` matches (a token or key shown once in a read-only input). */
export function valueOf(page: { text: string } | string, selector: string): string {
  const html = typeof page === 'string' ? page : page.text;
  const value = cheerio.load(html)(selector).val();
  if (typeof value !== 'string') throw new Error(`No form control with a value matches ${selector}`);
  return value;
}

/**
 * What a summary list row says: the value beside the key `key` (whitespace collapsed), within the element
 * `scope` matches (the whole page unless given). Throws when no row has that key.
 */
export function summaryValue(page: { text: string } | string, key: string, scope = 'body'): string {
  const html = typeof page === 'string' ? page : page.text;
  const $ = cheerio.load(html);
  const row = $(scope)
    .find('.govuk-summary-list__row')
    .filter((_, element) => collapse($(element).find('.govuk-summary-list__key').text()) === key)
    .first();
  if (row.length === 0) throw new Error(`No summary list row is headed “${key}” in ${scope}`);
  return collapse(row.find('.govuk-summary-list__value').text());
}
