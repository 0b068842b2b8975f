// Fingerprints of the demo seeds: distinctive values of SQL, JSON and CSV files, minus reference data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Project } from '../../src/core/project.js';
import {
  demoSeedFingerprints,
  type Fingerprints,
  isDistinctive,
} from '../../src/stores/postgres/scan/fingerprints.js';
import { type TempProject, tempProject } from '../helpers/project.js';

describe('isDistinctive', () => {
  it.each([
    'alice@acme-demo.io',
    'Alice Anderson',
    'Acme Demo Store',
    'https://demo.acme.io/img/1.png',
    'ORD-2024-0001',
    'pending review',
  ])('keeps %j', (value) => expect(isDistinctive(value)).toBe(true));

  it.each([
    'Bob',
    'Premium',
    'Electronics',
    'Margaret',
    '123456',
    '3.50',
    '2026-01-31',
    '2026-01-31 10:00:00+00',
    'false',
    'pending_review',
    '  ab  ',
  ])('drops %j', (value) => expect(isDistinctive(value)).toBe(false));
});

describe('demoSeedFingerprints', () => {
  let project: TempProject;
  let prints: Fingerprints;
  beforeAll(async () => {
    project = tempProject();
    project.write(
      'db/seeds/demo/010_users.sql',
      `insert into users (id, email, name, plan, meta) values
  (nextval('users_id_seq_long_name'), 'alice@acme-demo.io', 'Alice Anderson', 'Premium Annual Plan', '{"bio": "Loves hiking in the Alps"}'::jsonb);
update users set name = $$Bobby Tables Jr$$ where email = 'bobby@acme-demo.io';\n`,
    );
    project.write(
      'db/seeds/demo/orders.json',
      JSON.stringify([
        {
          id: 1,
          number: 'ORD-DEMO-0001',
          note: 'Gift wrap please',
          total: 129.5,
          tags: ['demo order', 'Premium'],
        },
      ]),
    );
    project.write(
      'db/seeds/demo/tags.csv',
      'label,description\nDemo Collection,"Handpicked, for the demo"\nSale,\n',
    );
    project.write('db/seeds/demo/broken.sql', 'insert into users values (;\n');
    project.write('db/seeds/reference/plans.json', JSON.stringify([{ name: 'Premium Annual Plan' }]));
    prints = await demoSeedFingerprints(await Project.load(project.dir));
  });
  afterAll(() => project.remove());

  it('takes string literals of SQL seeds from the parse tree, JSON inside them included', async () => {
    expect(prints.lookup('alice@acme-demo.io')).toBe('db/seeds/demo/010_users.sql');
    expect(prints.lookup('Alice Anderson')).toBe('db/seeds/demo/010_users.sql');
    expect(prints.lookup('Bobby Tables Jr')).toBe('db/seeds/demo/010_users.sql');
    expect(prints.lookup('bobby@acme-demo.io')).toBeDefined();
    expect(prints.lookup('Loves hiking in the Alps')).toBe('db/seeds/demo/010_users.sql');
    expect(prints.lookup('users_id_seq_long_name')).toBeUndefined();
  });

  it('takes string values of JSON seeds and fields of CSV seeds, but not numbers', async () => {
    expect(prints.lookup('ORD-DEMO-0001')).toBe('db/seeds/demo/orders.json');
    expect(prints.lookup('demo order')).toBe('db/seeds/demo/orders.json');
    expect(prints.lookup('Handpicked, for the demo')).toBe('db/seeds/demo/tags.csv');
    expect(prints.lookup('Demo Collection')).toBe('db/seeds/demo/tags.csv');
    expect(prints.lookup('129.5')).toBeUndefined();
  });

  it('compares trimmed and case-insensitively, as a char(n) column pads and emails vary in case', async () => {
    expect(prints.lookup('  ALICE@Acme-Demo.io   ')).toBe('db/seeds/demo/010_users.sql');
    expect(prints.lookup('alice@acme-demo.io.')).toBeUndefined();
  });

  it('leaves out common words and every value a reference seed also holds', async () => {
    expect(prints.lookup('Premium')).toBeUndefined();
    expect(prints.lookup('Sale')).toBeUndefined();
    expect(prints.lookup('Premium Annual Plan')).toBeUndefined();
  });

  it('notes a seed file that does not parse, and fingerprints the others', async () => {
    expect(prints.notes).toEqual([
      expect.stringMatching(
        /^db\/seeds\/demo\/broken\.sql: its values are not fingerprinted \(it does not parse/,
      ),
    ]);
    expect(prints.values.size).toBeGreaterThan(5);
  });
});
