import type { Guardrails } from './billing-policy.js';

export type GuardrailDecision =
  | { readonly isHeld: false }
  | {
      readonly isHeld: true;
      readonly rule: 'max_units' | 'max_percent' | 'max_percent_decrease';
      readonly message: string;
    };

/** Whether moving a contract service from `current` to `target` units needs a human's approval. */
export function checkGuardrails(guardrails: Guardrails, current: number, target: number): GuardrailDecision {
  const change = Math.abs(target - current);
  if (change === 0) return { isHeld: false };
  if (guardrails.maxUnitChange !== null && change > guardrails.maxUnitChange) {
    return {
      isHeld: true,
      rule: 'max_units',
      message: `A change of ${change} units is above the limit of ${guardrails.maxUnitChange} units.`,
    };
  }
  if (guardrails.maxPercentDecrease !== null && target < current && current > 0) {
    const percent = (change / current) * 100;
    if (percent > guardrails.maxPercentDecrease) {
      return {
        isHeld: true,
        rule: 'max_percent_decrease',
        message: `A decrease of ${Math.round(percent)} % is above the limit of ${guardrails.maxPercentDecrease} %.`,
      };
    }
  }
  if (guardrails.maxPercentChange !== null && current > 0) {
    const percent = (change / current) * 100;
    if (percent > guardrails.maxPercentChange) {
      return {
        isHeld: true,
        rule: 'max_percent',
        message: `A change of ${Math.round(percent)} % is above the limit of ${guardrails.maxPercentChange} %.`,
      };
    }
  }
  return { isHeld: false };
}
