// What the routes accept, checked before anything reaches the database: each check returns the value
// or throws a 400 naming the field and what it must be.
import { HttpError } from './http.mjs';

/** A row id from the path: a whole number ≥ 1 that fits a JavaScript number (and so a bigint). */
export function pathId(text, what) {
  const id = Number(text);
  if (!/^[1-9][0-9]*$/.test(text) || !Number.isSafeInteger(id)) {
    throw new HttpError(400, `${what} id must be a whole number ≥ 1`);
  }
  return id;
}

/** A non-empty string of at most `max` characters, trimmed. */
export function requiredText(body, key, max) {
  const value = body[key];
  if (typeof value !== 'string' || value.trim() === '')
    throw new HttpError(400, `${key} must be a non-empty string`);
  if (value.length > max) throw new HttpError(400, `${key} must be at most ${max} characters`);
  return value.trim();
}

/** As requiredText, or null when absent or null. */
export function optionalText(body, key, max) {
  return body[key] === undefined || body[key] === null ? null : requiredText(body, key, max);
}

/** A whole number ≥ `min` (a JSON number, not a string). */
export function wholeNumber(body, key, min) {
  const value = body[key];
  if (!Number.isSafeInteger(value) || value < min)
    throw new HttpError(400, `${key} must be a whole number ≥ ${min}`);
  return value;
}

/** One of `values`. */
export function oneOf(body, key, values) {
  const value = body[key];
  if (!values.includes(value)) throw new HttpError(400, `${key} must be one of ${values.join(', ')}`);
  return value;
}
