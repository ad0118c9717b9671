#!/usr/bin/env node
// Runs the TypeScript CLI directly (tsx's ESM loader): no build step on the server.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
