// The documents config section: each bad value is one problem naming its path.
import { describe, expect, it } from 'vitest';
import { Project } from '../../src/core/project.js';
import { tempProject } from '../helpers/project.js';

describe('the documents config section', () => {
  it('names each bad value with its path', async () => {
    const bad = tempProject(`{
  project: '{project}',
  environments: {
    development: { postgres: {}, documents: {
      schema: 'Docs',
      collections: {
        'users/orders': {},
        users: { indexes: [{ fields: ['e mail'] }, { gin: 'jsonb_pathops' }] },
      },
      firestore: { rules: '/etc/firestore.rules', queries: [{ collection: 'orders', orderBy: ['createdAt downward'] }] },
      colour: 'red',
    } },
  },
}`);
    try {
      const error = await Project.load(bad.dir).catch((caught) => caught);
      const problems: string[] = error.problems;
      const at = (path: string) =>
        problems.filter((problem) => problem.startsWith(`environments.development.documents${path}`));
      expect(at('.schema')).toEqual([expect.stringMatching(/expected lowercase letters/)]);
      expect(at('.collections.users/orders')).toEqual([expect.stringMatching(/expected a collection path/)]);
      expect(at('.collections.users.indexes.0.fields.0')).toEqual([
        expect.stringMatching(/expected a JSON key/),
      ]);
      expect(at('.collections.users.indexes.1')).toEqual([
        expect.stringMatching(/gin: expected true \(jsonb_ops\) or 'jsonb_path_ops'/),
      ]);
      expect(at('.firestore.rules')).toEqual([expect.stringMatching(/relative to the project/)]);
      expect(at('.firestore.queries.0.orderBy.0')).toEqual([expect.stringMatching(/`field desc`/)]);
      expect(problems.some((problem) => /documents.*colour/.test(problem))).toBe(true);
    } finally {
      bad.remove();
    }
  });
});
