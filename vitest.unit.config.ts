import base from './vitest.config';

// `npm run test:unit`: the quick loop — the same projects as vitest.config.ts without the tests
// that need a browser, Deno or Bun, or install the package (those run in `npm test` and in CI).
const slow = [
  'test/runtimes/**',
  'test/examples.test.ts',
  'test/examples-errors.test.ts',
  'test/playground.test.ts',
  'test/package-quality.test.ts',
  'test/install.test.ts',
  'test/catchup/extension-restart.test.ts',
  'test/catchup/extension-matrix.test.ts',
  'test/dashboard-resume.test.ts',
];

type Project = { test?: { exclude?: string[] } };
const projects = (base.test?.projects ?? []) as Project[];

export default {
  ...base,
  test: {
    ...base.test,
    projects: projects.map((p) => ({ ...p, test: { ...p.test, exclude: [...(p.test?.exclude ?? []), ...slow] } })),
  },
};
