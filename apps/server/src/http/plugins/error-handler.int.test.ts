import type { ErrorEnvelope } from '@coro/contracts';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, type TestApp } from '../../../test/test-app.js';
import { isDatabaseUnavailable, testDialect } from '../../../test/test-database.js';
import { AppError } from '../../app/app-error.js';

describe.skipIf(isDatabaseUnavailable())(`error envelope (${testDialect()})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      config: { bodyLimitBytes: 2048 },
      extraRoutes: (app) => {
        app.get('/api/test/boom', { config: { auth: 'public' } }, () => {
          throw new Error('secret-internal-detail password=hunter2');
        });
        app.get('/api/test/conflict', { config: { auth: 'public' } }, () => {
          throw new AppError('conflict', 'Already exists.', { field: 'name' });
        });
      },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  const envelope = (body: string) => JSON.parse(body) as ErrorEnvelope;

  it.each([
    [
      'malformed JSON',
      400,
      'bad_request',
      {
        method: 'POST',
        url: '/api/auth/login',
        payload: '{"email":',
        headers: { 'content-type': 'application/json' },
      },
    ],
    [
      'empty JSON body',
      400,
      'bad_request',
      {
        method: 'POST',
        url: '/api/auth/login',
        payload: '',
        headers: { 'content-type': 'application/json' },
      },
    ],
    [
      'wrong types',
      400,
      'validation_failed',
      { method: 'POST', url: '/api/auth/login', payload: { email: 42, password: [] } },
    ],
    [
      'unsupported media type',
      415,
      'unsupported_media_type',
      {
        method: 'POST',
        url: '/api/auth/login',
        payload: '<email/>',
        headers: { 'content-type': 'application/xml' },
      },
    ],
    [
      'oversized body',
      413,
      'payload_too_large',
      { method: 'POST', url: '/api/auth/login', payload: { email: 'a@b.c', password: 'x'.repeat(5000) } },
    ],
    ['unknown API route', 404, 'not_found', { method: 'GET', url: '/api/does-not-exist' }],
    ['unknown method on a route', 404, 'not_found', { method: 'DELETE', url: '/api/auth/me' }],
    ['unknown non-API path without a console', 404, 'not_found', { method: 'GET', url: '/whatever' }],
    ['AppError from a handler', 409, 'conflict', { method: 'GET', url: '/api/test/conflict' }],
  ] as const)('%s → %i %s', async (_name, status, code, request) => {
    const response = await t.app.inject(request as InjectOptions);
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toContain('application/json');
    const body = envelope(response.body);
    expect(body.error.code).toBe(code);
    expect(body.reqId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('keeps details of AppErrors', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/test/conflict' });
    expect(envelope(response.body)).toMatchObject({
      error: { code: 'conflict', message: 'Already exists.', details: { field: 'name' } },
    });
  });

  it('answers 500 internal for bugs without leaking the message', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/test/boom' });
    expect(response.statusCode).toBe(500);
    expect(envelope(response.body).error.code).toBe('internal');
    expect(response.body).not.toContain('secret-internal-detail');
    expect(response.body).not.toContain('hunter2');
  });

  it('validates params: a non-id answers 400, an unknown id 404', async () => {
    const headers = await t.login('admin');
    const bad = await t.app.inject({ method: 'GET', url: '/api/workspaces/not-an-id', headers });
    expect(bad.statusCode).toBe(400);
    expect(envelope(bad.body).error.code).toBe('validation_failed');
    const unknown = await t.app.inject({
      method: 'GET',
      url: '/api/workspaces/01900000-0000-7000-8000-000000000000',
      headers,
    });
    expect(unknown.statusCode).toBe(404);
  });

  it('validates query strings with codes', async () => {
    const headers = await t.login('admin');
    const response = await t.app.inject({
      method: 'GET',
      url: `/api/workspaces/${t.seed.channel.id}/children?limit=abc&status=Bogus`,
      headers,
    });
    expect(response.statusCode).toBe(400);
    expect(envelope(response.body).error.code).toBe('validation_failed');
  });

  it('serves the OpenAPI document with named schemas', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/docs/json' });
    expect(response.statusCode).toBe(200);
    const doc = response.json<{
      paths: Record<string, unknown>;
      components: { schemas: Record<string, unknown> };
    }>();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/auth/login',
        '/api/workspaces/{channelId}/children',
        '/api/channels/{channelId}/usage',
      ]),
    );
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['UserSummary', 'Workspace', 'MachineToken', 'CatalogService']),
    );
  });

  it('sets security headers', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });
});
