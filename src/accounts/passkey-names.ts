// A passkey's name is for its owner to tell their devices apart: made from the device when created,
// never the same as another of theirs, and theirs to change.

/** A name for a new passkey from the device it was made on; its owner can rename it. */
export function deviceName(userAgent: string | undefined): string {
  const ua = userAgent ?? '';
  const device = /iPhone|iPad/.test(ua)
    ? 'iPhone or iPad'
    : /Android/.test(ua)
      ? 'Android'
      : /Windows/.test(ua)
        ? 'Windows'
        : /Macintosh|Mac OS/.test(ua)
          ? 'Mac'
          : /Linux|CrOS/.test(ua)
            ? 'Linux or ChromeOS'
            : undefined;
  return device ? `Passkey on ${device}` : 'Passkey';
}

/** Two passkeys made on the same kind of device get told apart: "Passkey on Windows (2)". */
export function distinctName(name: string, taken: string[]): string {
  let candidate = name;
  for (let n = 2; taken.includes(candidate); n += 1) candidate = `${name} (${n})`;
  return candidate;
}
