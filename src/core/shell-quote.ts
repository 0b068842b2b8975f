// A word for a POSIX shell: a command launchdb prints for the user to run by hand (curl, psql).

/** `text` as one shell word: bare when it is plain, else single-quoted. */
export function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
