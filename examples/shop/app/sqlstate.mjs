// SQLSTATEs the routes turn into answers to the client: the request conflicts with what is stored.
export const UNIQUE_VIOLATION = '23505';
export const FOREIGN_KEY_VIOLATION = '23503';
