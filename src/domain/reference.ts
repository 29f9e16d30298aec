// Every code list from the data dictionary, in one place. Codes are stored; labels are shown.
// Forms, uploads, exports and the API all read these lists, so a code is added here once.
import { alwaysAreas, configuredAreas, type AreaRow } from './area-file.js';

export type CodeList = readonly (readonly [code: string, label: string])[];

/**
 * Hertfordshire's areas: the ten districts with their ONS GSS codes (those in use since the 2019/20
 * boundary changes), then the areas without one. Another county sets AREAS_FILE instead (area-file.ts).
 */
export const hertfordshireAreas: AreaRow[] = [
  ['broxbourne', 'Broxbourne', 'E07000095'],
  ['dacorum', 'Dacorum', 'E07000096'],
  ['east_hertfordshire', 'East Hertfordshire', 'E07000242'],
  ['hertsmere', 'Hertsmere', 'E07000098'],
  ['north_hertfordshire', 'North Hertfordshire', 'E07000099'],
  ['st_albans', 'St Albans', 'E07000240'],
  ['stevenage', 'Stevenage', 'E07000243'],
  ['three_rivers', 'Three Rivers', 'E07000102'],
  ['watford', 'Watford', 'E07000103'],
  ['welwyn_hatfield', 'Welwyn Hatfield', 'E07000241'],
  ...alwaysAreas,
];

/** Every area a record can give, with its GSS code: the configured county's, or Hertfordshire's. */
export const areaRows: AreaRow[] = configuredAreas() ?? hertfordshireAreas;

export const areas: CodeList = areaRows.map(([code, name]) => [code, name] as const);

/** The districts an organisation can cover: every area but out of county, no fixed abode and unknown. */
export const districts: CodeList = areas.filter(
  ([code]) => !alwaysAreas.some(([special]) => special === code),
);

export const organisationTypes = [
  ['drug_alcohol_treatment', 'Drug and alcohol treatment service'],
  ['police', 'Police'],
  ['ambulance', 'Ambulance service'],
  ['acute_hospital', 'Acute hospital'],
  ['coroner', 'Coroner'],
  ['probation', 'Probation'],
  ['mental_health', 'Mental health service'],
  ['housing_homelessness', 'Housing or homelessness service'],
  ['ldis', 'Local drug information system'],
  ['other', 'Other'],
] as const satisfies CodeList;

export const roles = [
  ['partner', 'Partner'],
  ['ccsu_analyst', 'CCSU analyst'],
  ['ccsu_admin', 'CCSU administrator'],
] as const satisfies CodeList;

export const dateOfDeathBases = [
  ['exact', 'Exact date'],
  ['estimated', 'Estimated'],
  ['date_found', 'Date found'],
] as const satisfies CodeList;

export const sexes = [
  ['male', 'Male'],
  ['female', 'Female'],
  ['indeterminate', 'Indeterminate'],
  ['not_known', 'Not known'],
] as const satisfies CodeList;

export const ethnicGroups = [
  ['asian_bangladeshi', 'Asian, Asian British or Asian Welsh: Bangladeshi'],
  ['asian_chinese', 'Asian, Asian British or Asian Welsh: Chinese'],
  ['asian_indian', 'Asian, Asian British or Asian Welsh: Indian'],
  ['asian_pakistani', 'Asian, Asian British or Asian Welsh: Pakistani'],
  ['asian_other', 'Asian, Asian British or Asian Welsh: any other Asian background'],
  ['black_african', 'Black, Black British, Black Welsh, Caribbean or African: African'],
  ['black_caribbean', 'Black, Black British, Black Welsh, Caribbean or African: Caribbean'],
  ['black_other', 'Black, Black British, Black Welsh, Caribbean or African: any other background'],
  ['mixed_white_asian', 'Mixed or multiple ethnic groups: White and Asian'],
  ['mixed_white_black_african', 'Mixed or multiple ethnic groups: White and Black African'],
  ['mixed_white_black_caribbean', 'Mixed or multiple ethnic groups: White and Black Caribbean'],
  ['mixed_other', 'Mixed or multiple ethnic groups: any other background'],
  ['white_british', 'White: English, Welsh, Scottish, Northern Irish or British'],
  ['white_irish', 'White: Irish'],
  ['white_gypsy_irish_traveller', 'White: Gypsy or Irish Traveller'],
  ['white_roma', 'White: Roma'],
  ['white_other', 'White: any other White background'],
  ['other_arab', 'Other ethnic group: Arab'],
  ['other_any', 'Other ethnic group: any other ethnic group'],
  ['not_stated', 'Not stated'],
  ['not_known', 'Not known'],
] as const satisfies CodeList;

