#!/usr/bin/env node
// Runs the TypeScript sources directly: the sandbox is a dev/test tool and has no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
