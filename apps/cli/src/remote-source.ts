import type {
  Forecast,
  OptimizerMetrics,
  ProfileChange,
  Recommendation,
  RecommendationPriority,
} from '@bi-perf/core'
import type { ApiClient } from './api-client.js'
import { UnknownProfileError } from './errors.js'
import type { Source, StatusReport } from './source.js'

/**
 * A {@link Source} backed by a bi-perf API.
 *
 * @example
 * const source = createRemoteSource(createApiClient({ url, token }))
 * const status = await source.status()
 */
export function createRemoteSource(api: ApiClient): Source {
  return {
    mode: 'remote',
    label: api.url,
    async status() {
      const status = await api.get<
        Omit<StatusReport, 'forecasts'> & { forecasts?: StatusReport['forecasts'] }
      >('/performance/status')
      return {
        ...status,
        instance: status.instance ?? null,
        version: status.version ?? null,
        // An API from before forecasts answers without them.
        forecasts: status.forecasts ?? [],
      }
    },
    metrics() {
      return api.get<OptimizerMetrics>('/performance/metrics')
    },
    async optimize(profile) {
      try {
        return await api.post<ProfileChange>(`/performance/optimize/${encodeURIComponent(profile)}`)
      } catch (error) {
        // The API's message quotes the name its way; report the name as typed.
        if (error instanceof UnknownProfileError) {
          throw new UnknownProfileError(profile, error.validProfiles)
        }
        throw error
      }
    },
    async clearCache(options) {
      const body = await api.post<{ removed: number }>('/performance/cache/clear', options)
      return body.removed
    },
    async recommendations(priority?: RecommendationPriority) {
      const body = await api.get<{ recommendations: Recommendation[]; forecasts?: Forecast[] }>(
        '/performance/recommendations',
        { priority },
      )
      // An API from before forecasts answers `{ recommendations }` alone.
      return { recommendations: body.recommendations, forecasts: body.forecasts ?? [] }
    },
    async close() {},
  }
}
