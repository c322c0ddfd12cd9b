import { defaultServerConditions } from 'vite'
import { defineProject } from 'vitest/config'

/** Resolve workspace packages to their TypeScript source, so tests never need a prior build. */
const sourceConditions = ['@bi-perf/source', ...defaultServerConditions]

/**
 * The vitest project every bi-perf package uses. Unit tests sit beside the code (`src/*.test.ts`),
 * integration tests against real services in `test/`.
 *
 * @param {string} name the project name shown in vitest's output
 * @param {import('vitest/config').UserWorkspaceConfig['test']} [test] extra test options
 */
export function packageTests(name, test = {}) {
  return defineProject({
    resolve: { conditions: sourceConditions },
    ssr: { resolve: { conditions: sourceConditions } },
    test: {
      name,
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      environment: 'node',
      testTimeout: 20_000,
      hookTimeout: 20_000,
      ...test,
    },
  })
}
