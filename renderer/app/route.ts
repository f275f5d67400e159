import { useEffect, useState } from 'react';

/**
 * The screen lives in the URL hash so a reload (or Electron's reload) returns to the same place.
 * Hash routing works the same over http:// and the app's own protocol.
 */
export type Route =
  { screen: 'study' } | { screen: 'results' } | { screen: 'pair'; beforeId: number; afterId: number };

export function parseRoute(hash: string): Route {
  if (hash === '#/results') return { screen: 'results' };
  const match = /^#\/pair\/(\d+)\/(\d+)$/.exec(hash);
  if (match) return { screen: 'pair', beforeId: Number(match[1]), afterId: Number(match[2]) };
  return { screen: 'study' };
}

export function routeHash(route: Route): string {
  if (route.screen === 'results') return '#/results';
  return route.screen === 'pair' ? `#/pair/${route.beforeId}/${route.afterId}` : '#/';
}

export function useRoute(): [Route, (route: Route) => void] {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  const navigate = (next: Route) => {
    window.location.hash = routeHash(next);
  };
  return [route, navigate];
}
