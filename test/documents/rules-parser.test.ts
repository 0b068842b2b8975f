// The rules language parser on its own: the structure it reads (matches, wildcards, allows with their
// conditions and lines, functions), and each kind of file that does not parse, refused with file:line.
import { describe, expect, it } from 'vitest';
import { neededIndex } from '../../src/stores/documents/checks/composite-index.js';
import { allAllows, parseRules } from '../../src/stores/documents/firestore/rules-parser.js';

const RULES = `rules_version = '2';
// a comment with a { brace
service cloud.firestore {
  match /databases/{database}/documents {
    function signedIn() { return request.auth != null; }
    match /rooms/{roomId}/messages/{messageId} {
      allow read: if signedIn() &&
        exists(/databases/$(database)/documents/rooms/$(roomId)/members/$(request.auth.uid));
      allow create: if request.resource.data.text is string
        && request.resource.data.text.size() < 500 /* no essays */;
    }
    match /{path=**} { allow get; }
  }
}
`;

describe('parseRules', () => {
  it('reads services, nested matches, wildcards, allows with their conditions and lines, functions', () => {
    const rules = parseRules(RULES, 'firestore.rules');
    expect(rules.version).toEqual({ value: '2', line: 1 });
    const allows = allAllows(rules).map(({ allow, matches }) => ({
      path: matches.map((match) => match.path).join(''),
      ...allow,
    }));
    expect(allows).toEqual([
      {
        path: '/databases/{database}/documents/rooms/{roomId}/messages/{messageId}',
        methods: ['read'],
        condition:
          'signedIn() && exists(/databases/$(database)/documents/rooms/$(roomId)/members/$(request.auth.uid))',
        line: 7,
      },
      {
        path: '/databases/{database}/documents/rooms/{roomId}/messages/{messageId}',
        methods: ['create'],
        condition: 'request.resource.data.text is string && request.resource.data.text.size() < 500',
        line: 9,
      },
      { path: '/databases/{database}/documents/{path=**}', methods: ['get'], line: 12 },
    ]);
    expect(rules.services[0]?.matches[0]?.functions[0]).toMatchObject({
      name: 'signedIn',
      params: [],
      line: 5,
    });
  });

  it.each([
    [
      "rules_version = '2';\nservice cloud.firestore {\n  match /a/{b} {\n    allow read: if true\n  }\n}\n",
      5,
      'expected `;` to end the statement, found `}`',
    ],
    [
      'service cloud.firestore {\n  match /a/{b} {\n    allow rread: if true;\n  }\n}\n',
      3,
      'expected a method: read, write, get, list, create, update, delete, found `rread`',
    ],
    ['service cloud.firestore {\n  /* never closed\n}\n', 2, 'a /* comment is never closed with */'],
    [
      "service cloud.firestore {\n  match /a/{b} {\n    allow read: if x == 'open;\n  }\n}\n",
      3,
      "a string opened with ' is not closed on its line",
    ],
    ['service cloud.firestore {\n  match /a/{b=*} {\n  }\n}\n', 2, 'expected `**`, found `*`'],
    [
      'service cloud.firestore {\n  match /a/{b} {\n    allow read: if (x;\n  }\n}\n',
      3,
      'expected `)` to close the `(` of line 3, found `;`',
    ],
    [
      'service cloud.firestore {\n  match /a {\n',
      3,
      'expected `match`, `allow`, `function` or `}`, found the end of the file',
    ],
  ])('refuses with file:line (%#)', (source, line, problem) => {
    expect(() => parseRules(source, 'firestore.rules')).toThrow(`firestore.rules:${line}: ${problem}`);
  });
});

describe('neededIndex', () => {
  it('equality alone, or one order on one field, needs none; equality with an order or range elsewhere does', () => {
    expect(neededIndex({ collection: 'orders', where: ['status', 'region'] })).toBeUndefined();
    expect(neededIndex({ collection: 'orders', orderBy: ['createdAt desc'] })).toBeUndefined();
    expect(neededIndex({ collection: 'orders', where: ['status'], orderBy: ['status'] })).toBeUndefined();
    expect(neededIndex({ collection: 'orders', where: ['status'], orderBy: ['createdAt desc'] })).toEqual({
      collectionGroup: 'orders',
      equality: ['status'],
      ordered: [{ fieldPath: 'createdAt', order: 'DESCENDING' }],
    });
    expect(neededIndex({ collection: 'orders', orderBy: ['total', 'createdAt desc'] })?.ordered).toHaveLength(
      2,
    );
  });
});
