// The administrator's settings form, filled in as it is by default, so a test changes only the answers
// it is about.
export function settingsForm(
  changes: Record<string, string | string[]> = {},
): Record<string, string | string[]> {
  return {
    deadlineWorkingDays: '10',
    return_open: '1',
    due_soon: '-3',
    due_today: '0',
    overdue: '1',
    escalation: '5',
    ccsuDistributionList: 'alerts@ccsu.test',
    threshold: '7',
    base: '5',
    minCases: '3',
    windowDays: '14',
    ...changes,
  };
}
