import { createContext, useContext } from 'react';
import type { AppApi } from './client';

export const ApiContext = createContext<AppApi | null>(null);

/** The API client for components; provided once at the root. */
export function useAppApi(): AppApi {
  const value = useContext(ApiContext);
  if (!value) throw new Error('useAppApi() used outside <ApiContext.Provider>');
  return value;
}