export const placeOfDeathTypes = [
  ['home', 'Home'],
  ['other_private_residence', 'Other private residence'],
  ['hostel_supported_accommodation', 'Hostel or supported accommodation'],
  ['hospital', 'Hospital'],
  ['prison_custody', 'Prison or custody'],
  ['public_place', 'Public place'],
  ['hotel_bnb', 'Hotel or B&B'],
  ['other', 'Other'],
  ['unknown', 'Unknown'],
] as const satisfies CodeList;

export const deathClassifications = [
  ['suspected_drug', 'Suspected drug-related'],
  ['suspected_alcohol', 'Suspected alcohol-related'],
  ['suspected_drug_and_alcohol', 'Suspected drug- and alcohol-related'],
  ['drug_poisoning', 'Drug poisoning (ONS definition)'],
  ['drug_misuse', 'Drug misuse (ONS definition)'],
  ['alcohol_specific', 'Alcohol-specific (ONS definition)'],
  ['other_death_known_to_services', 'Other death known to services'],
  ['undetermined', 'Undetermined'],
] as const satisfies CodeList;

export const evidenceStages = [
  ['reported_suspected', 'Reported as suspected'],
  ['pm_awaiting_tox', 'Post-mortem done, awaiting toxicology'],
  ['tox_received', 'Toxicology received'],
  ['inquest_concluded', 'Inquest concluded'],
] as const satisfies CodeList;

export const substanceGroups = [
  ['opioids', 'Opioids'],
  ['stimulants', 'Stimulants'],
  ['depressants', 'Depressants (including alcohol)'],
  ['other', 'Other substances'],
  ['unknown', 'None detected or unknown'],
] as const satisfies CodeList;

export type SubstanceGroup = (typeof substanceGroups)[number][0];

export const substances = [
  ['heroin_morphine', 'Heroin or morphine', 'opioids'],
  ['methadone', 'Methadone', 'opioids'],
  ['buprenorphine', 'Buprenorphine', 'opioids'],
  ['oxycodone', 'Oxycodone', 'opioids'],
  ['tramadol', 'Tramadol', 'opioids'],
  ['codeine', 'Codeine', 'opioids'],
  ['fentanyl_or_analogue', 'Fentanyl or an analogue', 'opioids'],
  ['nitazene', 'Nitazene', 'opioids'],
  ['other_opioid', 'Other opioid', 'opioids'],
  ['cocaine', 'Cocaine', 'stimulants'],
  ['crack_cocaine', 'Crack cocaine', 'stimulants'],
  ['amphetamine', 'Amphetamine', 'stimulants'],
  ['mdma', 'MDMA', 'stimulants'],
  ['synthetic_cathinone', 'Synthetic cathinone', 'stimulants'],
  ['benzodiazepine_prescribable', 'Benzodiazepine (prescribable)', 'depressants'],
  ['benzodiazepine_street', 'Benzodiazepine (street)', 'depressants'],
  ['z_drug', 'Z-drug', 'depressants'],
  ['gabapentin', 'Gabapentin', 'depressants'],
  ['pregabalin', 'Pregabalin', 'depressants'],
  ['ghb_gbl', 'GHB or GBL', 'depressants'],
  ['alcohol', 'Alcohol', 'depressants'],
  ['xylazine', 'Xylazine', 'depressants'],
  ['cannabis', 'Cannabis', 'other'],
  ['synthetic_cannabinoid', 'Synthetic cannabinoid', 'other'],
  ['ketamine', 'Ketamine', 'other'],
  ['antidepressant', 'Antidepressant', 'other'],
  ['antipsychotic', 'Antipsychotic', 'other'],
  ['paracetamol', 'Paracetamol', 'other'],
  ['volatile_substance', 'Volatile substance', 'other'],
  ['other', 'Other substance', 'other'],
  ['none_detected', 'None detected', 'unknown'],
  ['unknown_awaiting_toxicology', 'Unknown, awaiting toxicology', 'unknown'],
] as const satisfies readonly (readonly [string, string, SubstanceGroup])[];

