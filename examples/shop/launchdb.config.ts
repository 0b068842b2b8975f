import { defineConfig } from 'launchdb';

// The example shop's data layer: what `npm run demo` makes launch-ready.
export default defineConfig({
  project: 'shop',
  environments: {
    development: { postgres: {} },
    staging: { postgres: {} },
    production: { postgres: {} },
  },
});
