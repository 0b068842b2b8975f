// Values for the scan suites: what each built-in pattern finds, and real content none may flag.

/** Values each built-in pattern must find; every id has some. */
export const FOUND: Record<string, string[]> = {
  'demo-user.reserved-domain': [
    'alice@example.com',
    'bob@mail.example.org',
    'Carol <carol@EXAMPLE.NET>',
    'dev@shop.test',
    'nobody@nowhere.invalid',
    'root@localhost',
    'ops@app.localhost',
    'eve@corp.example',
  ],
  'demo-user.throwaway-domain': [
    'signup@mailinator.com',
    'x@guerrillamailblock.com',
    'y@yopmail.fr',
    'z@grr.la',
  ],
  'demo-user.placeholder-name': [
    'Test User',
    'test user 2',
    'John Doe',
    'jane.doe@corp.io',
    'asdf',
    'Qwerty',
    'foo bar',
  ],
  'test-secret.stripe-test-key': [
    'sk_test_4eC39HqLyjWDarjtT1zdp7dc',
    'key=pk_test_TYooMQauvdEDq54NiTphI7jx',
    'rk_test_51HabcdEfgh',
  ],
  'test-secret.aws-example-key': [
    'AKIAIOSFODNN7EXAMPLE',
    'aws_secret=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  ],
  'test-secret.placeholder-key': [
    'your-api-key-here',
    'YOUR_API_KEY_HERE',
    'changeme',
    'password: change-me',
    'xxxxxxxxxxxx',
    'your api key',
  ],
  'placeholder.lorem-ipsum': [
    'Lorem ipsum dolor sit amet, consectetur adipiscing elit.',
    'text: lorem ipsum',
  ],
  'placeholder.todo': ['TODO', 'todo', 'TODO: write the description', 'Price: TBD', 'tbd', 'FIXME'],
  'placeholder.sample': ['Sample', 'Sample product 2', 'This is a sample', 'some sample text here'],
  'placeholder.untitled': ['Untitled', 'Untitled document', '(untitled)'],
  'placeholder.placeholder-text': ['placeholder', 'a placeholder image'],
};

/** Real content that looks close to a pattern and must not be flagged. */
export const NOT_FOUND = [
  'tbd@company.com',
  'todos',
  'my todo list',
  'Sampled at 10:00',
  'Samples',
  'Free sample included',
  'me@example.community',
  'me@example.com.au',
  'user@mail.test.com',
  'latest@contest.io',
  'someone@gmail.com',
  'QWERTY keyboard',
  'Johnny Doerr',
  'a test user group',
  'Enter your API key',
  'exchange me',
  'XXXXXXXX1234',
  'sk_live_abc',
  'ask_test_abcdefghijkl',
  'Entitled',
  'placeholders',
  'data-placeholder',
  'Lorem',
];
