// A word for a POSIX shell: a command launchdb prints for the user to run by hand (curl, psql,
// launchdb itself).

/** `text` as one shell word: bare when it is plain, else single-quoted. */
export function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The launchdb command of `argv` as typed at a terminal: `launchdb backup create --env production`. */
export function launchdbCommand(argv: readonly string[]): string {
  return ['launchdb', ...argv].map(shellQuote).join(' ');
}
