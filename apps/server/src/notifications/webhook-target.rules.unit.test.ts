import { describe, expect, it } from 'vitest';

import { checkWebhookUrl, classifyAddress, type BlockedAddressReason } from './webhook-target.rules.js';

describe('classifyAddress', () => {
  it.each<[string, BlockedAddressReason | null]>([
    ['93.184.216.34', null],
    ['8.8.8.8', null],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', null],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'metadata'],
    ['169.254.1.1', 'link_local'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.255', 'cgnat'],
    ['100.128.0.1', null],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['fe80::1', 'link_local'],
    ['fe80::1%eth0', 'link_local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:8.8.8.8', null],
    ['2606:4700:4700::1111', null],
    ['not-an-ip', 'invalid'],
  ])('%s → %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });
});

describe('checkWebhookUrl', () => {
  it.each<[string, boolean, string | null]>([
    ['https://hooks.example.com/x', false, null],
    ['http://hooks.example.com/x', false, 'https_required'],
    ['http://127.0.0.1:9999/x', true, null],
    ['https://127.0.0.1/x', false, 'blocked_address'],
    ['https://[::1]/x', false, 'blocked_address'],
    ['https://localhost/x', false, 'blocked_address'],
    ['https://169.254.169.254/latest', false, 'blocked_address'],
    ['https://10.1.2.3/x', false, 'blocked_address'],
    ['ftp://hooks.example.com/x', false, 'invalid_url'],
    ['https://user:pw@hooks.example.com/x', false, 'invalid_url'],
    ['not a url', true, 'invalid_url'],
  ])('%s (allow private %s) → %s', (url, isPrivateAllowed, rule) => {
    expect(checkWebhookUrl(url, isPrivateAllowed)?.rule ?? null).toBe(rule);
  });
});
