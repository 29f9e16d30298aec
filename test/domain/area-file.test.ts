// Another county's areas from configuration (AREAS_FILE): read and checked at start, used by every list.
import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { configuredAreas, readAreaFile } from '../../src/domain/area-file.js';

const run = promisify(execFile);
const dir = mkdtempSync(path.join(tmpdir(), 'drd-areas-'));
const file = (name: string, text: string) => {
  const at = path.join(dir, name);
  writeFileSync(at, text);
  return at;
};

const bedfordshire =
  'code,name,gss_code\nbedford,Bedford,E06000055\ncentral_bedfordshire,Central Bedfordshire,E06000056\nluton,Luton,E06000032\n';

describe('an area file', () => {
  it('when it lists a county’s areas then they come in its order, with out of county, no fixed abode and unknown added', () => {
    const read = readAreaFile(bedfordshire);
    expect(read).toEqual({
      ok: true,
      areas: [
        ['bedford', 'Bedford', 'E06000055'],
        ['central_bedfordshire', 'Central Bedfordshire', 'E06000056'],
        ['luton', 'Luton', 'E06000032'],
        ['out_of_county', 'Out of county', null],
        ['no_fixed_abode', 'No fixed abode', null],
        ['unknown', 'Unknown', null],
      ],
    });
  });

  it('when rows are wrong then each is named and the service will not start with it', () => {
    const read = readAreaFile('code,name,gss_code\nBed Ford,Bedford,E06000055\nluton,,X1\nluton,Luton,\n');
    expect(read.ok).toBe(false);
    expect(!read.ok && read.problems).toEqual([
      'row 2: code must be lower-case letters, digits and _, like st_albans',
      'row 3: name must be 1 to 80 characters',
      'row 3: gss_code must be like E07000095, or empty',
      'row 4: luton is listed twice',
    ]);
    expect(() => configuredAreas(file('bad.csv', 'code,name,gss_code\nluton,Luton,\n'))).toThrow(
      /AREAS_FILE .*bad\.csv: it lists no area with a GSS code/,
    );
    expect(() => configuredAreas(path.join(dir, 'missing.csv'))).toThrow('cannot be read');
  });

  it('when AREAS_FILE is set then the reference lists every page, form and feed reads are that county’s', async () => {
    const script =
      "import('./src/domain/reference.ts').then((r) => process.stdout.write(JSON.stringify([r.districts, r.areas.length, r.areaRows[0]])))";
    const { stdout } = await run('node_modules/.bin/tsx', ['--eval', script], {
      env: { ...process.env, AREAS_FILE: file('beds.csv', bedfordshire) },
    });
    expect(JSON.parse(stdout)).toEqual([
      [
        ['bedford', 'Bedford'],
        ['central_bedfordshire', 'Central Bedfordshire'],
        ['luton', 'Luton'],
      ],
      6,
      ['bedford', 'Bedford', 'E06000055'],
    ]);
  });
});
