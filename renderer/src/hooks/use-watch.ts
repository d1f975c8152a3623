/** Follows a GateOpsApi subscription from a component: the latest event, undefined until the first. */
import { useEffect, useState } from 'react';

export function useWatch<T>(
  subscribe: (listener: (event: T) => void) => () => void,
  key: string,
): T | undefined {
  const [state, setState] = useState<{ key: string; value: T | undefined }>({
    key,
    value: undefined,
  });
  useEffect(() => {
    const stop = subscribe((value) => setState({ key, value }));
    return stop;
    // `key` stands for the request: resubscribe only when it changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return state.key === key ? state.value : undefined;
}
