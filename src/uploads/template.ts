// The upload template, CSV and XLSX: the header row is the data-dictionary field names, then an example row
// the importer skips; the XLSX adds an "Allowed values" sheet (codes and labels) and a "Columns" sheet.
import type { Response } from 'express';
import { stringify } from 'csv-stringify/sync';
import { EXAMPLE_MARKER, templateColumns } from './columns.js';

const example: Record<string, string> = {
  partner_record_ref: EXAMPLE_MARKER,
  date_of_death: '2026-03-14',
  date_of_death_basis: 'exact',
  date_partner_aware: '16/03/2026',
  place_of_death_type: 'home',
  place_of_death_area: 'watford',
  death_classification: 'suspected_drug',
  evidence_stage: 'pm_awaiting_tox',
  age_at_death: '41',
  age_unknown: 'no',
  sex: 'male',
  ethnic_group: 'white_british',
  residence_area: 'watford',
  substances: 'heroin_morphine; alcohol',
  treatment_status: 'in_treatment',
  on_ost_at_death: 'yes',
};

const header = () => templateColumns.map((c) => c.name);
const exampleRow = () => templateColumns.map((c) => example[c.name] ?? '');

export function sendCsvTemplate(res: Response): void {
  res
    .type('text/csv; charset=utf-8')
    .set('Content-Disposition', 'attachment; filename="drd-return-template.csv"')
    .send(`\uFEFF${stringify([header(), exampleRow()])}`);
}

export async function sendXlsxTemplate(res: Response): Promise<void> {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  const records = workbook.addWorksheet('Records');
  records.addRow(header()).font = { bold: true };
  records.addRow(exampleRow()).font = { italic: true, color: { argb: 'FF505A5F' } };
  // References and text stay text in Excel (leading zeros survive); dates are typed as text too.
  records.columns.forEach((column) => {
    column.numFmt = '@';
    column.width = 22;
  });
  records.views = [{ state: 'frozen', ySplit: 1 }];

  const allowed = workbook.addWorksheet('Allowed values');
  allowed.addRow(['field', 'code', 'label']).font = { bold: true };
  for (const column of templateColumns)
    for (const [code, label] of column.options ?? []) allowed.addRow([column.name, code, label]);
  allowed.columns.forEach((column) => (column.width = 30));

  const guide = workbook.addWorksheet('Columns');
  guide.addRow(['field', 'question', 'required', 'format']).font = { bold: true };
  for (const column of templateColumns)
    guide.addRow([column.name, column.label, column.required ? 'yes' : 'no', column.format]);
  guide.addRow([]);
  guide.addRow([`Row 2 of the Records sheet is an example (reference “${EXAMPLE_MARKER}”): it is ignored.`]);
  guide.columns.forEach((column) => (column.width = 40));

  res
    .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    .set('Content-Disposition', 'attachment; filename="drd-return-template.xlsx"');
  await workbook.xlsx.write(res);
  res.end();
}
