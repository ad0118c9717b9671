import type { CSSProperties } from 'react';

/** Read by screen readers, invisible on screen (a plain style: `sx` would read 1 as 100%). */
export const visuallyHidden: CSSProperties = {
  position: 'absolute',
  width: '1px',
  height: '1px',
  margin: '-1px',
  padding: 0,
  border: 0,
  overflow: 'hidden',
  whiteSpace: 'nowrap',
  clipPath: 'inset(50%)',
};
