import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError } from './api.js';

export interface Resource<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload: () => Promise<T | undefined>;
  setData: (data: T) => void;
}

/** Loads `path` from the API (again whenever the path changes); null skips loading. */
export function useResource<T>(path: string | null): Resource<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError>();
  const [loading, setLoading] = useState(path !== null);
  const latest = useRef(path);
  latest.current = path;

  const reload = useCallback(async () => {
    if (path === null) return undefined;
    setLoading(true);
    try {
      const result = await api.get<T>(path);
      if (latest.current === path) {
        setData(result);
        setError(undefined);
      }
      return result;
    } catch (e) {
      if (latest.current === path) setError(e instanceof ApiError ? e : new ApiError(0, 'INTERNAL', String(e)));
      return undefined;
    } finally {
      if (latest.current === path) setLoading(false);
    }
  }, [path]);

  useEffect(() => {
    setData(undefined);
    void reload();
  }, [reload]);

  return { data, error, loading, reload, setData };
}
