/**
 * Import boundaries (issue 9, ADR 0008 neighbourhood). `npm run lint:deps` runs this in CI.
 * Each rule says why it exists; a violation means a layer reaches where it should not.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'A cycle means two modules cannot be understood (or loaded) apart. Type-only cycles count too.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'The domain is pure logic: it may import only itself, the PSA port types and the contracts.',
      from: { path: '^apps/server/src/domain/', pathNot: '\\.test\\.ts$' },
      to: {
        pathNot: [
          '^apps/server/src/domain/',
          '^apps/server/src/psa/psa-provider\\.port\\.ts$',
          '^packages/contracts/',
        ],
      },
    },
    {
      name: 'psa-knowledge-stays-in-its-folder',
      severity: 'error',
      comment:
        "Only integrations/<psa>/ knows a PSA's fields, URLs and quirks; the rest of the server wires it through the folder's index.ts.",
      from: { path: '^apps/server/src/', pathNot: '^apps/server/src/integrations/([^/]+)/' },
      to: {
        path: '^apps/server/src/integrations/[^/]+/',
        pathNot: '^apps/server/src/integrations/[^/]+/index\\.ts$',
      },
    },
    {
      name: 'integrations-do-not-know-each-other',
      severity: 'error',
      comment: 'Two PSAs share the port, never each other’s code.',
      from: { path: '^apps/server/src/integrations/([^/]+)/' },
      to: { path: '^apps/server/src/integrations/', pathNot: '^apps/server/src/integrations/$1/' },
    },
    {
      name: 'integrations-below-the-app',
      severity: 'error',
      comment:
        'A PSA adapter implements the port; it must not reach into HTTP routes, jobs, sync or the database.',
      from: { path: '^apps/server/src/integrations/' },
      to: { path: '^apps/server/src/(http|jobs|sync|db|mappings|connectors|app)/' },
    },
    {
      name: 'sandboxes-share-nothing',
      severity: 'error',
      comment: 'ADR 0003: a sandbox is an independent reading of the PSA API; it imports nothing of ours.',
      from: { path: '^packages/[^/]+-sandbox/' },
      to: { path: '^(apps/|packages/)', pathNot: '^packages/([^/]+-sandbox)/' },
    },
    {
      name: 'sandbox-is-self-contained',
      severity: 'error',
      comment: 'One sandbox does not import another.',
      from: { path: '^packages/([^/]+-sandbox)/' },
      to: { path: '^packages/[^/]+-sandbox/', pathNot: '^packages/$1/' },
    },
    {
      name: 'server-does-not-import-sandboxes',
      severity: 'error',
      comment: 'Product code never depends on a sandbox; only tests, benches and the demo start one.',
      from: {
        path: '^apps/server/src/',
        pathNot: ['\\.test\\.ts$', '\\.test-support\\.ts$', '\\.child\\.ts$', '^apps/server/src/demo/'],
      },
      to: { path: '^packages/[^/]+-sandbox/' },
    },
    {
      name: 'web-does-not-import-server',
      severity: 'error',
      comment: 'The console talks to the server through packages/contracts and HTTP only.',
      from: { path: '^apps/web/' },
      to: { path: '^apps/server/' },
    },
    {
      name: 'contracts-import-nothing-of-ours',
      severity: 'error',
      comment: 'Contracts are the shared vocabulary; they sit below everything.',
      from: { path: '^packages/contracts/' },
      to: { path: '^(apps/|packages/)', pathNot: '^packages/contracts/' },
    },
    {
      name: 'product-does-not-import-tests',
      severity: 'error',
      comment: 'Test helpers may import product code, never the reverse.',
      from: {
        path: '^apps/(server|web)/src/',
        pathNot: ['\\.test\\.tsx?$', '\\.test-support\\.ts$', '\\.child\\.ts$'],
      },
      to: { path: ['\\.test\\.tsx?$', '^apps/server/test/', '\\.test-support\\.ts$'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['(^|/)dist/', '^node_modules/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs'],
    },
    combinedDependencies: true,
    reporterOptions: { text: { highlightFocused: true } },
  },
};
