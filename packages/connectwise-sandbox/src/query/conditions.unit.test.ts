import { describe, expect, it } from 'vitest';
import { CwError } from '../cw-error.js';
import { matches, parseConditions } from './conditions.js';
import { fieldTypeMap } from './field-types.js';

const types = fieldTypeMap({
  id: 'number',
  name: 'string',
  deletedFlag: 'boolean',
  startDate: 'datetime',
  'company/id': 'number',
  'company/name': 'string',
  'types/name': 'string',
});
const acme = {
  id: 5,
  name: 'Acme [Main] Corp',
  deletedFlag: false,
  startDate: '2026-01-01T00:00:00Z',
  company: { id: 250, name: 'Acme Corporation' },
  types: [{ name: 'Client' }, { name: 'Partner' }],
};

function check(conditions: string): boolean {
  return matches(acme, parseConditions(conditions, types));
}

describe('conditions', () => {
  it.each([
    ['id = 5', true],
    ['id != 5', false],
    ['id < 6 and id > 4', true],
    ['id <= 5 AND id >= 5', true],
    ['name = "acme [[]main] corp"', true],
    ["name = 'ACME [[]Main] Corp'", true],
    ['name contains "main"', true],
    ['name not contains "main"', false],
    ['name like "Acme%"', true],
    ['name like "*Corp"', true],
    ['name not like "Beta%"', true],
    ['id in (1, 2, 5)', true],
    ['id not in (1,2)', true],
    ['deletedFlag = False', true],
    ['deletedFlag = true', false],
    ['startDate >= [2026-01-01T00:00:00Z]', true],
    ['startDate > [2026-01-01T00:00:00.000Z]', false],
    ['company/id = 250 and company/name like "Acme%"', true],
    ['id = 1 or (company/id = 250 and deletedFlag = false)', true],
    ['(id = 1 or id = 2) and company/id = 250', false],
    ['types/name = "Partner"', true],
    ['company/name != null', true],
    ['name = null', false],
  ])('%s → %s', (conditions, expected) => {
    expect(check(conditions)).toBe(expected);
  });

  it.each([
    ['deletedFlag = 1', /Expected a boolean value, not a numeric/],
    ['id = "5"', /Expected a numeric value, not a string/],
    ['name = Acme', /Expected a value/],
    ['startDate > "2026-01-01"', /Expected a DateTime value/],
    ['unknownField = 1', /Unknown field 'unknownField'/],
    ['id = 1 and', /Expected a field name/],
    ['(id = 1', /Missing closing parenthesis/],
    ['name = "open', /closing quote/],
    ['startDate > [yesterday]', /not a valid DateTime/],
    ['id contains 5', /string fields only|Expected a numeric value/],
  ])('%s is refused with an explanation', (conditions, message) => {
    let caught: unknown;
    try {
      parseConditions(conditions, types);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CwError);
    expect((caught as CwError).status).toBe(400);
    expect((caught as CwError).message).toMatch(message);
  });
});
