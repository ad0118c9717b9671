import { defineConfig } from 'vitest/config';

// One runner, several projects. The file suffix decides what a test may touch:
//   *.unit.test.ts  pure code, no I/O
//   *.http.test.ts  real HTTP on loopback (the Autotask sandbox and our client), no database
//   *.int.test.ts   a real database: run twice, once on SQLite and once on PostgreSQL
//   *.test.tsx      web components in jsdom
//   *.e2e.test.ts   the built console in Debian's Chromium (Playwright)
const common = { env: { TZ: 'UTC' }, testTimeout: 30_000, hookTimeout: 60_000 } as const;

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...common,
          name: 'unit',
          include: ['{apps,packages,bench}/**/*.unit.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          ...common,
          name: 'http',
          include: ['{apps,packages}/**/*.http.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          ...common,
          name: 'int-sqlite',
          include: ['apps/**/*.int.test.ts'],
          env: { ...common.env, DB_DRIVER: 'sqlite' },
        },
      },
      {
        test: {
          ...common,
          name: 'int-postgres',
          include: ['apps/**/*.int.test.ts'],
          env: { ...common.env, DB_DRIVER: 'postgres' },
          globalSetup: ['apps/server/test/postgres.global-setup.ts'],
        },
      },
      {
        test: {
          ...common,
          name: 'web',
          include: ['apps/web/**/*.test.tsx'],
          environment: 'jsdom',
        },
      },
      {
        test: {
          ...common,
          name: 'e2e',
          include: ['apps/**/*.e2e.test.ts'],
          testTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
