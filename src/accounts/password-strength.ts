// Passwords people actually choose: 12 characters are not enough when they are "password1234". zxcvbn-ts
// (with its common-password and English dictionaries) estimates how guessable a password is; anything
// below "safely unguessable" (score 3 of 4) is refused with its own advice.
import { createRequire } from 'node:module';
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';

// The dictionaries are large and only a password being set needs them, so they are required on first
// use rather than when the app starts (the check runs inside a synchronous zod refinement, so not import()).
const require = createRequire(import.meta.url);

const MIN_SCORE = 3;
/** Words of this service: a password made of them is easy to guess for anyone who knows it. */
const SERVICE_WORDS = ['drd', 'return', 'hertfordshire', 'herts', 'ccsu', 'coroner', 'partnership'];

let checker: ZxcvbnFactory | undefined;

function newChecker(): ZxcvbnFactory {
  const core = require('@zxcvbn-ts/core') as typeof import('@zxcvbn-ts/core');
  const common = require('@zxcvbn-ts/language-common') as typeof import('@zxcvbn-ts/language-common');
  const en = require('@zxcvbn-ts/language-en') as typeof import('@zxcvbn-ts/language-en');
  return new core.ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
  });
}

/** Why a password is too easy to guess, or undefined when it is strong enough. */
export function weakPasswordProblem(password: string, userInputs: string[] = []): string | undefined {
  checker ??= newChecker();
  const result = checker.check(password, [...SERVICE_WORDS, ...userInputs]);
  if (result.score >= MIN_SCORE) return undefined;
  const warning = result.feedback.warning?.replace(/\.$/, '').toLowerCase();
  // zxcvbn's own words, said plainly where they are not ("page related data").
  const plain =
    warning && /personal or page related data/.test(warning)
      ? 'it contains your email address or a word about this service'
      : warning;
  const why = plain ? ` (${plain})` : '';
  return `This password is too easy to guess${why}. Use three or four random words, or a longer password`;
}
