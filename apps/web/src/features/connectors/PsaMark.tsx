import { AutotaskMark } from './AutotaskMark.js';
import { ConnectWiseMark } from './ConnectWiseMark.js';

/** The PSA's name as its users know it, for a connector's kind. */
export const psaLabel = (kind: string): string => (kind === 'connectwise' ? 'ConnectWise PSA' : 'Autotask');

/** The neutral badge of a connector's PSA. */
export function PsaMark({ kind, size }: { kind: string; size?: number }) {
  return kind === 'connectwise' ? <ConnectWiseMark size={size} /> : <AutotaskMark size={size} />;
}