export const inquestConclusions = [
  ['accident_misadventure', 'Accident or misadventure'],
  ['drug_related', 'Drug-related'],
  ['alcohol_related', 'Alcohol-related'],
  ['suicide', 'Suicide'],
  ['open', 'Open'],
  ['narrative', 'Narrative'],
  ['natural_causes', 'Natural causes'],
  ['other', 'Other'],
] as const satisfies CodeList;

export const treatmentStatuses = [
  ['in_treatment', 'In treatment'],
  ['left_treatment_within_12m', 'Left treatment within the last 12 months'],
  ['left_treatment_over_12m', 'Left treatment more than 12 months ago'],
  ['never_in_treatment', 'Never in treatment'],
  ['unknown', 'Unknown'],
] as const satisfies CodeList;

export const yesNoUnknown = [
  ['yes', 'Yes'],
  ['no', 'No'],
  ['unknown', 'Unknown'],
] as const satisfies CodeList;

export const housingStatuses = [
  ['settled', 'Settled'],
  ['temporary_or_unsettled', 'Temporary or unsettled'],
  ['hostel', 'Hostel'],
  ['rough_sleeping', 'Rough sleeping'],
  ['prison', 'Prison'],
  ['other', 'Other'],
  ['unknown', 'Unknown'],
] as const satisfies CodeList;

export const releaseIntervals = [
  ['none_known', 'None known'],
  ['within_4_weeks', 'Within 4 weeks'],
  ['1_to_3_months', '1 to 3 months'],
  ['3_to_12_months', '3 to 12 months'],
  ['unknown', 'Unknown'],
] as const satisfies CodeList;

export const previousOverdoses = [
  ['within_12m', 'Within the last 12 months'],
  ['earlier', 'More than 12 months ago'],
  ['no', 'No'],
  ['unknown', 'Unknown'],
] as const satisfies CodeList;

export const injectingHistories = [
  ['current', 'Current'],
  ['previous', 'Previous'],
  ['never', 'Never'],
  ['unknown', 'Unknown'],
] as const satisfies CodeList;

export const amendmentReasons = [
  ['correction', 'Correcting a mistake'],
  ['late_information', 'Late information'],
  ['toxicology_received', 'Toxicology received'],
  ['inquest_concluded', 'Inquest concluded'],
  ['not_a_drd_withdrawn', 'Not a drug- or alcohol-related death (withdrawn)'],
  ['other', 'Other'],
] as const satisfies CodeList;

export const withdrawalReasons = [
  ['entered_in_error', 'Entered in error'],
  ['duplicate', 'Duplicate of another record'],
  ['not_a_drd', 'Not a drug- or alcohol-related death'],
  ['other', 'Other'],
] as const satisfies CodeList;

/** The codes of a list, typed for z.enum. */
export function codesOf<const L extends readonly (readonly [string, ...unknown[]])[]>(
  list: L,
): [L[number][0], ...L[number][0][]] {
  return list.map((entry) => entry[0]) as [L[number][0], ...L[number][0][]];
}

/** The label for a code, or the code itself if the list does not know it. */
export function labelOf(
  list: readonly (readonly [string, string, ...unknown[]])[],
  code: string | null | undefined,
): string {
  if (code === null || code === undefined || code === '') return '';
  return list.find((entry) => entry[0] === code)?.[1] ?? code;
}
